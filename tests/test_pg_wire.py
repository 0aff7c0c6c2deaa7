"""The sign-in window's own PostgreSQL client (store/pg_wire.py): against the test server, and
against a scripted server for what a real one does only when something is wrong."""

from __future__ import annotations

import base64
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from conftest import postgres_server
from sqlalchemy.engine import make_url

from practice_action.store import pg_wire
from practice_action.store.peek import is_server_error, peek_sign_in_server


def _address(url: str, timeout: float = 10) -> pg_wire.Address:
    return pg_wire.address(url, timeout=timeout, application_name="practice-action-test")


def _session_ssl(connection: object) -> bool:
    rows = connection.execute(  # type: ignore[attr-defined]
        "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
    )
    return bool(rows[0][0])


@pytest.fixture
def server_url() -> str:
    return make_url(postgres_server()).set(drivername="postgresql").render_as_string(False)


@pytest.mark.postgres
def test_the_client_reads_and_writes_as_psycopg_does(server_url: str) -> None:
    connection = pg_wire.Connection(_address(server_url))
    try:
        rows = connection.execute(
            "SELECT %s::int + 1, %s::text, %s::bool, %s::boolean, %s::text IS NULL,"
            " %s::timestamptz, %s::date, %s::numeric, %s::bytea, 'a%%b', %s::bigint",
            (
                41,
                "Dr Siân O'Neill; DROP TABLE x",
                True,
                False,
                None,
                datetime(2026, 12, 3, 8, 30, 0, 123456, tzinfo=UTC),
                date(2027, 1, 4),
                Decimal("2.50"),
                b"\x00\xffpdf",
                2**40,
            ),
        )
        assert rows == [
            (
                42,
                "Dr Siân O'Neill; DROP TABLE x",
                True,
                False,
                True,
                datetime(2026, 12, 3, 8, 30, 0, 123456, tzinfo=UTC),
                date(2027, 1, 4),
                Decimal("2.50"),
                b"\x00\xffpdf",
                "a%b",
                2**40,
            )
        ]
        # A time comes back at its offset whatever the session's zone, to the microsecond.
        connection.execute("SET TIME ZONE 'Asia/Kolkata'")
        (stamp,) = connection.execute(
            "SELECT %s::timestamptz", (datetime(2026, 3, 29, 1, 0, 1, 5, tzinfo=UTC),)
        )[0]
        assert stamp == datetime(2026, 3, 29, 1, 0, 1, 5, tzinfo=UTC)
        assert stamp.utcoffset() == timedelta(hours=5, minutes=30)
        # A server's error leaves the connection usable; a transaction rolls back on error.
        with pytest.raises(pg_wire.ServerError) as raised:
            connection.execute("SELECT no_such_column")
        assert raised.value.sqlstate == "42703"
        connection.execute("CREATE TEMPORARY TABLE note (id int PRIMARY KEY, word text)")
        with pytest.raises(pg_wire.ServerError), connection.transaction():
            connection.execute("INSERT INTO note VALUES (%s, %s)", (1, "kept?"))
            connection.execute("INSERT INTO note VALUES (%s, %s)", (1, "twice"))
        with connection.transaction():
            connection.execute("INSERT INTO note VALUES (%s, %s)", (2, "kept"))
        assert connection.execute("SELECT id, word FROM note ORDER BY id") == [(2, "kept")]
        cursor = connection.cursor()
        cursor.execute("SELECT generate_series(1, 3)")
        assert cursor.fetchone() == (1,)
        assert cursor.fetchall() == [(2,), (3,)]
        assert cursor.fetchone() is None
    finally:
        connection.close()
    assert connection.closed
    with pytest.raises(pg_wire.WireError):
        connection.execute("SELECT 1")


@pytest.mark.postgres
def test_tls_is_used_exactly_when_libpq_uses_it(server_url: str) -> None:
    """The same address gives the same encryption as psycopg (libpq) gives it: TLS when the
    server offers it under the default sslmode=prefer, none under sslmode=disable."""
    import psycopg

    for query in ("", "?sslmode=disable", "?sslmode=prefer"):
        with psycopg.connect(server_url + query) as theirs:
            libpq_ssl = theirs.execute(
                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
            ).fetchone()[0]
        ours = pg_wire.Connection(_address(server_url + query))
        try:
            assert _session_ssl(ours) == libpq_ssl, query
            assert ours._tls == libpq_ssl
        finally:
            ours.close()


