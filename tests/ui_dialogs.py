"""Every dialog a person reaches from the desk, opened as they would open it: a click on the
button that opens it, in a main window of the demo practice."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from PySide6.QtWidgets import QApplication, QDialog, QTabWidget, QWidget, QWizard
from pytestqt.qtbot import QtBot
from ui_people_helpers import click, click_row, layout_problems

from practice_action.ui.main_window import MainWindow
from practice_action.ui.modal import answered_by

Visit = Callable[[QDialog, str], None]


@dataclass(frozen=True)
class Opening:
    """How a person opens one dialog: the section, a tab, a row to choose, then a button."""

    name: str
    section: str
    button: Callable[[QWidget], QWidget]
    tab: Callable[[QWidget], QWidget] | None = None
    row: Callable[[QWidget], object] | None = None  # the table view whose first row to choose


OPENINGS = [
    Opening("Add clinician for today", "counter", lambda s: s.add_today),
    Opening("Record a safety concern", "counter", lambda s: s.safety),
    Opening("Run the wizard", "plan", lambda s: s.wizard_button),
    Opening("Add the practice's own action", "plan", lambda s: s.own_button),
    Opening(
        "End an action",
        "plan",
        lambda s: s.end_button,
        row=lambda s: s.adopted.view,
    ),
    Opening(
        "Record a declined request",
        "plan",
        lambda s: s.decline_button,
        tab=lambda s: s.declined.parentWidget(),
    ),
    Opening(
        "Add clinician",
        "setup",
        lambda s: s.clinicians.add_button,
        tab=lambda s: s.clinicians,
    ),
    Opening(
        "Edit clinician",
        "setup",
        lambda s: s.clinicians.edit_button,
        tab=lambda s: s.clinicians,
        row=lambda s: s.clinicians.table.view,
    ),
    Opening(
        "Add local service",
        "setup",
        lambda s: s.local_services.add_button,
        tab=lambda s: s.local_services,
    ),
    Opening(
        "Add voluntary service",
        "setup",
        lambda s: s.voluntary_services.add_button,
        tab=lambda s: s.voluntary_services,
    ),
    Opening(
        "Add data sharing agreement",
        "setup",
        lambda s: s.agreements.add_button,
        tab=lambda s: s.agreements,
    ),
    Opening("Add a person", "staff", lambda s: s.add_button),
    Opening("Change a person", "staff", lambda s: s.edit_button, row=lambda s: s.table.view),
    Opening("New PIN", "staff", lambda s: s.pin_button, row=lambda s: s.table.view),
    Opening("Export evidence for the LMC", "reports", lambda s: s.evidence_button),
]


def open_section(window: MainWindow, key: str) -> QWidget:
    keys = window.section_keys()
    click_row(window.sidebar, keys.index(key))
    return window.stack.currentWidget()


def every_view(window: MainWindow) -> Iterator[tuple[str, str, QWidget]]:
    """Show each section the window's person may open, and each tab in it, in turn: yields
    (section key, where in words, the section's screen) while that view is showing."""
    for key in window.section_keys():
        screen = open_section(window, key)
        tab_widgets = [
            t
            for t in [screen, *screen.findChildren(QTabWidget)]
            if isinstance(t, QTabWidget) and t.isVisible()
        ]
        for tabs in tab_widgets or [None]:
            for i in range(tabs.count() if tabs else 1):
                if tabs is not None:
                    tabs.setCurrentIndex(i)
                QApplication.processEvents()
                yield key, f"{key}, {tabs.tabText(i)}" if tabs else key, screen


def every_view_problems(window: MainWindow) -> dict[str, list[str]]:
    """What is cut off in each view of ``window`` (every_view), the counter's divert panel open
    as well: where in words -> the problems seen there."""
    problems: dict[str, list[str]] = {}
    for key, where, screen in every_view(window):
        found = layout_problems(window)
        if found:
            problems[where] = found
        if key != "counter":
            continue
        screen.open_divert(screen.order[0])
        QApplication.processEvents()
        found = layout_problems(window)
        assert screen.divert_buttons, "the divert panel has its buttons"
        for button in [*screen.divert_buttons.values(), screen.override_button]:
            reachable = button.visibleRegion().boundingRect().width() > 0
            if not reachable and not screen.divert_scroll.verticalScrollBar().isVisible():
                found.append(f"{button.text()!r} cannot be seen or scrolled to")
        if any(row.record.visibleRegion().isEmpty() for row in screen.rows.values()):
            found.append("the panel hides a Record button")
        if found:
            problems["counter, divert panel open"] = found
        screen.close_divert()
    return problems


def visit_every_dialog(qtbot: QtBot, window: MainWindow, visit: Visit) -> list[str]:
    """Open each dialog of OPENINGS the window's person may open; ``visit`` each (shown), then
    cancel it. The names of the dialogs visited."""
    visited: list[str] = []
    for opening in OPENINGS:
        if opening.section not in window.section_keys():
            continue
        screen = open_section(window, opening.section)
        if opening.tab is not None:
            page = opening.tab(screen)
            tabs = next(t for t in [screen, *screen.findChildren(QTabWidget)] if _holds(t, page))
            tabs.setCurrentWidget(page)
        if opening.row is not None:
            click_row(opening.row(screen), 0)
        button = opening.button(screen)
        if not button.isVisible():
            continue
        seen: list[QDialog] = []

        def answer(dialog: QDialog, name: str = opening.name, seen: list = seen) -> int:
            _look(qtbot, dialog, name, visit)
            seen.append(dialog)
            dialog.reject()  # closes it, as Cancel would
            return QDialog.DialogCode.Rejected

        with answered_by(answer):
            click(button)
            if not seen:  # opened without blocking (dialog.open())
                dialog = _open_dialog()
                assert dialog is not None, f"{opening.name}: no dialog opened"
                _look(qtbot, dialog, opening.name, visit)
                dialog.reject()
        visited.append(opening.name)
        QApplication.processEvents()
    return visited


def _holds(tabs: QTabWidget, page: QWidget) -> bool:
    return isinstance(tabs, QTabWidget) and tabs.indexOf(page) >= 0


def _open_dialog() -> QDialog | None:
    QApplication.processEvents()
    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()]
    return found[-1] if found else None


def _look(qtbot: QtBot, dialog: QDialog, name: str, visit: Visit) -> None:
    if not dialog.isVisible():
        dialog.show()
        qtbot.waitExposed(dialog)
    QApplication.processEvents()
    visit(dialog, name)
    if isinstance(dialog, QWizard):
        for step in range(40):
            nxt = dialog.button(QWizard.WizardButton.NextButton)
            if not (nxt.isVisible() and nxt.isEnabled()):
                break
            dialog.next()
            QApplication.processEvents()
            visit(dialog, f"{name}, page {step + 2}")
