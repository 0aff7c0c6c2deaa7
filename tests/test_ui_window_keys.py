"""The main window's keyboard shortcuts, as the README lists them, on every platform."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence

from practice_action.paths import Locations
from practice_action.services.context import Actor, Context
from practice_action.ui.main_window import MainWindow


def shortcuts(window: MainWindow) -> dict[str, str]:
    """Menu text without its '&' and ellipsis -> the shortcut, portable form ('Ctrl+Q')."""
    found: dict[str, str] = {}
    for menu_action in window.menuBar().actions():
        for action in menu_action.menu().actions():
            if not action.shortcut().isEmpty():
                name = action.text().replace("&", "").rstrip("…")
                found[name] = action.shortcut().toString(QKeySequence.SequenceFormat.PortableText)
    return found


def test_file_menu_keys_are_spelt_out(
    qtbot, ctx: Context, locations: Locations, partner: Actor
) -> None:
    window = MainWindow(ctx, locations, partner)
    qtbot.addWidget(window)

    keys = shortcuts(window)

    assert keys["Lock this desk"] == "Ctrl+L"
    assert keys["Switch user"] == "Ctrl+Shift+L"
    # Qt's standard Quit has no key on Windows, where most practices are: it must be explicit.
    assert keys["Quit"] == "Ctrl+Q"


def test_a_partner_reaches_each_section_with_ctrl_and_a_digit(
    qtbot, ctx: Context, locations: Locations, partner: Actor
) -> None:
    window = MainWindow(ctx, locations, partner)
    qtbot.addWidget(window)

    keys = shortcuts(window)

    assert keys == {
        "Counter": "Ctrl+1",
        "Action plan": "Ctrl+2",
        "Letters": "Ctrl+3",
        "Reports": "Ctrl+4",
        "Set-up": "Ctrl+5",
        "Staff": "Ctrl+6",
        "Audit trail": "Ctrl+7",
        "Lock this desk": "Ctrl+L",
        "Switch user": "Ctrl+Shift+L",
        "Quit": "Ctrl+Q",
    }
    go = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Go")
    go.actions()[3].trigger()  # Reports, the fourth
    assert window.section_keys()[window.sidebar.currentRow()] == "reports"


def test_a_receptionist_has_only_the_counter_and_the_plan(
    qtbot, ctx: Context, locations: Locations, receptionist: Actor
) -> None:
    window = MainWindow(ctx, locations, receptionist)
    qtbot.addWidget(window)

    assert window.section_keys() == ["counter", "plan"]
    keys = shortcuts(window)
    assert keys["Counter"] == "Ctrl+1"
    assert keys["Action plan"] == "Ctrl+2"
