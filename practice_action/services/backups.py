"""Backups of a SQLite practice database: on demand, once a day, and restoring one.

Copies are taken with SQLite's online backup API (``store.backup``), so they are consistent
while other desks keep writing. Automatic copies are named ``daily-YYYY-MM-DD.sqlite3`` after
the local day, and the newest 14 of them are kept (counted, never aged out by a clock); copies taken on demand, before an upgrade and before a
restore are kept until someone deletes them. A PostgreSQL server is backed up with its own
tools, and the messages here say how.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
from datetime import date
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
from practice_action.store.backup import (
    RESTORING,
    backup_sqlite,
    check_sqlite_file,
    read_only_uri,
    restore_leftovers,
)

KEEP_DAILY_COPIES = 14
# A new daily copy dated this many days after the last one means the clock has most likely
# jumped: no copy is pruned that day.
CLOCK_JUMP_DAYS = 31
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
    """Take today's automatic copy unless there is one already; keep the newest 14.

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
    before = daily_copies(folder)
    backup_sqlite(database, target)
    summary = f"Daily automatic backup to {target}"
    earlier = [day for day, _ in before if day < today]
    if earlier and (today - max(earlier)).days > CLOCK_JUMP_DAYS:
        # Most likely this computer's clock is wrong: never let it be the reason to delete.
        summary += (
            f"; nothing pruned: this copy is dated {today.isoformat()}, "
            f"{(today - max(earlier)).days} days after the last one ({max(earlier).isoformat()}), "
            "so check this computer's date and time"
        )
    else:
        removed = _prune_daily(folder, today)
        if removed:
            summary += f"; removed {len(removed)} beyond the newest {KEEP_DAILY_COPIES}"
    future = future_dated(folder, today)
    if future:
        summary += f"; {len(future)} dated after today left alone: " + ", ".join(
            p.name for p in future
        )
    _record(ctx, actor, "backup.made", summary, {"file": str(target), "automatic": "yes"})
    return target


def daily_copies(folder: Path) -> list[tuple[date, Path]]:
    """The automatic copies in ``folder``, by the day each one's name says, newest first."""
    found = []
    if not folder.is_dir():
        return found
    for path in folder.iterdir():
        match = _DAILY.match(path.name)
        if match is None or not path.is_file():
            continue
        try:
            found.append((date.fromisoformat(match.group(1)), path))
        except ValueError:
            continue
    return sorted(found, reverse=True)


def future_dated(folder: Path, today: date) -> list[Path]:
    """Automatic copies whose names say they were taken after ``today``: a clock was wrong."""
    return sorted(path for day, path in daily_copies(folder) if day > today)


def _prune_daily(folder: Path, today: date) -> list[Path]:
    """Remove the automatic copies beyond the newest 14, counting only those dated today or
    before: a copy dated in the future never pushes out one that is not."""
    dated = [(day, path) for day, path in daily_copies(folder) if day <= today]
    removed = []
    for _day, path in dated[KEEP_DAILY_COPIES:]:
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


def restore_file(
    locations: Locations, actor: Actor, file: Path, *, this_desk: str | None = None
) -> str:
    """Replace the practice's database with ``file``, after checking it and saving the current
    one. Nothing is changed unless the file is fit to restore and no other desk is open.

    The restore is one step: the copy that will become the database already holds the audit
    entry of its own restore (and no desks) before one rename puts it in place. A restore cut
    short leaves the database as it was; what it left behind is cleared at the next start.
    ``this_desk`` is the id of the desk asking, which is not counted as another open desk.
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
    _refuse_while_desks_are_open(locations, this_desk)

    make_private_dir(locations.data_dir)
    folder = make_private_dir(locations.backups_dir)
    stamp = local_now().strftime("%Y-%m-%d-%H%M%S")
    saved = _save_current(database, folder, stamp)
    summary = f"Restored the database from {source}"
    if saved is not None:
        summary += f"; the database it replaced was saved as {saved}"

    # Prepare the replacement beside the database, complete with its audit entry, then swap
    # it in with one rename.
    incoming = database.with_name(database.name + RESTORING)
    try:
        backup_sqlite(source, incoming)
        _enter_restore(locations, incoming, actor, summary, source, saved)
        _retire_wal(database)
        os.replace(incoming, database)
        _witness_the_restored_head(locations, database)
    finally:
        for leftover in restore_leftovers(database):
            leftover.unlink(missing_ok=True)
    return summary + "."


def _enter_restore(
    locations: Locations,
    incoming: Path,
    actor: Actor,
    summary: str,
    source: Path,
    saved: Path | None,
) -> None:
    """Bring the copy to this version's schema and write, in it, the entry of its restore."""
    from practice_action.services import desks

    copy = Locations(locations.data_dir, f"sqlite:///{incoming}")
    ctx = open_context(copy)
    try:
        with ctx.store.write() as session:
            desks.forget_all(session)
            audit.append(
                session,
                ctx,
                actor,
                "backup.restored",
                summary,
                after={"file": str(source), "replaced_copy": str(saved or "")},
            )
    finally:
        ctx.store.dispose()
    # Fold the copy's write-ahead log into it: the rename moves one file, and the entry of the
    # restore must be in that file.
    try:
        connection = sqlite3.connect(incoming, timeout=30)
        try:
            connection.execute("PRAGMA journal_mode = DELETE").fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise StoreError(f"The restored copy could not be finished: {error}") from error
    if incoming.with_name(incoming.name + "-wal").exists():
        raise StoreError("The restored copy could not be finished: its log is still open.")


def _witness_the_restored_head(locations: Locations, database: Path) -> None:
    """The restored trail starts a new history: this folder's witness follows it."""
    from practice_action.domain.calendar import system_clock
    from practice_action.services import witness

    with contextlib.suppress(sqlite3.Error):
        connection = sqlite3.connect(read_only_uri(database), uri=True)
        try:
            row = connection.execute("SELECT seq, hash FROM audit_head WHERE id = 1").fetchone()
        finally:
            connection.close()
        if row is not None:
            witness.remember_in(
                locations.data_dir,
                locations.database_url,
                int(row[0]),
                str(row[1]),
                system_clock(),
                replace=True,
            )


def _refuse_while_desks_are_open(locations: Locations, this_desk: str | None) -> None:
    """Refuse while another desk has the database open: its work would go to the old file."""
    from practice_action.services import desks

    database = locations.sqlite_path
    if database is None or not database.exists() or check_sqlite_file(database):
        return  # no database, or a damaged one: no desk can be working in it
    try:
        ctx = open_context(locations, migrate_now=False)
    except StoreError:
        return
    try:
        others = desks.open_desks(ctx, besides=this_desk)
    except StoreError:
        others = []  # an older schema without the desks table: no desk of this version
    finally:
        ctx.store.dispose()
    if others:
        listed = "\n".join(f"  - {desk.describe()}" for desk in others)
        count = len(others)
        raise PracticeActionError(
            f"Not restored: Practice Action is open on {count} other desk"
            f"{'s' if count != 1 else ''}:\n{listed}\n"
            "Close Practice Action there (File > Quit), wait a minute, then restore again. "
            "Nothing was changed."
        )


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
