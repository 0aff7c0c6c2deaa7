"""Opening the app's data: locations, database, migrations, and the health report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from practice_action import __version__
from practice_action.domain.calendar import Clock, system_clock
from practice_action.paths import Locations, make_private_dir, network_location
from practice_action.services.context import Context
from practice_action.store import migrate


def open_context(
    locations: Locations, *, clock: Clock = system_clock, migrate_now: bool = True
) -> Context:
    """Open (and if needed upgrade) the database the locations point at."""
    make_private_dir(locations.data_dir)
    result = migrate.open_store(locations.database_url, locations.backups_dir, migrate=migrate_now)
    ctx = Context(
        store=result.store,
        clock=clock,
        data_dir=locations.data_dir,
        backups_dir=locations.backups_dir,
    )
    ctx.extra["opened"] = result
    return ctx


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
    """What the practice should know about where its database is: today, a network drive."""
    path = locations.sqlite_path
    if path is None:
        return ()
    where = network_location(path)
    if where is None:
        return ()
    # The advice comes first: a status bar shows one line and cuts the end off.
    return (
        "the database is on a network drive. Several PCs on one SQLite file can damage it: "
        "use a PostgreSQL server for several PCs, or keep the file on this PC's own disk. "
        f"The file {path} is {where}.",
    )


def health(ctx: Context, locations: Locations) -> HealthReport:
    opened: migrate.OpenResult = ctx.extra["opened"]  # type: ignore[assignment]
    return HealthReport(
        version=__version__,
        revision=migrate.current_revision(ctx.store) or "(empty)",
        head=migrate.head_revision(),
        data_dir=locations.data_dir,
        database=locations.describe_database(),
        problems=tuple(migrate.integrity_problems(ctx.store)),
        upgraded_from=opened.revision_before,
        backup=opened.backup,
        warnings=database_warnings(locations),
    )
