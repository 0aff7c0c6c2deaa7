"""The audit trail: the hash chain catches tampering done straight in the database, every change
writes its entry in its own transaction (or neither is kept), and headless commands say who
ran them.

The tampering is plain SQL on the ``audit_entry`` table, as someone with a database tool could
do it, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import getpass
import shutil
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from conftest import MANAGER_PIN, as_owner, drop_audit_guards, valid_profile
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import DBAPIError

from practice_action import paths
from practice_action.cli import main
from practice_action.domain.enums import ClinicianRole, StaffRole
from practice_action.domain.errors import PracticeActionError, StoreError, ValidationError
from practice_action.domain.records import Clinician, StaffMember
from practice_action.services import audit, counter, demo, practice, registers, staff, transfer
from practice_action.services.context import Actor, Context
from practice_action.services.health import open_context
from practice_action.store.models import AuditEntry, AuditHead, ClinicianRow, Practice

SIX = 6  # entries made by ``trail`` below
# What a failed statement raises: through SQLAlchemy, or from the driver on the hot paths.
DATABASE_ERRORS = (DBAPIError, sqlite3.DatabaseError, psycopg.Error, StoreError)


def trail(ctx: Context) -> Actor:
    """A set-up practice with six entries: set-up, first manager, and four changes."""
    manager = practice.first_run_setup(ctx, valid_profile(), "Maria Okafor", MANAGER_PIN).actor
    staff.add_staff(ctx, manager, StaffMember("Jo Brennan", StaffRole.RECEPTIONIST), "640375")
    profile = practice.get_profile(ctx)
    practice.save_profile(ctx, manager, replace(profile, phone="0116 999 0000"))
    registers.save_record(
        ctx, manager, registers.CLINICIANS, Clinician("Dr Ann Lee", ClinicianRole.SALARIED_GP)
    )
    staff.sign_out(ctx, manager)
    assert count(ctx) == SIX and audit.verify(ctx).intact
    return manager


def count(ctx: Context) -> int:
    with ctx.store.read() as session:
        return session.execute(select(func.count()).select_from(AuditEntry)).scalar_one()


def run_sql(ctx: Context, *statements: object) -> None:
    with as_owner(ctx) as session:
        drop_audit_guards(session)
        for statement in statements:
            session.execute(statement)  # type: ignore[call-overload]


def entry(ctx: Context, seq: int) -> dict[str, object]:
    with ctx.store.read() as session:
        row = session.execute(select(AuditEntry.__table__).where(AuditEntry.seq == seq)).one()
        return dict(row._mapping)


def test_an_untouched_trail_is_intact(db_ctx: Context) -> None:
    trail(db_ctx)
    report = audit.verify(db_ctx)
    assert report.intact and report.entries == SIX and report.first_broken_seq is None


def test_the_kinds_listed_are_each_kind_in_the_trail_once(db_ctx: Context) -> None:
    manager = trail(db_ctx)
    staff.add_staff(db_ctx, manager, StaffMember("Sam Ray", StaffRole.RECEPTIONIST), "640376")
    kinds = audit.kinds(db_ctx, manager)
    assert kinds == sorted({e.kind for e in audit.list_entries(db_ctx, manager)})
    assert len(kinds) < count(db_ctx)  # two staff additions, one kind


def test_the_people_listed_are_everyone_the_trail_names_once(db_ctx: Context) -> None:
    manager = trail(db_ctx)
    (jo_id,) = [m.id for m in staff.list_staff(db_ctx) if m.name == "Jo Brennan"]
    jo = staff.sign_in(db_ctx, jo_id, "640375").actor
    staff.sign_out(db_ctx, jo)
    people = audit.people(db_ctx, manager)
    assert people == sorted({e.actor for e in audit.list_entries(db_ctx, manager)})
    assert people == ["Jo Brennan (Receptionist)", "Maria Okafor (Practice manager)"]


def test_the_filter_lists_read_an_index_not_every_entry(ctx: Context) -> None:
    from sqlalchemy import event

    manager = trail(ctx)
    for listing, name in ((audit.people, "actor"), (audit.kinds, "kind")):
        ran: list[tuple[str, object]] = []

        def seen(_conn, _cursor, statement, parameters, _context, _many, ran=ran) -> None:
            if "audit_entry" in statement:
                ran.append((statement, parameters))

        event.listen(ctx.store.engine, "before_cursor_execute", seen)
        try:
            assert listing(ctx, manager)
        finally:
            event.remove(ctx.store.engine, "before_cursor_execute", seen)
        ((statement, parameters),) = ran
        with ctx.store.read() as session:
            plan = session.connection().exec_driver_sql(
                "EXPLAIN QUERY PLAN " + statement, parameters
            )
            steps = " | ".join(row[-1] for row in plan)
        assert f"COVERING INDEX ix_audit_entry_{name}" in steps, steps
        assert "SCAN audit_entry" not in steps, steps


def test_an_empty_trail_is_intact(db_ctx: Context) -> None:
    assert audit.verify(db_ctx).intact


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("summary", "Changed nothing much"),
        ("actor", "Dr Sam Patel (Partner)"),
        ("actor_kind", "system-user"),
        ("kind", "practice.view"),
        ("before", '{"phone":"0116 000 0000"}'),
        ("after", ""),
        ("at", datetime(2024, 8, 1, 9, 0, tzinfo=UTC)),
        ("staff_id", None),
    ],
)
def test_an_entry_edited_in_the_database_is_named(
    db_ctx: Context, column: str, value: object
) -> None:
    trail(db_ctx)
    original = entry(db_ctx, 3)
    assert original[column] != value
    run_sql(db_ctx, update(AuditEntry).where(AuditEntry.seq == 3).values({column: value}))
    report = audit.verify(db_ctx)
    assert not report.intact
    assert report.first_broken_seq == 3
    assert "entry 3 was changed" in report.problem


def test_a_time_moved_by_a_second_is_caught(db_ctx: Context) -> None:
    trail(db_ctx)
    at = entry(db_ctx, 4)["at"]
    assert isinstance(at, datetime)
    later = (at if at.tzinfo else at.replace(tzinfo=UTC)) + timedelta(seconds=1)
    run_sql(db_ctx, update(AuditEntry).where(AuditEntry.seq == 4).values(at=later))
    assert audit.verify(db_ctx).first_broken_seq == 4


def test_an_edit_with_its_hash_recomputed_is_named_by_the_entry_after_it(db_ctx: Context) -> None:
    """Someone who knows the recipe and rehashes the entry is caught by the next entry, which
    still holds the hash it had; the entry named is the one that was rewritten."""
    trail(db_ctx)
    row = entry(db_ctx, 3)
    fields = {k: row[k] for k in ("seq", "actor", "actor_kind", "staff_id", "kind")}
    forged = audit.entry_hash(
        **fields,  # type: ignore[arg-type]
        at=row["at"],  # type: ignore[arg-type]
        summary="Nothing happened",
        before=row["before"],  # type: ignore[arg-type]
        after=row["after"],  # type: ignore[arg-type]
        prev_hash=row["prev_hash"],  # type: ignore[arg-type]
    )
    run_sql(
        db_ctx,
        update(AuditEntry)
        .where(AuditEntry.seq == 3)
        .values(summary="Nothing happened", hash=forged),
    )
    report = audit.verify(db_ctx)
    assert report.first_broken_seq == 3
    assert report.problem == (
        "entry 3 was changed after it was written and its hash worked out again, but entry 4 "
        "still holds the hash it had"
    )


def test_an_entry_deleted_from_the_middle_is_named(db_ctx: Context) -> None:
    trail(db_ctx)
    run_sql(db_ctx, delete(AuditEntry).where(AuditEntry.seq == 3))
    report = audit.verify(db_ctx)
    assert not report.intact
    assert report.first_broken_seq == 3
    assert report.problem == (
        "entry 3 is missing: the trail goes from entry 2 straight to entry 4, so an entry was "
        "removed or moved"
    )


def test_the_last_entry_deleted_is_named(db_ctx: Context) -> None:
    trail(db_ctx)
    run_sql(db_ctx, delete(AuditEntry).where(AuditEntry.seq == SIX))
    report = audit.verify(db_ctx)
    assert not report.intact
    assert report.first_broken_seq == SIX
    assert (
        report.problem
        == "the trail ends at entry 5 but 6 were written: entry 6 was removed from the end"
    )


def test_the_first_entry_deleted_is_named(db_ctx: Context) -> None:
    trail(db_ctx)
    run_sql(db_ctx, delete(AuditEntry).where(AuditEntry.seq == 1))
    report = audit.verify(db_ctx)
    assert not report.intact and report.first_broken_seq == 1
    assert report.problem.startswith("entry 1 is missing: the trail starts at entry 2")


def test_an_entry_added_at_the_end_is_caught_even_with_a_good_hash(db_ctx: Context) -> None:
    trail(db_ctx)
    last = entry(db_ctx, SIX)
    fields = dict(
        seq=SIX + 1,
        at=datetime(2025, 6, 13, 11, 0, tzinfo=UTC),
        actor="Maria Okafor (Practice manager)",
        actor_kind="staff",
        staff_id=last["staff_id"],
        kind="practice.edit",
        summary="Changed the practice profile",
        before="",
        after="",
        prev_hash=last["hash"],
    )
    run_sql(db_ctx, insert(AuditEntry).values(**fields, hash=audit.entry_hash(**fields)))
    report = audit.verify(db_ctx)
    assert not report.intact
    assert report.first_broken_seq == SIX + 1
    assert "added at the end" in report.problem


def test_the_last_entry_replaced_by_a_forgery_is_named(db_ctx: Context) -> None:
    trail(db_ctx)
    last = entry(db_ctx, SIX)
    fields = {k: last[k] for k in ("seq", "at", "actor", "actor_kind", "staff_id", "kind")}
    fields.update(summary="Nothing happened", before="", after="", prev_hash=last["prev_hash"])
    run_sql(
        db_ctx,
        update(AuditEntry)
        .where(AuditEntry.seq == SIX)
        .values(summary="Nothing happened", before="", after="", hash=audit.entry_hash(**fields)),  # type: ignore[arg-type]
    )
    report = audit.verify(db_ctx)
    assert not report.intact
    assert report.first_broken_seq == SIX
    assert "replaced" in report.problem


def test_an_entry_slipped_into_the_middle_is_named(db_ctx: Context) -> None:
    """Renumber the later entries to make room, then insert a well-formed forgery as entry 3."""
    trail(db_ctx)
    second = entry(db_ctx, 2)
    fields = dict(
        seq=3,
        at=datetime(2025, 6, 13, 11, 0, tzinfo=UTC),
        actor="Maria Okafor (Practice manager)",
        actor_kind="staff",
        staff_id=second["staff_id"],
        kind="practice.edit",
        summary="Approved everything",
        before="",
        after="",
        prev_hash=second["hash"],
    )
    run_sql(
        db_ctx,
        update(AuditEntry).where(AuditEntry.seq >= 3).values(seq=AuditEntry.seq + 1000),
        update(AuditEntry).where(AuditEntry.seq > 1000).values(seq=AuditEntry.seq - 999),
        insert(AuditEntry).values(**fields, hash=audit.entry_hash(**fields)),
    )
    report = audit.verify(db_ctx)
    assert not report.intact
    # The old entry 3 (now numbered 4) comes first in the table: entry 3 is out of its place.
    assert report.first_broken_seq == 3
    assert report.problem.startswith("entry 3 is missing")


def test_two_entries_swapped_are_named(db_ctx: Context) -> None:
    trail(db_ctx)
    third, fourth = entry(db_ctx, 3), entry(db_ctx, 4)
    movable = [c for c in third if c not in ("id", "seq")]
    run_sql(
        db_ctx,
        update(AuditEntry).where(AuditEntry.id == third["id"]).values(seq=-1),
        update(AuditEntry)
        .where(AuditEntry.id == fourth["id"])
        .values(**{c: third[c] for c in movable}),
        update(AuditEntry)
        .where(AuditEntry.id == third["id"])
        .values(seq=3, **{c: fourth[c] for c in movable}),
    )
    report = audit.verify(db_ctx)
    assert not report.intact
    assert report.first_broken_seq == 3


def test_two_entries_swapped_with_their_numbers_are_named(db_ctx: Context) -> None:
    """Swap whole rows, numbers and all: the table's order no longer follows the numbers."""
    trail(db_ctx)
    third, fourth = entry(db_ctx, 3), entry(db_ctx, 4)
    movable = [c for c in third if c != "id"]
    run_sql(
        db_ctx,
        update(AuditEntry).where(AuditEntry.id == third["id"]).values(seq=-1),
        update(AuditEntry)
        .where(AuditEntry.id == fourth["id"])
        .values(**{c: third[c] for c in movable}),
        update(AuditEntry)
        .where(AuditEntry.id == third["id"])
        .values(**{c: fourth[c] for c in movable}),
    )
    report = audit.verify(db_ctx)
    assert not report.intact
    assert report.first_broken_seq == 3
    assert report.problem.startswith("entry 3 is missing: the trail goes from entry 2 straight")


