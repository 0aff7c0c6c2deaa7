"""The audit trail: an append-only list of changes, chained by hash.

Each entry carries the hash of the one before it, and the hash covers every field of the
entry, so an entry edited, removed, inserted or moved in the database breaks the chain at
that point. Appends lock the single ``audit_head`` row, which keeps the chain in one line
when several desks write at once (PostgreSQL row lock; on SQLite the IMMEDIATE transaction
already holds the write lock).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from practice_action.domain.calendar import LONDON, day_bounds_utc
from practice_action.services import tally, witness

# The chain itself (hashing, appending) lives where the early sign-in can reach it without
# SQLAlchemy; these names stay reachable from here for the rest of the app.
from practice_action.services.audit_chain import GENESIS as GENESIS
from practice_action.services.audit_chain import _hash
from practice_action.services.audit_chain import append_raw as append_raw
from practice_action.services.audit_chain import entry_hash as entry_hash
from practice_action.services.audit_chain import standing_problem as standing_problem
from practice_action.services.context import Actor, Context
from practice_action.services.permissions import Permission, require
from practice_action.store.models import AuditEntry, AuditHead, StaffRow
from practice_action.store.raw import Raw, transaction_now
from practice_action.store.watch import ChangeWatcher


def _iso(at: Any) -> str:
    """An entry's time as ``entry_hash`` writes it (2026-11-17T14:00:00.000000+00:00), from
    what the driver gives: SQLite's stored UTC text (2026-11-17 14:00:00.000000), read
    without making a datetime, or PostgreSQL's aware datetime."""
    if isinstance(at, str):
        if len(at) == 26 and at[10] == " ":
            return f"{at[:10]}T{at[11:]}+00:00"
        return _utc(at).isoformat(timespec="microseconds")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def _utc(at: Any) -> datetime:
    if isinstance(at, str):
        value = datetime.fromisoformat(at)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return at.astimezone(UTC)


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

    Returns the entry's sequence number."""
    session.flush()  # ORM rows the caller added go first, so the entry can refer to them
    own_account = actor.staff_id is not None and any(
        key[0] is StaffRow and key[1] == (actor.staff_id,) for key in session.identity_map
    )
    at = transaction_now(session, ctx.clock)
    return append_raw(
        Raw(session), at, actor, kind, summary, before, after, own_account=own_account
    )


def head_hash(session: Session) -> str:
    """The hash of the newest entry (all zeros before the first): what a document made now
    prints as its record reference."""
    head = session.get(AuditHead, 1)
    return head.hash if head is not None else GENESIS


@dataclass(frozen=True)
class ChainReport:
    entries: int
    intact: bool
    first_broken_seq: int | None = None
    problem: str = ""
    counter: bool = False  # the chain holds, but the counter's tables differ from it

    @property
    def headline(self) -> str:
        """The finding in one sentence, for the command line and the audit screen."""
        if self.intact:
            return f"intact: {self.entries:,} entries, each following from the one before"
        if self.counter:
            return f"the counter's records do not match the audit trail: {self.problem}"
        if self.first_broken_seq is None:
            return f"broken: {self.problem}"
        return f"broken at entry {self.first_broken_seq:,}: {self.problem}"


class Cancelled(Exception):
    """The person checking the trail stopped the check before it finished."""


_PROGRESS_EVERY = 5000


def _walk(
    rows: Any,
    ledger: tally.CounterLedger,
    witnessed: set[int],
    progress: Callable[[int], bool] | None = None,
) -> _Walk:
    """Follow the chain in the order the entries were written (the table's own order).

    ``rows`` are the driver's own (the time as SQLite's text or PostgreSQL's datetime);
    ``progress(entries so far)`` is asked every few thousand entries, and False stops."""
    walk = _Walk()
    prev = GENESIS
    expected = 1
    previous_seq = 0
    note = ledger.note
    for (
        seq,
        at,
        actor,
        actor_kind,
        staff_id,
        kind,
        summary,
        before,
        after,
        prev_hash,
        digest,
    ) in rows:
        walk.count += 1
        if progress is not None and not walk.count % _PROGRESS_EVERY and not progress(walk.count):
            raise Cancelled
        if seq in witnessed:
            walk.hash_at[seq] = digest
        if kind == "backup.restored":
            walk.restored = (seq, _utc(at))
        if seq != expected:
            if seq > expected:
                gone = (
                    f"entry {expected:,} is missing"
                    if seq == expected + 1
                    else f"entries {expected:,} to {seq - 1:,} are missing"
                )
                where = (
                    f"the trail starts at entry {seq:,}"
                    if previous_seq == 0
                    else f"the trail goes from entry {previous_seq:,} straight to entry {seq:,}"
                )
                walk.broken = (expected, f"{gone}: {where}, so an entry was removed or moved")
            else:
                walk.broken = (
                    seq,
                    f"entry {seq:,} stands where entry {expected:,} should be: an entry was "
                    "inserted or moved",
                )
            return walk
        recomputed = _hash(
            seq, _iso(at), actor, actor_kind, staff_id, kind, summary, before, after, prev_hash
        )
        if recomputed != digest:
            walk.broken = (seq, f"entry {seq:,} was changed after it was written")
            return walk
        if prev_hash != prev:
            # This entry is whole and still names the hash its predecessor had when it was
            # written: the predecessor was rewritten and given a freshly worked-out hash.
            walk.broken = (
                seq - 1,
                f"entry {seq - 1:,} was changed after it was written and its hash worked out "
                f"again, but entry {seq:,} still holds the hash it had",
            )
            return walk
        note(seq, kind, before, after)
        prev = digest
        previous_seq = seq
        expected += 1
    walk.last = expected - 1
    walk.last_hash = prev
    return walk


