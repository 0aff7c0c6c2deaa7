"""Forms that say what is wrong beside the field that is wrong.

``FieldForm`` lays out rows of label + editor, each with a message line under the editor
that shows the field's problem in words (never by colour alone). ``show_problems`` takes the
field -> message dict a ``ValidationError`` carries and moves focus to the first field named.
``AddressEditor`` and ``OpeningHoursEditor`` are the two composite editors set-up needs.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time
from typing import TypeVar

from PySide6.QtCore import QSize, Qt, QTime, QTimer, Signal, SignalInstance
from PySide6.QtGui import QGuiApplication, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QTimeEdit,
    QWidget,
)

from practice_action.domain.enums import Weekday
from practice_action.domain.records import (
    DEFAULT_CLOSES,
    DEFAULT_OPENS,
    WORKING_WEEK,
    DayHours,
    PostalAddress,
)

F = TypeVar("F", bound="FieldForm")

PROBLEM_SIGN = "⚠"
PROBLEM_STYLE = "color: #b3261e; font-weight: 600;"


class WrappingLabel(QLabel):
    """A word-wrapped label as tall as its text needs at the width it was given.

    A form layout sizes a wrapped label by its preferred shape, not by the width it ends up
    with, which leaves gaps or cuts lines off; this label asks for its height at its width.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)
        self._width = 0

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        if self._width > 40 and self.text():
            return QSize(hint.width(), self.heightForWidth(self._width))
        return hint

    def minimumSizeHint(self) -> QSize:
        # Never squeeze a message shorter than its text: the fields above it would overlap it.
        base = super().minimumSizeHint()
        return QSize(base.width(), max(base.height(), self.sizeHint().height()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        size = event.size()
        wanted = self.heightForWidth(size.width()) if self.text() else size.height()
        if size.width() != self._width or size.height() != wanted:
            self._width = size.width()
            self.updateGeometry()
            # A resize that comes while the layout is placing its rows does not make the
            # layout look again; ask once more when it has finished, or the rows overlap.
            QTimer.singleShot(0, self, self.updateGeometry)


def problem_label() -> QLabel:
    label = WrappingLabel()
    label.setObjectName("problem")
    label.setWordWrap(True)
    label.setStyleSheet(PROBLEM_STYLE)
    label.setVisible(False)
    return label


def set_problem(label: QLabel, message: str) -> None:
    label.setText(f"{PROBLEM_SIGN} {message}" if message else "")
    label.setVisible(bool(message))


def _edited_signal(editor: QWidget) -> SignalInstance | None:
    """The signal an editor sends when a person changes what is in it."""
    if isinstance(editor, QLineEdit):
        return editor.textEdited
    if isinstance(editor, QPlainTextEdit):
        return editor.textChanged
    if isinstance(editor, QComboBox):
        return editor.editTextChanged if editor.isEditable() else editor.activated
    if isinstance(editor, QDateTimeEdit):
        return editor.dateTimeChanged
    if isinstance(editor, QAbstractSpinBox) and hasattr(editor, "valueChanged"):
        return editor.valueChanged  # type: ignore[no-any-return]
    if isinstance(editor, QAbstractButton):
        return editor.toggled
    changed = getattr(editor, "changed", None)
    return changed if isinstance(changed, SignalInstance) else None


TITLE_BAR = 40  # room left above a dialog for the window manager's title bar


def screen_room(widget: QWidget) -> QSize:
    """The free area of the screen the widget is on (taskbar excluded), less a title bar."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return QSize(10_000, 10_000)
    area = screen.availableGeometry()
    return QSize(area.width(), area.height() - TITLE_BAR)


def resize_within_screen(dialog: QWidget, width: int, height: int) -> None:
    """``resize``, but never past the screen's free area (a laptop at 200% has 960x540)."""
    room = screen_room(dialog)
    dialog.resize(min(width, room.width()), min(height, room.height()))


def scrolling_form(form: QWidget) -> QScrollArea:
    """A frameless scroll area round a dialog's form, so that on a short screen the form
    scrolls and the dialog's buttons stay on the screen."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidget(form)
    return scroll


def fit_form_to_screen(dialog: QDialog, scroll: QScrollArea, below: QWidget) -> None:
    """As tall as the form in ``scroll`` needs, but never taller than the screen's free area,
    with ``below`` (the button box) kept in view; with room, no scroll bar shows."""
    form = scroll.widget()
    layout = dialog.layout()
    room = screen_room(dialog).height()
    margins = layout.contentsMargins()
    others = below.sizeHint().height() + layout.spacing() + margins.top() + margins.bottom()
    needed = form.sizeHint().height()
    scroll.setMinimumHeight(min(needed, max(120, room - others)))
    # When it scrolls, the scroll bar takes its width beside the form, not from it.
    bar = scroll.verticalScrollBar().sizeHint().width() if needed > room - others else 0
    scroll.setMinimumWidth(form.minimumSizeHint().width() + bar)
    dialog.setMaximumHeight(max(room, 200))
    dialog.adjustSize()


def plural_suffix(spin: QSpinBox, one: str, many: str) -> None:
    """A spin box whose unit follows its number: "1 minute", "5 minutes"."""

    def follow(value: int) -> None:
        spin.setSuffix(f" {one if value == 1 else many}")

    spin.valueChanged.connect(follow)
    follow(spin.value())


def plain_text_edit(lines: int = 3) -> QPlainTextEdit:
    """A multi-line box where Tab moves on, as in every other field."""
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    height = edit.fontMetrics().lineSpacing() * lines + 14
    edit.setFixedHeight(height)
    return edit


class FieldForm(QWidget):
    """Rows of label, editor and the editor's problem message, plus nested forms."""

    edited = Signal()  # a person changed a field (here or in a nested form)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layout_ = QFormLayout(self)
        self.layout_.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.layout_.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._editors: dict[str, QWidget] = {}
        self._messages: dict[str, QLabel] = {}
        self._order: list[str | FieldForm] = []
        self.general = problem_label()  # problems with no field on this form
        self.layout_.addRow(self.general)
        self.layout_.setRowVisible(self.general, False)

    def add_row(self, field: str, label: str, editor: QWidget, hint: str = "") -> QWidget:
        """Add ``editor`` for ``field``; ``label`` may carry an & mnemonic for Alt+letter.

        The hint and the problem message are rows of their own under the editor, so that
        long messages wrap to the form's width instead of being cut off.
        """
        title = QLabel(label)
        title.setBuddy(editor)
        self.layout_.addRow(title, editor)
        if hint:
            hint_label = WrappingLabel(hint)
            hint_label.setObjectName("hint")
            hint_label.setStyleSheet("color: #555555;")
            self.layout_.addRow(None, hint_label)
        message = problem_label()
        self.layout_.addRow(None, message)
        self.layout_.setRowVisible(message, False)
        editor.setAccessibleName(label.replace("&", ""))
        edited = _edited_signal(editor)
        if edited is not None:
            # The message goes as soon as the person starts putting it right.
            edited.connect(lambda *_: self._clear_field(field))
            edited.connect(lambda *_: self.edited.emit())
        self._editors[field] = editor
        self._messages[field] = message
        self._order.append(field)
        return editor

    def _clear_field(self, field: str) -> None:
        label = self._messages.get(field)
        if label is not None and label.text():
            self._set(label, "")
            self._relayout()

    def first_editor(self) -> QWidget | None:
        """The first field a person can type in, in the order the form shows them."""
        for field in self.ordered_fields():
            editor = self.editor(field)
            if editor.isVisibleTo(self) and editor.isEnabled():
                if editor.focusPolicy() != Qt.FocusPolicy.NoFocus:
                    return editor
                inner = next(
                    (
                        w
                        for w in editor.findChildren(QWidget)
                        if w.isVisibleTo(self)
                        and w.isEnabled()
                        and w.focusPolicy() != Qt.FocusPolicy.NoFocus
                    ),
                    None,
                )
                if inner is not None:
                    return inner
        return None

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # A dialog puts the keyboard on its first control, which is often its Save button
        # (made before the fields): typing a name with a space in it would press Save. The
        # keyboard starts in the first field instead.
        window = self.window()
        if not isinstance(window, QDialog) or isinstance(self.parentWidget(), FieldForm):
            return
        focus = window.focusWidget()
        if focus is None or (isinstance(focus, QAbstractButton) and not self.isAncestorOf(focus)):
            first = self.first_editor()
            if first is not None:
                first.setFocus(Qt.FocusReason.OtherFocusReason)

    def _set(self, label: QLabel, message: str) -> None:
        set_problem(label, message)
        self.layout_.setRowVisible(label, bool(message))

    def add_heading(self, text: str) -> QLabel:
        heading = QLabel(f"<b>{text}</b>")
        heading.setContentsMargins(0, 8, 0, 0)
        self.layout_.addRow(heading)
        return heading

    def add_note(self, text: str) -> QLabel:
        note = QLabel(text)
        note.setWordWrap(True)
        self.layout_.addRow(note)
        return note

    def add_form(self, form: F) -> F:
        """Nest another form (an address, say); its problems show and focus as this form's."""
        self.layout_.addRow(form)
        self._order.append(form)
        form.edited.connect(self.edited)
        return form

    def fields(self) -> set[str]:
        found = set(self._editors)
        for item in self._order:
            if isinstance(item, FieldForm):
                found |= item.fields()
        return found

    def editor(self, field: str) -> QWidget:
        if field in self._editors:
            return self._editors[field]
        for item in self._order:
            if isinstance(item, FieldForm) and field in item.fields():
                return item.editor(field)
        raise KeyError(field)

    def problem(self, field: str) -> str:
        """The message shown for ``field`` (without the warning sign), or ''."""
        if field in self._messages:
            label = self._messages[field]
            return label.text().removeprefix(f"{PROBLEM_SIGN} ")
        for item in self._order:
            if isinstance(item, FieldForm) and field in item.fields():
                return item.problem(field)
        return ""

    def general_problem(self) -> str:
        return self.general.text().removeprefix(f"{PROBLEM_SIGN} ")

    def clear_problems(self) -> None:
        for label in self._messages.values():
            self._set(label, "")
        self._set(self.general, "")
        for item in self._order:
            if isinstance(item, FieldForm):
                item.clear_problems()
        self._relayout()

    def show_problems(self, problems: Mapping[str, str], *, focus: bool = True) -> bool:
        """Show each message beside its field; True if at least one was shown anywhere."""
        self.clear_problems()
        first: QWidget | None = None
        for item in self._order:
            if isinstance(item, FieldForm):
                mine = {k: v for k, v in problems.items() if k in item.fields()}
                if mine:
                    item.show_problems(mine, focus=False)
                    if first is None:
                        first = next(item.editor(f) for f in item.ordered_fields() if f in mine)
            elif item in problems:
                self._set(self._messages[item], problems[item])
                if first is None:
                    first = self._editors[item]
        leftover = [m for k, m in problems.items() if k not in self.fields()]
        if leftover:
            self._set(self.general, " ".join(leftover))
        self._relayout()
        if focus and first is not None:
            first.setFocus()
        return bool(problems)

    def _relayout(self) -> None:
        # Message rows come and go: nested forms must tell their parent their new height.
        self.layout_.invalidate()
        self.updateGeometry()

    def label_for(self, field: str) -> QLabel | None:
        """The label beside ``field``'s editor, if it has one."""
        if field not in self._editors:
            return None
        label = self.layout_.labelForField(self._editors[field])
        return label if isinstance(label, QLabel) else None

    def ordered_fields(self) -> list[str]:
        out: list[str] = []
        for item in self._order:
            out.extend(item.ordered_fields() if isinstance(item, FieldForm) else [item])
        return out


class AddressEditor(FieldForm):
    """A postal address for letters: name, street lines, postcode.

    Fields are named ``<prefix>_name``, ``<prefix>_address`` and ``<prefix>_postcode``,
    as the domain validators name them.
    """

    def __init__(self, prefix: str, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.prefix = prefix
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.name_edit = QLineEdit()
        self.address_edit = plain_text_edit(3)
        self.address_edit.setPlaceholderText("Street and town, one per line")
        self.postcode_edit = QLineEdit()
        self.postcode_edit.setMaximumWidth(140)
        self.postcode_edit.setPlaceholderText("e.g. LE1 6TP")
        self.add_row(f"{prefix}_name", f"{what} name", self.name_edit)
        self.add_row(f"{prefix}_address", f"{what} address", self.address_edit)
        self.add_row(f"{prefix}_postcode", "Postcode", self.postcode_edit)
        self.postcode_edit.setAccessibleName(f"{what} postcode")  # two on a page: say whose

    def value(self) -> PostalAddress:
        return PostalAddress(
            self.name_edit.text(), self.address_edit.toPlainText(), self.postcode_edit.text()
        )

    def set_value(self, address: PostalAddress) -> None:
        self.name_edit.setText(address.name)
        self.address_edit.setPlainText(address.address)
        self.postcode_edit.setText(address.postcode)


def align_labels(*forms: FieldForm) -> None:
    """Give forms stacked one above the other a single label column, so their boxes line up."""
    labels = [
        label
        for form in forms
        for field in form.ordered_fields()
        if (label := form.label_for(field)) is not None
    ]
    if labels:
        width = max(label.sizeHint().width() for label in labels)
        for label in labels:
            label.setMinimumWidth(width)


def _qtime(value: time) -> QTime:
    return QTime(value.hour, value.minute)


def _time(value: QTime) -> time:
    return time(value.hour(), value.minute())


class OpeningHoursEditor(QWidget):
    """One line per weekday: open or not, opening and closing time."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        grid.addWidget(QLabel("<b>Day</b>"), 0, 0)
        grid.addWidget(QLabel("<b>Opens</b>"), 0, 1)
        grid.addWidget(QLabel("<b>Closes</b>"), 0, 2)
        self.open_boxes: dict[Weekday, QCheckBox] = {}
        self.opens: dict[Weekday, QTimeEdit] = {}
        self.closes: dict[Weekday, QTimeEdit] = {}
        for row, day in enumerate(Weekday, start=1):
            box = QCheckBox(day.label)
            box.setAccessibleName(f"Open on {day.label}")
            opens, closes = QTimeEdit(), QTimeEdit()
            for edit, what in ((opens, "opens"), (closes, "closes")):
                edit.setDisplayFormat("HH:mm")
                edit.setAccessibleName(f"{day.label} {what}")
                edit.timeChanged.connect(self.changed)
            box.toggled.connect(opens.setEnabled)
            box.toggled.connect(closes.setEnabled)
            box.toggled.connect(self.changed)
            grid.addWidget(box, row, 0)
            grid.addWidget(opens, row, 1)
            grid.addWidget(closes, row, 2)
            self.open_boxes[day], self.opens[day], self.closes[day] = box, opens, closes
        grid.setColumnStretch(3, 1)
        self.set_value(tuple(DayHours(d, DEFAULT_OPENS, DEFAULT_CLOSES) for d in WORKING_WEEK))

    def set_value(self, hours: tuple[DayHours, ...]) -> None:
        by_day = {h.day: h for h in hours}
        for day in Weekday:
            found = by_day.get(day)
            self.open_boxes[day].setChecked(found is not None)
            self.opens[day].setTime(_qtime(found.opens if found else DEFAULT_OPENS))
            self.closes[day].setTime(_qtime(found.closes if found else DEFAULT_CLOSES))
            self.opens[day].setEnabled(found is not None)
            self.closes[day].setEnabled(found is not None)

    def value(self) -> tuple[DayHours, ...]:
        return tuple(
            DayHours(day, _time(self.opens[day].time()), _time(self.closes[day].time()))
            for day in Weekday
            if self.open_boxes[day].isChecked()
        )


def hours_text(hours: tuple[DayHours, ...]) -> str:
    """E.g. 'Monday 08:00-18:30' per line, or 'Closed every day'."""
    if not hours:
        return "Closed every day"
    return "\n".join(f"{h.day.label} {h.opens:%H:%M}-{h.closes:%H:%M}" for h in hours)
