"""The main window builds each section the first time it is shown, and loads its screen's
module then: what a person sees when a section is opened by key or by mouse, and when one
cannot be built for a moment."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

from conftest import PARTNER_PIN
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from test_ui_signin import start_desk

from practice_action.domain.errors import StoreError
from practice_action.ui import sections
from practice_action.ui.people_screens import AuditScreen


def test_a_section_is_built_when_first_opened(qtbot, ctx, locations, partner) -> None:
    desk = start_desk(qtbot, ctx, locations, "Dr Sam", PARTNER_PIN)
    window = desk.window
    assert window is not None
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    audit_row = window.section_keys().index("audit")
    assert not isinstance(window.stack.widget(audit_row), AuditScreen)  # not built yet
    QTest.keyClick(window, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(window.stack.currentWidget(), AuditScreen)
    assert window.sidebar.currentRow() == window.stack.currentIndex() == audit_row
    desk.close()


def test_a_section_that_cannot_be_built_says_so_and_is_tried_again(
    qtbot, monkeypatch, ctx, locations, partner
) -> None:
    reports = sections.section("reports")

    def out_of_reach(*_args: object) -> object:
        raise StoreError("Cannot use the database just now (a test). Try again in a moment.")

    broken = tuple(
        dataclasses.replace(s, factory=out_of_reach) if s.key == "reports" else s
        for s in sections._SECTIONS
    )
    monkeypatch.setattr(sections, "_SECTIONS", broken)
    desk = start_desk(qtbot, ctx, locations, "Dr Sam", PARTNER_PIN)
    window = desk.window
    assert window is not None
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    row = window.section_keys().index("reports")
    QTest.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    shown = window.stack.currentWidget()
    assert window.sidebar.currentRow() == window.stack.currentIndex() == row
    said = shown.findChild(type(window.who), "section-problem")
    assert said is not None and "Reports could not be opened" in said.text()
    assert "Try again in a moment" in said.text()
    # The database answers again: choosing Reports once more builds it.
    monkeypatch.setattr(
        sections, "_SECTIONS", tuple(reports if s.key == "reports" else s for s in broken)
    )
    holder = window.stack.widget(row)
    holder.section = reports  # type: ignore[attr-defined]
    QTest.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget().objectName() == "section-reports"
    desk.close()


def test_drawing_the_sidebar_loads_no_screen_module() -> None:
    code = (
        "import sys\n"
        "from practice_action.ui.sections import all_sections\n"
        "all_sections()\n"
        "print(sorted(m for m in sys.modules if m.endswith('_screen') or m.endswith('_screens')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
