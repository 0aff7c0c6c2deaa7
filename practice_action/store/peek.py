"""A quick look at the database before the database layer has loaded.

The sign-in screen needs only the practice's name and the active staff. Reading them with
sqlite3 alone, or for a server with the small client of store/pg_wire.py, lets the screen
appear while SQLAlchemy and the migration check load in the background. Anything unusual (no
file, another schema revision, any error) answers None, and the app then opens the database
the ordinary way, with every check, before sign-in.
"""

from __future__ import annotations

import contextlib
import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from practice_action.store.backup import existing_file_uri
from practice_action.store.raw import Raw
from practice_action.store.revisions import revision_chain
from practice_action.store.sqlite_settings import set_up

# How long the early PIN check waits for another desk's write lock before leaving the answer
# to the ordinary check (which waits the store's full busy timeout).
EARLY_BUSY_S = 2.0


@dataclass(frozen=True)
class PeekedStaff:
    id: int
    name: str
    role: str


@dataclass(frozen=True)
class SignInPeek:
    practice_name: str
    staff: tuple[PeekedStaff, ...]


def peek_sign_in(path: Path) -> SignInPeek | None:
    if not path.is_file():
        return None
    try:
        # mode=rw: a file that has gone since is not made again, empty, by opening it.
        connection = sqlite3.connect(existing_file_uri(path), uri=True, timeout=5)
    except sqlite3.Error:
        return None
    try:
        return _peek(connection.cursor())
    except sqlite3.Error:
        return None
    finally:
        with contextlib.suppress(sqlite3.Error):
            connection.close()


def peek_sign_in_server(url: str) -> SignInPeek | None:
    """``peek_sign_in`` on a PostgreSQL server, before the database layer has loaded; None
    when the server cannot be reached or anything is unusual (the ordinary opening then says
    what)."""
    try:
        connection = _server_connection(url)
    except Exception as error:
        if is_server_error(error):
            return None
        raise
    try:
        peeked = _peek(connection.cursor())
    except Exception as error:
        connection.close()
        if is_server_error(error):
            return None
        raise
    # Kept for the first PIN (``early_write_server``): signing in to a server costs a round
    # of its password exchange, which the person need not wait for twice.
    forget_server_connections()
    _KEPT[url] = connection
    return peeked


def is_server_error(error: BaseException) -> bool:
    """Whether ``error`` is the early connection's failure (store/pg_wire.py's, or psycopg's
    when that was used), which the ordinary opening then reports in its own words."""
    from practice_action.store.pg_wire import WireError

    if isinstance(error, WireError):
        return True
    psycopg = sys.modules.get("psycopg")  # loaded only if it made the connection
    return psycopg is not None and isinstance(error, psycopg.Error)


_KEPT: dict[str, Any] = {}


def forget_server_connections() -> None:
    """Close the connection kept from the sign-in list, once the database layer has opened."""
    while _KEPT:
        _url, connection = _KEPT.popitem()
        with contextlib.suppress(Exception):
            connection.close()


def _peek(cursor: Any) -> SignInPeek | None:
    chain = revision_chain()
    if not chain:
        return None
    cursor.execute("SELECT version_num FROM alembic_version")
    revision = cursor.fetchone()
    if revision is None or revision[0] != chain[-1]:
        return None  # an upgrade (with its backup) comes first, the ordinary way
    cursor.execute("SELECT name FROM practice WHERE id = 1")
    practice = cursor.fetchone()
    if practice is None:
        return None  # first run: the set-up wizard
    cursor.execute("SELECT id, name, role FROM staff WHERE active ORDER BY name")
    rows = cursor.fetchall()
    return SignInPeek(
        str(practice[0]), tuple(PeekedStaff(int(i), str(n), str(r)) for i, n, r in rows)
    )


def libpq_address(url: str) -> str:
    """A database address as the PostgreSQL driver takes it (postgresql://...), from the
    app's own spelling of it, which may name the driver (postgresql+psycopg://...)."""
    scheme, sep, rest = url.partition("://")
    return f"{scheme.split('+', 1)[0]}{sep}{rest}" if sep else url


def _server_connection(url: str) -> Any:
    """A connection in autocommit for the early sign-in: the small client of store/pg_wire.py,
    which loads in a few milliseconds, whenever it can do what libpq would with this address
    and server; psycopg (about 0.1 s to load) otherwise."""
    from practice_action.store import pg_wire

    address = libpq_address(url)
    try:
        # The settings the store's own engine uses (store/engine.py).
        where = pg_wire.address(address, timeout=10, application_name="practice-action")
        return pg_wire.Connection(where)
    except pg_wire.Unsupported:
        pass
    try:
        import psycopg
    except ImportError:  # an install without the PostgreSQL extra: the ordinary opening says so
        raise pg_wire.WireError("psycopg is not installed") from None

    return psycopg.connect(
        address, autocommit=True, connect_timeout=10, application_name="practice-action"
    )


@contextlib.contextmanager
def early_write_server(url: str) -> Iterator[Raw]:
    """``early_write`` on a PostgreSQL server: one transaction on the connection kept from the
    sign-in list (or a new one), the audit chain's head locked by ``FOR UPDATE`` as the
    store's writes lock it. Committed when the block ends, rolled back on any error (and the
    connection closed); the connection's errors (``is_server_error``) reach the caller."""
    connection = _KEPT.pop(url, None)
    if connection is None or connection.closed:
        connection = _server_connection(url)
    kept = False
    try:
        with connection.transaction():
            yield Raw(None, cursor=connection.cursor(), postgres=True)
        kept = True
    finally:
        if kept:
            _KEPT[url] = connection  # for another try, a wrong PIN first
        else:
            with contextlib.suppress(Exception):
                connection.close()


@contextlib.contextmanager
def early_write(path: Path) -> Iterator[Raw]:
    """One write transaction on the file by plain sqlite3, for the PIN checked at start-up
    before the database layer has loaded: the store's own settings (WAL, foreign keys,
    ``synchronous=FULL``, busy timeout), BEGIN IMMEDIATE as the store's writes begin, and no
    automatic checkpoint (the desk checkpoints off its window, store/engine.py). The file must
    be there already (a moved or deleted one is not made again, empty), and another desk's
    write lock is waited for EARLY_BUSY_S only: the ordinary check answers after that.
    Committed when the block ends, rolled back on any error; sqlite3.Error reaches the
    caller."""
    connection = sqlite3.connect(
        existing_file_uri(path), uri=True, timeout=EARLY_BUSY_S, isolation_level=None
    )
    try:
        cursor = connection.cursor()
        set_up(cursor)
        cursor.execute(f"PRAGMA busy_timeout = {int(EARLY_BUSY_S * 1000)}")
        cursor.execute("PRAGMA wal_autocheckpoint = 0")
        cursor.execute("BEGIN IMMEDIATE")
        try:
            yield Raw(None, cursor=cursor)
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                cursor.execute("ROLLBACK")
            raise
        cursor.execute("COMMIT")
    finally:
        with contextlib.suppress(sqlite3.Error):
            connection.close()