def test_the_trail_s_head_deleted_is_named(db_ctx: Context) -> None:
    trail(db_ctx)
    run_sql(db_ctx, delete(AuditHead))
    report = audit.verify(db_ctx)
    assert not report.intact and report.first_broken_seq == SIX
    assert report.problem == (
        "the record of the last entry written (the trail's head) was deleted; the trail holds "
        "6 entries"
    )


# --- the command ----------------------------------------------------------------------------


def _tamper_sqlite(database: Path, sql: str) -> None:
    connection = sqlite3.connect(database)
    try:
        with connection:
            drop_audit_guards(connection)
            connection.execute(sql)
    finally:
        connection.close()


def test_audit_verify_is_green_on_the_demo_and_red_on_a_tampered_copy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    locations = paths.resolve(tmp_path / "demo")
    ctx = open_context(locations)
    try:
        demo.create_demo(ctx)
        entries = count(ctx)
    finally:
        ctx.store.dispose()
    capsys.readouterr()
    assert main(["--data-dir", str(locations.data_dir), "audit", "verify"]) == 0
    assert f"intact: {entries} entries" in capsys.readouterr().out

    copy = tmp_path / "copy"
    shutil.copytree(locations.data_dir, copy)
    database = paths.resolve(copy).sqlite_path
    assert database is not None
    _tamper_sqlite(database, "UPDATE audit_entry SET summary = 'Nothing to see' WHERE seq = 5")
    assert main(["--data-dir", str(copy), "audit", "verify"]) == 1
    captured = capsys.readouterr()
    assert "BROKEN at entry 5" in captured.err
    assert "Traceback" not in captured.err

    # The original is untouched and still green.
    assert main(["--data-dir", str(locations.data_dir), "audit", "verify"]) == 0


