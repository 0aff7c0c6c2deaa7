"""A member of staff as the screens see them, apart from the rest of the records so that the
sign-in window, which needs only this, starts without loading the practice's other records."""

from __future__ import annotations

from dataclasses import dataclass

from practice_action.domain.enums import StaffRole


@dataclass(frozen=True)
class StaffMember:
    name: str
    role: StaffRole
    active: bool = True
    id: int | None = None
