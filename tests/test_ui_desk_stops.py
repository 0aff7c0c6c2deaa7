"""A desk whose database is replaced under it stops saving and says so, as a receptionist sees
it: the key press records nothing, a window says why and offers to start again; a desk shows
itself to the others from the moment it is open."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime

from counter_helpers import add_clinician, adopt_cap
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from practice_action.domain.calendar import LONDON
from practice_action.paths import Locations
from practice_action.services import backups, counter, desks, staff
from practice_action.services.context import Actor, Context
from practice_action.services.health import open_context
from practice_action.ui.counter_screen import CounterScreen
from practice_action.ui.desk import Desk

RECEPTIONIST_PIN = "640375"  # the shared fixture's (tests/conftest.py)


def test_a_key_press_after_the_file_was_replaced_records_nothing_and_says_why(
    qtbot, ctx: Context, locations: Locations, manager: Actor, partner: Actor, receptionist: Actor
) -> None:
    ctx.clock = lambda: datetime(2026, 11, 23, 10, 0, tzinfo=LONDON).astimezone(UTC)
    add_clinician(ctx, manager, "Dr Ada Lovelace")
    adopt_cap(ctx, partner, 25)
    copy = backups.backup_now(ctx, manager)

    desk = Desk(ctx, locations)
    assert [d.process for d in desks.open_desks(ctx)] == [os.getpid()]  # known at once
    assert receptionist.staff_id is not None
    desk.start_signed_in(staff.sign_in(ctx, receptionist.staff_id, RECEPTIONIST_PIN))
    window = desk.window
    assert window is not None
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    screen = window.stack.currentWidget()
    assert isinstance(screen, CounterScreen)
    try:
        qtbot.waitUntil(lambda: QApplication.focusWidget() is screen)
        qtbot.keyClick(screen, Qt.Key.Key_1)
        assert counter.board(ctx).clinicians[0].counted == 1

        assert locations.sqlite_path is not None
        shutil.copyfile(copy, locations.sqlite_path.with_name("replacement"))
        os.replace(locations.sqlite_path.with_name("replacement"), locations.sqlite_path)
        qtbot.keyClick(screen, Qt.Key.Key_1)

        qtbot.waitUntil(lambda: desk.stopped_box is not None and desk.stopped_box.isVisible())
        box = desk.stopped_box
        assert isinstance(box, QMessageBox)
        assert box.text() == "This desk has stopped saving."
        assert "was replaced, moved or deleted while this desk had it open" in (
            box.informativeText()
        )
        assert [b.text() for b in box.buttons()] == ["&Restart Practice Action", "&Close"]
        assert "stopped saving" in window.statusBar().currentMessage()
        assert not desk.presence.timer.isActive()
    finally:
        if desk.stopped_box is not None:
            desk.stopped_box.done(0)
        screen.stop()
        window.close()
    fresh = open_context(locations)
    try:
        assert counter.board(fresh).clinicians[0].counted == 0  # the copy, untouched
    finally:
        fresh.store.dispose()
