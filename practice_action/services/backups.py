"""Backups of a SQLite practice database: on demand, once a day, and restoring one.

Copies are taken with SQLite's online backup API (``store.backup``), so they are consistent
while other desks keep writing. Automatic copies are named ``daily-YYYY-MM-DD.sqlite3`` after
the local day and kept for 14 days; copies taken on demand, before an upgrade and before a
restore are kept until someone deletes them. A PostgreSQL server is backed up with its own
tools, and the messages here say how.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy.engine import make_url

from practice_action.domain.calendar import local_now, local_today
from practice_action.domain.errors import PracticeActionError, StoreError
from practice_action.paths import Locations, make_private_dir
from practice_action.services import audit
from practice_action.services.context import Actor, Context
from practice_action.services.health import open_context
from practice_action.services.permissions import Permission, require
from practice_action.store import migrate
from practice_action.store.backup import backup_sqlite, check_sqlite_file, read_only_uri

KEEP_DAILY_DAYS = 14
SUFFIX = ".sqlite3"
_DAILY = re.compile(r"^daily-(\d{4}-\d{2}-\d{2})\.sqlite3$")


def _server_advice(url: str) -> str:
    # The address without its password: pg_dump asks for it, or reads it from ~/.pgpass.
    shown = make_url(url).set(drivername="postgresql", password=None).render_as_string()
    return (
        "This practice keeps its data on a PostgreSQL server, which Practice Action does not "
        "copy itself: back it up with the server's own tools. On the server, or any PC with "
        f"the PostgreSQL client tools, run\n  pg_dump -Fc --file practice-action.dump {shown}\n"
        "every day (for example from cron or Task Scheduler; it asks for the password, or "
        "reads it from a .pgpass file), keep the .dump files somewhere safe, and restore one "
        f"with\n  pg_restore --clean --if-exists --dbname {shown} practice-action.dump"
    )


def _database_file(ctx: Context) -> Path:
    if not ctx.store.is_sqlite:
        raise PracticeActionError(_server_advice(ctx.store.url))
    database = ctx.store.engine.url.database
    if not database:
        raise StoreError("This database has no file to back up.")
    return Path(database)


def _backups_dir(ctx: Context, database: Path) -> Path:
    return ctx.backups_dir or database.parent / "backups"


def _stamp(ctx: Context) -> str:
    return local_now(ctx.clock).strftime("%Y-%m-%d-%H%M%S")


def _free_name(folder: Path, stem: str) -> Path:
    """``stem.sqlite3``, or ``stem-2.sqlite3`` and so on if that name is taken."""
    candidate = folder / f"{stem}{SUFFIX}"
    number = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{number}{SUFFIX}"
        number += 1
    return candidate


def _record(ctx: Context, actor: Actor, kind: str, summary: str, after: dict[str, str]) -> None:
    with ctx.store.write() as session:
        audit.append(session, ctx, actor, kind, summary, after=after)


def backup_now(ctx: Context, actor: Actor, out: Path | None = None) -> Path:
    """Copy the database now, to ``out`` or to a dated file in the backups folder."""
    require(actor, Permission.BACKUP)
    database = _database_file(ctx)
    if out is None:
        target = _free_name(make_private_dir(_backups_dir(ctx, database)), f"manual-{_stamp(ctx)}")
    else:
        target = out.expanduser().resolve()
        if target.is_dir():
            target = _free_name(target, f"practice-action-{_stamp(ctx)}")
        elif target.exists():
            raise PracticeActionError(
                f"{target} already exists and was left as it is: give a new file name for "
                "the backup, or delete the old file first."
            )
        elif not target.parent.is_dir():
            raise PracticeActionError(
                f"The folder {target.parent} does not exist: create it first or choose another."
            )
    backup_sqlite(database, target)
    _record(ctx, actor, "backup.made", f"Backed up the database to {target}", {"file": str(target)})
    return target


def daily_backup_if_due(ctx: Context, actor: Actor) -> Path | None:
    """Take today's automatic copy unless there is one already; prune those over 14 days old.

    Called at start for whoever signs in, so no permission is needed: nobody chooses it. Does
    nothing on PostgreSQL, whose server is backed up with its own tools.
    """
    if not ctx.store.is_sqlite:
        return None
    database = _database_file(ctx)
    folder = make_private_dir(_backups_dir(ctx, database))
    today = local_today(ctx.clock)
    target = folder / f"daily-{today.isoformat()}{SUFFIX}"
    if target.exists():
        return None
    backup_sqlite(database, target)
    removed = _prune_daily(folder, today)
    summary = f"Daily automatic backup to {target}"
    if removed:
        summary += f"; removed {len(removed)} older than {KEEP_DAILY_DAYS} days"
    _record(ctx, actor, "backup.made", summary, {"file": str(target), "automatic": "yes"})
    return target


def _prune_daily(folder: Path, today: date) -> list[Path]:
    oldest_kept = today - timedelta(days=KEEP_DAILY_DAYS - 1)
    removed = []
    for path in folder.iterdir():
        match = _DAILY.match(path.name)
        if match is None:
            continue
        try:
            day = date.fromisoformat(match.group(1))
        except ValueError:
            continue
        if day < oldest_kept:
            path.unlink(missing_ok=True)
            removed.append(path)
    return sorted(removed)


def backup_problems(file: Path) -> list[str]:
    """Why ``file`` cannot be restored; empty when it is a sound database this version knows."""
    if not file.is_file():
        return [f"{file} does not exist or is not a file."]
    problems = check_sqlite_file(file)
    if problems:
        return [f"{file} is not a sound SQLite database ({problems[0]})."]
    try:
        connection = sqlite3.connect(read_only_uri(file), uri=True)
        try:
            tables = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            revision = None
            if "alembic_version" in tables:
                row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        return [f"{file} cannot be read ({error})."]
    if revision is None or "practice" not in tables:
        return [f"{file} is a SQLite database, but not one made by Practice Action."]
    if revision not in migrate.known_revisions():
        return [
            f"{file} was written by a newer version of Practice Action (schema {revision}): "
            "install that version to restore it."
        ]
    return []


def newest_good_backup(locations: Locations) -> Path | None:
    """The most recent copy in the backups folder that could be restored, if any."""
    folder = locations.backups_dir
    if not folder.is_dir():
        return None
    candidates = sorted(
        (p for p in folder.glob(f"*{SUFFIX}") if p.is_file()),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for path in candidates:
        if not backup_problems(path):
            return path
    return None


def restore_file(locations: Locations, actor: Actor, file: Path) -> str:
    """Replace the practice's database with ``file``, after checking it and saving the current
    one. Nothing is changed unless the file is fit to restore.

    Close Practice Action on every other desk first: a desk still open keeps writing to the
    database that is being replaced.
    """
    require(actor, Permission.BACKUP)
    database = locations.sqlite_path
    if database is None:
        raise PracticeActionError(
            "Restoring a file works on a SQLite database only. "
            + _server_advice(locations.database_url)
        )
    source = file.expanduser().resolve()
    if database.exists() and source == database.resolve():
        raise PracticeActionError(
            f"{source} is the database in use: choose a backup file to restore instead."
        )
    problems = backup_problems(source)
    if problems:
        raise PracticeActionError(
            f"Not restored: {problems[0]} The current database has not been changed. Choose "
            f"another backup, for example one in {locations.backups_dir}."
        )

    make_private_dir(locations.data_dir)
    folder = make_private_dir(locations.backups_dir)
    stamp = local_now().strftime("%Y-%m-%d-%H%M%S")
    saved = _save_current(database, folder, stamp)

    # Prepare the replacement beside the database, then swap it in with one rename.
    incoming = database.with_name(database.name + ".restoring")
    backup_sqlite(source, incoming)
    try:
        _retire_wal(database)
        os.replace(incoming, database)
    finally:
        with contextlib.suppress(FileNotFoundError):
            incoming.unlink()

    ctx = open_context(locations)
    try:
        summary = f"Restored the database from {source}"
        if saved is not None:
            summary += f"; the database it replaced was saved as {saved}"
        _record(
            ctx,
            actor,
            "backup.restored",
            summary,
            {"file": str(source), "replaced_copy": str(saved or "")},
        )
    finally:
        ctx.store.dispose()
    return summary + "."


def _save_current(database: Path, folder: Path, stamp: str) -> Path | None:
    """Keep a copy of the database about to be replaced, even when it is damaged."""
    if not database.exists() or database.stat().st_size == 0:
        return None
    if not check_sqlite_file(database):
        target = _free_name(folder, f"before-restore-{stamp}")
        try:
            return backup_sqlite(database, target)
        except StoreError:
            pass
    # Damaged: keep its bytes as they are (with any write-ahead log) for whoever investigates.
    target = _free_name(folder, f"damaged-{stamp}")
    shutil.copyfile(database, target)
    target.chmod(0o600)
    for extra in ("-wal", "-shm"):
        companion = database.with_name(database.name + extra)
        if companion.exists():
            shutil.copyfile(companion, target.with_name(target.name + extra))
    return target


def _retire_wal(database: Path) -> None:
    """Fold the write-ahead log into the old file and remove it, so that it can never be
    replayed onto the restored one. Refuses while another desk is busy in the file."""
    if database.exists() and not check_sqlite_file(database):
        busy = 0
        with contextlib.suppress(sqlite3.DatabaseError):
            connection = sqlite3.connect(database, timeout=30)
            try:
                busy = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            finally:
                connection.close()
        if busy:
            raise PracticeActionError(
                "Not restored: another desk is using the database right now. Close Practice "
                "Action on every other PC and window, then restore again. Nothing was changed."
            )
    for extra in ("-wal", "-shm"):
        database.with_name(database.name + extra).unlink(missing_ok=True)
