"""Every screen works on small and scaled displays: at 1024x768, 1280x720 and 1366x768 at 100%,
and 1920x1080 at 150% and 200% (to Qt, 1280x720 and 960x540), each less a 40-pixel taskbar,
no control is outside the window or cut off, and no text is squeezed; the window opens inside
the screen's available area."""

from __future__ import annotations

import pytest
from letters_helpers import make_demo
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot
from ui_dialogs import every_view_problems, visit_every_dialog
from ui_people_helpers import layout_problems

from practice_action.paths import Locations
from practice_action.services.context import Context
from practice_action.ui.main_window import MainWindow

TASKBAR = 40
SIZES = {
    "1024x768": (1024, 768),
    "1280x720": (1280, 720),
    "1366x768": (1366, 768),
    "1920x1080 at 150%": (1280, 720),
    "1920x1080 at 200%": (960, 540),
}


def test_the_window_opens_inside_the_available_area(
    qtbot: QtBot, ctx: Context, locations: Locations
) -> None:
    people = make_demo(ctx)
    window = MainWindow(ctx, locations, people["Karen Holt"])
    qtbot.addWidget(window)
    screen = window.screen().availableGeometry()
    assert screen.contains(window.geometry())
    for width, height in SIZES.values():
        area = QRect(0, 0, width, height - TASKBAR)
        window.fit_to_screen(area)
        assert area.contains(window.geometry()), (width, height, window.geometry())
        assert window.width() <= 1200 and window.height() <= 760


@pytest.fixture
def window(qtbot: QtBot, ctx: Context, locations: Locations) -> MainWindow:
    people = make_demo(ctx)
    main = MainWindow(ctx, locations, people["Karen Holt"])  # a manager sees every section
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main


@pytest.mark.parametrize("size", list(SIZES))
def test_every_screen_fits_at(qtbot: QtBot, window: MainWindow, size: str) -> None:
    width, height = SIZES[size]
    window.fit_to_screen(QRect(0, 0, width, height - TASKBAR))
    QApplication.processEvents()
    assert window.width() <= width and window.height() <= height - TASKBAR
    problems = every_view_problems(window)
    assert problems == {}, problems


def test_every_dialog_fits_at_the_smallest_size(qtbot: QtBot, window: MainWindow) -> None:
    window.fit_to_screen(QRect(0, 0, 960, 540 - TASKBAR))
    problems: dict[str, list[str]] = {}

    def check(dialog: QDialog, name: str) -> None:
        found = layout_problems(dialog)
        if found:
            problems[name] = found

    assert len(visit_every_dialog(qtbot, window, check)) >= 12
    assert problems == {}, problems
