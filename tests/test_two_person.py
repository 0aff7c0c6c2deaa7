"""Two people for the powers that matter: a manager can give or take a partner's rights, or
reset a partner's PIN, only with another partner's agreement, typed with that partner's PIN;
nobody agrees to a change of their own rights; and the desk asks for it as a person would
give it."""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import PARTNER_PIN, RECEPTIONIST_PIN
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from sqlalchemy import select

from practice_action.domain.enums import StaffRole
from practice_action.domain.errors import PermissionDenied
from practice_action.domain.records import StaffMember
from practice_action.services import audit, staff
from practice_action.services.context import Actor, Context
from practice_action.store.models import AuditEntry, StaffRow
from practice_action.ui.people_screens import StaffScreen

NEW_PIN = "918273"


def member(ctx: Context, name: str) -> StaffMember:
    return next(m for m in staff.list_staff(ctx, include_retired=True) if m.name == name)


def last_summary(ctx: Context) -> str:
    with ctx.store.read() as session:
        return session.execute(
            select(AuditEntry.summary).order_by(AuditEntry.seq.desc()).limit(1)
        ).scalar_one()


def failed_attempts(ctx: Context, staff_id: int) -> int:
    with ctx.store.read() as session:
        return session.execute(
            select(StaffRow.failed_attempts).where(StaffRow.id == staff_id)
        ).scalar_one()


def second_partner(ctx: Context, manager: Actor, partner: Actor) -> StaffMember:
    """Dr Ann Lee, made a partner by the manager with Dr Sam Patel's agreement."""
    assert partner.staff_id is not None
    return staff.add_staff(
        ctx,
        manager,
        StaffMember("Dr Ann Lee", StaffRole.PARTNER),
        NEW_PIN,
        countersign=staff.Countersign(partner.staff_id, PARTNER_PIN),
    )


def test_the_first_partner_is_made_alone_and_the_trail_says_so(ctx: Context, manager: Actor):
    staff.add_staff(ctx, manager, StaffMember("Dr Sam Patel", StaffRole.PARTNER), PARTNER_PIN)
    assert last_summary(ctx) == (
        "Added staff account Dr Sam Patel (Partner) (the practice's first partner: there was "
        "no partner to agree)"
    )


def test_a_second_partner_needs_a_partner_s_pin(ctx: Context, manager: Actor, partner: Actor):
    new = StaffMember("Dr Ann Lee", StaffRole.PARTNER)
    before = audit.change_stamp(ctx)
    with pytest.raises(staff.PartnerNeeded) as needed:
        staff.add_staff(ctx, manager, new, NEW_PIN)
    assert needed.value.partners == ((partner.staff_id, "Dr Sam Patel"),)
    assert str(needed.value) == (
        "A partner must agree to make Dr Ann Lee a partner: one of Dr Sam Patel types their "
        "PIN as well."
    )
    assert audit.change_stamp(ctx) == before
    assert "Dr Ann Lee" not in {m.name for m in staff.list_staff(ctx)}

    assert partner.staff_id is not None
    with pytest.raises(staff.SignInRefused, match="Wrong PIN"):
        staff.add_staff(
            ctx, manager, new, NEW_PIN, countersign=staff.Countersign(partner.staff_id, "999888")
        )
    assert failed_attempts(ctx, partner.staff_id) == 1  # counts towards the lock-out
    assert "Dr Ann Lee" not in {m.name for m in staff.list_staff(ctx)}

    agreed = staff.Countersign(partner.staff_id, PARTNER_PIN)
    saved = staff.add_staff(ctx, manager, new, NEW_PIN, countersign=agreed)
    assert saved.role is StaffRole.PARTNER
    assert last_summary(ctx) == (
        "Added staff account Dr Ann Lee (Partner), agreed by Dr Sam Patel with their PIN"
    )
    assert failed_attempts(ctx, partner.staff_id) == 0
    assert audit.verify(ctx).intact


