"""Opening the database: connect, refuse what we cannot read, back up, then migrate.

A SQLite file is copied before any upgrade. A database whose schema revision this version
does not know was written by a newer Practice Action and is refused untouched.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.exc import DatabaseError, OperationalError

from practice_action.domain.errors import DamagedDatabase, DiskFull, NewerDatabase, StoreError
from practice_action.paths import make_private_dir
from practice_action.store.backup import backup_sqlite
from practice_action.store.engine import Store, classify, make_engine
from practice_action.store.revisions import MIGRATIONS_DIR, revision_chain

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Connection


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    chain = revision_chain()
    if chain:
        return chain[-1]
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    chain = revision_chain()
    if chain:
        return set(chain)
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in scripts.walk_revisions()}


@dataclass(frozen=True)
class OpenResult:
    store: Store
    revision_before: str | None
    revision: str
    backup: Path | None


def describe_connect_error(url: str, error: Exception) -> str:
    if url.startswith("sqlite"):
        return (
            f"The database file cannot be opened ({_first_line(error)}). It may be damaged or "
            "not a Practice Action database; restore a backup with 'practice-action restore'."
        )
    return (
        f"The database server cannot be reached ({_first_line(error)}). Check that the server "
        "is running, that this PC can reach it on the network, and that the address, user "
        "name and password in the database address are right."
    )


def _first_line(error: Exception) -> str:
    message = str(getattr(error, "orig", None) or error).strip()
    return message.splitlines()[0] if message else type(error).__name__


def _reading(store: Store) -> Connection:
    """A read-only connection: on SQLite it begins DEFERRED, so the checks at start-up (the
    schema revision, the integrity check) never hold the write lock other desks need."""
    return store.engine.execution_options(practice_read_only=True).connect()


def current_revision(store: Store) -> str | None:
    try:
        with _reading(store) as connection:
            tables = set(inspect(connection).get_table_names())
            revisions = (
                connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
                if "alembic_version" in tables
                else []
            )
            connection.rollback()
    except (OperationalError, DatabaseError) as error:
        plain = classify(error, store.url)
        if isinstance(plain, DiskFull) or "read-only" in str(plain):
            raise plain from error  # the disk, not the database: say so
        kind = DamagedDatabase if store.url.startswith("sqlite") else StoreError
        raise kind(describe_connect_error(store.url, error)) from error
    if len(revisions) > 1:
        raise StoreError(
            "This database records more than one schema revision at once, which Practice Action "
            "never writes. Restore a backup with 'practice-action restore'."
        )
    revision = revisions[0] if revisions else None
    if revision is None and tables - {"alembic_version"}:
        raise StoreError(
            "This database already holds tables that Practice Action did not create. "
            "Give an empty database, or the file of an existing Practice Action practice."
        )
    return revision


def open_store(url: str, backups_dir: Path | None = None, *, migrate: bool = True) -> OpenResult:
    """Open the database at ``url``, migrating it to this version's schema when needed."""
    store = Store(make_engine(url), url)
    try:
        before = current_revision(store)
        head = head_revision()
        if before is not None and before not in known_revisions():
            raise NewerDatabase(
                f"This database was written by a newer version of Practice Action (schema "
                f"{before}); this copy knows schemas up to {head}. Install the newer version "
                "on this PC. The database has not been changed."
            )
        backup = None
        if before != head and migrate:
            if before is not None and store.is_sqlite and backups_dir is not None:
                source = Path(store.engine.url.database or "")
                stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
                backup = make_private_dir(backups_dir) / f"before-upgrade-{before}-{stamp}.sqlite3"
                backup_sqlite(source, backup)
            upgrade(store)
        revision = current_revision(store) or ""
        return OpenResult(store, before, revision, backup)
    except BaseException:
        store.dispose()
        raise


def upgrade(store: Store, target: str = "head") -> None:
    from alembic import command

    config = alembic_config()
    try:
        with store.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, target)
    except (OperationalError, DatabaseError) as error:
        if "permission denied" in _first_line(error) or "must be owner" in _first_line(error):
            raise StoreError(
                "The database needs upgrading for this version of Practice Action, and this "
                "desk's database role may not change the schema (as it should not). Ask "
                "whoever looks after the server to run `practice-action setup-postgres` with "
                "the administrator's address, then start again. Nothing was changed."
            ) from error
        raise StoreError(
            f"Upgrading the database failed ({_first_line(error)}); nothing was changed. "
            "Check that no other copy of the app is upgrading it at the same time and try again."
        ) from error


def integrity_problems(store: Store) -> list[str]:
    """An empty list when the database is sound."""
    try:
        with _reading(store) as connection:
            if store.is_sqlite:
                rows = connection.exec_driver_sql("PRAGMA integrity_check").scalars().all()
                problems = [str(r) for r in rows if r != "ok"]
                fk = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                problems += [f"broken reference in {row[0]} row {row[1]}" for row in fk]
            else:
                connection.execute(text("SELECT 1"))
                problems = []
            connection.rollback()
        return problems
    except (OperationalError, DatabaseError, sqlite3.DatabaseError) as error:
        return [_first_line(error)]
