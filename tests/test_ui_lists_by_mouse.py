"""Every list is chosen by a single click or the arrow keys, and what depends on the choice
follows at once (the preview, the buttons, the details)."""

from __future__ import annotations

from letters_helpers import make_demo
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from ui_people_helpers import click, click_row

from practice_action.services import registers
from practice_action.services.context import Context
from practice_action.ui.letters_screen import LettersScreen
from practice_action.ui.main_window import MainWindow
from practice_action.ui.people_screens import AuditScreen, StaffScreen
from practice_action.ui.plan_screen import PlanScreen
from practice_action.ui.setup_screens import SetupSection


def _show(qtbot: QtBot, widget, width: int = 1200, height: int = 720):
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_letters_one_click_previews_and_enables_the_buttons(qtbot: QtBot, ctx: Context) -> None:
    people = make_demo(ctx)
    screen = _show(qtbot, LettersScreen(ctx, people["Dr Asha Mistry"]))
    first = screen.table.view.model().index(0, 0).data()
    assert screen.current().document.title == first  # the first is chosen on opening
    click_row(screen.table.view, 2)
    chosen = screen.current()
    assert chosen is not None
    assert chosen.document.title == screen.table.view.model().index(2, 0).data()
    assert chosen.document.title in screen.preview_title.text()
    assert screen.generate_button.isEnabled()
    assert screen.save_button.isEnabled()
    assert screen.content  # the draft is shown

    QTest.keyClick(screen.table.view, Qt.Key.Key_Down)
    assert screen.current() is not None
    assert screen.current().document.title == screen.table.view.model().index(3, 0).data()


def test_typing_the_start_of_a_name_chooses_the_row(qtbot: QtBot, ctx: Context) -> None:
    people = make_demo(ctx)
    section = _show(qtbot, SetupSection(ctx, people["Karen Holt"]))
    section.setCurrentWidget(section.clinicians)
    tab = section.clinicians
    names = [tab.table.view.model().index(r, 0).data() for r in range(3)]
    target = names[2]
    click_row(tab.table.view, 0)
    QTest.keyClicks(tab.table.view, target[:6])
    assert tab.table.current_record().name.startswith(target[:6])
    assert tab.edit_button.isEnabled()


def test_clinicians_one_click_enables_edit_and_retire_by_mouse(qtbot: QtBot, ctx: Context) -> None:
    people = make_demo(ctx)
    section = _show(qtbot, SetupSection(ctx, people["Karen Holt"]))
    section.setCurrentWidget(section.clinicians)
    tab = section.clinicians
    assert not tab.edit_button.isEnabled() and not tab.retire_button.isEnabled()
    name = tab.table.view.model().index(1, 0).data()
    click_row(tab.table.view, 1)
    assert tab.edit_button.isEnabled() and tab.retire_button.isEnabled()
    assert tab.table.current_record().name == name

    click(tab.retire_button)
    box = tab.message_box
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert name in box.text()
    retire = box.button(QMessageBox.StandardButton.Yes)
    click(retire)
    qtbot.waitUntil(lambda: not box.isVisible())
    active = [
        c.name for c in registers.list_records(ctx, tab.screen.register, include_retired=False)
    ]
    assert name not in active

    QTest.keyClick(tab.table.view, Qt.Key.Key_Up)
    assert tab.table.current_record() is not None
    assert tab.edit_button.isEnabled()


def test_staff_one_click_enables_change_and_new_pin(qtbot: QtBot, ctx: Context) -> None:
    people = make_demo(ctx)
    screen = _show(qtbot, StaffScreen(ctx, people["Karen Holt"]))
    assert not screen.edit_button.isEnabled()
    click_row(screen.table.view, 0)
    assert screen.edit_button.isEnabled() and screen.pin_button.isEnabled()


def test_audit_one_click_shows_the_entry(qtbot: QtBot, ctx: Context) -> None:
    people = make_demo(ctx)
    screen = _show(qtbot, AuditScreen(ctx, people["Karen Holt"]))
    assert screen.details.toPlainText() == ""
    click_row(screen.table.view, 0)
    first = screen.details.toPlainText()
    assert first and screen.table.current_record() is not None
    QTest.keyClick(screen.table.view, Qt.Key.Key_Down)
    assert screen.details.toPlainText() and screen.details.toPlainText() != first


def test_plan_lists_follow_one_click(qtbot: QtBot, ctx: Context) -> None:
    people = make_demo(ctx)
    screen = _show(qtbot, PlanScreen(ctx, people["Karen Holt"]))
    screen.tabs.setCurrentIndex(0)
    QApplication.processEvents()
    assert screen.adopted.proxy.rowCount() > 0
    assert not screen.end_button.isEnabled()
    click_row(screen.adopted.view, 0)
    assert screen.end_button.isEnabled()

    screen.tabs.setCurrentIndex(screen.tabs.count() - 1)
    QApplication.processEvents()
    last = screen.versions.proxy.rowCount() - 1
    number = screen.versions.view.model().index(last, 0).data()
    click_row(screen.versions.view, last)
    assert str(screen.versions.current_record().number) == number
    assert screen.comparison.toPlainText()


def test_sidebar_one_click_opens_the_section(qtbot: QtBot, ctx: Context, locations) -> None:
    people = make_demo(ctx)
    window = _show(qtbot, MainWindow(ctx, locations, people["Karen Holt"]))
    keys = window.section_keys()
    row = keys.index("audit")
    click_row(window.sidebar, row)
    assert window.stack.currentIndex() == row
    assert isinstance(window.stack.currentWidget(), AuditScreen)
    QTest.keyClick(window.sidebar, Qt.Key.Key_Up)
    assert window.stack.currentIndex() == row - 1
