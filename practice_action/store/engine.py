"""The engine for SQLite (one PC) or PostgreSQL (several PCs), with the settings that keep
a recorded contact safe.

SQLite: WAL, foreign keys on, ``synchronous=FULL`` so a commit survives a power cut, a busy
timeout so desks wait for each other instead of failing, and write transactions that begin
IMMEDIATE so two desks cannot both read a count and then both write (SQLAlchemy leaves
pysqlite's own transaction handling in charge unless told otherwise; the "begin" hook below
takes it over). Read-only sessions begin DEFERRED so that screens never queue behind writers.
PostgreSQL: psycopg 3 with ``pool_pre_ping`` so a dropped connection is replaced, not reported.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DatabaseError,
    IntegrityError,
    NoSuchModuleError,
    OperationalError,
)
from sqlalchemy.orm import Session, sessionmaker

from practice_action.domain.errors import StoreError

BUSY_TIMEOUT_MS = 30_000


def _create_private_file(path: Path) -> None:
    """Create the database file readable by its owner only, before SQLite opens it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if os.name == "posix":
        os.chmod(path.parent, 0o700)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    elif os.name == "posix":
        os.chmod(path, 0o600)


def _sqlite_engine(url: str) -> Engine:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise StoreError("An in-memory SQLite database cannot be shared by desks: give a file.")
    _create_private_file(Path(database))
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA synchronous = FULL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        read_only = connection.get_execution_options().get("practice_read_only", False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def _server_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    try:
        return create_engine(
            parsed,
            pool_pre_ping=True,
            pool_size=5,
            connect_args={"connect_timeout": 10, "application_name": "practice-action"},
        )
    except NoSuchModuleError as error:
        raise StoreError(
            f"This database type is not supported ({parsed.drivername}). "
            "Use a SQLite file or a postgresql:// address."
        ) from error
    except ModuleNotFoundError as error:
        raise StoreError(
            "PostgreSQL support is not installed: install Practice Action with its "
            "'postgres' extra (psycopg)."
        ) from error


def make_engine(url: str) -> Engine:
    try:
        if url.startswith("sqlite"):
            return _sqlite_engine(url)
        return _server_engine(url)
    except ArgumentError as error:
        raise StoreError(
            f"The database address is not valid: {error}. "
            "It should look like postgresql://user:password@server/practice_action."
        ) from error


def _driver_errors() -> tuple[type[Exception], ...]:
    """The drivers' own error classes: the hot paths (store/raw.py) run on them directly."""
    found: list[type[Exception]] = [sqlite3.Error]
    try:
        import psycopg
    except ImportError:
        return tuple(found)
    found.append(psycopg.Error)
    return tuple(found)


def _is_integrity(error: Exception) -> bool:
    integrity: list[type[Exception]] = [sqlite3.IntegrityError]
    try:
        import psycopg
    except ImportError:
        pass
    else:
        integrity.append(psycopg.IntegrityError)
    return isinstance(error, tuple(integrity))


@contextmanager
def _plain_errors(url: str) -> Iterator[None]:
    """A database that stops answering mid-session becomes a StoreError that says so."""
    try:
        yield
    except IntegrityError:
        raise  # a rule of ours was broken: a bug to see, not a connection problem
    except (OperationalError, DatabaseError, *_driver_errors()) as error:
        if _is_integrity(error):
            raise
        detail = str(getattr(error, "orig", None) or error).strip().splitlines()
        reason = detail[0] if detail else type(error).__name__
        where = "the database file" if url.startswith("sqlite") else "the database server"
        raise StoreError(
            f"Cannot use {where} just now ({reason}). Nothing was saved by this step. "
            "Try again in a moment; if it goes on, check the network or the server, or ask "
            "your IT support."
        ) from error


@dataclass
class Store:
    """Owns the engine; hands out one short transaction at a time."""

    engine: Engine
    url: str

    def __post_init__(self) -> None:
        self._writer = sessionmaker(self.engine, expire_on_commit=False)
        reader_engine = self.engine.execution_options(practice_read_only=True)
        self._reader = sessionmaker(reader_engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: committed when the block ends, rolled back on any error."""
        with _plain_errors(self.url), self._writer() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with _plain_errors(self.url), self._reader() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
