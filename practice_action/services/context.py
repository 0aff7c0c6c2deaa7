"""Who is acting, and what every service is handed: the store and the clock."""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from practice_action.domain.calendar import Clock, system_clock
from practice_action.domain.enums import StaffRole

if TYPE_CHECKING:
    from practice_action.store.engine import Store


@dataclass(frozen=True)
class Actor:
    """The person (or operating-system user, for headless commands) doing something."""

    name: str
    role: StaffRole | None  # None: an operating-system user running a command
    staff_id: int | None = None

    @property
    def kind(self) -> str:
        return "staff" if self.staff_id is not None else "system-user"

    @property
    def label(self) -> str:
        """Who, as the records show it: at most 200 characters, the width stored."""
        if self.role is None:
            text = f"{self.name} (computer user, command line)"
        else:
            text = f"{self.name} ({self.role.label})"
        return text if len(text) <= 200 else text[:199] + "…"


def system_user() -> Actor:
    """Headless commands act as whoever ran them; the audit trail records that name."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "unknown"
    return Actor(name=name, role=None)


@dataclass
class Context:
    store: Store
    clock: Clock = system_clock
    data_dir: Path | None = None
    backups_dir: Path | None = None
    extra: dict[str, object] = field(default_factory=dict)
