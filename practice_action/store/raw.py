"""Plain DBAPI statements for the few hot paths (recording a contact, appending to the audit
trail), inside the caller's SQLAlchemy transaction.

Every contact a desk records runs about eight short statements; through SQLAlchemy's
statement compilation and caching each costs several times what the driver itself does, and
the counter's budget is set against the raw driver. This adapter runs hand-written SQL on
the transaction's own DBAPI connection, speaking each database's dialect: parameter marks,
how dates, times and booleans are passed, and row locks (SQLite has none: its write lock
comes from BEGIN IMMEDIATE).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


class Raw:
    def __init__(
        self, session: Session | None, *, cursor: Any = None, postgres: bool = False
    ) -> None:
        """On the session's transaction, or (``session`` None) on a driver ``cursor`` whose
        transaction the caller holds (``Store.raw_write``)."""
        self.now: datetime | None = None  # the transaction's one time, once read
        self._timed: datetime | None = None
        self._time_text: Any = None
        if session is None:
            self.postgres = postgres
            self.cursor = cursor
            return
        connection = session.connection()  # begins the transaction (IMMEDIATE on SQLite)
        self.postgres = connection.dialect.name == "postgresql"
        self.cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]

    def sql(self, text: str) -> str:
        return text.replace("?", "%s") if self.postgres else text

    def day(self, value: date) -> Any:
        return value if self.postgres else value.isoformat()

    def time(self, value: datetime) -> Any:
        if value is self._timed:
            return self._time_text  # the transaction's time, asked for by each record it writes
        utc = value.astimezone(UTC)
        # SQLAlchemy's SQLite text for a time: 2026-11-17 14:00:00.000000
        text = utc if self.postgres else utc.replace(tzinfo=None).isoformat(" ", "microseconds")
        self._timed, self._time_text = value, text
        return text

    def flag(self, value: bool) -> Any:
        return value if self.postgres else int(value)

    @property
    def for_update(self) -> str:
        return " FOR UPDATE" if self.postgres else ""

    def one(self, text: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        self.cursor.execute(self.sql(text), tuple(params))
        return self.cursor.fetchone()

    def run(self, text: str, params: Sequence[Any] = ()) -> None:
        self.cursor.execute(self.sql(text), tuple(params))

    @staticmethod
    def json_value(value: Any) -> Any:
        return json.loads(value) if isinstance(value, str | bytes) else value


def transaction_now(session: Session, clock: Callable[[], datetime]) -> datetime:
    """The one time of this write transaction, in UTC, read once and reused by every record it
    writes: on PostgreSQL the server's (so that desks whose clocks disagree still agree on the
    day and the time), on SQLite this computer's, read after the write lock was taken.

    A clock other than the computer's (a test's or a benchmark's, handed in or set as the
    system clock) is taken at its word on both databases: it is how they choose the moment."""
    cached = session.info.get("practice_now")
    if isinstance(cached, datetime):
        return cached
    connection = session.connection()  # begins the transaction (IMMEDIATE on SQLite)
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    now = _now_on(cursor, connection.dialect.name == "postgresql", clock)
    session.info["practice_now"] = now
    return now


def raw_now(raw: Raw, clock: Callable[[], datetime]) -> datetime:
    """``transaction_now`` for a transaction held on a driver cursor (``Store.raw_write``)."""
    if raw.now is None:
        raw.now = _now_on(raw.cursor, raw.postgres, clock)
    return raw.now


def _now_on(cursor: Any, postgres: bool, clock: Callable[[], datetime]) -> datetime:
    if postgres and _computer_time(clock):
        cursor.execute("SELECT CURRENT_TIMESTAMP")
        row = cursor.fetchone()
        return row[0].astimezone(UTC)
    return clock().astimezone(UTC)


def _computer_time(clock: Callable[[], datetime]) -> bool:
    from practice_action.domain.calendar import system_clock, system_clock_is_set

    return clock is system_clock and not system_clock_is_set()
