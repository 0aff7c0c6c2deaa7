"""Three practices' evidence files whose figures are worked out by hand in
tests/test_evidence_combine.py (its docstring gives every figure)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from practice_action.domain import evidence as ev
from practice_action.domain.enums import ClinicianRole, ContactType, DivertDestination
from practice_action.domain.safety_event import HarmLevel, SafetyCategory

F2F = ContactType.FACE_TO_FACE


def row(day: date, who: str, n: int, *, cap: int = 25, urgent: int = 0) -> ev.ClinicianDayEvidence:
    counted = n - urgent
    return ev.ClinicianDayEvidence(
        day=day,
        clinician=f"c-{who}",
        role=ClinicianRole.SALARIED_GP,
        sessions=2,
        contacts=ev.contacts_tuple({F2F: n}),
        counted=counted,
        cap=cap,
        urgent=urgent,
        at_cap=counted >= cap,
    )


def evidence_file(
    code: str, name: str, size: int, start: date, end: date, **parts: object
) -> ev.EvidenceFile:
    return ev.EvidenceFile(
        start=start,
        end=end,
        ods_code=code,
        practice_name=name,
        list_size=size,
        made_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
        audit_seq=100,
        audit_head="a" * 64,
        made_with="Practice Action test",
        **parts,  # type: ignore[arg-type]
    )


NOV = {d: date(2026, 11, d) for d in range(1, 31)}

ASH = evidence_file(
    "A11111",
    "Ash Tree Surgery",
    2000,
    NOV[2],
    NOV[8],
    clinician_days=(
        row(NOV[2], "aa", 30, cap=30),
        row(NOV[2], "bb", 21, urgent=1),
        row(NOV[3], "aa", 10),
        row(NOV[7], "bb", 5),
    ),
    diversions=(ev.DiversionEvidence(NOV[2], DivertDestination.NHS_111, 4),),
    safety=(ev.SafetyEvidence(NOV[3], SafetyCategory.ACCESS_DELAY, HarmLevel.LOW),),
    actions=(ev.ActionEvidence("contacts-cap", "Limit daily contacts", date(2026, 9, 1)),),
)
BIRCH = evidence_file(
    "B22222",
    "Birch Lane Practice",
    5000,
    NOV[2],
    NOV[8],
    clinician_days=(row(NOV[2], "cc", 100, cap=100), row(NOV[4], "cc", 50, cap=50)),
    diversions=(
        ev.DiversionEvidence(NOV[4], DivertDestination.PHARMACY_FIRST, 10),
        ev.DiversionEvidence(NOV[4], DivertDestination.NHS_111, 5),
    ),
    actions=(
        ev.ActionEvidence("contacts-cap", "Limit daily contacts", date(2026, 8, 15)),
        ev.ActionEvidence("referrals", "Stop rationing referrals", date(2026, 10, 1)),
    ),
)
CEDAR = evidence_file(
    "C33333",
    "Cedar Health Centre",
    3000,
    NOV[9],
    NOV[15],
    clinician_days=(row(NOV[9], "dd", 30, cap=40), row(NOV[10], "dd", 0)),
    diversions=(ev.DiversionEvidence(NOV[10], DivertDestination.OTHER, 3),),
)