def test_a_locked_partner_cannot_agree(ctx: Context, manager: Actor, partner: Actor):
    assert partner.staff_id is not None
    wrong = staff.Countersign(partner.staff_id, "999888")
    new = StaffMember("Dr Ann Lee", StaffRole.PARTNER)
    for _ in range(staff.MAX_FAILED):
        with pytest.raises(staff.SignInRefused):
            staff.add_staff(ctx, manager, new, NEW_PIN, countersign=wrong)
    right = staff.Countersign(partner.staff_id, PARTNER_PIN)
    with pytest.raises(staff.SignInRefused, match="locked"):
        staff.add_staff(ctx, manager, new, NEW_PIN, countersign=right)


def test_nobody_agrees_to_their_own_promotion(
    ctx: Context, manager: Actor, partner: Actor, receptionist: Actor
):
    jo = member(ctx, "Jo Brennan")
    assert jo.id is not None
    with pytest.raises(staff.PartnerNeeded):
        staff.update_staff(ctx, manager, replace(jo, role=StaffRole.PARTNER))
    with pytest.raises(PermissionDenied, match="nobody may agree to a change of their own rights"):
        staff.update_staff(
            ctx,
            manager,
            replace(jo, role=StaffRole.PARTNER),
            countersign=staff.Countersign(jo.id, RECEPTIONIST_PIN),
        )
    manager_row = member(ctx, "Maria Okafor")
    assert manager_row.id is not None
    with pytest.raises(PermissionDenied, match="only an active partner"):
        staff.update_staff(
            ctx,
            manager,
            replace(jo, role=StaffRole.PARTNER),
            countersign=staff.Countersign(manager_row.id, "482913"),
        )
    assert member(ctx, "Jo Brennan").role is StaffRole.RECEPTIONIST
    assert partner.staff_id is not None
    staff.update_staff(
        ctx,
        manager,
        replace(jo, role=StaffRole.PARTNER),
        countersign=staff.Countersign(partner.staff_id, PARTNER_PIN),
    )
    assert member(ctx, "Jo Brennan").role is StaffRole.PARTNER


def test_a_partner_being_promoted_again_cannot_agree_for_themselves(
    ctx: Context, manager: Actor, partner: Actor
):
    """A retired partner brought back is a promotion: they may not agree to it themselves."""
    assert partner.staff_id is not None
    other = second_partner(ctx, manager, partner)
    assert other.id is not None
    ann = staff.Countersign(other.id, NEW_PIN)
    sam = member(ctx, "Dr Sam Patel")
    staff.update_staff(ctx, manager, replace(sam, active=False), countersign=ann)
    with pytest.raises(staff.SignInRefused, match="not active"):
        staff.update_staff(
            ctx,
            manager,
            replace(member(ctx, "Dr Sam Patel"), active=True),
            countersign=staff.Countersign(partner.staff_id, PARTNER_PIN),
        )
    staff.update_staff(
        ctx, manager, replace(member(ctx, "Dr Sam Patel"), active=True), countersign=ann
    )
    assert member(ctx, "Dr Sam Patel").active


def test_taking_partner_rights_away_needs_a_partner_too(
    ctx: Context, manager: Actor, partner: Actor
):
    sam = member(ctx, "Dr Sam Patel")
    with pytest.raises(staff.PartnerNeeded):
        staff.update_staff(ctx, manager, replace(sam, role=StaffRole.PRACTICE_MANAGER))
    with pytest.raises(staff.PartnerNeeded):
        staff.update_staff(ctx, manager, replace(sam, active=False))
    assert partner.staff_id is not None
    # A partner may agree to stepping down themselves.
    staff.update_staff(
        ctx,
        manager,
        replace(sam, role=StaffRole.PRACTICE_MANAGER),
        countersign=staff.Countersign(partner.staff_id, PARTNER_PIN),
    )
    assert member(ctx, "Dr Sam Patel").role is StaffRole.PRACTICE_MANAGER


