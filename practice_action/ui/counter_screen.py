"""The daily contact counter, as reception sees it all day.

One row per clinician on duty: contacts so far against the cap, what is left, and a state in
words and colour. A key per row (1-9, 0) records a contact of the chosen type; F5-F9 choose
the type. At the cap the divert panel says what to tell the patient, lists where to send them,
records the diversion, and offers the urgent override. Every desk sees every other desk's
changes within a second (CounterFeed), and the day rolls over at midnight.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QDateEdit,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from practice_action.domain.calendar import LONDON, day_text, local_now, local_today
from practice_action.domain.enums import ContactType, CounterState, DivertDestination
from practice_action.domain.errors import PracticeActionError, StoreError
from practice_action.services import counter, registers
from practice_action.services.context import Actor, Context
from practice_action.services.counter import Board, ClinicianCount
from practice_action.ui.counter_dialogs import AddForTodayDialog, ReasonDialog
from practice_action.ui.counter_feed import CounterFeed
from practice_action.ui.modal import run_modal
from practice_action.ui.sections import Section, section

ROW_KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"]
TYPE_KEYS = {
    ContactType.FACE_TO_FACE: "F5",
    ContactType.HOME_VISIT: "F6",
    ContactType.TELEPHONE: "F7",
    ContactType.VIDEO: "F8",
    ContactType.ONLINE: "F9",
}
BAR_CHUNK = {
    CounterState.COUNTING: "#b0bec5",
    CounterState.OPEN: "#8fd19e",
    CounterState.NEARLY_FULL: "#ffc94d",
    CounterState.FULL: "#f08080",
}
STATE_STYLE = {
    CounterState.COUNTING: ("#eceff1", "#263238"),
    CounterState.OPEN: ("#d9f2dd", "#14532d"),
    CounterState.NEARLY_FULL: ("#ffe9b3", "#6b4500"),
    CounterState.FULL: ("#ffd6d6", "#7f1010"),
}
UNDO_REASONS = ["Recorded by mistake", "Wrong clinician", "Wrong contact type", "Counted twice"]
URGENT_REASONS = [
    "Deteriorating patient: duty doctor",
    "Clinically urgent: needs to be seen today",
    "Safeguarding concern",
    "Palliative or end-of-life care",
]
# What the divert panel says of anyone clinically urgent: the GP contract from 1 April 2026
# requires them to be dealt with the same day, and nobody is asked to call back another day.
SAME_DAY_ROUTE = (
    "<b>Clinically urgent? The same-day route:</b> never call back another day; the duty "
    "clinician sees them today. Emergency: 999."
)


@dataclass
class _Row:
    key: QLabel
    name: QLabel
    bar: QProgressBar
    left: QLabel
    state: QLabel
    extra: QLabel
    record: QPushButton
    undo: QPushButton
    divert: QPushButton


class CounterScreen(QWidget):
    """The counter for the person signed in. ``refresh()`` reloads from the database."""

    board_changed = Signal()

    def __init__(
        self, ctx: Context, actor: Actor, parent: QWidget | None = None, *, live: bool = True
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        self.today = local_today(ctx.clock)
        self.day = self.today
        self.board: Board | None = None
        self.rows: dict[int, _Row] = {}
        self.order: list[int] = []
        self.keys: list[int] = []  # each row's key for the day, as shown
        self.divert_for: int | None = None
        self.last_recorded: int | None = None  # contact id recorded at this desk
        # When the practice lets a chosen type stay after a contact: until when (UTC).
        self.type_held_until: datetime | None = None
        self.message = QLabel()
        self._problem_shown = False
        self._build()
        self.refresh()
        self.feed: CounterFeed | None = None
        if live:
            self.feed = CounterFeed(ctx, parent=self)
            self.feed.changed.connect(lambda _stamp: self.refresh())
            self.feed.failed.connect(self._feed_failed)
            self.feed.tick.connect(self.check_day)
            self.feed.start()

    # ----- layout -----------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        header = QHBoxLayout()
        self.title = QLabel()
        self.title.setObjectName("counter-title")
        self.title.setStyleSheet("font-size: 20px; font-weight: 600;")
        self.title.setWordWrap(True)  # on a narrow screen the day goes to a second line
        header.addWidget(self.title, 1)
        self.prev_day = QPushButton("◀ Day before")
        self.prev_day.clicked.connect(lambda: self.show_day(self.day - timedelta(days=1)))
        self.day_edit = QDateEdit()
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setDisplayFormat("ddd d MMM yyyy")
        self.day_edit.setAccessibleName("Day shown")
        self.day_edit.dateChanged.connect(self._day_picked)
        self.today_button = QPushButton("&Today")
        self.today_button.clicked.connect(lambda: self.show_day(local_today(self.ctx.clock)))
        for w in (self.prev_day, self.day_edit, self.today_button):
            header.addWidget(w)
        outer.addLayout(header)

        self.rule_label = QLabel()
        self.rule_label.setWordWrap(True)
        outer.addWidget(self.rule_label)

        self.banner = QLabel()
        self.banner.setObjectName("capacity-banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "background: #7f1010; color: white; padding: 10px; font-size: 15px; border-radius: 4px;"
        )
        self.banner.hide()
        outer.addWidget(self.banner)

        types = QHBoxLayout()
        types.addWidget(QLabel("Contact type:"))
        self.type_group = QButtonGroup(self)
        self.type_buttons: dict[ContactType, QRadioButton] = {}
        for contact_type in ContactType:
            button = QRadioButton(f"{contact_type.label} ({TYPE_KEYS[contact_type]})")
            self.type_group.addButton(button)
            self.type_buttons[contact_type] = button
            types.addWidget(button)
            shortcut = QShortcut(QKeySequence(TYPE_KEYS[contact_type]), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda b=button: b.setChecked(True))
        types.addStretch(1)
        outer.addLayout(types)

        body = QHBoxLayout()
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setHorizontalSpacing(12)
        self.grid.setVerticalSpacing(6)
        headers = ["Key", "Clinician", "Contacts today", "Left", "State", "Also today", "", "", ""]
        self.headers: list[QLabel] = []
        for col, text in enumerate(headers):
            label = QLabel(f"<b>{text}</b>")
            self.grid.addWidget(label, 0, col)
            self.headers.append(label)
        scroll = QScrollArea()
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the rows' buttons instead
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        holder = QWidget()
        holder_layout = QVBoxLayout(holder)
        holder_layout.addWidget(self.grid_host)
        holder_layout.addStretch(1)
        scroll.setWidget(holder)
        # Never cut off: if the window is too narrow even for the rows' minimum, a scroll bar
        # reaches the rest (the rows claim their minimum width first, see _fit_rows).
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.rows_scroll = scroll
        body.addWidget(scroll, 3)

        self.divert_panel = self._build_divert_panel()
        self.divert_panel.setMaximumWidth(430)
        body.addWidget(self.divert_panel, 2)
        outer.addLayout(body, 1)

        footer = QHBoxLayout()
        self.totals = QLabel()
        footer.addWidget(self.totals)
        footer.addStretch(1)
        self.add_today = QPushButton("&Add clinician for today…")
        self.add_today.clicked.connect(self.add_for_today)
        footer.addWidget(self.add_today)
        self.safety = QPushButton("Record a &safety concern…")
        self.safety.setToolTip("A patient-safety concern or near miss (no patient details)")
        self.safety.clicked.connect(self.record_safety_concern)
        footer.addWidget(self.safety)
        outer.addLayout(footer)
        self.message.setWordWrap(True)
        self.message.setObjectName("counter-message")
        outer.addWidget(self.message)

        for index, key in enumerate(ROW_KEYS):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda k=index + 1: self.record_key(k))
        undo = QShortcut(QKeySequence.StandardKey.Undo, self)
        undo.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        undo.activated.connect(self.undo_last)
        close = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        close.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        close.activated.connect(self.dismiss_divert)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def _build_divert_panel(self) -> QFrame:
        """The panel scrolls on its own when the window is short, so its buttons are never
        cut off; it never covers the rows (they keep their width beside it)."""
        outer = QFrame()
        outer.setObjectName("divert-panel")
        outer.setFrameShape(QFrame.Shape.StyledPanel)
        outer.setStyleSheet("#divert-panel { border: 2px solid #7f1010; border-radius: 6px; }")
        outer_layout = QVBoxLayout(outer)
        self.divert_title = QLabel()
        self.divert_title.setStyleSheet("font-size: 17px; font-weight: 600; color: #7f1010;")
        self.divert_title.setWordWrap(True)
        outer_layout.addWidget(self.divert_title)  # always in sight: whom it is about
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        say = QLabel("<b>Tell the patient:</b>")
        say.setWordWrap(True)
        layout.addWidget(say)
        self.divert_words = QLabel()
        self.divert_words.setWordWrap(True)
        self.divert_words.setStyleSheet("font-size: 14px; background: #fff8e1; padding: 6px;")
        self.divert_words.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.divert_words)
        layout.addWidget(_wrapped("<b>Send them elsewhere, or book a later appointment below:</b>"))
        self.divert_buttons: dict[DivertDestination, QPushButton] = {}
        mnemonic = {
            DivertDestination.NHS_111: "NHS &111",
            DivertDestination.PHARMACY_FIRST: "&Pharmacy First",
            DivertDestination.UTC: "&Urgent treatment centre",
            DivertDestination.NEXT_ROUTINE: "Book a &later appointment",
            DivertDestination.OTHER: "O&ther",
        }
        grid = QGridLayout()
        for i, destination in enumerate(DivertDestination):
            button = QPushButton(mnemonic[destination])
            button.setMinimumHeight(34)
            button.clicked.connect(lambda _=False, d=destination: self.divert(d))
            self.divert_buttons[destination] = button
            if destination is not DivertDestination.NEXT_ROUTINE:  # that one stays in sight
                grid.addWidget(button, i, 0)  # one a line: readable in a narrow panel
        layout.addLayout(grid)
        # The details of the places come last: the buttons must be in sight on a small screen.
        layout.addWidget(_wrapped("<b>Where to send them:</b>"))
        self.divert_places = QLabel()
        self.divert_places.setWordWrap(True)
        self.divert_places.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.divert_places)
        layout.addStretch(1)
        holder = QScrollArea()
        holder.setObjectName("divert-scroll")
        holder.setWidgetResizable(True)
        holder.setFrameShape(QFrame.Shape.NoFrame)
        holder.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        holder.setWidget(panel)
        # As wide as the panel's widest button, plus room for its scroll bar.
        holder.setMinimumWidth(
            panel.minimumSizeHint().width() + holder.verticalScrollBar().sizeHint().width() + 2
        )
        outer_layout.addWidget(holder, 1)
        self.divert_scroll = holder
        # Always in sight below the list, however short the screen: the 2026/27 contract (and
        # safety) asks for a later appointment rather than "call back another day", and has
        # anyone clinically urgent dealt with today.
        outer_layout.addWidget(self.divert_buttons[DivertDestination.NEXT_ROUTINE])
        self.same_day_route = _wrapped(SAME_DAY_ROUTE)
        self.same_day_route.setObjectName("same-day-route")
        self.same_day_route.setStyleSheet(
            "#same-day-route { background: #fdecea; border-left: 4px solid #7f1010; padding: 4px; }"
        )
        outer_layout.addWidget(self.same_day_route)
        self.override_button = QPushButton("Urgent case: &override the cap…")
        self.override_button.setMinimumHeight(34)
        self.override_button.setStyleSheet("font-weight: 600;")
        self.override_button.clicked.connect(self.urgent_override)
        outer_layout.addWidget(self.override_button)
        self.divert_close = QPushButton("Close (Esc)")
        self.divert_close.clicked.connect(self.dismiss_divert)
        outer_layout.addWidget(self.divert_close)
        outer.hide()
        return outer

    # ----- data -------------------------------------------------------------------------
    def refresh(self) -> None:
        try:
            self.board = counter.board(self.ctx, self.day)
        except StoreError as error:
            self.say(f"Cannot reach the database; counts may be out of date. {error}", problem=True)
            return
        except PracticeActionError as error:
            self.say(str(error), problem=True)
            return
        board = self.board
        self.today = board.today
        when = "Today" if board.day == board.today else "Past day (read only)"
        if board.day > board.today:
            when = "Future day (read only)"
        self.title.setText(f"{when}: {day_text(board.day, weekday=True)}")
        that_day = "today" if board.day == board.today else "that day"
        self.headers[2].setText(f"<b>Contacts {that_day}</b>")
        self.headers[5].setText(f"<b>Also {that_day}</b>")
        self.day_edit.blockSignals(True)
        self.day_edit.setDate(QDate(board.day.year, board.day.month, board.day.day))
        self.day_edit.blockSignals(False)
        if board.rule is None:
            self.rule_label.setText(
                "No contacts cap is in force (the plan has not adopted one for this day): "
                "contacts are counted, nothing is refused."
            )
        else:
            extra = " Part-time clinicians have a pro-rata cap." if board.rule.pro_rata else ""
            counted = ", ".join(
                t.label.lower() for t in ContactType if t in board.rule.counted_types
            )
            self.rule_label.setText(
                f"Cap in force: {board.rule.cap} contacts per clinician per day, counting "
                f"{counted}.{extra}"
            )
        if board.all_full and not board.read_only:
            self.banner.setText(
                "<b>The practice is at safe capacity: every clinician on duty is full.</b><br>"
                f"Tell patients: {_escape(board.reception_words)}"
            )
            self.banner.show()
        else:
            self.banner.hide()
        checked = self.type_group.checkedButton()
        if checked is None:
            self.type_buttons[board.default_type].setChecked(True)
        self._sync_rows(board)
        urgent = (
            f", {_count(board.total_urgent, 'urgent override', 'urgent overrides')}"
            if board.total_urgent
            else ""
        )
        figures = (
            f"{_count(board.total_counted, 'contact', 'contacts')}{urgent}, "
            f"{_count(board.total_diverted, 'patient diverted', 'patients diverted')}."
        )
        self.totals.setText(
            f"Today so far: {figures}" if not board.read_only else f"That day: {figures}"
        )
        self.add_today.setEnabled(not board.read_only)
        if self.divert_for is not None:
            self._fill_divert(self.divert_for)
        self.board_changed.emit()

    def _sync_rows(self, board: Board) -> None:
        ids = [c.clinician_id for c in board.clinicians]
        keys = [c.key for c in board.clinicians]
        if ids != self.order or keys != self.keys:
            for row in self.rows.values():
                for widget in row.__dict__.values():
                    self.grid.removeWidget(widget)
                    widget.deleteLater()
            self.rows.clear()
            self.order = ids
            self.keys = keys
            for index, count in enumerate(board.clinicians):
                self.rows[count.clinician_id] = self._make_row(index, count)
            self._tab_order()
            self._compact(self.divert_for is not None)
        for count in board.clinicians:
            self._fill_row(self.rows[count.clinician_id], count, board)
        if not board.clinicians:
            self.say("Nobody is on duty on this day. Use 'Add clinician for today' for a locum.")

    def _make_row(self, index: int, count: ClinicianCount) -> _Row:
        r = index + 1
        clinician_id = count.clinician_id
        key = QLabel(ROW_KEYS[count.key - 1] if 0 < count.key <= len(ROW_KEYS) else "")
        key.setAlignment(Qt.AlignmentFlag.AlignCenter)
        key.setStyleSheet(
            "border: 1px solid #888; border-radius: 3px; min-width: 22px; font-weight: 600;"
        )
        name = QLabel()
        bar = QProgressBar()
        bar.setMinimumWidth(130)
        bar.setTextVisible(True)
        left = QLabel()
        state = QLabel()
        state.setMinimumWidth(120)
        state.setAlignment(Qt.AlignmentFlag.AlignCenter)
        extra = QLabel()
        extra.setWordWrap(True)
        extra.setMaximumWidth(110)
        record = QPushButton("Record")
        record.setMinimumHeight(32)
        record.clicked.connect(lambda: self.record(clinician_id))
        undo = QPushButton("Undo")
        undo.setToolTip("Undo this clinician's last contact (within the undo period)")
        undo.clicked.connect(lambda: self.undo(clinician_id))
        divert = QPushButton("Divert…")
        divert.clicked.connect(lambda: self.open_divert(clinician_id))
        widgets = [key, name, bar, left, state, extra, record, undo, divert]
        for col, widget in enumerate(widgets):
            self.grid.addWidget(widget, r, col)
        name.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        return _Row(key, name, bar, left, state, extra, record, undo, divert)

    def _tab_order(self) -> None:
        """Tab goes top to bottom: the day, the contact type, each row's buttons, the divert
        panel, then the buttons at the foot (rows are made after those, so Qt would put them
        last)."""
        chain: list[QWidget] = [self.today_button, *self.type_buttons.values()]
        for clinician_id in self.order:
            row = self.rows[clinician_id]
            chain += [row.record, row.undo, row.divert]
        later = self.divert_buttons[DivertDestination.NEXT_ROUTINE]
        chain += [b for b in self.divert_buttons.values() if b is not later]
        chain += [later, self.override_button, self.divert_close]  # as they stand: at the foot
        chain += [self.add_today, self.safety]
        for before, after in pairwise(chain):
            QWidget.setTabOrder(before, after)

    def focus_first(self) -> None:
        """Where the keyboard starts: the counter itself, so 1-9 record and F5-F9 pick a type."""
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # Shown again with the keyboard nowhere (the desk unlocked): take it, or 1-9 are dead.
        if QApplication.focusWidget() is None:
            self.focus_first()

    def _fill_row(self, row: _Row, count: ClinicianCount, board: Board) -> None:
        locum = " · added today" if count.extra_duty else ""
        half = " · half day" if count.sessions_today == 1 else ""
        row.name.setText(
            f"<b>{_escape(count.name)}</b><br><small>{count.role.label}{half}{locum}</small>"
        )
        if count.cap is None:
            row.bar.setRange(0, max(25, count.counted))
            row.bar.setValue(count.counted)
            row.bar.setFormat(f"{count.counted} (no cap)")
            row.left.setText("-")
        else:
            row.bar.setRange(0, count.cap)
            row.bar.setValue(min(count.counted, count.cap))
            row.bar.setFormat(f"{count.counted} of {count.cap}")
            row.left.setText(f"{count.left} left")
        row.bar.setStyleSheet(
            "QProgressBar { border: 1px solid #8a8a8a; border-radius: 3px; background: white; "
            "color: black; text-align: center; font-weight: 600; min-height: 22px; }"
            f"QProgressBar::chunk {{ background: {BAR_CHUNK[count.state]}; }}"
        )
        background, foreground = STATE_STYLE[count.state]
        row.state.setText(count.state.label)
        row.state.setStyleSheet(
            f"background: {background}; color: {foreground}; padding: 4px 8px; "
            "border-radius: 3px; font-weight: 600;"
        )
        bits = []
        if count.urgent:
            bits.append(f"{count.urgent} urgent")
        if count.uncounted:
            bits.append(f"{count.uncounted} not counted")
        if count.diverted:
            bits.append(f"{count.diverted} diverted")
        row.extra.setText(", ".join(bits))
        editable = not board.read_only
        row.record.setEnabled(editable)
        row.record.setText("Full: divert" if count.state is CounterState.FULL else "Record")
        row.undo.setEnabled(editable and count.last_undoable_until is not None)
        row.divert.setEnabled(editable)

    # ----- actions ----------------------------------------------------------------------
    def chosen_type(self) -> ContactType:
        for contact_type, button in self.type_buttons.items():
            if button.isChecked():
                return contact_type
        return self.board.default_type if self.board else ContactType.FACE_TO_FACE

    def record_key(self, key: int) -> None:
        """The key pressed (1-9, 10 for 0): each clinician keeps theirs all day, so a key whose
        clinician has left today's counter records nothing and says so."""
        if self.board is None:
            return
        for count in self.board.clinicians:
            if count.key == key:
                self.record(count.clinician_id)
                return
        shown = ROW_KEYS[key - 1]
        self.say(f"Nobody has key {shown} on today's counter: nothing recorded.", problem=True)

    def record(self, clinician_id: int) -> None:
        if self.board is None or self.board.read_only:
            self.say("Past days are read only: go to today to record.", problem=True)
            return
        try:
            result = counter.record_contact(self.ctx, self.actor, clinician_id, self.chosen_type())
        except counter.AtCap as refusal:
            self.say(
                f"Not recorded: {refusal.count.name} is full. Divert the patient, or "
                "override for an urgent case.",
                problem=True,
            )
            self.refresh()
            self.open_divert(clinician_id)
            return
        except PracticeActionError as error:
            self.say(str(error), problem=True)
            return
        self.last_recorded = result.contact_id
        self.say(result.describe() + self.after_contact() + "  (Ctrl+Z to undo)")
        self.refresh()

    def after_contact(self) -> str:
        """After each contact the type goes back to the practice's usual one, so a telephone
        contact chosen with F7 is not silently carried on to the next patient; or, where the
        practice lets a chosen type stay for a set time, it stays that long after the last
        contact and then goes back. Returns words for the confirmation line."""
        hold = self.board.type_hold_minutes if self.board else 0
        usual = self.board.default_type if self.board else ContactType.FACE_TO_FACE
        chosen = self.chosen_type()
        if hold <= 0 or chosen == usual:
            self.back_to_usual_type()
            return ""
        self.type_held_until = self.ctx.clock() + timedelta(minutes=hold)
        until = self.type_held_until.astimezone(LONDON).strftime("%H:%M")
        return f" {chosen.label} stays chosen until {until}, then {usual.label.lower()}."

    def back_to_usual_type(self) -> None:
        self.type_held_until = None
        usual = self.board.default_type if self.board else ContactType.FACE_TO_FACE
        self.type_buttons[usual].setChecked(True)

    def _type_hold_over(self) -> None:
        if self.type_held_until is not None and self.ctx.clock() >= self.type_held_until:
            self.back_to_usual_type()

    def undo(self, clinician_id: int) -> None:
        if self.board is None:
            return
        count = self.board.clinician(clinician_id)
        if count.last_contact_id is None or count.last_undoable_until is None:
            self.say("There is no recent contact to undo for this clinician.", problem=True)
            return
        self._void(count.last_contact_id)

    def undo_last(self) -> None:
        if self.last_recorded is None:
            self.say("Nothing recorded at this desk to undo.", problem=True)
            return
        self._void(self.last_recorded)

    def _void(self, contact_id: int) -> None:
        try:
            contact = counter.contact_view(self.ctx, contact_id)
        except PracticeActionError as error:
            self.say(str(error), problem=True)
            return
        if contact.voided:
            self.say("That contact was already undone.", problem=True)
            return
        what = contact.describe()
        warning = (
            "\n\nThis was an urgent override: undo it only if it was recorded by mistake."
            if contact.urgent
            else ""
        )
        dialog = ReasonDialog(
            "Undo an urgent override" if contact.urgent else "Undo a contact",
            f"Undo {what}?{warning}\n\nIt stays in the record as undone. Why?",
            UNDO_REASONS,
            self,
        )
        if run_modal(dialog) != QDialog.DialogCode.Accepted:
            return
        try:
            counter.void_contact(self.ctx, self.actor, contact_id, dialog.text())
        except PracticeActionError as error:
            self.say(str(error), problem=True)
            return
        if contact_id == self.last_recorded:
            self.last_recorded = None
        self.say(f"Undone: {what}.")
        self.refresh()

    def open_divert(self, clinician_id: int) -> None:
        if self.board is None or self.board.read_only:
            return
        self.divert_for = clinician_id
        self._fill_divert(clinician_id)
        self._compact(True)
        self.divert_panel.show()
        first = self.divert_buttons[DivertDestination.NHS_111]
        first.setFocus()
        # Reception reads the words from their first line: the panel opens at its top, once
        # its layout is done (focus on a button further down must not scroll past them).
        to_top = self.divert_scroll.verticalScrollBar()
        to_top.setValue(0)
        QTimer.singleShot(0, to_top, lambda: to_top.setValue(0))

    def _fill_divert(self, clinician_id: int) -> None:
        assert self.board is not None
        try:
            count = self.board.clinician(clinician_id)
        except PracticeActionError:
            self.close_divert()
            return
        if count.state is CounterState.FULL:
            self.divert_title.setText(f"{count.name} is full ({count.counted} of {count.cap})")
        else:
            self.divert_title.setText(f"Divert a patient from {count.name}")
        self.divert_words.setText(self.board.reception_words)
        places = []
        for service in self.board.divert_services:
            details = " · ".join(_escape(x) for x in (service.phone, service.hours) if x)
            address = (
                f"<br><small>{_escape(service.address.replace(chr(10), ', '))}</small>"
                if service.address
                else ""
            )
            named = service.kind.label.lower() in service.name.lower()
            kind = "" if named else f" ({service.kind.label})"
            places.append(
                f"<b>{_escape(service.name)}</b>{kind}{': ' + details if details else ''}{address}"
            )
        self.divert_places.setText("<br>".join(places) or "NHS 111: online or call 111.")

    def dismiss_divert(self) -> None:
        """Esc or Close on the divert panel: the patient is dealt with, so the contact type
        goes back as it does after a contact (a type chosen for them is not carried on)."""
        if self.divert_for is None:
            return
        self.close_divert()
        self.after_contact()

    def close_divert(self) -> None:
        focus = QApplication.focusWidget()
        was_in_panel = focus is None or self.divert_panel.isAncestorOf(focus)
        self.divert_for = None
        self.divert_panel.hide()
        self._compact(False)
        if was_in_panel and self.isVisible():
            # Back to the counter, so the next patient's key (1-9) or Ctrl+Z works at once.
            self.focus_first()

    def _compact(self, on: bool) -> None:
        """With the divert panel open the rows keep what the desk needs (key, name, count,
        state, Record), so nothing is cut off on a small screen."""
        for row in self.rows.values():
            for widget in (row.left, row.extra, row.undo, row.divert):
                widget.setVisible(not on)
            row.bar.setMinimumWidth(80 if on else 130)
        for column in (3, 5, 7, 8):  # "Left" (the bar says it), "Also today", Undo, Divert
            self.headers[column].setVisible(not on)
        self._fit_rows()

    def _fit_rows(self) -> None:
        """The rows keep the width they need; the divert panel takes what is left."""
        self.grid_host.layout().activate()
        margins = self.rows_scroll.widget().layout().contentsMargins()
        needed = self.grid_host.minimumSizeHint().width() + margins.left() + margins.right() + 4
        self.rows_scroll.setMinimumWidth(min(needed, 700))

    def divert(self, destination: DivertDestination) -> None:
        assert self.board is not None
        service_id = next(
            (s.id for s in self.board.divert_services if s.kind in destination.service_kinds),
            None,
        )
        try:
            counter.record_diversion(
                self.ctx,
                self.actor,
                destination,
                clinician_id=self.divert_for,
                local_service_id=service_id,
            )
        except PracticeActionError as error:
            self.say(str(error), problem=True)
            return
        self.say(f"Diversion recorded: {destination.label}." + self.after_contact())
        self.close_divert()
        self.refresh()

    def urgent_override(self) -> None:
        if self.divert_for is None or self.board is None:
            return
        count = self.board.clinician(self.divert_for)
        dialog = ReasonDialog(
            "Urgent case: override the cap",
            f"Record an urgent contact for {count.name} above the cap. It is counted apart "
            "and shown on the row. Why is it urgent?",
            URGENT_REASONS,
            self,
        )
        if run_modal(dialog) != QDialog.DialogCode.Accepted:
            return
        try:
            result = counter.record_contact(
                self.ctx,
                self.actor,
                count.clinician_id,
                self.chosen_type(),
                urgent_reason=dialog.text(),
            )
        except PracticeActionError as error:
            self.say(str(error), problem=True)
            return
        self.last_recorded = result.contact_id
        self.say(result.describe() + self.after_contact())
        self.close_divert()
        self.refresh()

    def add_for_today(self) -> None:
        assert self.board is not None
        on_duty = {c.clinician_id for c in self.board.clinicians}
        off_duty = [
            c
            for c in registers.list_records(self.ctx, registers.CLINICIANS, include_retired=False)
            if c.id not in on_duty
        ]
        dialog = AddForTodayDialog(off_duty, self)
        if run_modal(dialog) != QDialog.DialogCode.Accepted:
            return
        try:
            chosen = dialog.chosen_id()
            if chosen is None:
                counter.add_locum_today(
                    self.ctx, self.actor, dialog.locum_name.text(), dialog.sessions()
                )
            else:
                counter.add_to_today(self.ctx, self.actor, chosen, dialog.sessions())
        except PracticeActionError as error:
            self.say(str(error), problem=True)
            return
        self.say("Added to today's counter.")
        self.refresh()

    def record_safety_concern(self) -> None:
        from practice_action.ui.safety_dialog import open_safety_dialog

        if open_safety_dialog(self.ctx, self.actor, self):
            self.say("Safety concern recorded. Thank you.")

    # ----- days -------------------------------------------------------------------------
    def show_day(self, day: date) -> None:
        self.day = day
        self.close_divert()
        if self._problem_shown:  # e.g. "past days are read only": not true of the new day
            self.message.clear()
            self._problem_shown = False
        self.refresh()

    def _day_picked(self, qdate: QDate) -> None:
        self.show_day(date(qdate.year(), qdate.month(), qdate.day()))

    def check_day(self) -> None:
        """Roll over at midnight: a desk left on today moves to the new today. A contact type
        the practice lets stay for a while goes back to the usual one when its time is up."""
        self._type_hold_over()
        today = local_today(self.ctx.clock)
        if today != self.today:
            was_today = self.day == self.today
            self.today = today
            if was_today:
                self.show_day(today)
            else:
                self.refresh()

    # ----- messages ---------------------------------------------------------------------
    def say(self, text: str, *, problem: bool = False) -> None:
        stamp = local_now(self.ctx.clock).strftime("%H:%M:%S")  # the practice's clock
        prefix = "Problem: " if problem else ""
        self._problem_shown = problem
        self.message.setText(f"{stamp}  {prefix}{text}")
        colour = "#7f1010" if problem else "#14532d"
        self.message.setStyleSheet(f"color: {colour}; font-size: 14px;")

    def _feed_failed(self, reason: str) -> None:
        self.say(f"Cannot reach the database ({reason}); counts may be out of date.", problem=True)

    def closeEvent(self, event) -> None:
        self.stop()
        super().closeEvent(event)

    def stop(self) -> None:
        if self.feed is not None:
            self.feed.stop()


def _wrapped(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def sections() -> list[Section]:
    """This module's sections, as declared in ui/sections.py."""
    return [section("counter")]