def test_audit_verify_names_an_entry_removed_from_a_copy(
    ctx: Context, locations: paths.Locations, capsys: pytest.CaptureFixture[str]
) -> None:
    trail(ctx)
    ctx.store.dispose()
    assert locations.sqlite_path is not None
    _tamper_sqlite(locations.sqlite_path, "DELETE FROM audit_entry WHERE seq = 2")
    assert main(["--data-dir", str(locations.data_dir), "audit", "verify"]) == 1
    assert "entry 3" in capsys.readouterr().err


# --- one transaction for the change and its entry ---------------------------------------------


def _block_next_entry(ctx: Context) -> None:
    """Put a row where the next entry must go, so that writing it fails in the database."""
    with ctx.store.read() as session:
        top = session.execute(select(func.max(AuditEntry.seq))).scalar_one()
    run_sql(
        ctx,
        insert(AuditEntry).values(
            id=10_000,
            seq=top + 1,
            at=datetime(2025, 1, 1, tzinfo=UTC),
            actor="blocker",
            actor_kind="app",
            staff_id=None,
            kind="test.block",
            summary="",
            before="",
            after="",
            prev_hash="",
            hash="",
        ),
    )


def _profile_phone(ctx: Context) -> str:
    with ctx.store.read() as session:
        row = session.get(Practice, 1)
        assert row is not None
        return row.phone


