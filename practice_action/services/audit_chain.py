"""The audit trail's chain, kept free of SQLAlchemy: an entry's hash, and appending an entry
on a transaction's driver cursor.

The desk checks a PIN at start-up before the database layer has loaded (services/early.py),
and that check writes its audit entry through ``append_raw`` like every other; the rest of
the audit trail (verifying, listing, exporting) is in services/audit.py.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from practice_action.domain.enums import StaffRole
from practice_action.domain.errors import PermissionDenied
from practice_action.services.context import Actor

if TYPE_CHECKING:
    from practice_action.store.raw import Raw

GENESIS = "0" * 64


# One encoder made once (json.dumps with these options would make one per call).
_ENCODE = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False
).encode


def _canonical(value: Any) -> str:
    return _ENCODE(value)


def entry_hash(
    *,
    seq: int,
    at: datetime,
    actor: str,
    actor_kind: str,
    staff_id: int | None,
    kind: str,
    summary: str,
    before: str,
    after: str,
    prev_hash: str,
) -> str:
    stamp = at.isoformat(timespec="microseconds")
    return _hash(seq, stamp, actor, actor_kind, staff_id, kind, summary, before, after, prev_hash)


def _hash(*fields: Any) -> str:
    """The entry's hash over its fields in order, the time as ISO text with its offset."""
    return hashlib.sha256(_ENCODE(list(fields)).encode("utf-8")).hexdigest()


def append_raw(
    raw: Raw,
    at: datetime,
    actor: Actor,
    kind: str,
    summary: str,
    before: Any = None,
    after: Any = None,
    *,
    own_account: bool = False,
) -> int:
    """``append`` on a transaction's driver cursor, at the transaction's time ``at``.

    This runs for every contact the desks record, so it is three short statements on the
    transaction's own connection (store.raw). ``own_account``: the change is to the acting
    person's own staff row, which the caller has checked (staff.py)."""
    if not own_account:
        _refuse_a_stale_actor(raw, actor, kind)
    head = raw.one(f"SELECT seq, hash FROM audit_head WHERE id = 1{raw.for_update}")
    if head is None:
        raw.run("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, ?)", (GENESIS,))
        seq, prev_hash = 0, GENESIS
    else:
        seq, prev_hash = head
    label = actor.label
    before_text = "" if before is None else _canonical(before)
    after_text = "" if after is None else _canonical(after)
    digest = entry_hash(
        seq=seq + 1,
        at=at,
        actor=label,
        actor_kind=actor.kind,
        staff_id=actor.staff_id,
        kind=kind,
        summary=summary,
        before=before_text,
        after=after_text,
        prev_hash=prev_hash,
    )
    raw.run(
        "INSERT INTO audit_entry (seq, at, actor, actor_kind, staff_id, kind, summary, before,"
        " after, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            seq + 1,
            raw.time(at),
            label,
            actor.kind,
            actor.staff_id,
            kind,
            summary,
            before_text,
            after_text,
            prev_hash,
            digest,
        ),
    )
    raw.run("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", (seq + 1, digest))
    return seq + 1


def standing_problem(role: str | None, active: bool | None, actor: Actor) -> str | None:
    """Why ``actor`` may no longer act, from their staff row as it is now; None if they may."""
    if role is None or not active:
        return (
            f"{actor.name}'s account has been retired since they signed in, so they can no "
            "longer act here: nothing was changed."
        )
    if actor.role is not None and role != actor.role.value:
        now = StaffRole(role).label if role in {r.value for r in StaffRole} else role
        return (
            f"{actor.name}'s role has changed to {now} since they signed in: nothing was "
            "changed. Sign in again to carry on with the rights of that role."
        )
    return None


def _refuse_a_stale_actor(raw: Raw, actor: Actor, kind: str) -> None:
    """Rights are the database's, not the desk's: re-read the person acting, in this very
    transaction, and refuse when they were retired or their role changed since signing in."""
    if actor.staff_id is None or kind.startswith("signin."):
        return  # a computer user at a command line, or signing in or out
    row = raw.one("SELECT role, active FROM staff WHERE id = ?", (actor.staff_id,))
    problem = standing_problem(row[0] if row else None, bool(row[1]) if row else None, actor)
    if problem is not None:
        raise PermissionDenied(problem)
