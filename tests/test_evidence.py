"""A practice's evidence file, against a small practice whose every figure is worked out by hand.

Cap 4 a full day, pro rata (so 2 for one session), online contacts not counted, from
Thu 1 Oct 2026. Clinicians: Dr Amy Ash (salaried GP, every day, two sessions) and Nia Moss
(nurse practitioner, every morning, one session); Dr Lou Cumming, a locum, put on the counter
for Friday 23 October only.

Fri 23 Oct 2026 (British Summer Time):
  Ash: 4 face to face (counted: at the cap), 1 urgent override by telephone over the cap;
       1 patient diverted to NHS 111 from Ash.
  Moss: 1 telephone (counted), 1 online (not counted), 1 face to face undone a minute later.
  Cumming: 2 video (counted; cap 4, two sessions).
  1 patient diverted to Pharmacy First, no clinician named.
  A safety concern (category: diverted elsewhere, no harm) whose words name Dr Ash.
Sun 25 Oct 2026, the night the clocks go back:
  Ash: telephone at 00:30 BST (23:30 UTC on Saturday 24th: a UTC day would misplace it), and
       face to face at 23:30 GMT. Moss is on duty by her pattern and records nothing.
Mon 26 Oct: nothing recorded, so not in the file.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from counter_helpers import EVERY_DAY, MORNINGS, add_clinician, adopt_cap
from report_helpers import at
from sqlalchemy import select

from practice_action import paths
from practice_action.cli import main
from practice_action.domain import evidence as ev
from practice_action.domain.enums import ClinicianRole, ContactType, DivertDestination
from practice_action.domain.errors import PermissionDenied, StoreError, ValidationError
from practice_action.domain.reports import ConcernKind, SafetyEntry
from practice_action.domain.safety_event import HarmLevel, SafetyCategory, SafetyPlace
from practice_action.services import counter, evidence, safety
from practice_action.services.context import Actor, Context
from practice_action.store import engine
from practice_action.store.models import AuditEntry

FRI = date(2026, 10, 23)
SAT = date(2026, 10, 24)
SUN = date(2026, 10, 25)
MON = date(2026, 10, 26)
KEY = b"k" * 32


@pytest.fixture
def small(ctx: Context, manager: Actor, partner: Actor, receptionist: Actor) -> dict[str, int]:
    return build_small(ctx, manager, partner, receptionist)


def build_small(
    ctx: Context, manager: Actor, partner: Actor, receptionist: Actor
) -> dict[str, int]:
    at(ctx, date(2026, 9, 30), 9, 0)
    ash = add_clinician(ctx, manager, "Dr Amy Ash", EVERY_DAY)
    moss = add_clinician(ctx, manager, "Nia Moss", MORNINGS, ClinicianRole.ANP)
    adopt_cap(
        ctx,
        partner,
        4,
        counted=frozenset(ContactType) - {ContactType.ONLINE},
        pro_rata=True,
        start=date(2026, 10, 1),
    )
    f2f, tel = ContactType.FACE_TO_FACE, ContactType.TELEPHONE
    at(ctx, FRI, 9, 0)
    for _ in range(4):
        counter.record_contact(ctx, receptionist, ash, f2f)
    counter.record_contact(ctx, receptionist, ash, tel, urgent_reason="Chest pain, duty doctor")
    counter.record_diversion(ctx, receptionist, DivertDestination.NHS_111, clinician_id=ash)
    counter.record_contact(ctx, receptionist, moss, tel)
    counter.record_contact(ctx, receptionist, moss, ContactType.ONLINE)
    mistake = counter.record_contact(ctx, receptionist, moss, f2f)
    at(ctx, FRI, 9, 1)
    counter.void_contact(ctx, receptionist, mistake.contact_id, "Wrong clinician")
    cumming = counter.add_locum_today(ctx, receptionist, "Dr Lou Cumming")
    counter.record_contact(ctx, receptionist, cumming, ContactType.VIDEO)
    counter.record_contact(ctx, receptionist, cumming, ContactType.VIDEO)
    counter.record_diversion(ctx, receptionist, DivertDestination.PHARMACY_FIRST)
    safety.record(
        ctx,
        receptionist,
        SafetyEntry(
            None,
            FRI,
            ConcernKind.CONCERN,
            "Dr Ash's list was full; the caller went to NHS 111 and was seen there.",
            "Maria Okafor rang back the next day",
            category=SafetyCategory.DIVERSION,
            harm=HarmLevel.NONE,
            place=SafetyPlace.TELEPHONE,
            time_of_day="11:20",
        ),
    )
    # 00:30 British Summer Time on Sunday is 23:30 UTC on Saturday.
    ctx.clock = lambda: datetime(2026, 10, 24, 23, 30, tzinfo=UTC)
    counter.record_contact(ctx, receptionist, ash, tel)
    ctx.clock = lambda: datetime(2026, 10, 25, 23, 30, tzinfo=UTC)  # 23:30 GMT on Sunday
    counter.record_contact(ctx, receptionist, ash, f2f)
    at(ctx, date(2026, 11, 2), 12, 0)
    return {"ash": ash, "moss": moss, "cumming": cumming}


def _by_clinician(made: ev.EvidenceFile, ids: dict[str, int]) -> dict[tuple[date, str], object]:
    names = ev.pseudonyms(ids.values(), KEY)
    who = {names[cid]: person for person, cid in ids.items()}
    return {(row.day, who[row.clinician]): row for row in made.clinician_days}


def test_the_file_holds_the_hand_worked_figures(
    ctx: Context, manager: Actor, small: dict[str, int]
) -> None:
    check_hand_worked(ctx, manager, small)


def test_the_file_holds_the_same_figures_on_either_database(db_ctx: Context) -> None:
    from conftest import MANAGER_PIN, PARTNER_PIN, RECEPTIONIST_PIN, valid_profile

    from practice_action.domain.enums import StaffRole
    from practice_action.domain.records import StaffMember
    from practice_action.services import practice, staff

    manager = practice.first_run_setup(db_ctx, valid_profile(), "Maria Okafor", MANAGER_PIN).actor
    people = []
    for name, role, pin in (
        ("Dr Sam Patel", StaffRole.PARTNER, PARTNER_PIN),
        ("Jo Brennan", StaffRole.RECEPTIONIST, RECEPTIONIST_PIN),
    ):
        member = staff.add_staff(db_ctx, manager, StaffMember(name, role), pin)
        people.append(Actor(member.name, member.role, member.id))
    ids = build_small(db_ctx, manager, *people)
    check_hand_worked(db_ctx, manager, ids)


def check_hand_worked(ctx: Context, manager: Actor, small: dict[str, int]) -> None:
    made = evidence.prepare(ctx, manager, FRI, MON, key=KEY)
    assert (made.ods_code, made.practice_name, made.list_size) == (
        "C82040",
        "Riverside Medical Practice",
        9800,
    )
    rows = _by_clinician(made, small)
    f2f, tel, online, video = (
        ContactType.FACE_TO_FACE,
        ContactType.TELEPHONE,
        ContactType.ONLINE,
        ContactType.VIDEO,
    )
    assert sorted(rows) == [
        (FRI, "ash"),
        (FRI, "cumming"),
        (FRI, "moss"),
        (SUN, "ash"),
        (SUN, "moss"),
    ]

    def shape(row: ev.ClinicianDayEvidence) -> tuple[object, ...]:
        return (
            row.role,
            row.sessions,
            row.by_type,
            row.counted,
            row.cap,
            row.urgent,
            row.at_cap,
        )

    assert shape(rows[(FRI, "ash")]) == (
        ClinicianRole.SALARIED_GP,
        2,
        {f2f: 4, tel: 1},
        4,
        4,
        1,
        True,
    )
    assert shape(rows[(FRI, "moss")]) == (ClinicianRole.ANP, 1, {tel: 1, online: 1}, 1, 2, 0, False)
    assert shape(rows[(FRI, "cumming")]) == (ClinicianRole.LOCUM_GP, 2, {video: 2}, 2, 4, 0, False)
    # Both Sunday contacts fall on Sunday, either side of the clocks going back.
    assert shape(rows[(SUN, "ash")]) == (
        ClinicianRole.SALARIED_GP,
        2,
        {tel: 1, f2f: 1},
        2,
        4,
        0,
        False,
    )
    assert shape(rows[(SUN, "moss")]) == (ClinicianRole.ANP, 1, {}, 0, 2, 0, False)
    assert made.contacts == 5 + 2 + 2 + 2
    assert [(d.day, d.destination, d.patients) for d in made.diversions] == [
        (FRI, DivertDestination.NHS_111, 1),
        (FRI, DivertDestination.PHARMACY_FIRST, 1),
    ]
    assert [(s.day, s.category, s.harm) for s in made.safety] == [
        (FRI, SafetyCategory.DIVERSION, HarmLevel.NONE)
    ]
    assert [(a.action, a.start, a.end) for a in made.actions] == [
        ("contacts-cap", date(2026, 10, 1), None)
    ]


def test_pseudonyms_are_stable_within_a_file_and_differ_between_files(
    ctx: Context, manager: Actor, small: dict[str, int]
) -> None:
    first = evidence.prepare(ctx, manager, FRI, MON)
    second = evidence.prepare(ctx, manager, FRI, MON)
    ash_rows = [r.clinician for r in first.clinician_days if r.role is ClinicianRole.SALARIED_GP]
    assert len(ash_rows) == 2 and len(set(ash_rows)) == 1  # Friday and Sunday: one pseudonym
    assert first.clinicians == 3
    assert not {r.clinician for r in first.clinician_days} & {
        r.clinician for r in second.clinician_days
    }


def test_no_name_or_typed_text_reaches_the_file(
    ctx: Context, manager: Actor, small: dict[str, int], tmp_path: Path
) -> None:
    out = tmp_path / "evidence.json"
    evidence.export(ctx, manager, FRI, MON, out)
    text = out.read_text(encoding="utf-8").casefold()
    people = [
        "Dr Amy Ash",
        "Nia Moss",
        "Dr Lou Cumming",
        "Maria Okafor",
        "Dr Sam Patel",
        "Jo Brennan",
    ]
    for person in people:
        for part in [person, *person.split()[-2:]]:
            if part.casefold() in ("dr",):
                continue
            found = re.search(rf"\b{re.escape(part.casefold())}\b", text)
            assert found is None, f"{part!r} is in the evidence file"
    for typed in ("chest pain", "wrong clinician", "list was full", "rang back", "11:20"):
        assert typed not in text
    # The practice itself is named, as the file must say whose figures these are.
    assert "riverside medical practice" in text and "c82040" in text


def test_the_export_is_audited_and_the_file_reads_back(
    ctx: Context, manager: Actor, small: dict[str, int], tmp_path: Path
) -> None:
    out = tmp_path / "evidence.json"
    made = evidence.export(ctx, manager, FRI, MON, out)
    back = ev.read(out.read_bytes(), out.name)
    assert back == made
    with ctx.store.read() as session:
        entry = session.execute(
            select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)
        ).scalar_one()
        assert entry.kind == "evidence.export" and entry.actor == manager.label
        assert entry.seq == made.audit_seq + 1  # the file names the head it was made from
        assert json.loads(entry.after)["checksum"] == back.checksum


def test_an_export_the_audit_cannot_record_leaves_the_earlier_file_as_it_was(
    ctx: Context,
    manager: Actor,
    small: dict[str, int],
    locations: paths.Locations,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another desk holds the database's write lock: the audit entry cannot be written, so
    nothing is saved, and the file already saved under the chosen name is not touched."""
    folder = tmp_path / "out"
    out = folder / "evidence.json"
    evidence.export(ctx, manager, FRI, MON, out)
    earlier = out.read_bytes()
    shorter = evidence.prepare(ctx, manager, FRI, SAT, key=KEY)
    assert ev.to_bytes(shorter) != earlier
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 200)  # wait 0.2 s for the lock, not 30 s
    ctx.store.dispose()
    other = sqlite3.connect(locations.sqlite_path, timeout=0, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreError, match=r"database is locked.*Nothing was saved"):
            evidence.save(ctx, manager, shorter, out)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert out.read_bytes() == earlier
    assert [p.name for p in folder.iterdir()] == ["evidence.json"]  # no temporary file left
    # Once the lock is free, the same save goes through and replaces it.
    assert evidence.save(ctx, manager, shorter, out) == out
    assert out.read_bytes() == ev.to_bytes(shorter)


