"""Acting as a person does on the desk: clicking a row, pressing keys on a widget."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemView, QApplication, QWidget


def click_row(view: QAbstractItemView, row: int, column: int = 0) -> None:
    """One left click in the middle of a cell of ``view``, as the mouse would."""
    model = view.model()
    index = model.index(row, column)
    view.scrollTo(index)
    rect = view.visualRect(index)
    assert rect.isValid() and view.viewport().rect().contains(rect.center()), (
        f"row {row} is not on screen"
    )
    QTest.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0), rect.center()
    )
    QApplication.processEvents()


def click(widget: QWidget, at: QPoint | None = None) -> None:
    """A left click on a visible, enabled widget (in its middle unless told where)."""
    assert widget.isVisible(), f"{widget!r} is not visible"
    assert widget.isEnabled(), f"{widget.__class__.__name__} '{_text(widget)}' is disabled"
    QTest.mouseClick(
        widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0), at or widget.rect().center()
    )
    QApplication.processEvents()


def _text(widget: QWidget) -> str:
    text = getattr(widget, "text", None)
    return str(text()) if callable(text) else ""
