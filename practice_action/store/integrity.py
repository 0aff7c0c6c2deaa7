"""The full check of a SQLite file, a table at a time, for the desk to run in the background.

SQLite's integrity check reads every page, so it takes time in proportion to the file: well
under a second for a new practice, several seconds after five years. The desk therefore
signs people in first and checks behind the window (ui/integrity_job.py), a table at a time
so that it can show how far it has gone and stop when the desk closes. Each table is checked
with its indexes (``PRAGMA integrity_check(table)``) and its references to other tables
(``PRAGMA foreign_key_check(table)``); tables are weighed by their highest row id, a fair
guide to their size that costs nothing to read. A check of the file as a whole follows
(``PRAGMA quick_check``), for what a table's check does not see: pages lost, or claimed both
by a table and by the list of free pages.

When damage is found the desk stops saving and leaves a note in the data folder
(``FULL_CHECK_NOTE``): the next start then checks the whole file before anyone signs in, and
its recovery dialog explains what to do. Nothing here imports SQLAlchemy.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

from practice_action.store.backup import read_only_uri
from practice_action.store.sqlite_settings import BUSY_TIMEOUT_MS

FULL_CHECK_NOTE = "check-database-before-sign-in.txt"
# The share of the progress bar for the tables; the rest is the check of the file as a whole.
TABLES_SHARE = 0.7


class CheckStopped(Exception):
    """The check was stopped before it had finished (the desk is closing)."""


class CheckNotMade(Exception):
    """The file could not be checked just now (busy, out of reach, an I/O error): not a
    finding of damage, and the next start checks again."""


def full_check_due(data_dir: Path) -> bool:
    """Whether an earlier check found damage: if so, the whole file is checked before sign-in."""
    return (data_dir / FULL_CHECK_NOTE).exists()


def leave_full_check_note(data_dir: Path, finding: str) -> None:
    note = data_dir / FULL_CHECK_NOTE
    note.write_text(
        "Practice Action found damage in its database while a desk was open:\n"
        f"{finding}\n"
        "The next start checks the whole database before anyone signs in, and offers to put "
        "back the last sound backup. This note is removed once the database passes.\n",
        encoding="utf-8",
    )


def clear_full_check_note(data_dir: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        (data_dir / FULL_CHECK_NOTE).unlink()


class TableByTableCheck:
    """Checks one SQLite file; ``run`` may be called from a worker thread and ``stop`` from
    any other, which interrupts the statement under way."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stopped = threading.Event()
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def stop(self) -> None:
        self._stopped.set()
        with self._lock:
            if self._connection is not None:
                self._connection.interrupt()

    def run(self, progress: Callable[[float], None] | None = None) -> list[str]:
        """The problems found (empty when the file is sound); ``progress`` hears the share
        done, 0.0 to 1.0, after each table. Raises CheckStopped once stopped, and
        CheckNotMade when the file could not be read just now (locked, gone, an I/O error):
        only what SQLite reports as damage is a finding."""
        try:
            connection = sqlite3.connect(
                read_only_uri(self.path),
                uri=True,
                timeout=BUSY_TIMEOUT_MS / 1000,
                check_same_thread=False,
            )
        except sqlite3.Error as error:
            raise CheckNotMade(str(error)) from error
        with self._lock:
            self._connection = connection
        try:
            return self._check(connection, progress)
        except sqlite3.OperationalError as error:
            if self._stopped.is_set():
                raise CheckStopped from error
            raise CheckNotMade(str(error)) from error
        except sqlite3.DatabaseError as error:  # "malformed", "not a database": damage
            return [str(error)]
        finally:
            with self._lock:
                self._connection = None
            connection.close()

    def _check(
        self, connection: sqlite3.Connection, progress: Callable[[float], None] | None
    ) -> list[str]:
        tables = [
            (str(name), bool(rowid))
            for name, rowid in connection.execute(
                "SELECT name, sql NOT LIKE '%WITHOUT ROWID%' FROM sqlite_schema"
                " WHERE type = 'table' ORDER BY name"
            )
        ]
        weights = [self._weight(connection, name, rowid) for name, rowid in tables]
        total = float(sum(weights)) or 1.0
        done = 0.0
        problems: list[str] = []
        for (name, _rowid), weight in zip(tables, weights, strict=True):
            if self._stopped.is_set():
                raise CheckStopped
            quoted = '"' + name.replace('"', '""') + '"'
            problems += [
                str(row[0])
                for row in connection.execute(f"PRAGMA integrity_check({quoted})")
                if row[0] != "ok"
            ]
            problems += [
                f"broken reference in {row[0]} row {row[1]}"
                for row in connection.execute(f"PRAGMA foreign_key_check({quoted})")
            ]
            done += weight
            if progress is not None:
                progress(TABLES_SHARE * done / total)
        if self._stopped.is_set():
            raise CheckStopped
        # Then the file as a whole: pages lost, or claimed twice (by a table and the list
        # of free pages), which a table-by-table check does not look for.
        problems += [
            str(row[0]) for row in connection.execute("PRAGMA quick_check") if row[0] != "ok"
        ]
        if progress is not None:
            progress(1.0)
        return problems

    @staticmethod
    def _weight(connection: sqlite3.Connection, name: str, rowid: bool) -> int:
        if not rowid or name.startswith("sqlite_"):
            return 1
        quoted = '"' + name.replace('"', '""') + '"'
        row = connection.execute(f"SELECT MAX(rowid) FROM {quoted}").fetchone()
        return max(1, int(row[0] or 0))