def test_a_change_whose_entry_cannot_be_written_is_not_kept(db_ctx: Context) -> None:
    manager = trail(db_ctx)
    _block_next_entry(db_ctx)
    before = count(db_ctx)
    with pytest.raises(DATABASE_ERRORS):
        practice.save_profile(
            db_ctx, manager, replace(practice.get_profile(db_ctx), phone="0116 222 3333")
        )
    assert _profile_phone(db_ctx) == "0116 999 0000"
    assert count(db_ctx) == before


def test_a_new_record_whose_entry_cannot_be_written_is_not_kept(db_ctx: Context) -> None:
    manager = trail(db_ctx)
    _block_next_entry(db_ctx)
    with pytest.raises(DATABASE_ERRORS):
        registers.save_record(
            db_ctx, manager, registers.CLINICIANS, Clinician("Dr Kit Moss", ClinicianRole.LOCUM_GP)
        )
    names = [c.name for c in registers.list_records(db_ctx, registers.CLINICIANS)]
    assert names == ["Dr Ann Lee"]


def test_a_refusal_inside_the_transaction_leaves_no_change_and_no_entry(db_ctx: Context) -> None:
    manager = trail(db_ctx)
    before = count(db_ctx)
    assert manager.staff_id is not None
    with pytest.raises(ValidationError) as refused:
        staff.update_staff(
            db_ctx,
            manager,
            StaffMember("Maria Okafor", StaffRole.RECEPTIONIST, True, manager.staff_id),
        )
    assert "last active manager or partner" in refused.value.problems["role"]
    assert staff.list_staff(db_ctx)[1].role is StaffRole.PRACTICE_MANAGER
    assert count(db_ctx) == before


