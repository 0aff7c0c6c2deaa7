"""What the sign-in screen can know before the database layer has loaded.

Kept free of SQLAlchemy on purpose (a test checks): the desktop app shows sign-in from this
while the rest loads in the background.
"""

from __future__ import annotations

from practice_action.domain.enums import StaffRole
from practice_action.domain.records import StaffMember
from practice_action.paths import Locations
from practice_action.store.peek import peek_sign_in


def sign_in_list(locations: Locations) -> tuple[str, list[StaffMember]] | None:
    """(practice name, active staff) from a SQLite file already at this version's schema;
    None whenever the ordinary opening (with its checks, upgrade or set-up) must come first."""
    path = locations.sqlite_path
    if path is None:
        return None
    peeked = peek_sign_in(path)
    if peeked is None:
        return None
    members = []
    for person in peeked.staff:
        try:
            role = StaffRole(person.role)
        except ValueError:
            return None
        members.append(StaffMember(person.name, role, True, person.id))
    return peeked.practice_name, members
