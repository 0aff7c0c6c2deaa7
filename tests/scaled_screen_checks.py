"""Checks run on a screen that Qt really scales (not collected with the suite: named by
tests/test_ui_real_scaling.py, which starts pytest on this file in a process of its own with
QT_SCALE_FACTOR set and the offscreen platform given a 1920x1080 screen).

Everything is drawn at the device pixel ratio the screen reports, as on a laptop set to 150% or
200%: fonts, icons and layouts follow Qt's real high-DPI path, not a smaller window at 100%."""

from __future__ import annotations

import os

from letters_helpers import make_demo
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from ui_dialogs import every_view_problems, visit_every_dialog
from ui_people_helpers import layout_problems

from practice_action.paths import Locations
from practice_action.services.context import Context
from practice_action.ui.main_window import MainWindow

SCALE_ENV = "PRACTICE_ACTION_TEST_SCREEN_SCALE"


def test_the_desk_on_this_scaled_screen(qtbot: QtBot, ctx: Context, locations: Locations) -> None:
    scale = float(os.environ[SCALE_ENV])
    screen = QGuiApplication.primaryScreen()
    assert screen.devicePixelRatio() == scale
    available = screen.availableGeometry()
    assert (available.width(), available.height()) == (round(1920 / scale), round(1080 / scale))

    people = make_demo(ctx)
    window = MainWindow(ctx, locations, people["Karen Holt"])  # a manager sees every section
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert available.contains(window.frameGeometry()), (available, window.frameGeometry())
    assert window.grab().devicePixelRatio() == scale  # drawn at the screen's own scale

    problems = every_view_problems(window)

    def check(dialog: QDialog, name: str) -> None:
        found = layout_problems(dialog)
        if found:
            problems[name] = found
        if not available.contains(dialog.frameGeometry()):
            problems.setdefault(name, []).append(f"opens outside the screen: {dialog.geometry()}")

    assert len(visit_every_dialog(qtbot, window, check)) >= 12
    assert problems == {}, problems
