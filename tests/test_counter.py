"""The counter's rules, through the service layer, on a real database."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from conftest import PARTNER_PIN
from counter_helpers import MORNINGS, add_clinician, adopt_cap
from sqlalchemy import select

from practice_action.cli import main
from practice_action.domain.calendar import LONDON
from practice_action.domain.enums import ContactType, CounterState, DivertDestination, ServiceKind
from practice_action.domain.errors import NotFound, PermissionDenied, ValidationError
from practice_action.domain.records import LocalService
from practice_action.services import audit, counter, registers
from practice_action.services.context import Actor, Context
from practice_action.store.counter_models import Contact


class MovableClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def london(y: int, m: int, d: int, hh: int, mm: int) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=LONDON).astimezone(UTC)


@pytest.fixture
def clock(ctx: Context) -> MovableClock:
    moving = MovableClock(london(2026, 11, 23, 9, 0))  # a Monday
    ctx.clock = moving
    return moving


@pytest.fixture
def gp(ctx: Context, manager: Actor, clock: MovableClock) -> int:
    return add_clinician(ctx, manager, "Dr Ada Lovelace")


def record_n(ctx: Context, actor: Actor, clinician: int, n: int, **kw) -> None:
    for _ in range(n):
        counter.record_contact(ctx, actor, clinician, **kw)


def test_no_cap_counts_and_refuses_nothing(ctx, receptionist, gp):
    record_n(ctx, receptionist, gp, 30)
    count = counter.board(ctx).clinician(gp)
    assert (count.counted, count.cap, count.left) == (30, None, None)
    assert count.state is CounterState.COUNTING


def test_cap_refuses_at_the_limit_and_says_where_to_divert(ctx, manager, partner, receptionist, gp):
    ute = registers.save_record(
        ctx,
        manager,
        registers.LOCAL_SERVICES,
        LocalService(
            "Town UTC", ServiceKind.UTC, "1 Road\nTown", "LE1 6TP", "0116 496 0000", "08:00-20:00"
        ),
    )
    adopt_cap(ctx, partner, 3, divert_to=(ute.id,), words="Please try NHS 111.")
    record_n(ctx, receptionist, gp, 2)
    assert counter.board(ctx).clinician(gp).state is CounterState.NEARLY_FULL
    last = counter.record_contact(ctx, receptionist, gp)
    assert (last.counted, last.cap, last.left) == (3, 3, 0)
    with pytest.raises(counter.AtCap) as refused:
        counter.record_contact(ctx, receptionist, gp)
    assert refused.value.count.state is CounterState.FULL
    assert [s.name for s in refused.value.board.divert_services] == ["Town UTC"]
    assert refused.value.board.reception_words == "Please try NHS 111."
    assert "Town UTC (0116 496 0000)" in str(refused.value)
    board = counter.board(ctx)
    assert board.all_full
    assert board.clinician(gp).counted == 3


def test_urgent_override_goes_through_at_the_cap_and_is_counted_apart(
    ctx, partner, receptionist, gp
):
    adopt_cap(ctx, partner, 2)
    record_n(ctx, receptionist, gp, 2)
    with pytest.raises(ValidationError):
        counter.record_contact(ctx, receptionist, gp, urgent_reason=" ")
    result = counter.record_contact(ctx, receptionist, gp, urgent_reason="Deteriorating patient")
    assert result.urgent and not result.counts_against_cap
    count = counter.board(ctx).clinician(gp)
    assert (count.counted, count.urgent) == (2, 1)
    entries = audit.list_entries(ctx, partner, kind_prefix="contact.urgent")
    assert "Deteriorating patient" in entries[0].summary


def test_only_the_counted_types_count(ctx, partner, receptionist, gp):
    adopt_cap(ctx, partner, 2, counted=frozenset({ContactType.FACE_TO_FACE}))
    record_n(ctx, receptionist, gp, 2, contact_type=ContactType.FACE_TO_FACE)
    record_n(ctx, receptionist, gp, 5, contact_type=ContactType.TELEPHONE)
    with pytest.raises(counter.AtCap):
        counter.record_contact(ctx, receptionist, gp, ContactType.FACE_TO_FACE)
    count = counter.board(ctx).clinician(gp)
    assert (count.counted, count.uncounted) == (2, 5)


def test_pro_rata_cap_for_a_half_day(ctx, manager, partner, receptionist, clock):
    mornings = add_clinician(ctx, manager, "Dr Mornings", MORNINGS)
    adopt_cap(ctx, partner, 25, pro_rata=True)
    count = counter.board(ctx).clinician(mornings)
    assert count.sessions_today == 1
    assert count.cap == 12  # 25 x 1/2 sessions, rounded
    record_n(ctx, receptionist, mornings, 12)
    with pytest.raises(counter.AtCap):
        counter.record_contact(ctx, receptionist, mornings)


def test_cap_applies_only_from_its_effective_date(ctx, partner, receptionist, gp, clock):
    adopt_cap(ctx, partner, 1, start=date(2026, 11, 24))
    record_n(ctx, receptionist, gp, 3)  # Monday: no cap yet
    assert counter.board(ctx).rule is None
    clock.now = london(2026, 11, 24, 9, 0)
    counter.record_contact(ctx, receptionist, gp)
    with pytest.raises(counter.AtCap):
        counter.record_contact(ctx, receptionist, gp)


def test_undo_voids_never_deletes_and_only_within_the_window(ctx, partner, receptionist, gp, clock):
    adopt_cap(ctx, partner, 2)
    record_n(ctx, receptionist, gp, 2)
    last = counter.board(ctx).clinician(gp).last_contact_id
    assert last is not None
    with pytest.raises(ValidationError):
        counter.void_contact(ctx, receptionist, last, "")
    counter.void_contact(ctx, receptionist, last, "Recorded by mistake")
    assert counter.board(ctx).clinician(gp).counted == 1
    with pytest.raises(Exception, match="already undone"):
        counter.void_contact(ctx, receptionist, last, "again")
    with ctx.store.read() as session:
        row = session.get(Contact, last)
        assert row is not None and row.voided_at is not None
        assert row.void_reason == "Recorded by mistake"
    counter.record_contact(ctx, receptionist, gp)  # the freed place can be used
    clock.now += timedelta(minutes=11)
    newest = counter.board(ctx).clinician(gp)
    assert newest.last_undoable_until is None
    with pytest.raises(Exception, match="within 10 minutes"):
        counter.void_contact(ctx, receptionist, newest.last_contact_id, "too late")


def test_midnight_rolls_over_in_winter_and_summer(ctx, partner, receptionist, gp, clock):
    adopt_cap(ctx, partner, 2, start=date(2026, 6, 1))
    for before, after in (
        (london(2026, 11, 23, 23, 59), london(2026, 11, 24, 0, 1)),  # GMT
        (london(2026, 6, 15, 23, 59), london(2026, 6, 16, 0, 1)),  # BST: 22:59 and 23:01 UTC
    ):
        clock.now = before
        record_n(ctx, receptionist, gp, 2)
        with pytest.raises(counter.AtCap):
            counter.record_contact(ctx, receptionist, gp)
        clock.now = after
        fresh = counter.record_contact(ctx, receptionist, gp)
        assert fresh.counted == 1
        assert counter.board(ctx, before.astimezone(LONDON).date()).clinician(gp).counted == 2
        assert counter.board(ctx, before.astimezone(LONDON).date()).read_only


def test_not_on_duty_then_added_for_today(ctx, manager, receptionist, clock):
    clock.now = london(2026, 11, 28, 10, 0)  # a Saturday
    weekdays_only = add_clinician(
        ctx,
        manager,
        "Dr Weekday",
        frozenset(s for s in MORNINGS if s[0].index < 5),
    )
    assert counter.board(ctx).clinicians == ()
    with pytest.raises(NotFound, match="not on duty"):
        counter.record_contact(ctx, receptionist, weekdays_only)
    counter.add_to_today(ctx, receptionist, weekdays_only, sessions=1)
    counter.record_contact(ctx, receptionist, weekdays_only)
    locum = counter.add_locum_today(ctx, receptionist, "Dr Sam Locum")
    counter.record_contact(ctx, receptionist, locum)
    board = counter.board(ctx)
    assert {c.name: c.extra_duty for c in board.clinicians} == {
        "Dr Weekday": True,
        "Dr Sam Locum": True,
    }


def test_diversions_are_recorded_by_destination(ctx, receptionist, gp):
    counter.record_diversion(ctx, receptionist, DivertDestination.NHS_111, clinician_id=gp)
    counter.record_diversion(ctx, receptionist, DivertDestination.NHS_111)
    counter.record_diversion(ctx, receptionist, DivertDestination.PHARMACY_FIRST, clinician_id=gp)
    board = counter.board(ctx)
    assert board.diversions_by_destination == {
        DivertDestination.NHS_111: 2,
        DivertDestination.PHARMACY_FIRST: 1,
    }
    assert board.clinician(gp).diverted == 2


def test_the_counter_stores_no_patient_data(ctx):
    columns = {c.name for c in Contact.__table__.columns}
    assert not columns & {"patient", "nhs_number", "patient_name", "name", "dob"}


def test_reception_records_but_may_not_change_counter_settings(ctx, receptionist, manager, gp):
    counter.record_contact(ctx, receptionist, gp)
    with pytest.raises(PermissionDenied):
        counter.save_settings(ctx, receptionist, ContactType.TELEPHONE, 5)
    counter.save_settings(ctx, manager, ContactType.TELEPHONE, 5)
    assert counter.settings(ctx) == (ContactType.TELEPHONE, 5)
    counter.record_contact(ctx, receptionist, gp)  # no type given: the practice's usual one
    assert counter.board(ctx).clinician(gp).last_contact_type is ContactType.TELEPHONE


# --- headless --------------------------------------------------------------------------


def test_headless_record_and_counter_exit_codes(ctx, locations, partner, capsys, pin_typed):
    add_clinician(ctx, partner, "Dr Ada Lovelace")
    add_clinician(ctx, partner, "Dr Ada Byron")
    adopt_cap(ctx, partner, 1)
    ctx.store.dispose()
    base = ["--data-dir", str(locations.data_dir)]
    sam = ["--as", "Dr Sam Patel"]

    def record(*argv: str) -> int:
        pin_typed(PARTNER_PIN)
        return main([*base, "record", *argv, *sam])

    assert record("Lovelace", "--type", "telephone") == 0
    assert "1 of 1" in capsys.readouterr().out
    assert record("Lovelace") == 3
    assert "reached the cap" in capsys.readouterr().err
    assert record("Lovelace", "--urgent", "Chest pain") == 0
    assert record("Ada") == 1
    assert "more than one" in capsys.readouterr().err
    assert record("Nobody") == 1
    with pytest.raises(SystemExit) as bad_type:
        record("Lovelace", "--type", "carrier-pigeon")
    assert bad_type.value.code == 2
    capsys.readouterr()
    assert main([*base, "counter", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    row = next(c for c in data["clinicians"] if c["name"] == "Dr Ada Lovelace")
    assert (row["counted"], row["cap"], row["urgent_overrides"], row["state"]) == (1, 1, 1, "full")
    assert main([*base, "counter", "--date", "2020-01-01"]) == 0
    assert "Contacts on Wednesday 1 January 2020" in capsys.readouterr().out


def test_contacts_are_audited_with_who_recorded_them(ctx, receptionist, gp):
    counter.record_contact(ctx, receptionist, gp, ContactType.VIDEO)
    with ctx.store.read() as session:
        row = session.execute(select(Contact)).scalar_one()
    assert row.recorded_by == receptionist.label
    assert audit.verify(ctx).intact


def test_two_active_clinicians_may_not_share_a_name(ctx, manager) -> None:
    from dataclasses import replace

    from practice_action.domain.enums import ClinicianRole
    from practice_action.domain.records import Clinician

    first = registers.save_record(
        ctx, manager, registers.CLINICIANS, Clinician("Dr A Khan", ClinicianRole.GP_PARTNER)
    )
    with pytest.raises(ValidationError, match="already an active clinician called Dr a khan"):
        registers.save_record(
            ctx, manager, registers.CLINICIANS, Clinician("Dr a khan", ClinicianRole.LOCUM_GP)
        )
    registers.set_active(ctx, manager, registers.CLINICIANS, first.id, False)
    registers.save_record(
        ctx, manager, registers.CLINICIANS, Clinician("Dr A Khan", ClinicianRole.LOCUM_GP)
    )
    with pytest.raises(ValidationError, match="already an active clinician"):
        registers.set_active(ctx, manager, registers.CLINICIANS, first.id, True)
    assert replace(first, active=False) == registers.get_record(ctx, registers.CLINICIANS, first.id)
