"""The chain covers the counter: a contact or diversion deleted, changed or slipped in, or a
clinician's day counter moved, straight in the database (SQLite and PostgreSQL), is caught by
``audit verify`` and named: which row, which entry recorded it, and what it now says."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import MANAGER_PIN, RECEPTIONIST_PIN, valid_profile
from counter_helpers import add_clinician
from sqlalchemy import delete, insert, update

from practice_action.cli import main
from practice_action.domain.enums import ContactType, DivertDestination, StaffRole
from practice_action.domain.records import StaffMember
from practice_action.services import audit, counter, practice, staff
from practice_action.services.context import Actor, Context
from practice_action.store.counter_models import ClinicianDay, Contact, Diversion

TODAY = date(2026, 11, 17)  # the suite's pinned day


def busy_morning(ctx: Context) -> tuple[int, list[int], int]:
    """A clinician with five contacts (one a telephone contact, one undone) and a diversion."""
    manager = practice.first_run_setup(ctx, valid_profile(), "Maria Okafor", MANAGER_PIN).actor
    staff.add_staff(
        ctx, manager, StaffMember("Jo Brennan", StaffRole.RECEPTIONIST), RECEPTIONIST_PIN
    )
    desk = next(m for m in staff.list_staff(ctx) if m.name == "Jo Brennan")
    jo = Actor(desk.name, desk.role, desk.id)
    gp = add_clinician(ctx, manager, "Dr Ada Lovelace")
    ids = [counter.record_contact(ctx, jo, gp).contact_id for _ in range(4)]
    ids.append(counter.record_contact(ctx, jo, gp, ContactType.TELEPHONE).contact_id)
    counter.void_contact(ctx, jo, ids[1], "Recorded by mistake")
    diversion = counter.record_diversion(ctx, jo, DivertDestination.NHS_111, clinician_id=gp)
    assert audit.verify(ctx).intact
    return gp, ids, diversion


def tamper(ctx: Context, *statements: object) -> None:
    with ctx.store.write() as session:
        for statement in statements:
            session.execute(statement)  # type: ignore[call-overload]


def broken(ctx: Context) -> audit.ChainReport:
    report = audit.verify(ctx)
    assert not report.intact and report.counter
    return report


def test_a_deleted_contact_is_named_with_the_entry_that_recorded_it(db_ctx: Context) -> None:
    _, ids, _ = busy_morning(db_ctx)
    tamper(db_ctx, delete(Contact).where(Contact.id == ids[2]))
    report = broken(db_ctx)
    assert report.problem.startswith(f"contact {ids[2]} for Dr Ada Lovelace, recorded by entry ")
    assert report.problem.endswith("is no longer in the database: it was deleted")
    assert report.first_broken_seq is not None
    assert f"recorded by entry {report.first_broken_seq}," in report.problem


def test_a_contact_whose_type_was_changed_is_named(db_ctx: Context) -> None:
    _, ids, _ = busy_morning(db_ctx)
    tamper(db_ctx, update(Contact).where(Contact.id == ids[4]).values(contact_type="home_visit"))
    report = broken(db_ctx)
    assert (
        f"contact {ids[4]}, recorded by entry {report.first_broken_seq} as a telephone contact "
        "that counts for Dr Ada Lovelace on 17 November 2026, now reads as a home visit contact "
        "that counts for Dr Ada Lovelace on 17 November 2026: it was changed in the database"
    ) == report.problem


def test_a_contact_made_not_to_count_is_caught(db_ctx: Context) -> None:
    _, ids, _ = busy_morning(db_ctx)
    tamper(db_ctx, update(Contact).where(Contact.id == ids[0]).values(counted=False))
    assert "now reads as a face to face contact that does not count" in broken(db_ctx).problem


def test_an_undone_contact_brought_back_is_caught(db_ctx: Context) -> None:
    _, ids, _ = busy_morning(db_ctx)
    tamper(db_ctx, update(Contact).where(Contact.id == ids[1]).values(voided_at=None))
    problem = broken(db_ctx).problem
    assert "as a face to face contact that counts, undone" in problem
    assert "now reads as a face to face contact that counts for" in problem


def test_a_contact_moved_to_another_day_is_caught(db_ctx: Context) -> None:
    _, ids, _ = busy_morning(db_ctx)
    tamper(db_ctx, update(Contact).where(Contact.id == ids[3]).values(day=date(2026, 11, 16)))
    assert "on 16 November 2026: it was changed" in broken(db_ctx).problem


def test_a_contact_slipped_in_is_caught(db_ctx: Context) -> None:
    gp, ids, _ = busy_morning(db_ctx)
    with db_ctx.store.read() as session:
        row = session.get(Contact, ids[0])
        assert row is not None
        at = row.at
    tamper(
        db_ctx,
        insert(Contact).values(
            clinician_id=gp,
            day=TODAY,
            at=at,
            contact_type="face_to_face",
            counted=False,
            urgent=False,
            urgent_reason="",
            recorded_by="Jo Brennan (Receptionist)",
            voided_by="",
            void_reason="",
        ),
    )
    report = broken(db_ctx)
    assert report.first_broken_seq is None
    assert report.problem.endswith(
        "(Dr Ada Lovelace, 17 November 2026) has no entry in the audit trail: it was put "
        "straight into the database"
    )


def test_a_full_clinician_s_counter_set_back_to_zero_is_caught(db_ctx: Context) -> None:
    gp, _, _ = busy_morning(db_ctx)
    tamper(db_ctx, update(ClinicianDay).where(ClinicianDay.clinician_id == gp).values(counted=0))
    report = broken(db_ctx)
    assert report.problem == (
        "Dr Ada Lovelace's count for 17 November 2026 reads 0, but 4 contacts that count were "
        "recorded that day: the count was changed in the database"
    )
    assert report.headline.startswith("the counter's records do not match the audit trail: ")


def test_a_deleted_or_redirected_diversion_is_caught(db_ctx: Context) -> None:
    _, _, diversion = busy_morning(db_ctx)
    tamper(
        db_ctx,
        update(Diversion).where(Diversion.id == diversion).values(destination="pharmacy_first"),
    )
    assert "as a patient sent to NHS 111, now reads as sent to" in broken(db_ctx).problem
    tamper(db_ctx, delete(Diversion).where(Diversion.id == diversion))
    assert broken(db_ctx).problem.endswith("is no longer in the database: it was deleted")


def test_the_command_says_the_counter_was_changed(
    ctx: Context, locations, capsys: pytest.CaptureFixture[str]
) -> None:
    gp, _, _ = busy_morning(ctx)
    tamper(ctx, update(ClinicianDay).where(ClinicianDay.clinician_id == gp).values(counted=1))
    assert main(["--data-dir", str(locations.data_dir), "audit", "verify"]) != 0
    err = capsys.readouterr().err
    assert "Audit check FAILED: the counter's records do not match the audit trail" in err
    assert "reads 1, but 4 contacts that count were recorded" in err


@pytest.mark.parametrize(
    ("table", "what"),
    [
        ("contact", "contact {row}"),
        ("diversion", "diversion {row}"),
        ("clinician_day", "Dr Ada Lovelace's count"),
    ],
)
def test_a_day_written_by_hand_that_is_not_a_date_is_named_not_a_crash(
    ctx: Context, locations, capsys: pytest.CaptureFixture[str], table: str, what: str
) -> None:
    """SQLite keeps whatever text is written into a date column: a day made "2026-02-30" with
    the sqlite3 driver, outside the app, is reported as a change, not a traceback."""
    import sqlite3

    gp, ids, diversion = busy_morning(ctx)
    column, row = {
        "contact": ("id", ids[0]),
        "diversion": ("id", diversion),
        "clinician_day": ("clinician_id", gp),
    }[table]
    assert locations.sqlite_path is not None
    hand = sqlite3.connect(locations.sqlite_path)
    with hand:
        hand.execute(f"UPDATE {table} SET day = '2026-02-30' WHERE {column} = ?", (row,))
    hand.close()
    assert main(["--data-dir", str(locations.data_dir), "audit", "verify"]) != 0
    err = capsys.readouterr().err
    assert (
        f"{what.format(row=row)}'s day reads “2026-02-30”, which is not a date: it was changed "
        "in the database"
    ) in err
    assert "Traceback" not in err
