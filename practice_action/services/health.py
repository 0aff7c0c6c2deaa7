"""Opening the app's data: locations, database, migrations, and the health report."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from practice_action import __version__, paths
from practice_action.documents import files
from practice_action.domain.calendar import Clock, system_clock
from practice_action.domain.errors import DamagedDatabase, StoreError
from practice_action.paths import Locations, make_private_dir, network_location
from practice_action.services.context import Context
from practice_action.store import migrate
from practice_action.store.backup import restore_leftovers
from practice_action.store.integrity import CheckNotMade as CheckNotMade
from practice_action.store.integrity import CheckStopped as CheckStopped
from practice_action.store.integrity import (
    TableByTableCheck,
    clear_full_check_note,
    leave_full_check_note,
)


def open_context(
    locations: Locations, *, clock: Clock = system_clock, migrate_now: bool = True
) -> Context:
    """Open (and if needed upgrade) the database the locations point at.

    On SQLite, first clears what a restore cut short left behind (``ctx.extra["cleared"]``
    lists it) and refuses a database file that has gone missing or empty in a folder that has
    held a practice: that is a lost database, never a new practice."""
    make_private_dir(locations.data_dir)
    cleared: list[Path] = []
    if locations.sqlite_path is not None:
        cleared = restore_leftovers(locations.sqlite_path)
        for path in cleared:
            path.unlink(missing_ok=True)
        _refuse_a_lost_database(locations)
    result = migrate.open_store(locations.database_url, locations.backups_dir, migrate=migrate_now)
    ctx = Context(
        store=result.store,
        clock=clock,
        data_dir=locations.data_dir,
        backups_dir=locations.backups_dir,
    )
    ctx.extra["opened"] = result
    ctx.extra["cleared"] = cleared
    files.protect(result.store.file, [locations.backups_dir])  # no save may overwrite them
    if locations.sqlite_path is not None:
        leave_marker(ctx)
    return ctx


# Left in a data folder once it holds a practice: a database missing from such a folder was
# lost, and the app says so instead of starting a new, empty practice.
MARKER = "practice-action-folder.txt"


def checkpoint_off_the_desk(ctx: Context) -> None:
    """A desk's SQLite WAL checkpoints on a thread of their own, not at the end of whichever
    contact happens to fill the WAL (``Store.checkpoint_in_background``); nothing on
    PostgreSQL."""
    ctx.store.checkpoint_in_background()


def leave_marker(ctx: Context) -> None:
    """Mark a data folder whose SQLite database holds a practice (once; cheap after that)."""
    if ctx.data_dir is None or not ctx.store.is_sqlite:
        return
    marker = ctx.data_dir / MARKER
    if marker.exists():
        return
    from sqlalchemy import text

    try:
        with ctx.store.read() as session:
            held = session.execute(text("SELECT 1 FROM practice LIMIT 1")).first() is not None
    except StoreError:
        return
    if held:
        with contextlib.suppress(OSError):
            marker.write_text(
                "This folder holds a Practice Action practice's database. Leave this file here: "
                "it tells Practice Action that a missing database was lost, not never made.\n",
                encoding="utf-8",
            )


def _refuse_a_lost_database(locations: Locations) -> None:
    database = locations.sqlite_path
    assert database is not None
    if database.is_file() and database.stat().st_size > 0:
        return
    backups = locations.backups_dir
    has_copies = backups.is_dir() and any(backups.glob("*.sqlite3"))
    if not has_copies and not (locations.data_dir / MARKER).exists():
        return  # a new folder: the practice is set up here for the first time
    state = "is empty (0 bytes)" if database.is_file() else "is missing"
    raise DamagedDatabase(
        f"The practice's database {database} {state}, but this folder has held a practice "
        "before. It has not been started afresh as an empty practice: restore the newest "
        f"good backup (from {backups}), or ask your IT support to look for the file."
    )


@dataclass(frozen=True)
class HealthReport:
    version: str
    revision: str
    head: str
    data_dir: Path
    database: str
    problems: tuple[str, ...]
    upgraded_from: str | None
    backup: Path | None
    # Worth knowing but not a fault in the data: ``check`` still passes.
    warnings: tuple[str, ...] = ()

    @property
    def healthy(self) -> bool:
        return not self.problems and self.revision == self.head

    def lines(self) -> list[str]:
        out = [
            f"Practice Action {self.version}",
            f"Schema revision: {self.revision} (this version's newest: {self.head})",
            f"Data folder: {self.data_dir}",
            f"Database: {self.database}",
        ]
        if self.upgraded_from is not None and self.upgraded_from != self.revision:
            out.append(f"Upgraded from schema {self.upgraded_from}.")
        if self.backup is not None:
            out.append(f"Copy taken before the upgrade: {self.backup}")
        if self.problems:
            out.append("Problems found:")
            out += [f"  - {p}" for p in self.problems]
        else:
            out.append("Integrity check: ok")
        out += [f"Warning: {w}" for w in self.warnings]
        return out


def database_warnings(locations: Locations) -> tuple[str, ...]:
    """What the practice should know about where its database is: a network drive, or a
    folder or file other users of this computer may read."""
    path = locations.sqlite_path
    if path is None:
        return ()
    found = []
    where = network_location(path)
    if where is not None:
        # The advice comes first: a status bar shows one line and cuts the end off.
        found.append(
            "the database is on a network drive. Several PCs on one SQLite file can damage "
            "it: use a PostgreSQL server for several PCs, or keep the file on this PC's own "
            f"disk. The file {path} is {where}."
        )
    if os.name == "posix":
        for place, private in ((locations.data_dir, "chmod 700"), (path, "chmod 600")):
            with contextlib.suppress(OSError):
                if place.stat().st_mode & 0o077:
                    found.append(
                        f"{place} can be read by other users of this computer (permissions "
                        f"{place.stat().st_mode & 0o777:o}). Practice Action leaves "
                        f"permissions as you set them: make it private with {private} "
                        f"{place}, or ask your IT support."
                    )
    return tuple(found)


def restore_leftover_warnings(ctx: Context) -> list[str]:
    """What opening the database cleared away from a restore cut short, said once."""
    cleared = ctx.extra.get("cleared") or []
    if not cleared:
        return []
    return [
        "a restore that was cut short had left "
        + ", ".join(str(p) for p in cleared)  # type: ignore[attr-defined]
        + ": removed, and the database is the one from before that restore."
    ]


# ``check`` fails below this much free space on the disk that holds the data folder: the next
# backup or a busy day's records may not fit.
LOW_DISK_MB = 50


def disk_problems(locations: Locations) -> list[str]:
    """A full or nearly full disk under the data folder, in words (SQLite only)."""
    if locations.sqlite_path is None:
        return []
    from practice_action.store.engine import free_megabytes

    free = free_megabytes(locations.data_dir)
    if free is None or free >= LOW_DISK_MB:
        return []
    return [
        f"the disk that holds {locations.data_dir} is {'full' if free < 1 else 'nearly full'} "
        f"({free:.1f} MB free; at least {LOW_DISK_MB} MB is needed): free some space on it, "
        "or ask your IT support, before the practice records anything more."
    ]


def menus_folder() -> Path:
    return paths.resource("menus")


def menu_problems(folder: Path) -> list[str]:
    """Every menu file checked afresh, each fault naming its file, action and field."""
    from practice_action.domain.menu import MenuError, load_menu, load_menus

    found: list[str] = []
    for path in sorted(folder.glob("*.toml")):
        try:
            load_menu(path)
        except MenuError as error:
            found.append(f"menu file {error}")
    if not found:
        try:
            load_menus(folder)
        except MenuError as error:
            found.append(f"menu file {error}")
    return found


def added_menu_problems(ctx: Context) -> list[str]:
    """Every menu file the practice added, read back from the database and checked again."""
    from practice_action.services import plan

    return [
        f"added menu file {m.problem} (added by {m.added_by}; add a corrected file with "
        "practice-action menu add)"
        for m in plan.added_menus(ctx)
        if m.problem
    ]


def health(ctx: Context, locations: Locations) -> HealthReport:
    opened: migrate.OpenResult = ctx.extra["opened"]  # type: ignore[assignment]
    warnings = list(database_warnings(locations))
    warnings += restore_leftover_warnings(ctx)
    if ctx.backups_dir is not None and locations.sqlite_path is not None:
        from practice_action.domain.calendar import local_today
        from practice_action.services.backups import future_dated

        future = future_dated(ctx.backups_dir, local_today(ctx.clock))
        if future:
            warnings.append(
                "backups dated after today (a computer's clock was wrong when they were "
                "taken): " + ", ".join(p.name for p in future)
            )
    if locations.sqlite_path is None:
        from practice_action.services.desks import clock_skew, skew_words

        words = skew_words(clock_skew(ctx))
        if words:
            warnings.append(words)
    return HealthReport(
        version=__version__,
        revision=migrate.current_revision(ctx.store) or "(empty)",
        head=migrate.head_revision(),
        data_dir=locations.data_dir,
        database=locations.describe_database(),
        problems=tuple(
            disk_problems(locations)
            + migrate.integrity_problems(ctx.store)
            + menu_problems(menus_folder())
            + added_menu_problems(ctx)
        ),
        upgraded_from=opened.revision_before,
        backup=opened.backup,
        warnings=tuple(warnings),
    )


def database_check(ctx: Context) -> TableByTableCheck | None:
    """The whole-file check a desk runs behind its window after sign-in (store/integrity.py),
    or None when there is no file to check (PostgreSQL, whose server keeps its own)."""
    if not ctx.store.is_sqlite or ctx.store.file is None:
        return None
    return TableByTableCheck(ctx.store.file)


def damage_found(ctx: Context, locations: Locations, problems: list[str]) -> None:
    """What the desk's check found stops this store from saving (every desk open on it hears
    so as it next writes), and the next start checks the whole file before sign-in."""
    finding = "; ".join(problems[:3])
    # The store stops first: whatever happens to the note, nothing more is saved.
    ctx.store.stop(
        DamagedDatabase(
            f"The database failed its check ({finding}). Nothing more can be saved on this "
            "desk, and no backup was taken today. Restart Practice Action: it checks the "
            "database again before anyone signs in and offers to put back the last sound "
            "backup."
        )
    )
    if locations.is_sqlite:
        _leave_note(locations, finding)


def check_passed(locations: Locations) -> None:
    """The whole file was checked and is sound: no need to check it before the next sign-in."""
    with contextlib.suppress(OSError):
        clear_full_check_note(locations.data_dir)


def remember_damage(ctx: Context, locations: Locations) -> None:
    """The store stopped because its file was found damaged (by any read or write): the next
    start checks the whole file before sign-in, as after the desk's own check."""
    if isinstance(ctx.store.stopped, DamagedDatabase) and locations.is_sqlite:
        _leave_note(locations, str(ctx.store.stopped))


def _leave_note(locations: Locations, finding: str) -> None:
    """The note for the next start; a folder that cannot take it (full, read-only) costs only
    the note: the desk has stopped saving already, and says why."""
    with contextlib.suppress(OSError):
        leave_full_check_note(locations.data_dir, finding)
