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
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session


class Raw:
    def __init__(self, session: Session) -> None:
        connection = session.connection()  # begins the transaction (IMMEDIATE on SQLite)
        self.postgres = connection.dialect.name == "postgresql"
        self.cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]

    def sql(self, text: str) -> str:
        return text.replace("?", "%s") if self.postgres else text

    def day(self, value: date) -> Any:
        return value if self.postgres else value.isoformat()

    def time(self, value: datetime) -> Any:
        utc = value.astimezone(UTC)
        return utc if self.postgres else utc.strftime("%Y-%m-%d %H:%M:%S.%f")

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