def test_a_save_refused_by_the_computer_names_the_chosen_file(
    ctx: Context, manager: Actor, small: dict[str, int], tmp_path: Path
) -> None:
    made = evidence.prepare(ctx, manager, FRI, MON, key=KEY)
    blocked = tmp_path / "a-file-not-a-folder"
    blocked.write_text("", encoding="utf-8")
    with pytest.raises(OSError) as refused:
        evidence.save(ctx, manager, made, blocked / "evidence.json")
    assert refused.value.filename == str(blocked / "evidence.json")


def test_an_edited_file_is_refused_by_its_checksum(
    ctx: Context, manager: Actor, small: dict[str, int], tmp_path: Path
) -> None:
    out = tmp_path / "evidence.json"
    evidence.export(ctx, manager, FRI, MON, out)
    text = out.read_text(encoding="utf-8")
    edited = tmp_path / "edited.json"
    assert '"list_size":9800' in text
    edited.write_text(text.replace('"list_size":9800', '"list_size":4800'), encoding="utf-8")
    with pytest.raises(ev.EvidenceRefused, match="changed or damaged") as refused:
        ev.read(edited.read_bytes(), edited.name)
    assert str(refused.value).startswith("edited.json: ")
    # Re-saving it laid out differently (an editor, a mail program) is a change too.
    pretty = tmp_path / "pretty.json"
    pretty.write_text(json.dumps(json.loads(text), indent=4), encoding="utf-8")
    with pytest.raises(ev.EvidenceRefused, match="changed or damaged"):
        ev.read(pretty.read_bytes(), pretty.name)


