"""Races and failures found by a second reading of the counter, kept fixed by tests."""

from __future__ import annotations

import threading

import pytest
from counter_helpers import add_clinician, adopt_cap
from sqlalchemy import text

from practice_action.domain.errors import PracticeActionError, StoreError
from practice_action.services import audit, counter
from practice_action.services.context import Actor, Context
from practice_action.store.counter_models import ClinicianDay


def _desk(db_ctx: Context) -> tuple[Actor, int]:
    from conftest import MANAGER_PIN, valid_profile

    from practice_action.services import practice

    manager = practice.first_run_setup(db_ctx, valid_profile(), "Maria Okafor", MANAGER_PIN).actor
    return manager, add_clinician(db_ctx, manager, "Dr Ada Lovelace")


def test_the_change_watcher_leaves_no_autocommit_connection_in_the_pool(db_ctx: Context) -> None:
    """A write that fails must roll back whole, even after a live screen's watcher has come
    and gone (its connection once went back to the pool in autocommit on PostgreSQL)."""
    _, clinician = _desk(db_ctx)
    for _ in range(3):
        watcher = audit.watcher(db_ctx)
        watcher.stamp()
        watcher.close()
    before = audit.change_stamp(db_ctx)
    with pytest.raises(RuntimeError), db_ctx.store.write() as session:
        session.execute(
            text("UPDATE clinician SET name = 'Changed' WHERE id = :i"), {"i": clinician}
        )
        raise RuntimeError("the step fails after writing")
    with db_ctx.store.read() as session:
        name = session.execute(
            text("SELECT name FROM clinician WHERE id = :i"), {"i": clinician}
        ).scalar_one()
    assert name == "Dr Ada Lovelace"
    assert audit.change_stamp(db_ctx) == before


def test_two_desks_undoing_the_same_contact_at_once_undo_it_once(db_ctx: Context) -> None:
    manager, clinician = _desk(db_ctx)
    counter.record_contact(db_ctx, manager, clinician)
    recorded = counter.record_contact(db_ctx, manager, clinician)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def undo() -> None:
        start.wait()
        try:
            counter.void_contact(db_ctx, manager, recorded.contact_id, "Recorded by mistake")
            outcomes.append("undone")
        except PracticeActionError as error:
            outcomes.append(str(error))

    threads = [threading.Thread(target=undo) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["That contact was already undone.", "undone"]
    with db_ctx.store.read() as session:
        counted = session.query(ClinicianDay.counted).scalar()
    assert counted == 1


def test_a_plan_version_number_reused_after_a_restore_is_not_mistaken_for_the_old(
    ctx: Context, manager: Actor, partner: Actor, receptionist: Actor
) -> None:
    clinician = add_clinician(ctx, manager, "Dr Ada Lovelace")
    adopt_cap(ctx, partner, 20)
    counter.record_contact(ctx, receptionist, clinician)  # the rule for cap 20 is now cached
    with ctx.store.write() as session:  # as a restore of last night's copy would leave it
        session.execute(text("DELETE FROM plan_task"))
        session.execute(text("DELETE FROM plan_decision"))
        session.execute(text("DELETE FROM plan_version"))
    adopt_cap(ctx, partner, 1)  # a new version with the same number
    with pytest.raises(counter.AtCap):
        counter.record_contact(ctx, receptionist, clinician)


def test_a_database_error_in_the_hot_path_is_a_plain_store_error(
    ctx: Context, manager: Actor, receptionist: Actor
) -> None:
    clinician = add_clinician(ctx, manager, "Dr Ada Lovelace")
    with ctx.store.write() as session:
        session.execute(text("ALTER TABLE contact RENAME TO contact_gone"))
    with pytest.raises(StoreError, match="Nothing was saved"):
        counter.record_contact(ctx, receptionist, clinician)
    with ctx.store.read() as session:
        assert session.execute(text("SELECT counted FROM clinician_day")).all() == []
