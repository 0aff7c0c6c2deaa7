"""What the sign-in screen can know and do before the database layer has loaded.

Kept free of SQLAlchemy on purpose (a test checks): the desktop app shows sign-in from this
and checks the first PIN with it while the rest loads in the background.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

from practice_action.domain.calendar import Clock, system_clock
from practice_action.domain.enums import StaffRole
from practice_action.domain.errors import StoreError
from practice_action.domain.staff_member import StaffMember
from practice_action.paths import Locations
from practice_action.services.audit_chain import append_raw
from practice_action.services.pin_rules import (
    NOT_ACTIVE,
    SignedIn,
    SignInRefused,
    StaffPin,
    judge,
)
from practice_action.store.integrity import full_check_due
from practice_action.store.peek import (
    early_write,
    early_write_server,
    forget_server_connections,
    is_server_error,
    peek_sign_in,
    peek_sign_in_server,
)
from practice_action.store.raw import raw_now


def sign_in_list(locations: Locations) -> tuple[str, list[StaffMember]] | None:
    """(practice name, active staff) from a database already at this version's schema (a
    SQLite file, or a PostgreSQL server read with its driver alone); None whenever the
    ordinary opening (with its checks, upgrade or set-up) must come first."""
    if _on_server(locations):
        peeked = peek_sign_in_server(locations.database_url)
    else:
        path = locations.sqlite_path
        if path is None or full_check_due(locations.data_dir):
            return None  # damage found last time: the whole file is checked first
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


__all__ = ["check_pin", "forget_server_connections", "sign_in_list"]


def check_pin(
    locations: Locations, staff_id: int, pin: str, clock: Clock = system_clock
) -> SignedIn | None:
    """Check a PIN with the database's driver alone (sqlite3, or for a server store/pg_wire.py's small client),
    before the database layer has loaded: the same rules (services/pin_rules.py), the same
    changes to the person's lock-out count and the same audit entry, chained, in one
    transaction, as ``staff.sign_in`` makes.

    Raises SignInRefused as ``staff.sign_in`` does. None when the plain check could not be made
    (the file busy past the timeout or damaged, the server out of reach): nothing was written,
    and the ordinary check, once the database has opened, answers instead."""
    if _on_server(locations):
        writing = early_write_server(locations.database_url)
        failed: Callable[[BaseException], bool] = is_server_error
    elif locations.sqlite_path is not None:
        writing = early_write(locations.sqlite_path)
        failed = _sqlite_error
    else:
        return None
    now = clock()
    try:
        with writing as raw:
            row = raw.one(
                "SELECT id, name, role, active, pin_hash, failed_attempts, locked_until"
                f" FROM staff WHERE id = ?{raw.for_update}",  # two desks' tries both count
                (staff_id,),
            )
            if row is None:
                verdict = None
            else:
                verdict = judge(
                    StaffPin(
                        int(row[0]),
                        str(row[1]),
                        str(row[2]),
                        bool(row[3]),
                        str(row[4]),
                        int(row[5]),
                        _stored_time(row[6]),
                    ),
                    pin,
                    now,
                    signing_in=True,
                )
                raw.run(
                    "UPDATE staff SET failed_attempts = ?, locked_until = ?, pin_hash = ?"
                    " WHERE id = ?",
                    (
                        verdict.failed_attempts,
                        None if verdict.locked_until is None else raw.time(verdict.locked_until),
                        verdict.pin_hash,
                        staff_id,
                    ),
                )
                append_raw(raw, raw_now(raw, clock), verdict.actor, verdict.kind, verdict.summary)
    except Exception as error:
        if _outcome_unknown(error):
            # The sign-in's COMMIT went but its answer was lost: checking again as if nothing
            # had been written could count one wrong PIN twice.
            raise StoreError(
                "The connection to the database server was lost while this sign-in was being"
                " saved. Type your PIN again; if this keeps happening, contact your IT support."
            ) from None
        if failed(error):
            return None
        raise
    if verdict is None:
        raise SignInRefused(NOT_ACTIVE)
    if verdict.signed is None:
        raise SignInRefused(verdict.refusal)
    return verdict.signed


def _on_server(locations: Locations) -> bool:
    return locations.database_url.startswith(("postgresql", "postgres:"))


def _outcome_unknown(error: BaseException) -> bool:
    from practice_action.store.pg_wire import OutcomeUnknown

    return isinstance(error, OutcomeUnknown)


def _sqlite_error(error: BaseException) -> bool:
    return isinstance(error, sqlite3.Error)


def _stored_time(value: object) -> datetime | None:
    """A time as the store keeps it: UTC text on SQLite (2026-11-17 14:05:00.000000), an
    aware time on PostgreSQL."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    parsed = datetime.fromisoformat(str(value))
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
