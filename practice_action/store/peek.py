"""A quick look at a SQLite database before the database layer has loaded.

The sign-in screen needs only the practice's name and the active staff. Reading them with
the sqlite3 module lets the screen appear while SQLAlchemy and the migration check load in
the background. Anything unusual (no file, another schema revision, any error) answers None,
and the app then opens the database the ordinary way, with every check, before sign-in.
"""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from practice_action.store.revisions import revision_chain


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
