"""The demo practice: what it holds, that it refuses a folder in use, and the CLI around it."""

from __future__ import annotations

from pathlib import Path

import pytest

from practice_action.cli import main
from practice_action.domain.enums import (
    ClinicianRole,
    DsaPurpose,
    ServiceKind,
    StaffRole,
)
from practice_action.domain.errors import ConflictError
from practice_action.domain.validators import check_ods_code, check_postcode
from practice_action.services import audit, demo, practice, registers, staff
from practice_action.services.context import Actor, Context, system_user


def test_demo_fills_every_register(ctx: Context) -> None:
    demo.create_demo(ctx)

    profile = practice.get_profile(ctx)
    assert profile.name == "Fernbrook Medical Practice"
    assert check_ods_code(profile.ods_code) == profile.ods_code
    assert check_postcode(profile.postcode) == profile.postcode
    assert profile.icb.is_complete and profile.lmc.is_complete

    clinicians = registers.list_records(ctx, registers.CLINICIANS)
    assert len(clinicians) == 8
    assert {c.role for c in clinicians} >= {
        ClinicianRole.GP_PARTNER,
        ClinicianRole.SALARIED_GP,
        ClinicianRole.LOCUM_GP,
        ClinicianRole.ANP,
        ClinicianRole.PHARMACIST,
    }
    week = {c.sessions_per_week for c in clinicians}
    assert 10 in week and min(week) <= 4  # full-time and part-time
    assert any(c.sessions and all(s.value == "am" for _, s in c.sessions) for c in clinicians)

    services = registers.list_records(ctx, registers.LOCAL_SERVICES)
    assert {s.kind for s in services} >= {
        ServiceKind.NHS_111,
        ServiceKind.PHARMACY_FIRST,
        ServiceKind.UTC,
        ServiceKind.CRISIS_LINE,
    }
    assert {s.kind for s in services} & {ServiceKind.WALK_IN, ServiceKind.MIU}
    assert all(s.phone and s.hours for s in services)

    voluntary = registers.list_records(ctx, registers.VOLUNTARY_SERVICES)
    assert len(voluntary) == 3
    assert all(v.commissioner.is_complete and v.notice_days > 0 for v in voluntary)

    agreements = registers.list_records(ctx, registers.AGREEMENTS)
    assert len(agreements) == 4
    assert {a.purpose for a in agreements} == set(DsaPurpose)


def test_each_demo_account_signs_in_with_the_pin_in_the_summary(ctx: Context) -> None:
    summary = demo.create_demo(ctx)

    people = staff.list_staff(ctx)
    roles = sorted(m.role for m in people)
    assert roles == sorted(
        [StaffRole.PRACTICE_MANAGER, StaffRole.PARTNER, StaffRole.PARTNER]
        + [StaffRole.RECEPTIONIST] * 2
    )
    for member in people:
        pin = demo.DEMO_PINS[member.name]
        assert f"PIN {pin}" in summary
        assert member.id is not None
        assert staff.sign_in(ctx, member.id, pin).actor.role is member.role


def test_demo_changes_are_audited_and_the_chain_holds(ctx: Context) -> None:
    demo.create_demo(ctx)

    report = audit.verify(ctx)
    assert report.intact
    kinds = [e.kind for e in audit.list_entries(ctx, system_user())]
    assert kinds.count("clinician.add") == 8
    assert kinds.count("staff.add") == 5
    assert "practice.setup" in kinds


def test_demo_refuses_a_folder_that_already_holds_a_practice(ctx: Context) -> None:
    demo.create_demo(ctx)
    before = audit.change_stamp(ctx)

    with pytest.raises(ConflictError, match="already holds a practice"):
        demo.create_demo(ctx)

    assert audit.change_stamp(ctx) == before
    assert len(registers.list_records(ctx, registers.CLINICIANS)) == 8


def test_cli_demo_then_check_and_audit_verify(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = str(tmp_path / "demo")

    assert main(["--data-dir", folder, "demo"]) == 0
    out = capsys.readouterr().out
    assert "Demo practice created" in out
    assert "PIN 246802" in out

    assert main(["--data-dir", folder, "check"]) == 0
    assert "Integrity check: ok" in capsys.readouterr().out
    assert main(["--data-dir", folder, "audit", "verify"]) == 0
    assert "Audit trail intact" in capsys.readouterr().out

    assert main(["--data-dir", folder, "demo"]) == 1
    assert "already holds a practice" in capsys.readouterr().err


def test_the_demo_safety_log_has_entries_with_the_national_fields(ctx: Context) -> None:
    """So that Reports' safety log, the per-entry national record and the evidence file have
    something to show: on days of the history, with category, place, time and harm, and no
    patient identifier in their words."""
    from datetime import timedelta

    from practice_action.domain.calendar import local_today
    from practice_action.domain.identifiers import patient_identifiers
    from practice_action.domain.safety_event import HarmLevel, SafetyCategory, SafetyPlace
    from practice_action.services import evidence, reports, safety

    summary = demo.create_demo(ctx)
    assert "3 safety log entries (2 near misses, 1 concern)" in summary
    manager = next(m for m in staff.list_staff(ctx) if m.role is StaffRole.PRACTICE_MANAGER)
    karen = Actor(manager.name, manager.role, manager.id)
    today = local_today(ctx.clock)
    start = today - timedelta(days=35)
    entries = safety.list_period(ctx, karen, start, today)
    assert len(entries) == 3
    assert all(e.day < today for e in entries)
    assert {e.category for e in entries} == {
        SafetyCategory.DIVERSION,
        SafetyCategory.ACCESS_DELAY,
        SafetyCategory.MEDICATION,
    }
    assert {e.harm for e in entries} == {HarmLevel.NONE, HarmLevel.LOW}
    assert SafetyPlace.NOT_RECORDED not in {e.place for e in entries}
    assert all(e.time_of_day for e in entries)
    assert all(
        not patient_identifiers(e.what_happened + " " + e.action_taken, today) for e in entries
    )
    linked = next(e for e in entries if e.category is SafetyCategory.ACCESS_DELAY)
    assert "NHS 111" in linked.diversion_text and linked.time_of_day in linked.diversion_text
    assert linked.recorded_at is not None and linked.recorded_at.date() > linked.day
    # Reports' safety log and the evidence file carry them
    assert len(reports.build(ctx, karen, start, today).safety) == 3
    # (an evidence file holds whole days, so it ends yesterday; the entries all fall before)
    file = evidence.prepare(ctx, karen, start, today - timedelta(days=1))
    assert sorted((s.day, s.category, s.harm) for s in file.safety) == sorted(
        (e.day, e.category, e.harm) for e in entries
    )
    assert "Level of physical harm: Low physical harm" in safety.national_record(
        ctx, karen, linked.id or 0
    )
