"""SQLite backups with the online backup API: consistent while other desks write.

A step-by-step backup restarts whenever another connection writes and may never finish, so
the whole database is copied in one step (``pages=-1``). The copy is written under a
temporary name, checked, made private and only then renamed into place.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from practice_action.domain.errors import StoreError


def existing_file_uri(path: Path) -> str:
    """A read-write SQLite URI that refuses to create the file when it is not there."""
    return f"{path.resolve().as_uri()}?mode=rw"


def read_only_uri(path: Path) -> str:
    """A read-only SQLite URI; a '#' or '?' in a folder name is escaped, not taken as syntax."""
    return f"{path.resolve().as_uri()}?mode=ro"


def check_sqlite_file(path: Path) -> list[str]:
    """Problems found in a SQLite file; empty when it is a sound database."""
    if not path.is_file():
        return [f"{path} does not exist"]
    try:
        connection = sqlite3.connect(read_only_uri(path), uri=True, timeout=30)
        try:
            rows = connection.execute("PRAGMA integrity_check").fetchall()
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        return [str(error)]
    return [str(row[0]) for row in rows if row[0] != "ok"]


def backup_sqlite(source: Path, destination: Path) -> Path:
    if not destination.parent.is_dir():
        raise StoreError(f"The folder {destination.parent} does not exist: make it first.")
    partial = destination.with_name(destination.name + ".partial")
    try:
        src = sqlite3.connect(source, timeout=30)
        try:
            fd = os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
            os.close(fd)
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst, pages=-1)
                dst.execute("PRAGMA journal_mode = DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        problems = check_sqlite_file(partial)
        if problems:
            raise StoreError(f"The backup did not pass its check: {problems[0]}")
        os.replace(partial, destination)
    except sqlite3.DatabaseError as error:
        raise StoreError(f"The backup could not be taken: {error}") from error
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return destination


# A restore prepares the new database beside the old one under this suffix, then renames it.
RESTORING = ".restoring"


def restore_leftovers(database: Path) -> list[Path]:
    """What a restore that was cut short left beside ``database``."""
    return [
        path
        for extra in ("", "-wal", "-shm", "-journal")
        if (path := database.with_name(database.name + RESTORING + extra)).exists()
    ]
