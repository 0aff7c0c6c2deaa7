"""Shared set-up for the counter tests: clinicians on duty and a cap adopted in the plan."""

from __future__ import annotations

from datetime import date

from practice_action.domain.calendar import local_today
from practice_action.domain.enums import ClinicianRole, ContactType, Session, Weekday
from practice_action.domain.plan import Choice, ContactsCapDetails, Decision
from practice_action.domain.records import Clinician
from practice_action.services import plan, registers
from practice_action.services.context import Actor, Context

EVERY_DAY = frozenset((day, part) for day in Weekday for part in Session)
MORNINGS = frozenset((day, Session.AM) for day in Weekday)


def add_clinician(
    ctx: Context,
    actor: Actor,
    name: str,
    sessions: frozenset = EVERY_DAY,
    role: ClinicianRole = ClinicianRole.SALARIED_GP,
) -> int:
    saved = registers.save_record(ctx, actor, registers.CLINICIANS, Clinician(name, role, sessions))
    assert saved.id is not None
    return saved.id


def adopt_cap(
    ctx: Context,
    partner: Actor,
    cap: int = 25,
    *,
    counted: frozenset[ContactType] = frozenset(ContactType),
    pro_rata: bool = False,
    divert_to: tuple[int, ...] = (),
    start: date | None = None,
    words: str = "Please call NHS 111, or we can book you a later appointment.",
) -> None:
    details = ContactsCapDetails(
        cap=cap,
        counted_types=counted,
        pro_rata=pro_rata,
        divert_to=divert_to,
        reception_words=words,
    )
    day = start or local_today(ctx.clock)
    plan.save_plan_version(
        ctx,
        partner,
        [Decision("contacts-cap", Choice.ADOPT, day, None, details, confirm_past=True)],
        "cap for the tests",
        partner,
    )