_ENTRY_SQL = (
    "SELECT seq, at, actor, actor_kind, staff_id, kind, summary, before, after, prev_hash, hash"
    " FROM audit_entry ORDER BY id"
)


def _entry_rows(session: Session) -> Iterator[tuple[Any, ...]]:
    """Every entry in the table's order, streamed in batches on the driver's own cursor (a
    server-side cursor on PostgreSQL), so memory stays flat however long the trail."""
    connection = session.connection()
    driver = connection.connection.driver_connection
    assert driver is not None
    if connection.dialect.name == "postgresql":
        cursor = driver.cursor(name="audit_verify")
        cursor.itersize = _PROGRESS_EVERY
        cursor.execute(_ENTRY_SQL)
        yield from cursor
        cursor.close()
        return
    cursor = driver.cursor()
    cursor.execute(_ENTRY_SQL)
    while batch := cursor.fetchmany(_PROGRESS_EVERY):
        yield from batch
    cursor.close()


@dataclass
class _Walk:
    count: int = 0
    last: int = 0
    last_hash: str = GENESIS
    broken: tuple[int, str] | None = None
    restored: tuple[int, datetime] | None = None
    hash_at: dict[int, str] = field(default_factory=dict)


def verify(ctx: Context, progress: Callable[[int, int], bool] | None = None) -> ChainReport:
    """Walk the whole chain and name the first entry that does not follow from the one before;
    then check it against every witness kept outside the database, and the counter's tables
    against the entries that recorded them.

    The entries are read in batches, never all at once, so a trail of a million entries is
    checked in the memory of a few thousand. ``progress(entries checked, entries written)``
    is asked every few thousand entries; when it returns False the check stops and raises
    Cancelled."""
    ledger = tally.CounterLedger()
    with ctx.store.read() as session:
        # As written to the driver, as the entries are: no mapper is set up for a check
        # that is often a process's only work (``practice-action audit verify``).
        head = (
            session.connection()
            .exec_driver_sql("SELECT seq, hash FROM audit_head WHERE id = 1")
            .first()
        )
        witnessed = {w.seq for w in witness.witnesses(ctx)}
        total = head.seq if head is not None else 0
        walk = _walk(
            _entry_rows(session),
            ledger,
            witnessed,
            None if progress is None else (lambda done: progress(done, total)),
        )
        count = walk.count
        if walk.broken is not None:
            return ChainReport(count, False, *walk.broken)
        last = walk.last
        if head is None:
            if last:
                return ChainReport(
                    count,
                    False,
                    last,
                    f"the record of the last entry written (the trail's head) was deleted; "
                    f"the trail holds {last:,} entries",
                )
        elif head.seq > last:
            gone = (
                f"entry {head.seq:,} was"
                if head.seq == last + 1
                else f"entries {last + 1:,} to {head.seq:,} were"
            )
            return ChainReport(
                count,
                False,
                last + 1,
                f"the trail ends at entry {last:,} but {head.seq:,} were written: {gone} removed "
                "from the end",
            )
        elif head.seq < last:
            return ChainReport(
                count,
                False,
                head.seq + 1,
                f"entry {head.seq + 1:,} follows the last entry written ({head.seq:,}): "
                "entries were added at the end",
            )
        elif head.hash != walk.last_hash:
            return ChainReport(
                count,
                False,
                last,
                f"entry {last:,} is not the last entry written: it was replaced",
            )

        def every_hash() -> list[tuple[int, str]]:
            rows = session.execute(select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq))
            return [(int(seq), str(digest)) for seq, digest in rows]

        disagree = witness.problems(ctx, last, walk.hash_at, walk.restored, every_hash)
        if disagree:
            first, words = disagree[0]
            more = f" ({len(disagree) - 1} more witness{'es' if len(disagree) > 2 else ''} agree)"
            return ChainReport(count, False, first, words + (more if len(disagree) > 1 else ""))
        found = ledger.check(session)
        if found is not None:
            return ChainReport(count, False, found.seq, found.words, counter=True)
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


def _distinct(session: Session, column: Any) -> list[str]:
    """The column's distinct values by hopping along its index from one value to the next
    (a handful of index look-ups), instead of a DISTINCT that reads every entry."""
    table = column.table
    step = table.alias("following")
    value = column.name
    first = select(func.min(column).label("v")).cte("hops", recursive=True)
    later = select(
        select(func.min(step.c[value])).where(step.c[value] > first.c.v).scalar_subquery()
    ).where(first.c.v.is_not(None))
    hops = first.union_all(later)
    return sorted(session.execute(select(hops.c.v).where(hops.c.v.is_not(None))).scalars())


def people(ctx: Context, actor: Actor) -> list[str]:
    """Everyone the trail names (for a filter list), read from the index on the actor."""
    require(actor, Permission.VIEW_AUDIT)
    with ctx.store.read() as session:
        return _distinct(session, AuditEntry.__table__.c.actor)


def kinds(ctx: Context, actor: Actor) -> list[str]:
    """Every kind of entry the trail holds (for a filter list), without loading the entries."""
    require(actor, Permission.VIEW_AUDIT)
    with ctx.store.read() as session:
        return _distinct(session, AuditEntry.__table__.c.kind)


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
