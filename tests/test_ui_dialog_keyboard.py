"""Dialogs work from the keyboard: they open with the keyboard in the first field, Enter
saves a valid form, and a problem message goes as soon as the field is being put right."""

from __future__ import annotations

import pytest
from letters_helpers import make_demo
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
    QWizard,
)
from pytestqt.qtbot import QtBot
from ui_dialogs import open_section, visit_every_dialog
from ui_people_helpers import click

from practice_action.paths import Locations
from practice_action.services import registers
from practice_action.services.context import Context
from practice_action.ui.main_window import MainWindow

INPUTS = (QLineEdit, QPlainTextEdit, QComboBox, QDateTimeEdit)


def _first_input(dialog: QDialog) -> QWidget | None:
    """The input a person sees first: the highest on screen, then the leftmost."""
    page = dialog.currentPage() if isinstance(dialog, QWizard) else dialog
    inputs = [
        w
        for w in page.findChildren(QWidget)
        if isinstance(w, INPUTS)
        and w.isVisibleTo(dialog)
        and w.isEnabled()
        and w.focusPolicy() != Qt.FocusPolicy.NoFocus
        and not isinstance(w.parentWidget(), (QComboBox, QDateTimeEdit))
    ]
    if not inputs:
        return None
    return min(inputs, key=lambda w: (w.mapTo(dialog, w.rect().topLeft()).y(), w.x()))


@pytest.fixture
def window(qtbot: QtBot, ctx: Context, locations: Locations) -> MainWindow:
    people = make_demo(ctx)
    main = MainWindow(ctx, locations, people["Dr Asha Mistry"])  # a partner opens them all
    qtbot.addWidget(main)
    main.resize(1366, 768)
    main.show()
    qtbot.waitExposed(main)
    return main


def test_every_dialog_opens_with_the_keyboard_in_its_first_field(qtbot, window) -> None:
    wrong: dict[str, str] = {}

    def check(dialog: QDialog, name: str) -> None:
        if ", page" in name:
            return  # later wizard pages: Next keeps the keyboard where the person was
        first = _first_input(dialog)
        focus = QApplication.focusWidget()
        if first is None:
            return
        holder = focus
        while holder is not None and holder is not first:
            holder = holder.parentWidget()
        if holder is None:
            what = type(focus).__name__ if focus else "nothing"
            if isinstance(focus, QAbstractButton):
                what += f" '{focus.text()}'"
            wrong[name] = f"keyboard on {what}, not on {first.accessibleName() or first}"

    visited = visit_every_dialog(qtbot, window, check)
    assert len(visited) >= 12
    assert wrong == {}


def _add_dialog(qtbot, window, tab_name: str):
    section = open_section(window, "setup")
    tab = getattr(section, tab_name)
    section.setCurrentWidget(tab)
    click(tab.add_button)
    dialog = tab.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    return tab, dialog


def test_typing_a_name_with_spaces_then_enter_saves_it(qtbot, window, ctx) -> None:
    _, dialog = _add_dialog(qtbot, window, "clinicians")
    QTest.keyClicks(QApplication.focusWidget(), "Dr Ann Probe")
    assert dialog.isVisible()  # the space pressed nothing
    assert dialog.name_edit.text() == "Dr Ann Probe"
    with qtbot.waitSignal(dialog.accepted):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    names = [c.name for c in registers.list_records(ctx, registers.CLINICIANS)]
    assert "Dr Ann Probe" in names


def test_a_local_service_is_typed_from_the_first_field(qtbot, window) -> None:
    _, dialog = _add_dialog(qtbot, window, "local_services")
    QTest.keyClicks(QApplication.focusWidget(), "Riverside Pharmacy")
    assert dialog.isVisible()
    assert dialog.name_edit.text() == "Riverside Pharmacy"
    dialog.reject()


def test_a_problem_message_goes_as_the_field_is_put_right(qtbot, window, ctx) -> None:
    _, dialog = _add_dialog(qtbot, window, "clinicians")
    click(dialog.save_button)
    assert dialog.isVisible()
    assert "name is required" in dialog.form.problem("name")
    assert QApplication.focusWidget() is dialog.name_edit  # taken to the field to put right
    QTest.keyClicks(dialog.name_edit, "D")
    assert dialog.form.problem("name") == ""
    QTest.keyClicks(dialog.name_edit, "r Lee")
    with qtbot.waitSignal(dialog.accepted):
        QTest.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    assert "Dr Lee" in [c.name for c in registers.list_records(ctx, registers.CLINICIANS)]


def test_the_first_run_wizard_clears_a_problem_as_it_is_typed_away(
    qtbot: QtBot, locations: Locations
) -> None:
    from practice_action.services.health import open_context
    from practice_action.ui.setup_wizard import FirstRunWizard, PageId

    empty = open_context(locations)
    wizard = FirstRunWizard(empty)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    click(wizard.button(QWizard.WizardButton.NextButton))
    assert wizard.currentId() == PageId.PRACTICE
    assert QApplication.focusWidget() is wizard.details_form.name_edit
    click(wizard.button(QWizard.WizardButton.NextButton))
    assert wizard.currentId() == PageId.PRACTICE
    assert "Practice name is required" in wizard.details_form.problem("name")
    QTest.keyClicks(wizard.details_form.name_edit, "Hill Top Surgery")
    assert wizard.details_form.problem("name") == ""
    # and a new problem shows as it is typed, without pressing Next again
    postcode = wizard.details_form.editor("postcode")
    click(postcode)
    assert QApplication.focusWidget() is postcode
    QTest.keyClicks(postcode, "NOT A POSTCODE")
    assert wizard.details_form.problem("postcode")
    assert QApplication.focusWidget() is postcode  # the keyboard stays where it was
    QTest.keyClick(postcode, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # select all
    QTest.keyClicks(postcode, "LE1 6TP")
    assert wizard.details_form.problem("postcode") == ""
    empty.store.dispose()


def test_hours_that_can_be_read_two_ways_are_warned_of_and_saved_as_typed(
    qtbot, window, ctx
) -> None:
    _, dialog = _add_dialog(qtbot, window, "local_services")
    QTest.keyClicks(dialog.name_edit, "Riverside Pharmacy")
    assert not dialog.hours_warning.isVisible()
    click(dialog.hours_edit)
    QTest.keyClicks(dialog.hours_edit, "Mon-Fri 8:30-6:30, Sat 1:00-5:00")
    assert dialog.hours_warning.isVisible()
    warning = dialog.hours_warning.text()
    assert "\u201c8:30-6:30\u201d will be printed as \u201c8:30am to 6:30pm\u201d" in warning
    assert "\u201c1:00-5:00\u201d will be printed exactly as typed" in warning
    assert "write am or pm" in warning
    # written the 24-hour way there is nothing to warn of
    dialog.hours_edit.selectAll()
    QTest.keyClicks(dialog.hours_edit, "Mon-Fri 08:30-18:30")
    assert not dialog.hours_warning.isVisible()
    dialog.hours_edit.selectAll()
    QTest.keyClicks(dialog.hours_edit, "Sat 9:00-1:00")
    assert dialog.hours_warning.isVisible()
    with qtbot.waitSignal(dialog.accepted):  # a warning, not a refusal
        click(dialog.save_button)
    saved = [s for s in registers.list_records(ctx, registers.LOCAL_SERVICES)]
    assert [s.hours for s in saved if s.name == "Riverside Pharmacy"] == ["Sat 9:00-1:00"]
