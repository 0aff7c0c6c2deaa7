"""A quick look at a SQLite database before the database layer has loaded.

The sign-in screen needs only the practice's name and the active staff. Reading them with
the sqlite3 module lets the screen appear while SQLAlchemy and the migration check load in
the background. Anything unusual (no file, another schema revision, any error) answers None,
and the app then opens the database the ordinary way, with every check, before sign-in.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from practice_action.store.raw import Raw
from practice_action.store.revisions import revision_chain
from practice_action.store.sqlite_settings import BUSY_TIMEOUT_MS, set_up


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
    chain = revision_chain()
    if not chain:
        return None
    try:
        connection = sqlite3.connect(path, timeout=5)
    except sqlite3.Error:
        return None
    try:
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        if revision is None or revision[0] != chain[-1]:
            return None  # an upgrade (with its backup) comes first, the ordinary way
        practice = connection.execute("SELECT name FROM practice WHERE id = 1").fetchone()
        if practice is None:
            return None  # first run: the set-up wizard
        rows = connection.execute(
            "SELECT id, name, role FROM staff WHERE active = 1 ORDER BY name"
        ).fetchall()
    except sqlite3.Error:
        return None
    finally:
        with contextlib.suppress(sqlite3.Error):
            connection.close()
    return SignInPeek(
        str(practice[0]), tuple(PeekedStaff(int(i), str(n), str(r)) for i, n, r in rows)
    )


@contextlib.contextmanager
def early_write(path: Path) -> Iterator[Raw]:
    """One write transaction on the file by plain sqlite3, for the PIN checked at start-up
    before the database layer has loaded: the store's own settings (WAL, foreign keys,
    ``synchronous=FULL``, busy timeout), BEGIN IMMEDIATE as the store's writes begin, and no
    automatic checkpoint (the desk checkpoints off its window, store/engine.py). Committed when
    the block ends, rolled back on any error; sqlite3.Error reaches the caller."""
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        cursor = connection.cursor()
        set_up(cursor)
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