def test_an_export_ends_yesterday_at_the_latest(
    ctx: Context, manager: Actor, small: dict[str, int]
) -> None:
    at(ctx, MON, 17, 30)  # Monday 26 October, late afternoon: Monday is not over
    with pytest.raises(ValidationError) as refused:
        evidence.prepare(ctx, manager, FRI, MON)
    assert refused.value.problems["period"] == (
        "The period ends today (26 October 2026), and the day is not over yet: an evidence "
        "file holds whole days only. End the period on Sunday 25 October 2026 at the latest."
    )
    with pytest.raises(ValidationError, match=r"27 October 2026, and that day has not come"):
        evidence.prepare(ctx, manager, FRI, date(2026, 10, 27))
    assert evidence.prepare(ctx, manager, FRI, SUN).end == SUN
    at(ctx, date(2026, 10, 27), 0, 1)  # a minute into Tuesday, Monday is a whole day
    assert evidence.prepare(ctx, manager, FRI, MON).end == MON


def test_a_receptionist_may_not_export_evidence(
    ctx: Context, receptionist: Actor, small: dict[str, int]
) -> None:
    with pytest.raises(PermissionDenied):
        evidence.prepare(ctx, receptionist, FRI, MON)


def test_the_command_line_export_writes_the_file_and_says_what_it_holds(
    ctx: Context,
    locations: paths.Locations,
    small: dict[str, int],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "out" / "evidence.json"
    data_dir = str(locations.data_dir)
    ctx.store.dispose()
    code = main(
        [
            "--data-dir",
            data_dir,
            "evidence",
            "export",
            "--from",
            "2026-10-23",
            "--to",
            "2026-10-26",
            "--out",
            str(out),
        ]
    )
    printed = capsys.readouterr().out
    assert code == 0, printed
    made = ev.read(out.read_bytes(), out.name)
    assert made.contacts == 11
    assert "5 clinician-days for 3 clinicians" in printed
    assert "Not in the file" in printed


def test_the_summary_says_exactly_what_the_file_holds(
    ctx: Context, manager: Actor, small: dict[str, int]
) -> None:
    made = evidence.prepare(ctx, manager, FRI, MON, key=KEY)
    words = "\n".join(ev.summary(made))
    assert "Riverside Medical Practice (C82040), list size 9,800" in words
    assert "2 days with the counter in use" in words
    assert "Contacts: 11 (" in words and "1 urgent override" in words
    assert "1 clinician-day at the cap" in words
    assert "2 patients" in words and "NHS 111 1" in words
    assert "Safety log: 1 entry" in words and "Diverted or signposted elsewhere 1" in words
    assert "from 1 Oct 2026" in words
    assert replace(made, checksum="x") == made  # the checksum is not part of equality


def test_who_is_on_duty_in_the_file_from_the_records_alone() -> None:
    """The pure rule: usual pattern (active only), added for the day, or a contact recorded."""
    from practice_action.domain.enums import Session, Weekday
    from practice_action.domain.evidence_rows import CounterCell, clinician_days
    from practice_action.domain.plan import CapRule
    from practice_action.domain.records import Clinician

    mondays = frozenset({(Weekday.MON, Session.AM), (Weekday.MON, Session.PM)})
    clinicians = {
        1: Clinician("A", ClinicianRole.GP_PARTNER, mondays, id=1),
        2: Clinician("B", ClinicianRole.SALARIED_GP, mondays, active=False, id=2),  # retired
        3: Clinician("C", ClinicianRole.LOCUM_GP, frozenset(), id=3),
        4: Clinician("D", ClinicianRole.OTHER, frozenset(), id=4),
    }
    monday = date(2026, 11, 16)
    rule = CapRule(20, frozenset(ContactType), True, (), "", monday)
    cells = {(monday, 4): CounterCell({ContactType.TELEPHONE: 3}, counted=3)}
    rows = clinician_days([monday], clinicians, {(monday, 3): 1}, cells, {monday: rule}, KEY)
    names = ev.pseudonyms([1, 3, 4], KEY)
    got = {r.clinician: (r.sessions, r.cap, r.total, r.at_cap) for r in rows}
    assert got == {
        names[1]: (2, 20, 0, False),  # on the pattern: a full day, the full cap
        names[3]: (1, 10, 0, False),  # added for one session: the cap pro rata
        names[4]: (None, 20, 3, False),  # neither, but a contact was recorded
    }
