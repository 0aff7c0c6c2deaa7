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


def access_key(text: str) -> str | None:
    """The letter after a single '&' (Alt+letter), lower case; None if there is none."""
    i = 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] == "&":
                i += 2
                continue
            return text[i + 1].lower()
        i += 1
    return None


def access_keys(window: QWidget) -> list[tuple[str, str]]:
    """(letter, what carries it) for every control of ``window`` a person can see now:
    buttons, labels with a buddy, group boxes, tabs of visible tab bars, and the menu bar."""
    from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QMainWindow, QTabBar

    found: list[tuple[str, str]] = []

    def add(text: str, where: str) -> None:
        key = access_key(text)
        if key:
            found.append((key, f"{where} '{text}'"))

    if isinstance(window, QMainWindow) and window.menuBar().isVisible():
        for action in window.menuBar().actions():
            add(action.text(), "menu")
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window) or widget.window() is not window:
            continue
        if isinstance(widget, QAbstractButton):
            add(widget.text(), type(widget).__name__)
        elif isinstance(widget, QLabel) and widget.buddy() is not None:
            if widget.buddy().isVisibleTo(window):
                add(widget.text(), "label")
        elif isinstance(widget, QGroupBox):
            add(widget.title(), "group")
        elif isinstance(widget, QTabBar):
            for i in range(widget.count()):
                if widget.isTabVisible(i):
                    add(widget.tabText(i), "tab")
    return found


def duplicate_access_keys(window: QWidget) -> dict[str, list[str]]:
    by_key: dict[str, list[str]] = {}
    for key, where in access_keys(window):
        by_key.setdefault(key, []).append(where)
    return {k: v for k, v in by_key.items() if len(v) > 1}


def menu_duplicates(window: QWidget) -> dict[str, dict[str, list[str]]]:
    """Within each menu of a main window, items sharing an access key."""
    from PySide6.QtWidgets import QMainWindow

    found: dict[str, dict[str, list[str]]] = {}
    if not isinstance(window, QMainWindow):
        return found
    for top in window.menuBar().actions():
        menu = top.menu()
        if menu is None:
            continue
        by_key: dict[str, list[str]] = {}
        for action in menu.actions():
            key = access_key(action.text())
            if key and action.isVisible():
                by_key.setdefault(key, []).append(action.text())
        dups = {k: v for k, v in by_key.items() if len(v) > 1}
        if dups:
            found[top.text()] = dups
    return found


