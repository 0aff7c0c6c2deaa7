"""The cap holds when many desks record at the same instant, on SQLite and on PostgreSQL.

Eight processes, each with its own connections, make fifty attempts each on one clinician
with a cap of 25, released together by a barrier. Exactly 25 contacts may be recorded, every
other attempt refused at the cap, none may fail, and the stored rows must agree.
"""

from __future__ import annotations

from counter_helpers import add_clinician, adopt_cap
from counter_race import race
from sqlalchemy import func, select

from practice_action import paths
from practice_action.domain.enums import StaffRole
from practice_action.domain.records import StaffMember
from practice_action.services import audit, practice, staff
from practice_action.services.context import Actor
from practice_action.services.health import open_context
from practice_action.store.counter_models import ClinicianDay, Contact

PROCESSES = 8
ATTEMPTS = 50


def _prepare(locations: paths.Locations, cap: int | None) -> int:
    from conftest import MANAGER_PIN, PARTNER_PIN, valid_profile

    ctx = open_context(locations)
    try:
        manager = practice.first_run_setup(ctx, valid_profile(), "Maria Okafor", MANAGER_PIN).actor
        member = staff.add_staff(
            ctx, manager, StaffMember("Dr Sam Patel", StaffRole.PARTNER), PARTNER_PIN
        )
        partner = Actor(member.name, member.role, member.id)
        clinician = add_clinician(ctx, manager, "Dr Busy")
        if cap is not None:
            adopt_cap(ctx, partner, cap)
        return clinician
    finally:
        ctx.store.dispose()


def _stored(locations: paths.Locations, clinician_id: int) -> tuple[int, int, bool]:
    ctx = open_context(locations)
    try:
        with ctx.store.read() as session:
            counted = session.execute(
                select(ClinicianDay.counted).where(ClinicianDay.clinician_id == clinician_id)
            ).scalar_one()
            rows = session.execute(
                select(func.count())
                .select_from(Contact)
                .where(Contact.clinician_id == clinician_id, Contact.voided_at.is_(None))
            ).scalar_one()
        return counted, rows, audit.verify(ctx).intact
    finally:
        ctx.store.dispose()


def test_cap_holds_under_eight_processes(db_locations: paths.Locations) -> None:
    clinician = _prepare(db_locations, cap=25)
    result = race(
        db_locations.data_dir,
        db_locations.database_url,
        clinician,
        processes=PROCESSES,
        attempts=ATTEMPTS,
    )
    assert result.errors == ()
    assert result.recorded == 25
    assert result.refused == PROCESSES * ATTEMPTS - 25
    counted, rows, chain_intact = _stored(db_locations, clinician)
    assert (counted, rows) == (25, 25)
    assert chain_intact


def test_without_a_cap_nothing_is_lost_or_counted_twice(db_locations: paths.Locations) -> None:
    clinician = _prepare(db_locations, cap=None)
    result = race(
        db_locations.data_dir,
        db_locations.database_url,
        clinician,
        processes=PROCESSES,
        attempts=ATTEMPTS,
    )
    assert result.errors == ()
    assert (result.recorded, result.refused) == (PROCESSES * ATTEMPTS, 0)
    counted, rows, chain_intact = _stored(db_locations, clinician)
    assert (counted, rows) == (PROCESSES * ATTEMPTS, PROCESSES * ATTEMPTS)
    assert chain_intact