def test_a_locum_added_with_a_bad_session_count_is_not_kept(db_ctx: Context) -> None:
    """The locum and their place on today's counter are one change: both or neither."""
    manager = trail(db_ctx)
    before = count(db_ctx)
    with pytest.raises(ValidationError) as refused:
        counter.add_locum_today(db_ctx, manager, "Dr Lou Cumming", sessions=3)
    assert "sessions" in refused.value.problems
    with db_ctx.store.read() as session:
        names = session.execute(select(ClinicianRow.name)).scalars().all()
    assert "Dr Lou Cumming" not in names
    assert count(db_ctx) == before


def test_a_locum_is_added_and_put_on_today_in_one_go(ctx: Context, manager: Actor) -> None:
    new_id = counter.add_locum_today(ctx, manager, "Dr Lou Cumming", sessions=1)
    on_today = {c.clinician_id: c for c in counter.board(ctx).clinicians}
    assert new_id in on_today
    kinds = [e.kind for e in audit.list_entries(ctx, manager, limit=2)]
    assert kinds == ["counter.duty", "clinician.add"]
    assert audit.verify(ctx).intact


def test_an_export_that_cannot_be_written_leaves_no_entry(
    ctx: Context, manager: Actor, tmp_path: Path
) -> None:
    before = count(ctx)
    with pytest.raises((PracticeActionError, OSError)):
        transfer.export_to_file(ctx, manager, tmp_path / "no-such-folder" / "setup.json")
    assert count(ctx) == before


def test_a_bad_undo_period_is_a_plain_validation_error(ctx: Context, manager: Actor) -> None:
    before = count(ctx)
    with pytest.raises(ValidationError) as refused:
        counter.save_settings(ctx, manager, counter.settings(ctx)[0], 0)
    assert "1 to 60" in refused.value.problems["undo_minutes"]
    assert count(ctx) == before


# --- headless commands act as the computer user ---------------------------------------------


def test_a_command_line_change_is_recorded_as_the_computer_user(
    ctx: Context, manager: Actor, locations: paths.Locations, tmp_path: Path
) -> None:
    out = tmp_path / "setup.json"
    assert main(["--data-dir", str(locations.data_dir), "export", str(out)]) == 0
    newest = audit.list_entries(ctx, manager, limit=1)[0]
    assert newest.kind == "setup.export"
    user = getpass.getuser()
    assert newest.actor == f"{user} (computer user, command line)"
    with ctx.store.read() as session:
        row = session.execute(select(AuditEntry).where(AuditEntry.seq == newest.seq)).scalar_one()
        assert row.actor_kind == "system-user"
        assert row.staff_id is None
    assert audit.verify(ctx).intact


def test_a_command_line_backup_is_recorded_as_the_computer_user(
    ctx: Context, manager: Actor, locations: paths.Locations, tmp_path: Path
) -> None:
    out = tmp_path / "copy.sqlite3"
    assert main(["--data-dir", str(locations.data_dir), "backup", "--out", str(out)]) == 0
    newest = audit.list_entries(ctx, manager, limit=1)[0]
    assert newest.kind == "backup.made"
    assert newest.actor == f"{getpass.getuser()} (computer user, command line)"


def test_verify_reports_its_progress_and_stops_when_told(
    db_ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every few thousand entries (here every two) verify says how far it has got out of how
    many were written, on SQLite and PostgreSQL alike; told to stop, it raises Cancelled."""
    manager = practice.first_run_setup(db_ctx, valid_profile(), "Maria Okafor", MANAGER_PIN).actor
    for n in range(7):
        registers.save_record(
            db_ctx,
            manager,
            registers.CLINICIANS,
            Clinician(f"Dr Step {n}", ClinicianRole.SALARIED_GP, frozenset()),
        )
    written = audit.change_stamp(db_ctx)
    monkeypatch.setattr(audit, "_PROGRESS_EVERY", 2)
    seen: list[tuple[int, int]] = []
    found = audit.verify(db_ctx, progress=lambda done, total: seen.append((done, total)) or True)
    assert found.intact and found.entries == written
    assert seen == [(n, written) for n in range(2, written + 1, 2)]

    asked: list[int] = []
    with pytest.raises(audit.Cancelled):
        audit.verify(db_ctx, progress=lambda done, _total: asked.append(done) or done < 4)
    assert asked == [2, 4]  # stopped at the first answer of no
