"""The plan services on a real database: versions, approval, history, tasks, the cap rule."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from practice_action.domain import plan as rules
from practice_action.domain.enums import ContactType, DsaPurpose, ServiceKind
from practice_action.domain.errors import NotFound, PermissionDenied, ValidationError
from practice_action.domain.plan import Choice, Decision
from practice_action.domain.records import (
    DataSharingAgreement,
    LocalService,
    PostalAddress,
    VoluntaryService,
)
from practice_action.services import audit, registers
from practice_action.services import plan as plan_service
from practice_action.services.context import Actor, Context
from practice_action.store.models import AuditEntry

NOON = datetime(2025, 6, 13, 11, 0, tzinfo=UTC)  # Friday 13 June 2025, 12:00 in London
PARTY = PostalAddress("NHS Riverside ICB", "1 Quay Street\nLeicester", "LE1 4AB")


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(ctx: Context) -> Clock:
    ticking = Clock(NOON)
    ctx.clock = ticking
    return ticking


@pytest.fixture
def regs(ctx: Context, manager: Actor, clock: Clock) -> dict[str, list[int]]:
    def save(register: registers.Register, record: object) -> int:
        return registers.save_record(ctx, manager, register, record).id  # type: ignore[attr-defined]

    return {
        "local": [
            save(
                registers.LOCAL_SERVICES, LocalService("NHS 111", ServiceKind.NHS_111, phone="111")
            ),
            save(
                registers.LOCAL_SERVICES,
                LocalService("Riverside UTC", ServiceKind.UTC, phone="0116 225 5000"),
            ),
        ],
        "voluntary": [
            save(registers.VOLUNTARY_SERVICES, VoluntaryService("Wound care", PARTY, 90)),
            save(registers.VOLUNTARY_SERVICES, VoluntaryService("Phlebotomy", PARTY, 28)),
        ],
        "agreements": [
            save(
                registers.AGREEMENTS,
                DataSharingAgreement("Research extract", PARTY, DsaPurpose.SECONDARY),
            ),
            save(
                registers.AGREEMENTS,
                DataSharingAgreement("Shared care record", PARTY, DsaPurpose.DIRECT_CARE),
            ),
        ],
    }


def realistic_plan(ctx: Context, regs: dict[str, list[int]]) -> list[Decision]:
    today = date(2025, 6, 13)
    voluntary = [
        registers.get_record(ctx, registers.VOLUNTARY_SERVICES, i) for i in regs["voluntary"]
    ]
    return [
        Decision(
            "contacts-cap",
            Choice.ADOPT,
            date(2025, 6, 16),
            details=rules.ContactsCapDetails(cap=22, divert_to=tuple(regs["local"])),
        ),
        Decision("advice-guidance", Choice.ADOPT),
        Decision("voluntary-notice", Choice.ADOPT, details=rules.notice_on(today, voluntary)),
        Decision(
            "dsa-withdrawal",
            Choice.ADOPT,
            details=rules.DsaWithdrawalDetails((regs["agreements"][0],), date(2025, 7, 31)),
        ),
        Decision("gp-connect", Choice.NOT_NOW),
        Decision("medicines-optimisation", Choice.UNDECIDED),
    ]


def test_an_empty_plan(ctx: Context) -> None:
    view = plan_service.current_plan(ctx)
    assert view.version is None and view.tasks == () and view.adopted == ()
    assert plan_service.history(ctx) == []
    assert plan_service.active_contacts_cap(ctx, date(2025, 6, 16)) is None


def test_saving_a_plan_approved_by_a_partner(
    ctx: Context, manager: Actor, partner: Actor, regs: dict[str, list[int]]
) -> None:
    saved = plan_service.save_plan_version(
        ctx, manager, realistic_plan(ctx, regs), "Partners' meeting", partner
    )
    assert saved.number == 1 and saved.approved and saved.approved_by == partner.label
    assert saved.created_by == manager.label and saved.menu_id == "bma-2024-07"
    view = plan_service.current_plan(ctx)
    assert [d.action_id for d in view.adopted] == [
        "contacts-cap",
        "advice-guidance",
        "voluntary-notice",
        "dsa-withdrawal",
    ]
    cap = view.version.decision("contacts-cap")
    assert cap.details.cap == 22 and cap.effective_date == date(2025, 6, 16)
    assert view.version.decision("advice-guidance").effective_date == date(2025, 6, 16)
    assert [(n.service_name, n.last_day) for n in view.notice_ends] == [
        ("Phlebotomy", date(2025, 7, 11)),
        ("Wound care", date(2025, 9, 11)),
    ]
    assert any(t.text.startswith("Brief reception") for t in view.open_tasks)
    assert not any(t.action_id == "gp-connect" for t in view.tasks)
    with ctx.store.read() as session:
        entry = session.execute(
            select(AuditEntry).where(AuditEntry.kind == "plan.save")
        ).scalar_one()
    assert "approved by Dr Sam Patel" in entry.summary
    assert audit.verify(ctx).intact


def test_a_receptionist_cannot_save_a_plan(ctx: Context, receptionist: Actor, clock: Clock) -> None:
    with pytest.raises(PermissionDenied, match="may not change the action plan"):
        plan_service.save_plan_version(ctx, receptionist, [Decision("contacts-cap")])
    assert plan_service.history(ctx) == []


def test_a_practice_manager_cannot_approve(ctx: Context, manager: Actor, clock: Clock) -> None:
    with pytest.raises(PermissionDenied, match="approve"):
        plan_service.save_plan_version(ctx, manager, [Decision("contacts-cap")], approver=manager)
    unapproved = plan_service.save_plan_version(ctx, manager, [Decision("contacts-cap")])
    assert not unapproved.approved


def test_a_partner_approves_later(
    ctx: Context, manager: Actor, partner: Actor, clock: Clock
) -> None:
    plan_service.save_plan_version(ctx, manager, [Decision("contacts-cap")])
    approved = plan_service.approve_version(ctx, partner, 1)
    assert approved.approved_by == partner.label
    with pytest.raises(NotFound):
        plan_service.approve_version(ctx, partner, 7)


def test_a_faulty_plan_saves_nothing(
    ctx: Context, manager: Actor, regs: dict[str, list[int]]
) -> None:
    faulty = [
        Decision("contacts-cap", Choice.ADOPT, details=rules.ContactsCapDetails(cap=500)),
        Decision(
            "voluntary-notice", Choice.ADOPT, details=rules.VoluntaryNoticeDetails(NOON.date())
        ),
        Decision("advice-guidance", Choice.ADOPT, date(2025, 6, 2)),
    ]
    with pytest.raises(ValidationError) as caught:
        plan_service.save_plan_version(ctx, manager, faulty)
    assert set(caught.value.problems) == {
        "contacts-cap.cap",
        "voluntary-notice.services",
        "advice-guidance.effective_date",
    }
    assert plan_service.history(ctx) == []


def test_two_saves_make_two_versions_and_history_shows_both(
    ctx: Context, manager: Actor, partner: Actor, regs: dict[str, list[int]], clock: Clock
) -> None:
    first = realistic_plan(ctx, regs)
    plan_service.save_plan_version(ctx, manager, first, "First", partner)
    clock.now = NOON + timedelta(days=10)  # the cap's start is now in the past
    second = [
        d if d.action_id != "gp-connect" else Decision("gp-connect", Choice.ADOPT)
        for d in plan_service.current_plan(ctx).version.decisions
        for d in [d.to_decision()]
    ]
    plan_service.save_plan_version(ctx, manager, second, "Second", partner)
    versions = plan_service.history(ctx)
    assert [v.number for v in versions] == [2, 1]
    assert [v.note for v in versions] == ["Second", "First"]
    changes = plan_service.diff(versions[1], versions[0])
    assert [c.action_id for c in changes] == ["gp-connect"]
    assert changes[0].changes[0] == "Not now → Adopt"
    assert plan_service.current_plan(ctx).version.decision("gp-connect").effective_date == date(
        2025, 6, 24
    )


def test_ticking_a_task_keeps_it_ticked_in_the_next_version(
    ctx: Context, manager: Actor, partner: Actor, receptionist: Actor, clock: Clock
) -> None:
    plan_service.save_plan_version(ctx, manager, [Decision("gp-connect", Choice.ADOPT)])
    task = plan_service.current_plan(ctx).open_tasks[0]
    with pytest.raises(PermissionDenied):
        plan_service.tick_task(ctx, receptionist, task.id, NOON.date())
    with pytest.raises(ValidationError):
        plan_service.tick_task(ctx, manager, task.id, date(2025, 7, 1))
    done = plan_service.tick_task(ctx, manager, task.id, NOON.date())
    assert done.done_on == NOON.date() and done.done_by == manager.label
    plan_service.save_plan_version(
        ctx, manager, [d.to_decision() for d in plan_service.current_plan(ctx).version.decisions]
    )
    assert plan_service.current_plan(ctx).open_tasks == ()


def test_the_cap_in_force_before_on_and_after_its_dates(
    ctx: Context, manager: Actor, partner: Actor, regs: dict[str, list[int]]
) -> None:
    plan_service.save_plan_version(ctx, manager, realistic_plan(ctx, regs), "", partner)
    assert plan_service.active_contacts_cap(ctx, date(2025, 6, 15)) is None
    rule = plan_service.active_contacts_cap(ctx, date(2025, 6, 16))
    assert rule is not None
    assert rule.cap == 22 and rule.effective_from == date(2025, 6, 16)
    assert rule.counted_types == frozenset(ContactType) and rule.divert_to == tuple(regs["local"])
    assert plan_service.active_contacts_cap(ctx, date(2026, 1, 5)) == rule
    plan_service.end_action(ctx, manager, "contacts-cap", date(2025, 8, 29))
    assert plan_service.active_contacts_cap(ctx, date(2025, 8, 29)) == rule
    assert plan_service.active_contacts_cap(ctx, date(2025, 9, 1)) is None
    assert len(plan_service.history(ctx)) == 2


def test_a_cap_change_scheduled_ahead_leaves_the_old_cap_until_then(
    ctx: Context, manager: Actor, clock: Clock
) -> None:
    plan_service.save_plan_version(ctx, manager, [Decision("contacts-cap", Choice.ADOPT)])
    later = Decision(
        "contacts-cap", Choice.ADOPT, date(2025, 7, 1), details=rules.ContactsCapDetails(cap=20)
    )
    plan_service.save_plan_version(ctx, manager, [later])
    assert plan_service.active_contacts_cap(ctx, date(2025, 6, 20)).cap == 25
    assert plan_service.active_contacts_cap(ctx, date(2025, 7, 1)).cap == 20


def test_dropping_the_cap_stops_it_from_that_day(
    ctx: Context, manager: Actor, clock: Clock
) -> None:
    plan_service.save_plan_version(ctx, manager, [Decision("contacts-cap", Choice.ADOPT)])
    clock.now = NOON + timedelta(days=14)
    plan_service.save_plan_version(ctx, manager, [Decision("contacts-cap", Choice.NOT_NOW)])
    assert plan_service.active_contacts_cap(ctx, date(2025, 6, 20)).cap == 25
    assert plan_service.active_contacts_cap(ctx, date(2025, 6, 27)) is None


def test_ending_an_action_before_it_started_is_refused(
    ctx: Context, manager: Actor, clock: Clock
) -> None:
    plan_service.save_plan_version(ctx, manager, [Decision("contacts-cap", Choice.ADOPT)])
    with pytest.raises(ValidationError):
        plan_service.end_action(ctx, manager, "contacts-cap", date(2025, 6, 1))
    with pytest.raises(NotFound):
        plan_service.end_action(ctx, manager, "gp-connect", date(2025, 7, 1))


def test_declined_requests_are_logged(ctx: Context, manager: Actor, clock: Clock) -> None:
    logged = plan_service.record_declined_request(
        ctx, manager, "Regional data platform", "Sign the new platform agreement", date(2025, 6, 10)
    )
    assert logged.declined_on == NOON.date()
    assert plan_service.declined_requests(ctx) == [logged]
    with pytest.raises(ValidationError) as caught:
        plan_service.record_declined_request(ctx, manager, "", "x", date(2025, 7, 1))
    assert set(caught.value.problems) == {"requester", "received_on"}


def test_a_practice_adds_its_own_action_and_decides_on_it(
    ctx: Context, manager: Actor, clock: Clock
) -> None:
    fields = {
        "title": "Defer new LMC pilots",
        "wording": "Defer all new local pilots.",
        "attribution": "Leicester LMC",
        "source": "LMC bulletin, May 2026",
        "explanation": "We take on no new pilots for now.",
        "involves": "A policy.",
        "detail": "checklist",
        "tasks": [{"id": "tell-icb", "text": "Tell the ICB"}],
    }
    own = plan_service.add_custom_action(ctx, manager, fields)
    assert own.id == "own-defer-new-lmc-pilots" and own.is_custom
    cat = plan_service.catalogue(ctx)
    assert cat.actions_for(None)[-1] == own
    saved = plan_service.save_plan_version(ctx, manager, [Decision(own.id, Choice.ADOPT)])
    assert saved.decision(own.id).title == "Defer new LMC pilots"
    assert plan_service.current_plan(ctx).open_tasks[0].text == "Tell the ICB"
    with pytest.raises(ValidationError) as caught:
        plan_service.add_custom_action(ctx, manager, {**fields, "detail": "cake"})
    assert set(caught.value.problems) == {"detail"}


def test_the_demo_plan(
    ctx: Context, manager: Actor, partner: Actor, regs: dict[str, list[int]]
) -> None:
    summary = plan_service.demo_plan(ctx, manager)
    assert "action plan" in summary
    view = plan_service.current_plan(ctx)
    assert view.version.approved_by == partner.label
    rule = plan_service.active_contacts_cap(ctx, NOON.date())
    assert rule is not None and rule.cap == 25
    notice = view.version.decision("voluntary-notice")
    assert notice.choice is Choice.ADOPT and len(notice.details.services) == 2
    withdrawal = view.version.decision("dsa-withdrawal")
    assert withdrawal.details.agreement_ids == (regs["agreements"][0],)
    assert plan_service.demo_plan(ctx, manager) == "the action plan already in place"
