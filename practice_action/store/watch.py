"""Cheap change detection for screens that must show other desks' work within a second.

A watcher keeps one connection of its own and answers "has anything changed?" with a number
that moves whenever any connection commits:
- SQLite: ``PRAGMA data_version``, which SQLite changes when another connection commits;
  reading it touches no table and costs microseconds.
- PostgreSQL: the audit trail's head sequence, one single-row read in autocommit; every
  change any desk makes appends to the audit trail.
"""

from __future__ import annotations

import contextlib
import sqlite3
from typing import Any

from practice_action.store.engine import BUSY_TIMEOUT_MS, Store


class ChangeWatcher:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._connection: Any = None
        self._fairy: Any = None

    def _connect(self) -> Any:
        if self.store.is_sqlite:
            path = self.store.engine.url.database or ""
            connection = sqlite3.connect(
                path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
            )
            connection.isolation_level = None
            return connection
        # A connection of its own, detached from the pool: its autocommit setting must never
        # reach a pooled connection that a write transaction is later given.
        raw = self.store.engine.raw_connection()
        driver = raw.driver_connection
        raw.detach()
        self._fairy = raw  # closing it closes the detached connection for good
        driver.autocommit = True  # type: ignore[union-attr]
        # a poll must never hang on a lock (a restore, a migration) or a dead network
        driver.execute("SET statement_timeout = 5000")  # type: ignore[union-attr]
        return driver

    def stamp(self) -> int:
        """A number that changes whenever anything in the database changes."""
        if self._connection is None:
            self._connection = self._connect()
        try:
            if self.store.is_sqlite:
                return int(self._connection.execute("PRAGMA data_version").fetchone()[0])
            cursor = self._connection.cursor()
            try:
                cursor.execute("SELECT coalesce(max(seq), 0) FROM audit_head")
                return int(cursor.fetchone()[0])
            finally:
                cursor.close()
        except Exception:
            self.close()  # reconnect on the next call
            raise

    def close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):
                self._connection.close()
            self._connection = None
        if self._fairy is not None:
            with contextlib.suppress(Exception):
                self._fairy.close()
            self._fairy = None
