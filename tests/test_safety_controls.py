"""Safety controls named in the clinical safety file that no other test proves on its own.

Each test here is cited from docs/clinical-safety/hazard-log.md: the database's own refusal of
a count over the cap, the desk's warning when the database stops answering, an undo that
leaves its reason in the audit trail, divert advice that never comes out empty, the
Pharmacy First conditions printed on patient notices, and England's bank holidays.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from counter_helpers import add_clinician, adopt_cap
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from practice_action import paths
from practice_action.documents.notices import PHARMACY_FIRST_CONDITIONS
from practice_action.domain.calendar import LONDON, bank_holiday_name, next_working_day
from practice_action.domain.enums import StaffRole
from practice_action.domain.records import StaffMember
from practice_action.services import audit, counter, practice, staff
from practice_action.services.context import Actor, Context
from practice_action.services.health import open_context
from practice_action.store.counter_models import ClinicianDay, Contact

MONDAY_MORNING = datetime(2026, 11, 23, 9, 30, tzinfo=LONDON).astimezone(UTC)


@pytest.fixture
def monday(ctx: Context) -> Context:
    ctx.clock = lambda: MONDAY_MORNING
    return ctx


@pytest.fixture
def any_db(db_locations: paths.Locations) -> Iterator[tuple[Context, Actor, Actor]]:
    """A practice on each kind of database, with a manager and a partner."""
    from conftest import MANAGER_PIN, PARTNER_PIN, valid_profile

    ctx = open_context(db_locations, clock=lambda: MONDAY_MORNING)
    try:
        manager = practice.first_run_setup(ctx, valid_profile(), "Maria Okafor", MANAGER_PIN).actor
        member = staff.add_staff(
            ctx, manager, StaffMember("Dr Sam Patel", StaffRole.PARTNER), PARTNER_PIN
        )
        yield ctx, manager, Actor(member.name, member.role, member.id)
    finally:
        ctx.store.dispose()


def test_the_database_itself_refuses_a_count_over_the_cap(any_db) -> None:
    """The CHECK constraint is the backstop behind the guarded update: even a write that
    skipped the service cannot store more capped contacts than the cap."""
    ctx, manager, partner = any_db
    gp = add_clinician(ctx, manager, "Dr Ada Lovelace")
    adopt_cap(ctx, partner, 2)
    for _ in range(2):
        counter.record_contact(ctx, manager, gp)
    with pytest.raises(IntegrityError, match="counted_within_cap"), ctx.store.write() as session:
        session.execute(
            update(ClinicianDay)
            .where(ClinicianDay.clinician_id == gp)
            .values(counted=ClinicianDay.counted + 1)
        )
    assert counter.board(ctx).clinician(gp).counted == 2


def test_divert_advice_names_nhs_111_when_the_practice_listed_no_services(
    monday: Context, manager: Actor, partner: Actor, receptionist: Actor
) -> None:
    gp = add_clinician(monday, manager, "Dr Ada Lovelace")
    adopt_cap(monday, partner, 1)
    counter.record_contact(monday, receptionist, gp)
    with pytest.raises(counter.AtCap) as refused:
        counter.record_contact(monday, receptionist, gp)
    assert refused.value.board.divert_services == ()
    message = str(refused.value)
    assert "Divert the patient: NHS 111 (online or call 111)" in message
    assert "urgent override" in message


def test_an_undo_keeps_the_contact_and_audits_who_and_why(
    monday: Context, manager: Actor, receptionist: Actor
) -> None:
    gp = add_clinician(monday, manager, "Dr Ada Lovelace")
    recorded = counter.record_contact(monday, receptionist, gp)
    counter.void_contact(monday, receptionist, recorded.contact_id, "Wrong clinician")
    with monday.store.read() as session:
        row = session.get(Contact, recorded.contact_id)
        assert row is not None
        assert (row.voided_by, row.void_reason) == (receptionist.label, "Wrong clinician")
    (entry,) = audit.list_entries(monday, manager, kind_prefix="contact.void")
    assert entry.actor == receptionist.label
    assert "Dr Ada Lovelace" in entry.summary and "Wrong clinician" in entry.summary
    assert audit.verify(monday).intact


def test_the_counter_warns_when_the_database_stops_answering(
    qtbot, monday: Context, manager: Actor, partner: Actor, receptionist: Actor, locations
) -> None:
    from practice_action.ui.counter_screen import CounterScreen

    add_clinician(monday, manager, "Dr Ada Lovelace")
    adopt_cap(monday, partner, 25)
    screen = CounterScreen(monday, receptionist, live=True)
    qtbot.addWidget(screen)
    try:
        assert screen.feed is not None
        with qtbot.waitSignal(screen.feed.changed, timeout=2000):
            pass  # the first poll answered
        # Take away a table the counter reads, as a damaged database would; the next change
        # any desk makes (here a sign-out, which the audit trail records) wakes the feed, and
        # the reload that follows fails.
        raw = sqlite3.connect(locations.sqlite_path, timeout=30)
        try:
            raw.execute("ALTER TABLE clinician_day RENAME TO clinician_day_gone")
            raw.commit()
        finally:
            raw.close()
        staff.sign_out(monday, manager)
        qtbot.waitUntil(lambda: "Cannot reach the database" in screen.message.text(), timeout=3000)
        assert "counts may be out of date" in screen.message.text()
        assert "Problem:" in screen.message.text()
    finally:
        screen.stop()


def test_an_idle_counter_redraws_for_another_desks_change_not_its_heartbeat(
    qtbot, monday: Context, manager: Actor, partner: Actor, receptionist: Actor
) -> None:
    """Other desks' heartbeats commit all day without changing anything a counter shows: they
    wake no reload (at five years each reload reads the day's board); a contact does."""
    from practice_action.services import desks
    from practice_action.ui.counter_screen import CounterScreen

    gp = add_clinician(monday, manager, "Dr Ada Lovelace")
    adopt_cap(monday, partner, 25)
    screen = CounterScreen(monday, receptionist, live=True)
    qtbot.addWidget(screen)
    other = open_context(paths.resolve(monday.store.file.parent))  # type: ignore[union-attr]
    other.clock = monday.clock  # the same Monday at both desks
    desks.register(other)
    try:
        assert screen.feed is not None
        with qtbot.waitSignal(screen.feed.changed, timeout=2000):
            pass  # the first poll answered
        with qtbot.assertNotEmitted(screen.feed.changed, wait=1500):
            for _ in range(3):
                desks.heartbeat(other, "Another desk")
        with qtbot.waitSignal(screen.feed.changed, timeout=2000):
            counter.record_contact(other, receptionist, gp)
        qtbot.waitUntil(lambda: screen.rows[gp].left.text() == "24 left", timeout=2000)
    finally:
        screen.stop()
        other.store.dispose()


def test_pharmacy_first_conditions_are_the_seven_with_their_ages() -> None:
    assert PHARMACY_FIRST_CONDITIONS == (
        ("Earache", "children and young people aged 1 to 17"),
        ("Impetigo", "aged 1 and over"),
        ("Infected insect bites", "aged 1 and over"),
        ("Shingles", "aged 18 and over"),
        ("Sinusitis", "aged 12 and over"),
        ("Sore throat", "aged 5 and over"),
        ("Urinary tract infection (uncomplicated)", "women aged 16 to 64"),
    )


def test_the_next_working_day_skips_england_bank_holidays() -> None:
    # Friday before the August bank holiday: Monday 25 August 2025 is skipped.
    assert bank_holiday_name(date(2025, 8, 25)) is not None
    assert next_working_day(date(2025, 8, 22)) == date(2025, 8, 26)
    # Christmas 2026 falls on a Friday, so Boxing Day is kept on Monday 28 December.
    assert next_working_day(date(2026, 12, 24)) == date(2026, 12, 29)
    # Easter Monday is a bank holiday in England but not in Scotland: England's list is used.
    assert next_working_day(date(2026, 4, 2)) == date(2026, 4, 7)


def test_the_reason_dialogs_say_no_patient_details_before_anything_is_typed(
    qtbot, monday: Context, manager: Actor, partner: Actor, receptionist: Actor
) -> None:
    from PySide6.QtWidgets import QDialog, QLabel

    from practice_action.ui.counter_dialogs import ReasonDialog
    from practice_action.ui.counter_screen import CounterScreen
    from practice_action.ui.modal import answered_by

    gp = add_clinician(monday, manager, "Dr Ada Lovelace")
    adopt_cap(monday, partner, 1)
    screen = CounterScreen(monday, receptionist, live=False)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitExposed(screen)
    seen: dict[str, tuple[str, list[str]]] = {}

    def look(dialog: QDialog) -> int:
        assert isinstance(dialog, ReasonDialog)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        shown = [label.text() for label in dialog.findChildren(QLabel) if label.isVisible()]
        seen[dialog.windowTitle()] = (dialog.text(), shown)
        return QDialog.DialogCode.Rejected

    row = screen.rows[gp]
    row.record.click()  # the one contact the cap allows
    row.record.click()  # refused: the divert panel offers the urgent override
    assert screen.divert_panel.isVisible()
    with answered_by(look):
        screen.override_button.click()
        screen.rows[gp].undo.click()
    assert set(seen) == {"Urgent case: override the cap", "Undo a contact"}
    for typed, shown in seen.values():
        assert typed == ""  # said before a word is typed, not only when a reason is refused
        assert "Do not type the patient's name or any detail that identifies them." in shown


def test_days_are_written_without_a_leading_zero_and_without_platform_only_codes() -> None:
    from datetime import date

    from practice_action.domain.calendar import day_text

    assert day_text(date(2025, 10, 5)) == "5 October 2025"
    assert day_text(date(2025, 10, 5), weekday=True) == "Sunday 5 October 2025"
    source = "\n".join(
        p.read_text(encoding="utf-8")
        for p in (Path(__file__).resolve().parents[1] / "practice_action").rglob("*.py")
    )
    assert "%-d" not in source  # Windows' strftime does not know it