def test_a_manager_resets_a_partner_s_pin_only_with_another_partner(
    ctx: Context, manager: Actor, partner: Actor
):
    assert partner.staff_id is not None
    other = second_partner(ctx, manager, partner)
    assert other.id is not None
    with pytest.raises(staff.PartnerNeeded) as needed:
        staff.set_pin(ctx, manager, partner.staff_id, "246813")
    assert needed.value.partners == ((other.id, "Dr Ann Lee"),)
    with pytest.raises(PermissionDenied, match="their own rights"):
        staff.set_pin(
            ctx,
            manager,
            partner.staff_id,
            "246813",
            countersign=staff.Countersign(partner.staff_id, PARTNER_PIN),
        )
    staff.sign_in(ctx, partner.staff_id, PARTNER_PIN)  # the PIN is unchanged
    staff.set_pin(
        ctx, manager, partner.staff_id, "246813", countersign=staff.Countersign(other.id, NEW_PIN)
    )
    staff.sign_in(ctx, partner.staff_id, "246813")
    # A partner changes their own PIN alone, and a partner may reset another's.
    signed = staff.sign_in(ctx, other.id, NEW_PIN).actor
    staff.set_pin(ctx, signed, other.id, "864213")
    staff.set_pin(ctx, signed, partner.staff_id, "975313")
    staff.sign_in(ctx, partner.staff_id, "975313")


def test_a_partner_makes_a_partner_without_a_second_pin(
    ctx: Context, manager: Actor, partner: Actor
):
    staff.add_staff(ctx, partner, StaffMember("Dr Ann Lee", StaffRole.PARTNER), NEW_PIN)
    assert last_summary(ctx) == "Added staff account Dr Ann Lee (Partner)"


# --- at the desk, as a person does it -------------------------------------------------------


def _click(widget) -> None:  # type: ignore[no-untyped-def]
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton, pos=widget.rect().center())


def test_the_staff_screen_asks_a_partner_to_agree(
    qtbot, ctx: Context, manager: Actor, partner: Actor
):
    screen = StaffScreen(ctx, manager)
    qtbot.addWidget(screen)
    screen.show()
    _click(screen.add_button)
    dialog = next(d for d in screen.findChildren(staff_dialog_type()) if d.isVisible())
    assert not dialog.agreement.isVisible()  # a receptionist, by default: nobody need agree
    QTest.keyClicks(dialog.name, "Dr Ann Lee")
    dialog.role.setFocus()
    dialog.role.setCurrentIndex(dialog.role.findData(StaffRole.PARTNER.value))
    assert dialog.agreement.isVisible()
    assert dialog.agreement.partner.currentText() == "Dr Sam Patel"
    assert "To make Dr Ann Lee a partner, a partner must agree" in dialog.agreement.note.text()
    QTest.keyClicks(dialog.pin, NEW_PIN)
    QTest.keyClicks(dialog.pin_again, NEW_PIN)
    save = dialog.buttons.button(dialog.buttons.StandardButton.Save)
    _click(save)  # no agreeing PIN typed yet
    assert dialog.isVisible()
    assert "Dr Ann Lee" not in {m.name for m in staff.list_staff(ctx)}
    QTest.keyClicks(dialog.pin, NEW_PIN)
    QTest.keyClicks(dialog.pin_again, NEW_PIN)
    QTest.keyClicks(dialog.agreement.pin, "000111")
    _click(save)
    assert dialog.isVisible()
    assert "Wrong PIN" in " ".join(
        label.text() for label in dialog.findChildren(type(dialog.agreement.note))
    )
    QTest.keyClicks(dialog.pin, NEW_PIN)
    QTest.keyClicks(dialog.pin_again, NEW_PIN)
    QTest.keyClicks(dialog.agreement.pin, PARTNER_PIN)
    with qtbot.waitSignal(dialog.finished):
        _click(save)
    assert member(ctx, "Dr Ann Lee").role is StaffRole.PARTNER
    assert last_summary(ctx).endswith("agreed by Dr Sam Patel with their PIN")


def staff_dialog_type():  # type: ignore[no-untyped-def]
    from practice_action.ui.people_screens import StaffDialog

    return StaffDialog
