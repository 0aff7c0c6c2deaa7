"""Practice-wide settings take effect on every open desk within a minute: "Lock a desk after"
changed on one desk applies to a desk already open, with nobody restarting it."""

from __future__ import annotations

from dataclasses import replace

from conftest import PARTNER_PIN

from practice_action.paths import Locations
from practice_action.services import practice, staff
from practice_action.services.context import Actor, Context
from practice_action.services.health import open_context
from practice_action.ui.desk import Desk


def test_a_new_lock_period_reaches_an_open_desk(
    qtbot, ctx: Context, locations: Locations, manager: Actor, partner: Actor
) -> None:
    desk = Desk(ctx, locations)
    assert partner.staff_id is not None
    desk.start_signed_in(staff.sign_in(ctx, partner.staff_id, PARTNER_PIN))
    assert desk.window is not None
    qtbot.addWidget(desk.window)
    try:
        before = practice.get_profile(ctx).idle_lock_minutes
        assert desk.idle_minutes == before != 1
        other = open_context(locations)  # another desk, where the manager changes it
        try:
            profile = practice.get_profile(other)
            practice.save_profile(other, manager, replace(profile, idle_lock_minutes=1))
        finally:
            other.store.dispose()
        qtbot.waitUntil(lambda: desk.idle_minutes == 1, timeout=5000)
        assert desk.idle.timer.isActive()
        assert desk.idle.timer.remainingTime() <= 60_000  # locks within the minute if idle
    finally:
        desk.close()
