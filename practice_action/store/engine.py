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
import threading
from collections.abc import Callable, Iterator
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

from practice_action.domain.errors import (
    DamagedDatabase,
    DatabaseReplaced,
    DiskFull,
    MachineProblem,
    StoreError,
)
from practice_action.paths import make_private_dir
from practice_action.store.raw import Raw
from practice_action.store.sqlite_settings import BUSY_TIMEOUT_MS as BUSY_TIMEOUT_MS
from practice_action.store.sqlite_settings import set_up


def _create_private_file(path: Path) -> None:
    """Create the database file readable by its owner only, before SQLite opens it.

    A file that is already there keeps the permissions its owner gave it: one made read-only
    is refused with a message, never made writable again."""
    make_private_dir(path.parent)
    if path.exists():
        if path.is_dir():
            raise MachineProblem(
                f"{path} is a folder, but the practice's database should be a file there. "
                "Move that folder away, or choose another data folder."
            )
        if os.name == "posix" and not path.stat().st_mode & 0o200:
            raise MachineProblem(
                f"The database file {path} is read-only: Practice Action cannot record "
                "anything in it and will not change its permissions. Make it writable again "
                "(or ask your IT support to), or restore a copy."
            )
        return
    try:
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    except OSError as error:
        raise MachineProblem(
            f"The database file {path} cannot be made ({(error.strerror or '').lower()}). "
            "Choose a data folder you can write to."
        ) from None
    os.close(fd)


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
            set_up(cursor)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        read_only = connection.get_execution_options().get("practice_read_only", False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def _database_path(url: str) -> Path | None:
    if not url.startswith("sqlite"):
        return None
    database = make_url(url).database
    return Path(database) if database and database != ":memory:" else None


def _identity(path: Path | None) -> tuple[int, int] | None:
    """Which file ``path`` is (device and inode): a restore puts a different file there."""
    if path is None:
        return None
    try:
        info = path.stat()
    except OSError:
        return (-1, -1)
    return (info.st_dev, info.st_ino)


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


def _driver_errors(url: str) -> tuple[type[Exception], ...]:
    """The drivers' own error classes: the hot paths (store/raw.py) run on them directly.
    A SQLite store never imports the PostgreSQL driver: it is a large module that desk has no
    use for, and its errors cannot come from a SQLite file."""
    found: list[type[Exception]] = [sqlite3.Error]
    if url.startswith("sqlite"):
        return tuple(found)
    try:
        import psycopg
    except ImportError:
        return tuple(found)
    found.append(psycopg.Error)
    return tuple(found)


def _is_integrity(error: Exception, url: str) -> bool:
    integrity: list[type[Exception]] = [sqlite3.IntegrityError]
    if not url.startswith("sqlite"):
        try:
            import psycopg
        except ImportError:
            pass
        else:
            integrity.append(psycopg.IntegrityError)
    return isinstance(error, tuple(integrity))


# What SQLite and PostgreSQL say when the disk is full, the file is read-only, or the file is
# damaged. Each gets its own words: none of them is a network problem.
_FULL = ("database or disk is full", "no space left on device", "could not extend file")
_READ_ONLY = ("attempt to write a readonly database", "read-only file system")
_DAMAGED = (
    "database disk image is malformed",
    "file is not a database",
    "file is encrypted or is not a database",
)


def free_megabytes(folder: Path) -> float | None:
    """Free space on the disk that holds ``folder``, in MB (None when it cannot be told)."""
    import shutil

    while not folder.exists() and folder.parent != folder:
        folder = folder.parent
    try:
        return shutil.disk_usage(folder).free / 1024 / 1024
    except OSError:
        return None


def _sqlite_folder(url: str) -> Path | None:
    if not url.startswith("sqlite"):
        return None
    database = make_url(url).database
    return Path(database).parent if database else None


def disk_full_message(folder: Path | None) -> str:
    if folder is None:
        return (
            "The database server's disk is full: nothing was saved by this step. Ask whoever "
            "looks after the server to free some space on it, then try again."
        )
    free = free_megabytes(folder)
    room = "" if free is None else f" ({free:.1f} MB free)"
    return (
        f"The disk that holds {folder} is full{room}: nothing was saved by this step. Free some "
        "space on that disk (empty the recycle bin, move old files off it), or ask your IT "
        "support, then try again."
    )


def classify(error: BaseException, url: str) -> StoreError:
    """The driver's error as a StoreError a person can act on (disk full, read-only, damaged,
    or the database out of reach)."""
    detail = str(getattr(error, "orig", None) or error).strip().splitlines()
    reason = detail[0] if detail else type(error).__name__
    lowered = reason.lower()
    sqlstate = getattr(getattr(error, "orig", error), "sqlstate", None)
    folder = _sqlite_folder(url)
    if any(words in lowered for words in _FULL) or sqlstate == "53100":
        return DiskFull(disk_full_message(folder))
    if folder is not None and any(w in lowered for w in ("disk i/o error", "unable to open")):
        free = free_megabytes(folder)
        if free is not None and free < 1:  # SQLite could not even make its log files
            return DiskFull(disk_full_message(folder))
    if folder is not None and any(words in lowered for words in _READ_ONLY):
        return StoreError(
            f"The database in {folder} cannot be written: the file or its folder is read-only "
            f"({reason}). Nothing was saved by this step. Make them writable again (or ask "
            "your IT support to); Practice Action does not change permissions itself."
        )
    if folder is not None and any(words in lowered for words in _DAMAGED):
        return DamagedDatabase(
            f"The practice's database is damaged ({reason}). This desk has stopped saving to "
            "it, so that nothing more is lost. Close Practice Action and start it again to "
            "restore the newest good backup, or give the file to your IT support."
        )
    where = "the database file" if folder is not None else "the database server"
    return StoreError(
        f"Cannot use {where} just now ({reason}). Nothing was saved by this step. "
        "Try again in a moment; if it goes on, check the network or the server, or ask "
        "your IT support."
    )


@contextmanager
def _plain_errors(store: Store) -> Iterator[None]:
    """A database that stops answering mid-session becomes a StoreError that says so; one
    found damaged stops the store from writing again."""
    try:
        yield
    except IntegrityError:
        raise  # a rule of ours was broken: a bug to see, not a connection problem
    except (OperationalError, DatabaseError, *_driver_errors(store.url)) as error:
        if _is_integrity(error, store.url):
            raise
        plain = classify(error, store.url)
        if isinstance(plain, DamagedDatabase):
            store.stop(plain)
        raise plain from error


def _checkpoints(path: Path, stop: threading.Event, every: float, truncate_at: int) -> None:
    """The checkpoint thread of ``Store.checkpoint_in_background``."""
    db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        db.execute("PRAGMA wal_autocheckpoint = 0")
        page = int(db.execute("PRAGMA page_size").fetchone()[0])
        while not stop.wait(every):
            try:
                _busy, frames, _done = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                if frames * page > truncate_at:  # the WAL's own content, not its file's size
                    db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            except sqlite3.Error:
                continue  # busy or gone for a moment: the next turn tries again
    finally:
        db.close()


@dataclass
class Store:
    """Owns the engine; hands out one short transaction at a time."""

    engine: Engine
    url: str

    def __post_init__(self) -> None:
        self._writer = sessionmaker(self.engine, expire_on_commit=False)
        reader_engine = self.engine.execution_options(practice_read_only=True)
        self._reader = sessionmaker(reader_engine, expire_on_commit=False)
        self.stopped: StoreError | None = None  # why this store writes no more, once it does not
        self._damage_listeners: list[Callable[[str], None]] = []
        self.file = _database_path(self.url)
        self._identity = _identity(self.file)
        self._sqlite = self.engine.dialect.name == "sqlite"
        self.key = str(self.engine.url)  # names this database in caches (no password)
        self._hot: Any = None  # the hot path's SQLite connection, kept between contacts
        self._hot_lock = threading.Lock()
        self._checkpointer: tuple[threading.Thread, threading.Event] | None = None

    @property
    def damaged(self) -> str | None:
        """Why this store writes no more (damaged, or its file replaced), or None."""
        return None if self.stopped is None else str(self.stopped)

    def stop(self, error: StoreError) -> None:
        """From now on every write is refused with ``error``; listeners hear it once."""
        first = self.stopped is None
        self.stopped = error
        if first:
            for listener in list(self._damage_listeners):
                listener(str(error))

    def on_damage(self, listener: Callable[[str], None]) -> None:
        self._damage_listeners.append(listener)

    def refuse_if_damaged(self) -> None:
        """Refuse to write to a damaged store, or to a file that is no longer the one opened
        (restored from elsewhere, moved or deleted): what is written there would be lost."""
        if (
            self.stopped is None
            and self.file is not None
            and _identity(self.file) != self._identity
        ):
            self.stop(
                DatabaseReplaced(
                    f"The practice's database {self.file} was replaced, moved or deleted "
                    "while this desk had it open (perhaps a backup was restored from "
                    "another desk). This desk has stopped saving, so that nothing is "
                    "written where it would be lost: close Practice Action and start it "
                    "again."
                )
            )
        if self.stopped is not None:
            raise type(self.stopped)(str(self.stopped))

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: committed when the block ends, rolled back on any error."""
        self.refuse_if_damaged()
        with _plain_errors(self), self._writer() as session, session.begin():
            yield session

    @contextmanager
    def raw_write(self) -> Iterator[Raw]:
        """One write transaction on a driver connection with no ORM session around it, for
        the hot path of recording a contact: the same BEGIN IMMEDIATE (SQLite) or implicit
        BEGIN (PostgreSQL), the same COMMIT and durability as ``write``, without the session's
        bookkeeping. Committed when the block ends, rolled back on any error.

        On SQLite the connection is kept between contacts (one at a time; a second thread
        meanwhile takes one from the pool) and handed back to the pool after any error. On
        PostgreSQL each transaction takes one from the pool, which checks it is alive."""
        self.refuse_if_damaged()
        with _plain_errors(self):
            keep = self._sqlite and self._hot_lock.acquire(blocking=False)
            pooled = self._hot if keep else None
            self._hot = None
            committed = False
            try:
                if pooled is None:
                    pooled = self.engine.raw_connection()
                driver = pooled.driver_connection
                assert driver is not None
                raw = Raw(None, cursor=driver.cursor(), postgres=not self._sqlite)
                if self._sqlite:
                    raw.run("BEGIN IMMEDIATE")
                try:
                    yield raw
                except BaseException:
                    pooled.rollback()
                    raise
                pooled.commit()
                committed = True
            finally:
                if keep and committed:
                    self._hot = pooled
                elif pooled is not None:
                    pooled.close()  # back to the pool
                if keep:
                    self._hot_lock.release()

    @contextmanager
    def read(self) -> Iterator[Session]:
        with _plain_errors(self), self._reader() as session, session.begin():
            yield session

    def checkpoint_in_background(self, every: float = 1.0, truncate_mb: int = 64) -> None:
        """SQLite: keep WAL checkpoints off the recording path, for a desk.

        A committing connection no longer copies the WAL back into the database itself
        (``wal_autocheckpoint = 0``, which it otherwise does every 1,000 pages, some 160 ms at
        a practice's size); a thread of this store's own runs a PASSIVE checkpoint every
        ``every`` seconds instead. A passive checkpoint never waits for a writer and no writer
        waits for it, and it changes nothing about durability: each commit is already on disk
        in the WAL (synchronous=FULL). Should readers keep a checkpoint from finishing until
        the WAL passes ``truncate_mb``, one TRUNCATE checkpoint (which waits its turn) puts
        it back to nothing. Stopped by ``dispose``; other programs on the file (commands,
        desks of older versions) checkpoint as before."""
        if not self._sqlite or self.file is None or self._checkpointer is not None:
            return

        @event.listens_for(self.engine, "connect")
        def _no_autocheckpoint(dbapi_connection: Any, _record: Any) -> None:
            if self._checkpointer is not None:  # once disposed, connections checkpoint again
                dbapi_connection.execute("PRAGMA wal_autocheckpoint = 0")

        with self._hot_lock:
            if self._hot is not None:
                self._hot.close()
                self._hot = None
        stop = threading.Event()
        thread = threading.Thread(
            target=_checkpoints,
            args=(self.file, stop, every, truncate_mb * 1024 * 1024),
            name="wal-checkpoints",
            daemon=True,
        )
        self._checkpointer = (thread, stop)
        self.engine.dispose()  # connections already open would still checkpoint at commit
        thread.start()

    def dispose(self) -> None:
        if self._checkpointer is not None:
            thread, stop = self._checkpointer
            stop.set()
            thread.join()
            self._checkpointer = None
        with self._hot_lock:
            if self._hot is not None:
                self._hot.close()
                self._hot = None
        self.engine.dispose()
