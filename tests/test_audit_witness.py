"""A trail rewritten whole is caught: by the backups, which hold the head they were taken with,
and by each desk's own record of the newest head it saw. Each case names the right entry."""

from __future__ import annotations

import pytest
from conftest import as_owner, drop_audit_guards
from counter_helpers import add_clinician
from sqlalchemy import delete, select

from practice_action.services import audit, backups, desks
from practice_action.services.context import Actor, Context
from practice_action.store.models import AuditEntry, AuditHead


def _grow(ctx: Context, manager: Actor, names: list[str]) -> None:
    for name in names:
        add_clinician(ctx, manager, name)


def _head(ctx: Context) -> tuple[int, str]:
    with ctx.store.read() as session:
        head = session.get(AuditHead, 1)
        assert head is not None
        return head.seq, head.hash


def _rewrite_from(ctx: Context, seq: int, summary: str) -> None:
    """What a determined person with the database does: change an entry, then recompute
    every later hash and the head, so that the chain alone looks intact."""
    with as_owner(ctx) as session:
        drop_audit_guards(session)
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
        prev = rows[seq - 2].hash if seq > 1 else audit.GENESIS
        for row in rows[seq - 1 :]:
            if row.seq == seq:
                row.summary = summary
            row.prev_hash = prev
            row.hash = audit.entry_hash(
                seq=row.seq,
                at=row.at,
                actor=row.actor,
                actor_kind=row.actor_kind,
                staff_id=row.staff_id,
                kind=row.kind,
                summary=row.summary,
                before=row.before,
                after=row.after,
                prev_hash=row.prev_hash,
            )
            prev = row.hash
        head = session.get(AuditHead, 1)
        assert head is not None
        head.hash = prev


def _cut_the_end(ctx: Context, keep: int) -> None:
    with as_owner(ctx) as session:
        drop_audit_guards(session)
        session.execute(delete(AuditEntry).where(AuditEntry.seq > keep))
        last = session.scalars(select(AuditEntry).where(AuditEntry.seq == keep)).one()
        head = session.get(AuditHead, 1)
        assert head is not None
        head.seq, head.hash = keep, last.hash


def _wipe(ctx: Context) -> None:
    with as_owner(ctx) as session:
        drop_audit_guards(session)
        session.execute(delete(AuditEntry))
        session.execute(delete(AuditHead))


def test_a_full_rehash_is_caught_by_a_backup_naming_the_changed_entry(
    ctx: Context, manager: Actor
) -> None:
    _grow(ctx, manager, ["Dr A One", "Dr B Two", "Dr C Three"])
    copy = backups.backup_now(ctx, manager)
    _grow(ctx, manager, ["Dr D Four", "Dr E Five"])
    assert audit.verify(ctx).intact
    backed_up, _ = _head(ctx)

    _rewrite_from(ctx, 3, "Added clinician Dr Nobody")

    report = audit.verify(ctx)
    assert not report.intact and report.first_broken_seq == 3
    assert f"the backup {copy.name} held entry" in report.problem
    assert "the trail was rewritten from entry 3 on" in report.problem
    assert backed_up > 3


@pytest.mark.parametrize("case", ["rehash", "truncate", "wipe"])
def test_a_desk_that_saw_the_head_catches_every_rewrite(db_ctx: Context, case: str) -> None:
    from conftest import MANAGER_PIN, valid_profile

    from practice_action.services import practice

    manager = practice.first_run_setup(db_ctx, valid_profile(), "Maria Okafor", MANAGER_PIN).actor
    _grow(db_ctx, manager, [f"Dr Number {n}" for n in range(6)])
    desks.register(db_ctx)
    desks.heartbeat(db_ctx)  # the desk keeps the newest head it has seen
    seen, digest = _head(db_ctx)
    assert audit.verify(db_ctx).intact

    if case == "rehash":
        _rewrite_from(db_ctx, 4, "Added clinician Dr Nobody")
    elif case == "truncate":
        _cut_the_end(db_ctx, seen - 3)
    else:
        _wipe(db_ctx)

    report = audit.verify(db_ctx)
    assert not report.intact
    held = f"this desk's own record of the trail held entry {seen:,} with hash {digest[:8]}"
    assert held in report.problem
    if case == "rehash":
        assert report.first_broken_seq == seen
        assert f"entry {seen:,} on" in report.problem  # the desk knows only its own entry
    elif case == "truncate":
        assert report.first_broken_seq == seen - 2
        assert f"the trail now ends at entry {seen - 3:,}" in report.problem
    else:
        assert report.first_broken_seq == 1 and "the trail is empty: it was wiped" in report.problem


def test_a_restore_starts_a_new_history_that_the_witnesses_accept(
    ctx: Context, manager: Actor, locations
) -> None:
    _grow(ctx, manager, ["Dr A One"])
    copy = backups.backup_now(ctx, manager)
    desks.register(ctx)
    _grow(ctx, manager, ["Dr B Two", "Dr C Three"])
    desks.heartbeat(ctx)
    desks.leave(ctx)
    ctx.store.dispose()
    backups.restore_file(locations, manager, copy)
    from practice_action.services.health import open_context

    again = open_context(locations)
    try:
        report = audit.verify(again)
        assert report.intact, report.problem
    finally:
        again.store.dispose()


def test_the_database_refuses_to_change_or_remove_an_audit_entry(db_ctx: Context) -> None:
    from conftest import MANAGER_PIN, valid_profile
    from sqlalchemy import update
    from sqlalchemy.exc import DatabaseError

    from practice_action.domain.errors import StoreError
    from practice_action.services import practice

    practice.first_run_setup(db_ctx, valid_profile(), "Maria Okafor", MANAGER_PIN)
    for statement in (
        update(AuditEntry).where(AuditEntry.seq == 1).values(summary="Nothing happened"),
        delete(AuditEntry).where(AuditEntry.seq == 2),
    ):
        # The desks' own role: on PostgreSQL it holds no right to change or remove an entry.
        words = "append-only" if db_ctx.store.is_sqlite else "permission denied for table"
        with (
            pytest.raises((StoreError, DatabaseError), match=words),
            db_ctx.store.write() as session,
        ):
            session.execute(statement)
        # The schema's owner, who has the right: the trigger still refuses.
        with (
            pytest.raises((StoreError, DatabaseError), match="append-only"),
            as_owner(db_ctx) as session,
        ):
            session.execute(statement)
    assert audit.verify(db_ctx).intact