@pytest.mark.postgres
def test_the_test_server_offers_tls_so_that_the_tls_path_is_tested(server_url: str) -> None:
    """CI turns TLS on in the test server (.ci/run); elsewhere a server without it skips."""
    import os

    connection = pg_wire.Connection(_address(server_url))
    try:
        on = _session_ssl(connection)
    finally:
        connection.close()
    if not on:
        if os.environ.get("CI") == "true":
            pytest.fail("the CI server must offer TLS (.ci/run)")
        pytest.skip("this PostgreSQL server does not offer TLS")
    chosen: list[str] = []
    original = pg_wire._Scram.run

    def run(self: pg_wire._Scram) -> None:
        chosen.append(self.mechanism)
        original(self)

    pg_wire._Scram.run = run  # type: ignore[method-assign]
    try:
        connection = pg_wire.Connection(_address(server_url + "?sslmode=require"))
        connection.close()
    finally:
        pg_wire._Scram.run = original  # type: ignore[method-assign]
    # bound to the certificate, as libpq's channel_binding=prefer; a wrong binding is refused
    assert chosen == ["SCRAM-SHA-256-PLUS"]


@pytest.mark.postgres
def test_a_wrong_password_is_the_servers_answer_and_nothing_is_kept(server_url: str) -> None:
    wrong = make_url(server_url).set(password="not-the-password").render_as_string(False)
    with pytest.raises(pg_wire.ServerError) as raised:
        pg_wire.Connection(_address(wrong))
    assert raised.value.sqlstate == "28P01"
    assert is_server_error(raised.value)
    assert peek_sign_in_server(wrong) is None


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("postgresql:///practice", "socket"),
        ("postgresql://u:p@%2Fvar%2Frun%2Fpostgresql/practice", "socket"),
        ("postgresql://u:p@one,two/practice", "several hosts"),
        ("postgresql://u@server/practice", "no user or password"),
        ("postgresql://server/practice", "no user or password"),
        ("postgresql://u:p@server/practice?sslmode=verify-full", "sslmode=verify-full"),
        ("postgresql://u:p@server/practice?sslmode=allow", "sslmode=allow"),
        ("postgresql://u:p@server/practice?channel_binding=require", "settings"),
        ("postgresql://u:p@server/practice?sslrootcert=/x.crt", "settings"),
        ("mysql://u:p@server/practice", "not a PostgreSQL address"),
        ("postgresql://u:p@[dbhost]/practice", "cannot read"),
        ("postgresql://u:p@[::1/practice", "cannot read"),
        ("postgresql://u%00:p@server/practice", "NUL"),
        ("postgresql://u:p@server/practice#2", "#"),
        ("postgresql://u:p@server/pr%zzactice", "escape"),
        ("postgresql://u:p@server/practice?application_name=Front+Desk", r"\+"),
        ("postgresql://u:@server/practice", "no user or password"),
        ("postgresql://:p@server/practice", "no user or password"),
    ],
)
def test_addresses_the_client_does_not_serve_are_left_to_psycopg(url: str, why: str) -> None:
    with pytest.raises(pg_wire.Unsupported, match=why):
        _address(url)


def test_libpq_settings_in_the_environment_or_its_key_files_are_left_to_psycopg(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    url = "postgresql://u:p@server:6543/practice?connect_timeout=3&application_name=desk"
    where = _address(url)
    # the caller's timeout and name win over the address's, as psycopg's keyword arguments do
    assert (where.host, where.port, where.database, where.timeout) == (
        "server",
        6543,
        "practice",
        10,
    )
    assert where.application_name == "practice-action-test" and where.sslmode == "prefer"
    assert "hunter22" not in repr(_address("postgresql://u:hunter22@server/practice"))
    monkeypatch.setenv("PGSSLMODE", "verify-full")
    with pytest.raises(pg_wire.Unsupported, match="environment"):
        _address(url)
    monkeypatch.delenv("PGSSLMODE")
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".postgresql").mkdir()
    (tmp_path / ".postgresql" / "root.crt").write_text("a practice's own certificate authority")
    with pytest.raises(pg_wire.Unsupported, match="postgresql"):
        _address(url)
    (tmp_path / ".postgresql" / "root.crt").unlink()
    assert _address(url).host == "server"
    monkeypatch.setenv("KRB5CCNAME", "FILE:/tmp/krb5cc_practice")
    with pytest.raises(pg_wire.Unsupported, match="Kerberos"):
        _address(url)


