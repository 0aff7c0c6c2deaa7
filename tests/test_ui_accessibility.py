"""Every interactive control has a name a screen reader can read, and a checkable one its
state, read through Qt's accessibility interfaces: every section and tab for three roles, every
dialog reached from the desk, the first-run wizard and the sign-in window."""

from __future__ import annotations

import pytest
from letters_helpers import make_demo
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QWidget
from pytestqt.qtbot import QtBot
from ui_dialogs import every_view, visit_every_dialog
from ui_people_helpers import unnamed_controls

from practice_action.paths import Locations
from practice_action.services.context import Context
from practice_action.ui.main_window import MainWindow


def test_the_check_finds_a_control_without_a_name(qtbot: QtBot) -> None:
    holder = QWidget()
    qtbot.addWidget(holder)
    bare = QLineEdit(holder)
    holder.show()
    assert unnamed_controls(holder) == ["QLineEdit in QWidget"]
    bare.setAccessibleName("Postcode")
    assert unnamed_controls(holder) == []
    face = QAccessible.queryAccessibleInterface(bare)
    assert face.text(QAccessible.Text.Name) == "Postcode"


@pytest.mark.parametrize("who", ["Karen Holt", "Dr Asha Mistry", "Jade Barker"])
def test_every_control_of_every_screen_and_dialog_has_a_name(
    qtbot: QtBot, ctx: Context, locations: Locations, who: str
) -> None:
    people = make_demo(ctx)
    window = MainWindow(ctx, locations, people[who])
    qtbot.addWidget(window)
    window.resize(1366, 728)
    window.show()
    qtbot.waitExposed(window)
    problems: dict[str, list[str]] = {}
    for _key, where, _screen in every_view(window):
        found = unnamed_controls(window)
        if found:
            problems[where] = found

    def check(dialog: QDialog, name: str) -> None:
        found = unnamed_controls(dialog)
        if found:
            problems[name] = found

    visit_every_dialog(qtbot, window, check)
    assert problems == {}, problems


def test_the_first_run_wizard_and_sign_in_name_their_controls(
    qtbot: QtBot, ctx: Context, locations: Locations
) -> None:
    from practice_action.services.health import open_context
    from practice_action.ui.setup_wizard import FirstRunWizard
    from practice_action.ui.signin import SignInDialog

    empty_folder = locations.data_dir.parent / "empty"
    from practice_action import paths

    empty = open_context(paths.resolve(empty_folder))
    wizard = FirstRunWizard(empty)
    qtbot.addWidget(wizard)
    wizard.show()
    problems = {}
    for page_id in wizard.pageIds():
        wizard.setStartId(page_id)
        wizard.restart()
        QApplication.processEvents()
        found = unnamed_controls(wizard)
        if found:
            problems[wizard.currentPage().title()] = found
    empty.store.dispose()
    make_demo(ctx)
    dialog = SignInDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    QApplication.processEvents()
    if unnamed_controls(dialog):
        problems["sign in"] = unnamed_controls(dialog)
    assert problems == {}, problems
