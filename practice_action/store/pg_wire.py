"""A small PostgreSQL client for the sign-in window, before the real driver has loaded.

Loading psycopg takes about 0.1 s, most of a bare window's whole start. The sign-in window on a
server needs three short reads, and the first PIN one short transaction; this module speaks
PostgreSQL's wire protocol (version 3) for just that, with the standard library alone, so that
psycopg loads behind the window with the rest of the database layer.

It does only what libpq would do with the same address, or nothing:
- one host and port over TCP, with the user, password and database in the address;
- TLS as libpq's ``sslmode`` disable, prefer (libpq's default) or require, with SNI and ALPN
  as libpq sends them: the server's certificate is not checked in these modes, by libpq
  either (unless it finds a root certificate of its own, and then this client stands aside);
- SCRAM-SHA-256 (PostgreSQL's default), bound to the TLS certificate when the server offers
  that, as libpq's default ``channel_binding=prefer`` does; or no password asked;
- parameters sent as text and typed by the server; results read as the few types the
  sign-in tables hold; connecting, and then each statement, within the caller's timeout.

Anything else (another sslmode, a socket directory, several hosts, an environment variable
libpq would read, the certificate or Kerberos files libpq would find itself, md5 or
cleartext passwords, a type not known here) raises ``Unsupported`` before a byte of a
password is sent, and the caller then uses psycopg. Every other failure, a malformed answer
included, raises ``WireError`` (``ServerError`` for what the server said, ``OutcomeUnknown``
for a COMMIT whose answer was lost), and the connection is closed.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import os
import re
import secrets
import socket
import struct
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

PROTOCOL_3 = 196608
SSL_REQUEST = 80877103
DEFAULT_PORT = 5432
SSL_MODES = ("disable", "prefer", "require")
KNOWN_PARAMETERS = {"sslmode", "connect_timeout", "application_name"}
_LIBPQ_KEY_FILES = ("root.crt", "postgresql.crt", "postgresql.key")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
MESSAGE_LIMIT = 64 * 1024 * 1024  # no answer to these statements comes near it


class WireError(Exception):
    """The connection or a statement failed; nothing of it is kept."""


class Unsupported(WireError):
    """This client does not do what the address or the server asks for: use psycopg."""


class ServerError(WireError):
    def __init__(self, fields: dict[str, str]) -> None:
        self.sqlstate = fields.get("C", "")
        super().__init__(f"{fields.get('S', 'ERROR')}: {fields.get('M', '')} ({self.sqlstate})")


@dataclass(frozen=True)
class Address:
    host: str
    port: int
    user: str
    password: str = field(repr=False)
    database: str
    sslmode: str
    timeout: float
    application_name: str


def address(url: str, *, timeout: float, application_name: str) -> Address:
    """The parts of a ``postgresql://`` address this client can use; Unsupported for any other.
    ``timeout`` (seconds, for connecting and for each statement) and ``application_name`` win
    over the address's own, as psycopg's keyword arguments do."""
    try:
        return _address(url, timeout, application_name)
    except (ValueError, UnicodeError) as error:
        raise Unsupported(f"an address this client cannot read ({error})") from None


def _address(url: str, timeout: float, application_name: str) -> Address:
    if any(name.startswith("PG") for name in os.environ):
        raise Unsupported("libpq would read PG... settings from the environment")
    _refuse_what_libpq_would_find_itself()
    if "#" in url or _BAD_ESCAPE.search(url):
        raise Unsupported("a # or an unfinished %-escape, which libpq reads otherwise")
    parts = urlsplit(url)
    if parts.scheme.split("+", 1)[0] not in ("postgresql", "postgres"):
        raise Unsupported("not a PostgreSQL address")
    port = parts.port or DEFAULT_PORT
    host = unquote(parts.hostname or "", errors="strict")
    if not host or host.startswith("/") or "," in parts.netloc or "%" in host:
        raise Unsupported("a socket directory or several hosts")
    if not parts.username or not parts.password:
        raise Unsupported("no user or password: libpq would look further (.pgpass)")
    if "+" in parts.query:
        raise Unsupported("a + in the settings, which libpq keeps and a form decoder would not")
    settings = dict(parse_qsl(parts.query, keep_blank_values=True, errors="strict"))
    if set(settings) - KNOWN_PARAMETERS:
        raise Unsupported(f"settings {sorted(set(settings) - KNOWN_PARAMETERS)}")
    sslmode = settings.get("sslmode", "prefer")
    if sslmode not in SSL_MODES:
        raise Unsupported(f"sslmode={sslmode}")
    user = unquote(parts.username, errors="strict")
    password = unquote(parts.password, errors="strict")
    database = unquote(parts.path.lstrip("/"), errors="strict") or user
    if "\0" in user + password + database:
        raise Unsupported("a NUL character in the address")
    return Address(
        host=host,
        port=port,
        user=user,
        password=password,
        database=database,
        sslmode=sslmode,
        timeout=timeout,
        application_name=application_name,
    )


def _refuse_what_libpq_would_find_itself() -> None:
    """Files libpq reads without being told: a root certificate (then it checks the server's
    certificate even under sslmode=require), a client certificate (then it sends it), a
    Kerberos ticket cache (then it asks the server for GSS encryption before TLS)."""
    if sys.platform == "win32":
        appdata = os.environ.get("APPDATA")
        if not appdata:
            raise Unsupported("no APPDATA folder to look for libpq's certificates in")
        keys = os.path.join(appdata, "postgresql")
    else:
        keys = os.path.join(os.path.expanduser("~"), ".postgresql")
    if any(os.path.exists(os.path.join(keys, name)) for name in _LIBPQ_KEY_FILES):
        raise Unsupported(f"libpq would check the server or send a certificate of {keys}")
    if os.environ.get("KRB5CCNAME") or (
        hasattr(os, "getuid") and os.path.exists(f"/tmp/krb5cc_{os.getuid()}")
    ):
        raise Unsupported("a Kerberos ticket cache, with which libpq tries GSS encryption")


class OutcomeUnknown(WireError):
    """COMMIT was sent but its answer never came: the transaction may or may not have been
    written, so it must not be tried again as if it had not."""


# Anything a malformed or hostile answer can make the parsing below raise.
_MALFORMED = (
    ValueError,
    KeyError,
    IndexError,
    struct.error,
    OverflowError,
    UnicodeError,
    ArithmeticError,
)


class Connection:
    """One session: statements in autocommit unless inside ``transaction()``. Connecting, and
    then each statement, must finish within the address's timeout as a whole."""

    def __init__(self, where: Address) -> None:
        self.closed = True
        self._timeout = where.timeout
        self._deadline = time.monotonic() + where.timeout
        try:
            raw = socket.create_connection((where.host, where.port), timeout=where.timeout)
        except OSError as error:
            raise WireError(f"cannot reach {where.host}:{where.port}: {error}") from None
        self._socket: Any = raw
        self._buffer = bytearray()
        self._tls = False
        self._last_tag = ""
        try:
            raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if where.sslmode != "disable":
                self._start_tls(where)
            self._start(where)
        except WireError:
            self._socket.close()
            raise
        except OSError as error:
            self._socket.close()
            raise WireError(f"the connection failed: {error}") from None
        except _MALFORMED as error:
            self._socket.close()
            raise WireError(f"a malformed answer from the server ({error!r})") from None
        except BaseException:
            self._socket.close()
            raise
        self.closed = False

    # --- the session ----------------------------------------------------------------------

    def _start_tls(self, where: Address) -> None:
        self._sendall(struct.pack("!ii", 8, SSL_REQUEST))
        self._socket.settimeout(self._left())
        answer = self._socket.recv(1)  # one byte only: nothing sent after it is read in clear
        if answer == b"N":
            if where.sslmode == "require":
                raise ServerError({"M": "the server does not offer TLS", "C": "08004"})
            return
        if answer != b"S":
            raise WireError("the server answered the TLS request with something else")
        import ssl

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # as libpq's prefer and require
        context.minimum_version = ssl.TLSVersion.TLSv1_2  # libpq's ssl_min_protocol_version
        context.set_alpn_protocols(["postgresql"])  # as libpq 17 and later
        self._socket.settimeout(self._left())
        # The name for SNI, as libpq sends it (sslsni=1), unless the host is an address.
        self._socket = context.wrap_socket(
            self._socket, server_hostname=None if _is_ip(where.host) else where.host
        )
        self._tls = True

    def _start(self, where: Address) -> None:
        settings = {
            "user": where.user,
            "database": where.database,
            "application_name": where.application_name,
            "client_encoding": "UTF8",
            "DateStyle": "ISO",
        }
        body = struct.pack("!i", PROTOCOL_3) + b"".join(
            _text(key) + _text(value) for key, value in settings.items()
        )
        body += b"\0"
        self._sendall(struct.pack("!i", len(body) + 4) + body)
        self._authenticate(where)
        while True:
            kind, data = self._read()
            if kind == b"Z":
                return
            if kind == b"E":
                raise ServerError(_fields(data))
            if kind == b"v":
                raise Unsupported("the server asks for another protocol version")
            # S (settings), K (the key to cancel with), N (notices): nothing needed here

    def _authenticate(self, where: Address) -> None:
        kind, data = self._read()
        if kind == b"E":
            raise ServerError(_fields(data))
        if kind != b"R":
            raise WireError("the server did not begin authentication")
        (method,) = struct.unpack_from("!i", data)
        if method == 0:
            return  # no password asked
        if method != 10:
            raise Unsupported(f"authentication method {method} (only SCRAM-SHA-256 here)")
        offered = [name.decode() for name in data[4:].split(b"\0") if name]
        _Scram(self, where.password, offered).run()
        kind, data = self._read()
        if kind == b"E":
            raise ServerError(_fields(data))
        if kind != b"R" or struct.unpack_from("!i", data)[0] != 0:
            raise WireError("the server did not accept the password exchange")

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        with contextlib.suppress(OSError):
            self._socket.settimeout(1)
            self._socket.sendall(b"X\0\0\0\4")
        with contextlib.suppress(OSError):
            self._socket.close()

    # --- statements -----------------------------------------------------------------------

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run one statement (``%s`` marks its parameters, as psycopg's) and return its rows.
        Anything but the server's own error closes the connection: it is never left half-way
        through an exchange."""
        if self.closed:
            raise WireError("the connection is closed")
        self._deadline = time.monotonic() + self._timeout
        try:
            return self._execute(sql, params)
        except ServerError:
            raise
        except WireError:
            self.close()
            raise
        except OSError as error:
            self.close()
            raise WireError(f"the statement failed: {error}") from None
        except _MALFORMED as error:
            self.close()
            raise WireError(f"the statement failed: {error!r}") from None

    def _execute(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        statement = _numbered(sql)
        values = [_param(value) for value in params]
        parse = _text("") + _text(statement) + struct.pack("!h", 0)
        bind = _text("") + _text("") + struct.pack("!hh", 0, len(values))
        for value in values:
            bind += (
                struct.pack("!i", -1) if value is None else struct.pack("!i", len(value)) + value
            )
        bind += struct.pack("!h", 0)
        self._sendall(
            _message(b"P", parse)
            + _message(b"B", bind)
            + _message(b"D", b"P\0")
            + _message(b"E", b"\0\0\0\0\0")
            + _message(b"S", b"")
        )
        types: list[int] = []
        rows: list[tuple[Any, ...]] = []
        problem: ServerError | None = None
        self._last_tag = ""
        while True:
            kind, data = self._read()
            if kind == b"T":
                types = _row_types(data)
            elif kind == b"D" and problem is None:
                rows.append(_row(data, types))
            elif kind == b"C":
                self._last_tag = data.rstrip(b"\0").decode()
            elif kind == b"E":
                problem = ServerError(_fields(data))
            elif kind == b"Z":
                break
        if problem is not None:
            raise problem
        return rows

    def cursor(self) -> Cursor:
        return Cursor(self)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN, then COMMIT when the block ends or ROLLBACK on any error (a rollback that
        cannot be sent closes the connection, and the server rolls back). A COMMIT whose
        answer is lost raises OutcomeUnknown; one the server answers with a rollback raises
        WireError."""
        self.execute("BEGIN")
        try:
            yield
        except BaseException:
            try:
                self.execute("ROLLBACK")
            except WireError:
                self.close()
            raise
        try:
            self.execute("COMMIT")
        except ServerError:
            raise  # the server refused it: nothing was written
        except WireError as error:
            raise OutcomeUnknown(f"COMMIT was sent but not answered ({error})") from None
        if self._last_tag != "COMMIT":
            raise WireError(f"the server ended the transaction with {self._last_tag or 'nothing'}")

    # --- messages -------------------------------------------------------------------------

    def _left(self) -> float:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise WireError(f"no answer from the server within {self._timeout:g} s")
        return left

    def _sendall(self, data: bytes) -> None:
        self._socket.settimeout(self._left())
        self._socket.sendall(data)

    def _read(self) -> tuple[bytes, bytes]:
        header = self._take(5)
        kind, length = header[:1], struct.unpack("!i", header[1:])[0]
        if length < 4 or length > MESSAGE_LIMIT:
            raise WireError("a malformed message from the server")
        return kind, self._take(length - 4)

    def _take(self, count: int) -> bytes:
        while len(self._buffer) < count:
            self._socket.settimeout(self._left())  # the whole exchange within the timeout
            chunk = self._socket.recv(min(count - len(self._buffer), 1 << 16) or 1)
            if not chunk:
                raise WireError("the server closed the connection")
            self._buffer += chunk
        taken = bytes(self._buffer[:count])
        del self._buffer[:count]
        return taken

    def _send(self, kind: bytes, body: bytes) -> None:
        self._sendall(_message(kind, body))


def _is_ip(host: str) -> bool:
    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            socket.inet_pton(family, host)
        except OSError:
            continue
        return True
    return False


class Cursor:
    """The piece of a DBAPI cursor the early sign-in uses (store/raw.py's ``Raw``)."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._rows: list[tuple[Any, ...]] = []

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._rows = self.connection.execute(sql, params)

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._rows.pop(0) if self._rows else None

    def fetchall(self) -> list[tuple[Any, ...]]:
        rows, self._rows = self._rows, []
        return rows


class _Scram:
    """SCRAM-SHA-256 (RFC 5802, RFC 7677), bound to the TLS certificate when the server offers
    SCRAM-SHA-256-PLUS (RFC 5929's tls-server-end-point, as libpq)."""

    def __init__(self, connection: Connection, password: str, offered: list[str]) -> None:
        if not password.isascii() or not password.isprintable():
            raise Unsupported("a password that needs SASLprep")
        self.connection = connection
        self.password = password.encode()
        if not connection._tls and "SCRAM-SHA-256-PLUS" in offered:
            # as libpq: a server binding to a certificate over plain TCP means TLS was stripped
            raise WireError("the server offered SCRAM-SHA-256-PLUS without TLS")
        if connection._tls and "SCRAM-SHA-256-PLUS" in offered:
            self.mechanism = "SCRAM-SHA-256-PLUS"
            self.header = b"p=tls-server-end-point,,"
            self.binding = self.header + _certificate_hash(connection._socket)
        elif "SCRAM-SHA-256" in offered:
            self.mechanism = "SCRAM-SHA-256"
            # y: this client binds channels but the server offered none (over TLS only)
            self.header = b"y,," if connection._tls else b"n,,"
            self.binding = self.header
        else:
            raise Unsupported(f"SASL mechanisms {offered}")

    def run(self) -> None:
        nonce = base64.b64encode(secrets.token_bytes(18))
        first_bare = b"n=,r=" + nonce  # the user is the one named at start-up
        first = self.header + first_bare
        self.connection._send(b"p", _text(self.mechanism) + struct.pack("!i", len(first)) + first)
        server_first = self._expect(11)
        values = _scram_values(server_first)
        server_nonce, salt, rounds = values[b"r"], base64.b64decode(values[b"s"]), int(values[b"i"])
        if not server_nonce.startswith(nonce) or rounds < 1:
            raise WireError("the server's password exchange is not valid")
        salted = hashlib.pbkdf2_hmac("sha256", self.password, salt, rounds)
        client_key = hmac.digest(salted, b"Client Key", "sha256")
        stored_key = hashlib.sha256(client_key).digest()
        final_bare = b"c=" + base64.b64encode(self.binding) + b",r=" + server_nonce
        message = first_bare + b"," + server_first + b"," + final_bare
        signature = hmac.digest(stored_key, message, "sha256")
        proof = bytes(a ^ b for a, b in zip(client_key, signature, strict=True))
        self.connection._send(b"p", final_bare + b",p=" + base64.b64encode(proof))
        server_final = _scram_values(self._expect(12))
        server_key = hmac.digest(salted, b"Server Key", "sha256")
        expected = hmac.digest(server_key, message, "sha256")
        if not hmac.compare_digest(base64.b64decode(server_final.get(b"v", b"")), expected):
            raise WireError("the server did not prove that it knows the password")

    def _expect(self, method: int) -> bytes:
        kind, data = self.connection._read()
        if kind == b"E":
            raise ServerError(_fields(data))
        if kind != b"R" or struct.unpack_from("!i", data)[0] != method:
            raise WireError("an unexpected step in the password exchange")
        return data[4:]


# Signature algorithms (their OIDs, DER-encoded) and the hash RFC 5929 binds with: SHA-256
# for MD5, SHA-1 and SHA-256 signatures, else the signature's own hash.
_SIGNATURE_HASHES = {
    "2a864886f70d010104": "sha256",  # md5WithRSAEncryption
    "2a864886f70d010105": "sha256",  # sha1WithRSAEncryption
    "2a864886f70d01010b": "sha256",  # sha256WithRSAEncryption
    "2a864886f70d01010c": "sha384",
    "2a864886f70d01010d": "sha512",
    "2a864886f70d01010e": "sha224",  # sha224WithRSAEncryption
    "2a8648ce3d0401": "sha256",  # ecdsa-with-SHA1
    "2a8648ce3d040301": "sha224",  # ecdsa-with-SHA224
    "2a8648ce3d040302": "sha256",  # ecdsa-with-SHA256
    "2a8648ce3d040303": "sha384",
    "2a8648ce3d040304": "sha512",
}


def _certificate_hash(tls_socket: Any) -> bytes:
    certificate = tls_socket.getpeercert(binary_form=True)
    if not certificate:
        raise Unsupported("no server certificate to bind to")
    algorithm = _signature_oid(certificate)
    name = _SIGNATURE_HASHES.get(algorithm)
    if name is None:
        raise Unsupported(f"a certificate signed with {algorithm}")
    return hashlib.new(name, certificate).digest()


def _signature_oid(der: bytes) -> str:
    """The signature algorithm's OID (hex) of a DER certificate: SEQUENCE { tbsCertificate,
    signatureAlgorithm SEQUENCE { OID, ... }, signature }."""

    def element(at: int) -> tuple[int, int, int]:  # (tag, where its content starts, its end)
        tag, first = der[at], der[at + 1]
        if first < 0x80:
            return tag, at + 2, at + 2 + first
        count = first & 0x7F
        length = int.from_bytes(der[at + 2 : at + 2 + count], "big")
        return tag, at + 2 + count, at + 2 + count + length

    try:
        _tag, inside, _end = element(0)
        _tag, _start, after_tbs = element(inside)
        _tag, algorithm_start, _end = element(after_tbs)
        tag, oid_start, oid_end = element(algorithm_start)
    except IndexError:
        raise Unsupported("a certificate this client cannot read") from None
    if tag != 0x06:
        raise Unsupported("a certificate this client cannot read")
    return der[oid_start:oid_end].hex()


# --- values ------------------------------------------------------------------------------

_INTEGERS = {20, 21, 23, 26}
_TEXTS = {18, 19, 25, 1042, 1043, 114, 3802}


def _decode(type_oid: int, text: str) -> Any:
    if type_oid in _TEXTS:
        return text
    if type_oid in _INTEGERS:
        return int(text)
    if type_oid == 16:
        return text == "t"
    if type_oid == 1184 or type_oid == 1114:
        if not text[:1].isdigit() or text.endswith(" BC"):
            raise Unsupported(f"the time {text!r}")
        return datetime.fromisoformat(text)
    if type_oid == 1082:
        return date.fromisoformat(text)
    if type_oid in (700, 701):
        return float(text)
    if type_oid == 1700:
        return Decimal(text)
    if type_oid == 17 and text.startswith("\\x"):
        return bytes.fromhex(text[2:])
    raise Unsupported(f"a value of type {type_oid}")


def _param(value: Any) -> bytes | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return b"t" if value else b"f"
    if isinstance(value, int | Decimal):
        return str(value).encode()
    if isinstance(value, float):
        return repr(value).encode()
    if isinstance(value, str):
        if "\0" in value:
            raise ValueError("a text holding a NUL character")
        return value.encode()
    if isinstance(value, datetime | date):
        return value.isoformat().encode()
    if isinstance(value, bytes):
        return b"\\x" + value.hex().encode()
    raise Unsupported(f"a parameter of type {type(value).__name__}")


def _numbered(sql: str) -> str:
    """psycopg's ``%s`` marks as the server's ``$1``, ``$2``...; ``%%`` is a percent sign."""
    out: list[str] = []
    number = 0
    pieces = sql.split("%")
    out.append(pieces[0])
    index = 1
    while index < len(pieces):
        piece = pieces[index]
        if piece.startswith("s"):
            number += 1
            out.append(f"${number}{piece[1:]}")
        elif piece == "" and index + 1 < len(pieces):
            out.append("%" + pieces[index + 1])
            index += 1
        else:
            raise ValueError(f"a % in the statement that is not %s or %%: {sql!r}")
        index += 1
    return "".join(out)


def _row_types(data: bytes) -> list[int]:
    (count,) = struct.unpack_from("!h", data)
    at, types = 2, []
    for _ in range(count):
        at = data.index(b"\0", at) + 1  # the column's name
        _table, _column, type_oid, _size, _modifier, text_format = struct.unpack_from(
            "!ihihih", data, at
        )
        if text_format != 0:
            raise WireError("a column not sent as text")
        types.append(type_oid)
        at += 18
    return types


def _row(data: bytes, types: list[int]) -> tuple[Any, ...]:
    (count,) = struct.unpack_from("!h", data)
    if count != len(types):
        raise WireError("a row that does not match its description")
    at, values = 2, []
    for type_oid in types:
        (length,) = struct.unpack_from("!i", data, at)
        at += 4
        if length < 0:
            values.append(None)
            continue
        if at + length > len(data):
            raise WireError("a row shorter than it says")
        values.append(_decode(type_oid, data[at : at + length].decode()))
        at += length
    return tuple(values)


def _fields(data: bytes) -> dict[str, str]:
    fields = {}
    for part in data.split(b"\0"):
        if part:
            fields[chr(part[0])] = part[1:].decode(errors="replace")
    return fields


def _scram_values(data: bytes) -> dict[bytes, bytes]:
    values = {}
    for part in data.split(b","):
        key, sep, value = part.partition(b"=")
        if sep:
            values[key] = value
    if b"e" in values:
        raise WireError(f"the password exchange failed: {values[b'e'].decode(errors='replace')}")
    return values


def _text(value: str) -> bytes:
    encoded = value.encode()
    if b"\0" in encoded:
        raise ValueError("a NUL character")
    return encoded + b"\0"


def _message(kind: bytes, body: bytes) -> bytes:
    return kind + struct.pack("!i", len(body) + 4) + body