def test_on_windows_libpqs_certificates_are_looked_for_where_it_looks(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    """libpq reads %APPDATA%\\postgresql\\root.crt on Windows, not ~/.postgresql."""
    url = "postgresql://u:p@server/practice"
    monkeypatch.setattr(pg_wire.sys, "platform", "win32")
    monkeypatch.setenv("APPDATA", str(tmp_path))
    assert _address(url).host == "server"
    (tmp_path / "postgresql").mkdir()
    (tmp_path / "postgresql" / "postgresql.key").write_text("a desk's own key")
    with pytest.raises(pg_wire.Unsupported, match="certificate"):
        _address(url)
    monkeypatch.delenv("APPDATA")
    with pytest.raises(pg_wire.Unsupported, match="APPDATA"):
        _address(url)


# --- a scripted server ---------------------------------------------------------------------


def _message(kind: bytes, body: bytes) -> bytes:
    return kind + struct.pack("!i", len(body) + 4) + body


def _auth(method: int, rest: bytes = b"") -> bytes:
    return _message(b"R", struct.pack("!i", method) + rest)


Reply = bytes | Callable[[bytes], bytes | None]


class Scripted:
    """A server on a local port that answers each message from the client with the next of
    ``replies`` (bytes, or a function of what the client sent giving bytes, or None to hang
    up), and keeps all the client sent."""

    def __init__(self, replies: list[Reply]) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.received = b""
        self.replies = replies
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        peer, _ = self.listener.accept()
        with peer:
            peer.settimeout(5)
            try:
                for reply in self.replies:
                    chunk = peer.recv(65536)
                    self.received += chunk
                    answer = reply(chunk) if callable(reply) else reply
                    if answer is None:
                        return
                    peer.sendall(answer)
                while chunk := peer.recv(65536):
                    self.received += chunk
            except OSError:
                return

    def url(self, query: str = "") -> str:
        return f"postgresql://desk:S3cret-pin-pass@127.0.0.1:{self.port}/practice{query}"

    def close(self) -> None:
        self.thread.join(5)
        self.listener.close()


@pytest.fixture
def scripted() -> Iterator[Callable[[list[Reply]], Scripted]]:
    made: list[Scripted] = []

    def make(replies: list[Reply]) -> Scripted:
        made.append(Scripted(replies))
        return made[-1]

    yield make
    for server in made:
        server.close()


@pytest.mark.parametrize(("method", "name"), [(3, "cleartext"), (5, "md5"), (7, "GSSAPI")])
def test_a_server_asking_another_password_method_gets_no_password(
    scripted: Callable[[list[Reply]], Scripted], method: int, name: str
) -> None:
    """md5, cleartext or Kerberos: left to psycopg before any of the password is sent."""
    server = scripted([b"N", _auth(method, b"salt" if method == 5 else b"")])
    with pytest.raises(pg_wire.Unsupported, match="authentication method"):
        pg_wire.Connection(_address(server.url()))
    server.close()
    assert b"S3cret" not in server.received
    assert b"desk" in server.received  # the start-up message named the user, as libpq's does


def test_a_server_without_tls_is_refused_under_sslmode_require(
    scripted: Callable[[list[Reply]], Scripted],
) -> None:
    server = scripted([b"N"])
    with pytest.raises(pg_wire.ServerError, match="does not offer TLS"):
        pg_wire.Connection(_address(server.url("?sslmode=require")))
    server.close()
    assert server.received == struct.pack("!ii", 8, pg_wire.SSL_REQUEST)  # and nothing more


def test_a_server_that_cannot_prove_it_knows_the_password_is_refused(
    scripted: Callable[[list[Reply]], Scripted],
) -> None:
    """An impostor can echo the nonce and send a salt, but not the server's signature: the
    client refuses the session, and its proof never carried the password itself."""

    def server_first(sent: bytes) -> bytes:
        nonce = sent.split(b"r=", 1)[1]
        return _auth(11, b"r=" + nonce + b"impostor,s=" + base64.b64encode(b"salt") + b",i=4096")

    server = scripted(
        [
            b"N",
            _auth(10, b"SCRAM-SHA-256\0\0"),
            server_first,
            _auth(12, b"v=" + base64.b64encode(b"\0" * 32)),
        ]
    )
    with pytest.raises(pg_wire.WireError, match="did not prove"):
        pg_wire.Connection(_address(server.url()))
    server.close()
    assert b"c=biws" in server.received  # no TLS: "n,," (no channel binding), as libpq sends
    assert b"S3cret" not in server.received


def _scram_first(sent: bytes) -> bytes:
    nonce = sent.split(b"r=", 1)[1]
    return _auth(11, b"r=" + nonce + b"x,s=" + base64.b64encode(b"salt") + b",i=4096")


@pytest.mark.parametrize(
    "replies",
    [
        [b"N", _message(b"R", b"\0\0")],  # an authentication request too short to read
        [b"N", _auth(10, b"\xff\xfeSCRAM\0\0")],  # a mechanism name that is not UTF-8
        [b"N", _auth(10, b"SCRAM-SHA-256\0\0"), lambda sent: _auth(11, b"r=x,i=4096")],
        [
            b"N",
            _auth(10, b"SCRAM-SHA-256\0\0"),
            lambda sent: _scram_first(sent).replace(b"c2FsdA==", b"!!!"),  # not base64
        ],
        [
            b"N",
            _auth(10, b"SCRAM-SHA-256\0\0"),
            lambda sent: _scram_first(sent).replace(b"i=4096", b"i=x"),
        ],
        [
            b"N",
            _auth(10, b"SCRAM-SHA-256\0\0"),
            lambda sent: _scram_first(sent).replace(b"i=4096", b"i=99999999999"),
        ],
        [b"N", b"Z\x7f\xff\xff\xffI"],  # a message claiming 2 GB
        [b"N", b"\0"],  # not a message at all, then silence
    ],
)
def test_a_malformed_answer_is_a_wire_error_not_a_crash(
    scripted: Callable[[list[Reply]], Scripted], replies: list[Reply]
) -> None:
    """Whatever a broken proxy or an impostor sends, the caller gets WireError (and falls
    back to the ordinary opening), never another exception out of the sign-in window."""
    server = scripted(replies)
    with pytest.raises(pg_wire.WireError):
        pg_wire.Connection(_address(server.url(), timeout=2))
    server.close()
    assert b"S3cret" not in server.received


def test_channel_binding_offered_over_plain_tcp_is_refused_as_libpq_refuses_it(
    scripted: Callable[[list[Reply]], Scripted],
) -> None:
    server = scripted([b"N", _auth(10, b"SCRAM-SHA-256-PLUS\0SCRAM-SHA-256\0\0")])
    with pytest.raises(pg_wire.WireError, match="without TLS"):
        pg_wire.Connection(_address(server.url()))
    server.close()
    assert b"SCRAM" not in server.received.split(b"practice-action-test", 1)[1]


def test_a_server_that_trickles_its_answer_is_given_up_on_within_the_timeout(
    scripted: Callable[[list[Reply]], Scripted],
) -> None:
    """The timeout bounds the whole exchange, not each read: a byte every 0.3 s does not
    hold the window for ever."""

    def trickle(sent: bytes) -> bytes:
        for byte in b"R\0\0\0\x08":
            time.sleep(0.3)
            trickled.append(byte)
        return b""

    trickled: list[int] = []
    server = scripted([b"N", trickle])
    started = time.monotonic()
    with pytest.raises(pg_wire.WireError):
        pg_wire.Connection(_address(server.url(), timeout=1))
    assert time.monotonic() - started < 1.5
    server.close()


def test_a_connection_lost_mid_statement_is_closed_not_reused(
    scripted: Callable[[list[Reply]], Scripted],
) -> None:
    ready = _message(b"Z", b"I")
    server = scripted(
        [b"N", _auth(0) + _message(b"S", b"TimeZone\0UTC\0") + ready, lambda sent: None]
    )
    connection = pg_wire.Connection(_address(server.url()))
    with pytest.raises(pg_wire.WireError, match="closed the connection"):
        connection.execute("SELECT 1")
    assert connection.closed
    server.close()


@pytest.mark.postgres
def test_a_value_of_a_type_not_known_here_stops_the_early_path(server_url: str) -> None:
    connection = pg_wire.Connection(_address(server_url))
    with pytest.raises(pg_wire.Unsupported, match="type"):
        connection.execute("SELECT '(1,2)'::point")
    assert connection.closed  # the half-read answer is not left on the connection


def test_offsets_are_kept() -> None:
    assert pg_wire._decode(1184, "2026-10-25 01:30:00.5+01") == datetime(
        2026, 10, 25, 1, 30, 0, 500000, tzinfo=timezone(timedelta(hours=1))
    )
    with pytest.raises(pg_wire.Unsupported):
        pg_wire._decode(1184, "infinity")