def layout_problems(window: QWidget) -> list[str]:
    """What a person would see cut off in ``window`` as it is now: a visible control outside
    the window (and not inside something that scrolls), or a button, label or tab whose text
    is squeezed narrower or shorter than it needs."""
    from PySide6.QtCore import QRect
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractScrollArea,
        QComboBox,
        QLabel,
        QLineEdit,
        QTabBar,
    )

    problems: list[str] = []
    frame = window.rect()
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window) or widget.window() is not window:
            continue
        if not isinstance(widget, QAbstractButton | QLabel | QComboBox | QLineEdit | QTabBar):
            continue
        if widget.width() <= 0 or widget.height() <= 0:
            continue
        name = _describe(widget)
        scroller = _scrolling_ancestor(widget, QAbstractScrollArea)
        place = QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())
        if scroller is None and not frame.contains(place):
            problems.append(f"{name} is outside the window ({place.getRect()} in {frame.size()})")
            continue
        if scroller is not None:
            viewport = scroller.viewport() if hasattr(scroller, "viewport") else scroller
            view_rect = QRect(viewport.mapTo(window, viewport.rect().topLeft()), viewport.size())
            if not frame.contains(view_rect.intersected(frame)):
                problems.append(f"{name}: its scrolling area is outside the window")
            off = Qt.ScrollBarPolicy.ScrollBarAlwaysOff
            if scroller.horizontalScrollBarPolicy() == off and (
                place.left() < view_rect.left() or place.right() > view_rect.right()
            ):
                problems.append(f"{name} is cut off at the side, with no scroll bar to reach it")
            if scroller.verticalScrollBarPolicy() == off and (
                place.top() < view_rect.top() or place.bottom() > view_rect.bottom()
            ):
                problems.append(f"{name} is cut off below, with no scroll bar to reach it")
        if isinstance(widget, QLabel):
            if widget.wordWrap() or not widget.text():
                continue
            if widget.textFormat() == Qt.TextFormat.RichText or "<" in widget.text():
                need = widget.sizeHint()
            else:
                need = widget.minimumSizeHint()
            if widget.width() < need.width() - 1 or widget.height() < need.height() - 2:
                problems.append(
                    f"{name} squeezed to {widget.width()}x{widget.height()}, needs {need.width()}x{need.height()}"
                )
        elif isinstance(widget, QAbstractButton):
            if not widget.text():
                continue
            need = widget.minimumSizeHint()
            hint = widget.sizeHint()
            text_width = widget.fontMetrics().horizontalAdvance(widget.text().replace("&", ""))
            if (
                widget.width() < min(hint.width(), text_width + 8)
                or widget.height() < need.height() - 2
            ):
                problems.append(
                    f"{name} squeezed to {widget.width()}x{widget.height()}, needs {hint.width()}x{hint.height()}"
                )
        elif isinstance(widget, QTabBar):
            for i in range(widget.count()):
                rect = widget.tabRect(i)
                text = widget.tabText(i).replace("&", "")
                needed = widget.fontMetrics().horizontalAdvance(text)
                cut = rect.width() < needed or not widget.rect().contains(rect)
                if cut and not widget.usesScrollButtons():
                    problems.append(f"tab '{text}' does not fit")
    return problems


def _scrolling_ancestor(widget: QWidget, kind: type) -> QWidget | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, kind):
            return parent
        parent = parent.parentWidget()
    return None


def _describe(widget: QWidget) -> str:
    text = _text(widget).replace("\n", " ")[:40]
    return f"{type(widget).__name__} '{text}'" if text else type(widget).__name__


def unnamed_controls(window: QWidget) -> list[str]:
    """Interactive controls a screen reader cannot name, read through Qt's accessibility
    interfaces (as a screen reader reads them), with a checkable control's state checked."""
    from PySide6.QtGui import QAccessible
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QAbstractSlider,
        QAbstractSpinBox,
        QComboBox,
        QLineEdit,
        QPlainTextEdit,
        QTabBar,
        QTextEdit,
    )

    interactive = (
        QAbstractButton,
        QAbstractItemView,
        QAbstractSlider,
        QAbstractSpinBox,
        QComboBox,
        QLineEdit,
        QPlainTextEdit,
        QTextEdit,
        QTabBar,
    )
    missing: list[str] = []
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, interactive) or not widget.isVisibleTo(window):
            continue
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus and not isinstance(
            widget, QAbstractButton
        ):
            continue
        if isinstance(widget, QLineEdit) and isinstance(
            widget.parentWidget(), QComboBox | QAbstractSpinBox
        ):
            continue  # the box's own editor: the box carries the name
        if isinstance(widget, QAbstractSlider) and isinstance(
            widget.parentWidget().parentWidget() if widget.parentWidget() else None,
            QAbstractItemView | QPlainTextEdit | QTextEdit,
        ):
            continue  # a scroll bar of a list or text box
        if widget.parentWidget() is not None and widget.parentWidget().objectName().startswith(
            "qt_scrollarea"
        ):
            continue  # scroll bars
        face = QAccessible.queryAccessibleInterface(widget)
        name = face.text(QAccessible.Text.Name).strip() if face is not None else ""
        if not name:
            missing.append(_describe(widget) + f" in {type(widget.parentWidget()).__name__}")
        elif isinstance(widget, QAbstractButton) and widget.isCheckable():
            state = face.state()
            if bool(state.checked) != widget.isChecked():
                missing.append(f"{_describe(widget)}: its checked state is not told")
    return missing
