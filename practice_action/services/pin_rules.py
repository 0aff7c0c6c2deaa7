"""The rules for checking a PIN, kept free of SQLAlchemy.

What happens to an attempt (signed in, wrong, locked out, refused while locked) is decided here
from the person's staff row as read, and carried out by whoever holds the transaction: the
ORM in services/staff.py, or the plain sqlite3 check of the early sign-in (services/early.py),
which answers a PIN before the database layer has loaded. Both write the same changes and
the same audit entry, so a PIN counts the same whichever way it was checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from practice_action.domain.enums import StaffRole
from practice_action.domain.errors import PracticeActionError
from practice_action.domain.staff_member import StaffMember
from practice_action.domain.words import plural
from practice_action.services.context import Actor

MAX_FAILED = 5
LOCKOUT = timedelta(minutes=5)

# Argon2id at OWASP's minimum. OWASP lists five settings of equal strength that trade memory
# for passes (46 MiB x 1 ... 7 MiB x 5); a desk checks a PIN at every unlock, so it takes the
# one that needs least memory at a time: 7 MiB, 5 passes, 1 lane (about 20 ms here). Hashes
# made with other settings are remade with these at the next sign-in.
OWASP_EQUIVALENT = {(46 * 1024, 1), (19 * 1024, 2), (12 * 1024, 3), (9 * 1024, 4), (7 * 1024, 5)}
HASHER = PasswordHasher(time_cost=5, memory_cost=7 * 1024, parallelism=1)

NOT_ACTIVE = "That account is not active. Ask a practice manager."


class SignInRefused(PracticeActionError):
    """Wrong PIN, locked account or retired account; the message says which and what to do."""


@dataclass(frozen=True)
class SignedIn:
    actor: Actor
    member: StaffMember


def pin_matches(pin_hash: str, pin: str) -> bool:
    try:
        return HASHER.verify(pin_hash, pin)
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class StaffPin:
    """The parts of a staff row a PIN check reads."""

    id: int
    name: str
    role: str
    active: bool
    pin_hash: str
    failed_attempts: int
    locked_until: datetime | None


@dataclass(frozen=True)
class Verdict:
    """An attempt's outcome: the row's new lock-out fields (and hash, if remade), the audit
    entry to write (``kind`` empty for none), and either who signed in or why not."""

    actor: Actor
    failed_attempts: int
    locked_until: datetime | None
    pin_hash: str
    kind: str
    summary: str
    signed: SignedIn | None = None
    refusal: str = ""


def judge(row: StaffPin, pin: str, now: datetime, *, signing_in: bool) -> Verdict:
    """What an attempt with ``pin`` at ``now`` does. Raises SignInRefused, writing nothing,
    for an account that is not active."""
    if not row.active:
        raise SignInRefused(NOT_ACTIVE)
    who = Actor(row.name, StaffRole(row.role), row.id)
    if row.locked_until is not None and row.locked_until > now:
        seconds = (row.locked_until - now).total_seconds()
        minutes = max(1, -int(-seconds // 60))  # rounded up: 5 right after the lock
        return Verdict(
            who,
            row.failed_attempts,
            row.locked_until,
            row.pin_hash,
            "signin.locked",
            f"Sign-in refused: {row.name} is locked",
            refusal=(
                f"{row.name} is locked after {MAX_FAILED} wrong PINs. Try again in about "
                f"{minutes} minute{'s' if minutes != 1 else ''}, or ask a manager to reset the PIN."
            ),
        )
    if pin_matches(row.pin_hash, pin):
        remade = HASHER.hash(pin) if HASHER.check_needs_rehash(row.pin_hash) else row.pin_hash
        member = StaffMember(name=row.name, role=StaffRole(row.role), active=True, id=row.id)
        return Verdict(
            who,
            0,
            None,
            remade,
            "signin.ok" if signing_in else "",
            f"{row.name} signed in",
            signed=SignedIn(who, member),
        )
    failed = row.failed_attempts + 1
    left = MAX_FAILED - failed
    if left <= 0:
        minutes = plural(int(LOCKOUT.total_seconds() // 60), "minute")
        return Verdict(
            who,
            0,
            now + LOCKOUT,
            row.pin_hash,
            "signin.lockout",
            f"{row.name} locked for {minutes} after {MAX_FAILED} wrong PINs",
            refusal=(
                f"Wrong PIN. {row.name} is now locked for 5 minutes after {MAX_FAILED} wrong "
                "PINs in a row. A practice manager can reset the PIN."
            ),
        )
    return Verdict(
        who,
        failed,
        row.locked_until,
        row.pin_hash,
        "signin.failed",
        f"Wrong PIN for {row.name}",
        refusal=f"Wrong PIN. {left} more tr{'ies' if left != 1 else 'y'} before the account locks.",
    )
