"""Words for people: a past day's columns say "that day", a problem that no longer holds is
cleared, and every count reads right for one ("1 urgent override", "1 minute")."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from counter_helpers import add_clinician, adopt_cap
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot
from ui_people_helpers import click

from practice_action.domain.calendar import LONDON
from practice_action.domain.words import plural
from practice_action.services.context import Actor, Context
from practice_action.ui.counter_screen import CounterScreen
from practice_action.ui.modal import answered_by
from practice_action.ui.setup_screens import SetupSection

MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON).astimezone(UTC)


@pytest.fixture
def desk(qtbot: QtBot, ctx: Context, manager: Actor, partner: Actor, receptionist: Actor):
    ctx.clock = lambda: MONDAY_10
    add_clinician(ctx, manager, "Dr Ben Adams")
    adopt_cap(ctx, partner, 1, start=MONDAY_10.date().replace(day=20))
    screen = CounterScreen(ctx, receptionist, live=False)
    qtbot.addWidget(screen)
    screen.resize(1366, 700)
    screen.show()
    qtbot.waitExposed(screen)
    screen.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is screen)
    screen.setFocus()
    return screen


def test_plural() -> None:
    assert plural(1, "urgent override") == "1 urgent override"
    assert plural(2, "urgent override") == "2 urgent overrides"
    assert plural(0, "entry", "entries") == "0 entries"
    assert plural(1200, "contact", thousands=True) == "1,200 contacts"


def test_a_past_day_is_headed_that_day_and_its_problem_goes_back_at_today(qtbot, desk) -> None:
    assert "Contacts today" in desk.headers[2].text()
    click(desk.prev_day)
    assert desk.title.text().startswith("Past day")
    assert "Contacts that day" in desk.headers[2].text()
    assert "Also that day" in desk.headers[5].text()
    desk.setFocus()
    qtbot.keyClick(desk, Qt.Key.Key_1)
    assert "Problem: Past days are read only" in desk.message.text()
    click(desk.today_button)
    assert desk.title.text().startswith("Today")
    assert "Contacts today" in desk.headers[2].text()
    assert "read only" not in desk.message.text()


def test_one_urgent_override_is_worded_for_one(qtbot, desk) -> None:
    qtbot.keyClick(desk, Qt.Key.Key_1)
    qtbot.keyClick(desk, Qt.Key.Key_1)  # full: the divert panel opens

    def urgent(dialog: QDialog) -> int:
        dialog.reason.setEditText("Deteriorating patient: duty doctor")  # type: ignore[attr-defined]
        return QDialog.DialogCode.Accepted

    with answered_by(urgent):
        click(desk.override_button)
    assert "1 contact, 1 urgent override, 0 patients diverted." in desk.totals.text()
    assert "1 capped contact today" in desk.message.text()


def test_minutes_are_worded_for_one(qtbot, ctx: Context, manager: Actor) -> None:
    section = SetupSection(ctx, manager)
    qtbot.addWidget(section)
    section.show()
    profile = section.profile_tab
    profile.idle_lock.setValue(1)
    assert profile.idle_lock.text() == "1 minute"
    profile.idle_lock.setValue(5)
    assert profile.idle_lock.text() == "5 minutes"
    settings = section.counter_settings
    settings.undo_minutes.setValue(1)
    assert settings.undo_minutes.text() == "1 minute"
