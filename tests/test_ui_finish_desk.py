"""Where the keyboard goes, as a busy desk needs it: the counter's keys work the moment a
receptionist signs in or comes back to a locked desk, Tab runs top to bottom, and the
partner's screens start where a person starts and leave room to read what they show."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from counter_helpers import add_clinician, adopt_cap
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from practice_action.domain.calendar import LONDON
from practice_action.domain.enums import DivertDestination
from practice_action.paths import Locations
from practice_action.services import counter
from practice_action.services.context import Actor, Context
from practice_action.ui.counter_screen import CounterScreen
from practice_action.ui.desk import Desk
from practice_action.ui.letters_screen import LettersScreen
from practice_action.ui.main_window import MainWindow
from practice_action.ui.reports_screen import ReportsScreen

RECEPTIONIST_PIN = "640375"  # the shared fixture's (tests/conftest.py)


@pytest.fixture
def on_duty(ctx: Context, manager: Actor, partner: Actor) -> Context:
    """A Monday morning with two clinicians on duty and a cap of 3."""
    ctx.clock = lambda: datetime(2026, 11, 23, 10, 0, tzinfo=LONDON).astimezone(UTC)
    add_clinician(ctx, manager, "Dr Ada Lovelace")
    add_clinician(ctx, manager, "Dr Mary Seacole")
    adopt_cap(ctx, partner, 3)
    return ctx


def shown(qtbot, window: QWidget) -> QWidget:
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def counted(ctx: Context, name: str) -> int:
    return next(c.counted for c in counter.board(ctx).clinicians if c.name == name)


def test_a_receptionist_can_press_a_row_key_the_moment_the_window_opens(
    qtbot, on_duty: Context, locations: Locations, receptionist: Actor
):
    window = shown(qtbot, MainWindow(on_duty, locations, receptionist))
    screen = window.stack.currentWidget()
    assert isinstance(screen, CounterScreen)
    try:
        # Not the sidebar: there the key would only search the list of sections.
        assert QApplication.focusWidget() is screen
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_2)
        assert counted(on_duty, "Dr Mary Seacole") == 1
    finally:
        screen.stop()


def test_a_click_on_a_section_puts_the_keyboard_in_it(
    qtbot, on_duty: Context, locations: Locations, partner: Actor
):
    window = shown(qtbot, MainWindow(on_duty, locations, partner))
    try:
        reports_row = window.section_keys().index("reports")
        item = window.sidebar.item(reports_row)
        qtbot.mouseClick(
            window.sidebar.viewport(),
            Qt.MouseButton.LeftButton,
            pos=window.sidebar.visualItemRect(item).center(),
        )
        reports = window.stack.currentWidget()
        assert isinstance(reports, ReportsScreen)
        assert QApplication.focusWidget() is reports.period

        window.sidebar.setFocus()
        qtbot.keyClick(window.sidebar, Qt.Key.Key_Up)  # arrows stay in the sidebar
        assert window.sidebar.hasFocus()
        counter_row = window.section_keys().index("counter")
        window.go_menu.actions()[counter_row].trigger()  # Ctrl+1
        assert QApplication.focusWidget() is window.stack.currentWidget()
    finally:
        window.close()


def test_tab_runs_from_the_contact_type_through_the_rows_to_the_buttons_below(
    qtbot, on_duty: Context, receptionist: Actor
):
    screen = CounterScreen(on_duty, receptionist, live=False)
    shown(qtbot, screen)
    first, second = (screen.rows[i] for i in screen.order)

    screen.type_group.checkedButton().setFocus()
    order = []
    for _ in range(6):
        QApplication.focusWidget().focusNextChild()
        order.append(QApplication.focusWidget())

    # Undo is disabled until something was recorded, so Tab passes it by.
    assert order == [
        first.record,
        first.divert,
        second.record,
        second.divert,
        screen.add_today,
        screen.safety,
    ]


def test_after_a_diversion_the_next_key_records_at_once(
    qtbot, on_duty: Context, receptionist: Actor
):
    screen = CounterScreen(on_duty, receptionist, live=False)
    shown(qtbot, screen)
    screen.focus_first()
    for _ in range(4):  # the fourth is refused at the cap: the divert panel opens
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_1)
    assert screen.divert_panel.isVisible()
    assert screen.divert_buttons[DivertDestination.NHS_111].hasFocus()

    qtbot.mouseClick(screen.divert_buttons[DivertDestination.NHS_111], Qt.MouseButton.LeftButton)

    assert screen.divert_panel.isHidden()
    assert screen.hasFocus()  # not "Add clinician for today", where Enter would open a form
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_2)
    assert counted(on_duty, "Dr Mary Seacole") == 1


def test_after_unlocking_the_counter_keys_work_again(
    qtbot, on_duty: Context, locations: Locations, receptionist: Actor
):
    from practice_action.services import staff

    desk = Desk(on_duty, locations)
    assert receptionist.staff_id is not None
    desk.start_signed_in(staff.sign_in(on_duty, receptionist.staff_id, RECEPTIONIST_PIN))
    window = desk.window
    assert window is not None
    shown(qtbot, window)
    try:
        desk.lock()
        screen = desk.lock_screen
        assert screen is not None
        assert window.focusWidget() is screen.pin  # the person coming back types the PIN
        qtbot.keyClicks(screen.pin, RECEPTIONIST_PIN)
        with qtbot.waitSignal(desk.locked_changed):
            qtbot.keyClick(screen.pin, Qt.Key.Key_Return)
        counter_screen = window.stack.currentWidget()
        assert isinstance(counter_screen, CounterScreen)
        # The sign-in screen held the keyboard and is gone: the counter takes it back.
        qtbot.waitUntil(lambda: window.focusWidget() is counter_screen)
        window.activateWindow()  # the offscreen platform may not give activation back itself
        qtbot.waitUntil(lambda: QApplication.focusWidget() is counter_screen)
        qtbot.keyClick(counter_screen, Qt.Key.Key_1)
        assert counted(on_duty, "Dr Ada Lovelace") == 1
    finally:
        desk.close()


def test_letters_start_in_the_list_and_leave_half_the_width_to_the_page(
    qtbot, on_duty: Context, locations: Locations, partner: Actor
):
    window = shown(qtbot, MainWindow(on_duty, locations, partner))
    try:
        letters = window.show_section("letters")
        assert isinstance(letters, LettersScreen)
        assert QApplication.focusWidget() is letters.table.view
        list_width, page_width = letters.splitter.sizes()
        assert page_width >= 0.45 * (list_width + page_width)
        # Disabled buttons say what they wait for.
        assert "Generate" in letters.print_button.toolTip()
        assert "Generate" in letters.sent_button.toolTip()
    finally:
        window.close()


def test_reports_start_on_the_period_and_tab_skips_the_charts(
    qtbot, on_duty: Context, locations: Locations, partner: Actor
):
    window = shown(qtbot, MainWindow(on_duty, locations, partner))
    try:
        reports = window.show_section("reports")
        assert isinstance(reports, ReportsScreen)
        assert QApplication.focusWidget() is reports.period
        reached = []
        for _ in range(8):
            QApplication.focusWidget().focusNextChild()
            reached.append(QApplication.focusWidget())
        assert not any(w in reports.charts.views for w in reached)
        assert reports.by_clinician.view in reached
        charts_height, tables_height = reports.splitter.sizes()
        assert tables_height >= 0.4 * (charts_height + tables_height)  # several rows show
    finally:
        window.close()
