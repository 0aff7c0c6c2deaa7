"""How every connection of the app's to a SQLite file is set up, kept free of SQLAlchemy so
that the early sign-in (store/peek.py) writes at the same durability as the store does."""

from __future__ import annotations

import sqlite3

BUSY_TIMEOUT_MS = 30_000

# WAL so readers never wait for the writer; foreign keys checked; FULL so that a commit
# survives a power cut; a busy timeout so that desks wait for each other instead of failing.
CONNECTION_PRAGMAS = (
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
    "PRAGMA journal_mode = WAL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA synchronous = FULL",
)


def set_up(cursor: sqlite3.Cursor) -> None:
    for pragma in CONNECTION_PRAGMAS:
        cursor.execute(pragma)
