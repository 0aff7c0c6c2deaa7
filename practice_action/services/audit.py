"""The audit trail: an append-only list of changes, chained by hash.

Each entry carries the hash of the one before it, and the hash covers every field of the
entry, so an entry edited, removed, inserted or moved in the database breaks the chain at
that point. Appends lock the single ``audit_head`` row, which keeps the chain in one line
when several desks write at once (PostgreSQL row lock; on SQLite the IMMEDIATE transaction
already holds the write lock).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from practice_action.domain.calendar import LONDON, day_bounds_utc
from practice_action.domain.enums import StaffRole
from practice_action.domain.errors import PermissionDenied
from practice_action.services import witness
from practice_action.services.context import Actor, Context
from practice_action.services.permissions import Permission, require
from practice_action.store.models import AuditEntry, AuditHead, StaffRow
from practice_action.store.raw import Raw, transaction_now
from practice_action.store.watch import ChangeWatcher

GENESIS = "0" * 64


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)


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
    payload = _canonical(
        [
            seq,
            at.isoformat(timespec="microseconds"),
            actor,
            actor_kind,
            staff_id,
            kind,
            summary,
            before,
            after,
            prev_hash,
        ]
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def append(
    session: Session,
    ctx: Context,
    actor: Actor,
    kind: str,
    summary: str,
    *,
    before: Any = None,
    after: Any = None,
) -> int:
    """Add an entry in the caller's transaction, so it commits or rolls back with the change.

    Returns the entry's sequence number. This runs for every contact the desks record, so it
    is three short statements on the transaction's own connection (store.raw).
    """
    session.flush()  # ORM rows the caller added go first, so the entry can refer to them
    raw = Raw(session)
    _refuse_a_stale_actor(session, raw, actor, kind)
    head = raw.one(f"SELECT seq, hash FROM audit_head WHERE id = 1{raw.for_update}")
    if head is None:
        raw.run("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, ?)", (GENESIS,))
        seq, prev_hash = 0, GENESIS
    else:
        seq, prev_hash = head
    at = transaction_now(session, ctx.clock)
    fields = dict(
        seq=seq + 1,
        at=at,
        actor=actor.label,
        actor_kind=actor.kind,
        staff_id=actor.staff_id,
        kind=kind,
        summary=summary,
        before="" if before is None else _canonical(before),
        after="" if after is None else _canonical(after),
        prev_hash=prev_hash,
    )
    digest = entry_hash(**fields)
    raw.run(
        "INSERT INTO audit_entry (seq, at, actor, actor_kind, staff_id, kind, summary, before,"
        " after, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            seq + 1,
            raw.time(at),
            actor.label,
            actor.kind,
            actor.staff_id,
            kind,
            summary,
            fields["before"],
            fields["after"],
            prev_hash,
            digest,
        ),
    )
    raw.run("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", (seq + 1, digest))
    return seq + 1


def head_hash(session: Session) -> str:
    """The hash of the newest entry (all zeros before the first): what a document made now
    prints as its record reference."""
    head = session.get(AuditHead, 1)
    return head.hash if head is not None else GENESIS


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


def _refuse_a_stale_actor(session: Session, raw: Raw, actor: Actor, kind: str) -> None:
    """Rights are the database's, not the desk's: re-read the person acting, in this very
    transaction, and refuse when they were retired or their role changed since signing in."""
    if actor.staff_id is None or kind.startswith("signin."):
        return  # a computer user at a command line, or signing in or out
    for key in session.identity_map:
        if key[0] is StaffRow and key[1] == (actor.staff_id,):
            return  # the change is to this person's own account: staff.py has checked it
    row = raw.one("SELECT role, active FROM staff WHERE id = ?", (actor.staff_id,))
    problem = standing_problem(row[0] if row else None, bool(row[1]) if row else None, actor)
    if problem is not None:
        raise PermissionDenied(problem)


@dataclass(frozen=True)
class ChainReport:
    entries: int
    intact: bool
    first_broken_seq: int | None = None
    problem: str = ""


def verify(ctx: Context) -> ChainReport:
    """Walk the whole chain; name the first entry that does not follow from the one before."""
    with ctx.store.read() as session:
        head = session.get(AuditHead, 1)
        prev = GENESIS
        expected_seq = 1
        count = 0
        witnessed = {w.seq for w in witness.witnesses(ctx)}
        hash_at: dict[int, str] = {}
        restored: tuple[int, datetime] | None = None
        for entry in session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars():
            count += 1
            if entry.seq in witnessed:
                hash_at[entry.seq] = entry.hash
            if entry.kind == "backup.restored":
                restored = (entry.seq, entry.at)
            if entry.seq != expected_seq:
                return ChainReport(
                    count,
                    False,
                    entry.seq,
                    f"entry {entry.seq} stands where entry {expected_seq} should be: "
                    "an entry was removed, inserted or moved",
                )
            if entry.prev_hash != prev:
                return ChainReport(
                    count,
                    False,
                    entry.seq,
                    f"entry {entry.seq} does not follow from the entry before it",
                )
            recomputed = entry_hash(
                seq=entry.seq,
                at=entry.at,
                actor=entry.actor,
                actor_kind=entry.actor_kind,
                staff_id=entry.staff_id,
                kind=entry.kind,
                summary=entry.summary,
                before=entry.before,
                after=entry.after,
                prev_hash=entry.prev_hash,
            )
            if recomputed != entry.hash:
                return ChainReport(
                    count, False, entry.seq, f"entry {entry.seq} was changed after it was written"
                )
            prev = entry.hash
            expected_seq += 1
        head_seq = head.seq if head else 0
        head_hash = head.hash if head else GENESIS
        last = expected_seq - 1
        if head_seq > last:
            return ChainReport(
                count,
                False,
                last + 1,
                f"the trail ends at entry {last} but {head_seq} were written: "
                "entries were removed from the end",
            )
        if head_seq < last:
            return ChainReport(
                count,
                False,
                head_seq + 1,
                f"entry {head_seq + 1} follows the last entry written ({head_seq}): "
                "entries were added at the end",
            )
        if head_hash != prev:
            return ChainReport(
                count,
                False,
                last,
                f"entry {last} is not the last entry written: it was replaced",
            )

        def every_hash() -> list[tuple[int, str]]:
            rows = session.execute(select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq))
            return [(int(seq), str(digest)) for seq, digest in rows]

        disagree = witness.problems(ctx, last, hash_at, restored, every_hash)
        if disagree:
            first, words = disagree[0]
            more = f" ({len(disagree) - 1} more witness{'es' if len(disagree) > 2 else ''} agree)"
            return ChainReport(count, False, first, words + (more if len(disagree) > 1 else ""))
    return ChainReport(count, True)


@dataclass(frozen=True)
class AuditView:
    seq: int
    at: datetime
    actor: str
    kind: str
    summary: str
    before: str
    after: str

    @property
    def local_time(self) -> datetime:
        return self.at.astimezone(LONDON)


def watcher(ctx: Context) -> ChangeWatcher:
    """A cheap poller for live screens: ``stamp()`` moves whenever any desk changes anything."""
    return ChangeWatcher(ctx.store)


def change_stamp(ctx: Context) -> int:
    """A number that grows with every change any desk makes: cheap to poll."""
    with ctx.store.read() as session:
        return session.execute(select(func.coalesce(func.max(AuditHead.seq), 0))).scalar_one()


def list_entries(
    ctx: Context,
    actor: Actor,
    *,
    start: date | None = None,
    end: date | None = None,
    person: str | None = None,
    kind_prefix: str | None = None,
    limit: int = 5000,
) -> list[AuditView]:
    require(actor, Permission.VIEW_AUDIT)
    # Plain rows of the shown columns, not mapped objects: a trail of thousands of entries
    # then costs the desk only the text it shows.
    query = (
        select(
            AuditEntry.seq,
            AuditEntry.at,
            AuditEntry.actor,
            AuditEntry.kind,
            AuditEntry.summary,
            AuditEntry.before,
            AuditEntry.after,
        )
        .order_by(AuditEntry.seq.desc())
        .limit(limit)
    )
    if start is not None:
        query = query.where(AuditEntry.at >= day_bounds_utc(start)[0])
    if end is not None:
        query = query.where(AuditEntry.at < day_bounds_utc(end)[1])
    if person:
        query = query.where(AuditEntry.actor == person)
    if kind_prefix:
        query = query.where(AuditEntry.kind.startswith(kind_prefix))
    with ctx.store.read() as session:
        return [AuditView(*row) for row in session.execute(query)]


def people(ctx: Context, actor: Actor) -> list[str]:
    require(actor, Permission.VIEW_AUDIT)
    with ctx.store.read() as session:
        return sorted(session.execute(select(AuditEntry.actor).distinct()).scalars())


def kinds(ctx: Context, actor: Actor) -> list[str]:
    """Every kind of entry the trail holds (for a filter list), without loading the entries."""
    require(actor, Permission.VIEW_AUDIT)
    with ctx.store.read() as session:
        return sorted(session.execute(select(AuditEntry.kind).distinct()).scalars())


def to_csv(entries: list[AuditView]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["seq", "time (UK)", "who", "kind", "what", "before", "after"])
    for e in entries:
        writer.writerow(
            [
                e.seq,
                e.local_time.strftime("%Y-%m-%d %H:%M:%S"),
                e.actor,
                e.kind,
                e.summary,
                e.before,
                e.after,
            ]
        )
    return buffer.getvalue()
