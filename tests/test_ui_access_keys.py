"""No two visible controls of one window share an access key (Alt+letter), menus included:
every section and tab of the main window, and every dialog reached from them."""

from __future__ import annotations

import pytest
from letters_helpers import make_demo
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot
from ui_dialogs import every_view, visit_every_dialog
from ui_people_helpers import access_key, duplicate_access_keys, menu_duplicates

from practice_action.paths import Locations
from practice_action.services.context import Context
from practice_action.ui.main_window import MainWindow

PEOPLE = ["Karen Holt", "Dr Asha Mistry", "Jade Barker"]  # manager, partner, receptionist


def test_access_key_reading() -> None:
    assert access_key("Ge&nerate") == "n"
    assert access_key("Fish && &Chips") == "c"
    assert access_key("No key && none") is None


@pytest.fixture
def demo(ctx: Context) -> dict:
    return make_demo(ctx)


@pytest.mark.parametrize("who", PEOPLE)
def test_no_window_shares_an_access_key(
    qtbot: QtBot, ctx: Context, locations: Locations, demo: dict, who: str
) -> None:
    window = MainWindow(ctx, locations, demo[who])
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    problems: dict[str, object] = {}
    if menu_duplicates(window):
        problems["menus"] = menu_duplicates(window)
    for _key, where, _screen in every_view(window):
        dup = duplicate_access_keys(window)
        if dup:
            problems[where] = dup

    def check(dialog: QDialog, name: str) -> None:
        dup = duplicate_access_keys(dialog)
        if dup:
            problems[name] = dup

    visited = visit_every_dialog(qtbot, window, check)
    assert visited  # every role opens at least one dialog from the desk
    assert problems == {}, problems


def test_first_run_wizard_and_sign_in_share_no_access_key(
    qtbot: QtBot, locations: Locations
) -> None:
    from practice_action.services.health import open_context
    from practice_action.ui.setup_wizard import FirstRunWizard

    empty = open_context(locations)
    wizard = FirstRunWizard(empty)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    problems = {}
    for page_id in wizard.pageIds():
        wizard.setStartId(page_id)
        wizard.restart()  # shows that page, as if reached with Next
        QApplication.processEvents()
        assert wizard.currentId() == page_id
        dup = duplicate_access_keys(wizard)
        if dup:
            problems[wizard.currentPage().title()] = dup
    assert problems == {}, problems
    empty.store.dispose()


def test_sign_in_shares_no_access_key(qtbot: QtBot, ctx: Context, demo: dict) -> None:
    from practice_action.ui.signin import SignInDialog

    dialog = SignInDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert duplicate_access_keys(dialog) == {}
