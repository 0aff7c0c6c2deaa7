"""Cheap change detection for screens that must show other desks' work within a second.

A watcher keeps one connection of its own and answers "has anything changed?" with a number
that moves whenever any connection commits:
- The audit trail's head sequence: every change any desk makes appends to the audit trail,
  and nothing else moves it (a desk's own heartbeat, a checkpoint).
- SQLite reads it only after ``PRAGMA data_version`` has moved (SQLite changes that when
  another connection commits; reading it touches no table and costs microseconds), so an
  idle desk reads no table; PostgreSQL reads it each time, one single-row read in autocommit.
  Without the head's check an idle SQLite desk redrew its counter at every other desk's
  heartbeat.
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
        self._version: int | None = None  # SQLite's data_version when the head was read
        self._head = 0

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
        """A number that changes whenever any desk changes anything (the audit trail's head)."""
        if self._connection is None:
            self._connection = self._connect()
        try:
            if self.store.is_sqlite:
                version = int(self._connection.execute("PRAGMA data_version").fetchone()[0])
                if version != self._version:
                    row = self._connection.execute(
                        "SELECT coalesce(max(seq), 0) FROM audit_head"
                    ).fetchone()
                    self._version, self._head = version, int(row[0])
                return self._head
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
        self._version = None
        if self._fairy is not None:
            with contextlib.suppress(Exception):
                self._fairy.close()
            self._fairy = None
