"""Rights are the database's, not the desk's: a partner retired or demoted on another desk can
do nothing more from the desk where they are still signed in, and that desk signs them out."""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import PARTNER_PIN
from counter_helpers import add_clinician

from practice_action.domain.enums import StaffRole
from practice_action.domain.errors import PermissionDenied
from practice_action.domain.records import StaffMember
from practice_action.paths import Locations
from practice_action.services import audit, counter, documents, practice, staff
from practice_action.services.context import Actor, Context
from practice_action.services.demo import create_demo
from practice_action.services.health import open_context
from practice_action.ui.desk import Desk


def _member(ctx: Context, name: str) -> StaffMember:
    return next(m for m in staff.list_staff(ctx, include_retired=True) if m.name == name)


@pytest.mark.parametrize("change", ["retired", "demoted"])
def test_every_partner_action_from_a_stale_session_is_refused(tmp_path, change: str) -> None:
    from practice_action import paths

    locations = paths.resolve(tmp_path / "demo")
    first_desk = open_context(locations)
    create_demo(first_desk)
    tom = _member(first_desk, "Dr Tom Whitfield")
    signed = staff.sign_in(first_desk, tom.id, "135792").actor  # type: ignore[arg-type]
    manager = _member(first_desk, "Karen Holt")
    other_desk = open_context(locations)
    try:
        by = Actor(manager.name, manager.role, manager.id)
        asha = _member(first_desk, "Dr Asha Mistry")
        agreed = staff.Countersign(asha.id, "135791")  # type: ignore[arg-type]
        if change == "retired":
            staff.update_staff(other_desk, by, replace(tom, active=False), countersign=agreed)
        else:
            changed = replace(tom, role=StaffRole.RECEPTIONIST)
            staff.update_staff(other_desk, by, changed, countersign=agreed)
        before = audit.change_stamp(first_desk)
        words = "has been retired" if change == "retired" else "role has changed to Receptionist"
        for action in (
            lambda: documents.generate(first_desk, signed),
            lambda: staff.add_staff(
                first_desk, signed, StaffMember("Dr New Partner", StaffRole.PARTNER), "579135"
            ),
            lambda: practice.save_profile(
                first_desk, signed, replace(practice.get_profile(first_desk), phone="0116 496 0999")
            ),
            lambda: counter.record_contact(
                first_desk,
                signed,
                counter.board(first_desk).clinicians[-1].clinician_id,
                urgent_reason="Sepsis risk",
            ),
        ):
            with pytest.raises(PermissionDenied, match=words):
                action()
        assert audit.change_stamp(first_desk) == before  # nothing was written
    finally:
        other_desk.store.dispose()
        first_desk.store.dispose()


def test_the_desk_signs_out_a_partner_retired_elsewhere(
    qtbot, ctx: Context, locations: Locations, manager: Actor, partner: Actor
) -> None:
    add_clinician(ctx, manager, "Dr Ada Lovelace")
    desk = Desk(ctx, locations)
    assert partner.staff_id is not None
    desk.start_signed_in(staff.sign_in(ctx, partner.staff_id, PARTNER_PIN))
    assert desk.window is not None
    qtbot.addWidget(desk.window)
    try:
        other = open_context(locations)
        try:
            member = _member(other, partner.name)
            # The practice's only partner agrees to their own retirement with their PIN.
            agreed = staff.Countersign(partner.staff_id, PARTNER_PIN)
            staff.update_staff(other, manager, replace(member, active=False), countersign=agreed)
        finally:
            other.store.dispose()
        qtbot.waitUntil(lambda: desk.is_locked, timeout=5000)
        screen = desk.lock_screen
        assert screen is not None
        shown = " ".join(label.text() for label in screen.findChildren(type(desk.window.who)))
        assert "You have been signed out" in shown
        assert f"{partner.name}'s account has been retired since they signed in" in shown
        assert desk.actor is None or desk.window.who.text().startswith("Locked")
    finally:
        desk.close()
