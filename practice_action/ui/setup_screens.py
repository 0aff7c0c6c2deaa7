"""The Set-up section: the practice profile and the four registers.

Every change goes through ``services.practice`` or ``services.registers``; the screens hold
only the frozen records those return. Dialogs open without blocking (``open``), so the
section can be driven from tests as a person drives it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from practice_action.domain.calendar import local_now, local_today
from practice_action.domain.errors import PracticeActionError, ValidationError
from practice_action.domain.records import (
    Clinician,
    PostalAddress,
    PracticeProfile,
)
from practice_action.domain.words import plural
from practice_action.services import practice, registers
from practice_action.services.context import Actor, Context
from practice_action.services.registers import Register
from practice_action.ui.forms import FieldForm, plural_suffix
from practice_action.ui.practice_forms import (
    CommissionersForm,
    HoursForm,
    PracticeDetailsForm,
    blank_profile,
)
from practice_action.ui.record_dialogs import (
    AgreementDialog,
    ClinicianDialog,
    LocalServiceDialog,
    RecordDialog,
    VoluntaryServiceDialog,
    date_text,
)
from practice_action.ui.sections import Section, section
from practice_action.ui.tables import RIGHT, Column, FilteredTable


def sections() -> list[Section]:
    """This module's sections, as declared in ui/sections.py."""
    return [section("setup")]


def show_error(parent: QWidget, error: PracticeActionError, title: str) -> QMessageBox:
    """A service refused: say why in a message box that does not block the caller."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, str(error), QMessageBox.StandardButton.Ok)
    box.setParent(parent, box.windowFlags())
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.open()
    return box


class SetupSection(QTabWidget):
    def __init__(self, ctx: Context, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        self.profile_tab = ProfileTab(ctx, actor)
        self.clinicians = RegisterTab(ctx, actor, CLINICIANS_SCREEN)
        self.local_services = RegisterTab(ctx, actor, LOCAL_SERVICES_SCREEN)
        self.voluntary_services = RegisterTab(ctx, actor, VOLUNTARY_SCREEN)
        self.agreements = RegisterTab(ctx, actor, AGREEMENTS_SCREEN)
        self.addTab(self.profile_tab, "&Practice profile")
        self.addTab(self.clinicians, "&Clinicians")
        self.addTab(self.local_services, "&Local services")
        self.addTab(self.voluntary_services, "&Voluntary services")
        self.addTab(self.agreements, "&Data sharing agreements")
        from practice_action.ui.counter_settings import CounterSettingsTab

        self.counter_settings = CounterSettingsTab(ctx, actor)
        self.addTab(self.counter_settings, "Dail&y counter")


class ProfileTab(QWidget):
    """The practice's own details, edited and saved whole."""

    def __init__(self, ctx: Context, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        self.message_box: QMessageBox | None = None
        self.details = PracticeDetailsForm()
        self.hours = HoursForm()
        self.commissioners = CommissionersForm()
        self.settings = FieldForm()
        self.idle_lock = QSpinBox()
        self.idle_lock.setRange(0, 999)
        plural_suffix(self.idle_lock, "minute", "minutes")
        self.idle_lock.setMaximumWidth(140)
        self.settings.add_row(
            "idle_lock_minutes",
            "Lock a des&k after",
            self.idle_lock,
            "A desk left alone this long asks for a PIN again.",
        )
        self.form = FieldForm()
        self.form.add_heading("The practice")
        self.form.add_form(self.details)
        self.form.add_heading("Opening hours")
        self.form.add_form(self.hours)
        self.form.add_form(self.commissioners)
        self.form.add_heading("Desks")
        self.form.add_form(self.settings)
        self.form.setMaximumWidth(900)

        holder = QWidget()
        column = QVBoxLayout(holder)
        column.addWidget(self.form)
        column.addStretch(1)
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes from field to field, not here
        area.setWidget(holder)

        self.save_button = QPushButton("&Save changes")
        self.save_button.setShortcut(QKeySequence.StandardKey.Save)
        self.save_button.setToolTip("Save the practice profile (Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton("&Undo changes")
        self.revert_button.setToolTip("Put back what is saved")
        self.revert_button.clicked.connect(self.load)
        self.status = QLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(area, 1)
        layout.addLayout(buttons)
        self.load()

    def profile(self) -> PracticeProfile:
        profile = self._loaded
        for form in (self.details, self.hours, self.commissioners):
            profile = form.apply(profile)
        return _with_idle(profile, self.idle_lock.value())

    def load(self) -> None:
        self.form.clear_problems()
        try:
            self._loaded = practice.get_profile(self.ctx)
        except PracticeActionError as error:
            self._loaded = blank_profile()
            self.status.setText(str(error))
        for form in (self.details, self.hours, self.commissioners):
            form.load(self._loaded)
        self.idle_lock.setValue(self._loaded.idle_lock_minutes)

    def save(self) -> bool:
        try:
            saved = practice.save_profile(self.ctx, self.actor, self.profile())
        except ValidationError as error:
            self.form.show_problems(error.problems)
            self.status.setText("Not saved: put right the fields marked ⚠ below.")
            return False
        except PracticeActionError as error:
            self.message_box = show_error(self, error, "The profile was not saved")
            return False
        self._loaded = saved
        self.load()
        self.status.setText(f"Saved at {local_now(self.ctx.clock):%H:%M}.")
        return True


def _with_idle(profile: PracticeProfile, minutes: int) -> PracticeProfile:
    return replace(profile, idle_lock_minutes=minutes)


@dataclass(frozen=True)
class RegisterScreen:
    """What differs between the register tabs."""

    register: Register[Any]
    plural: str  # "clinicians"
    intro: str
    columns: tuple[Column, ...]
    dialog: Callable[[RegisterTab, Any], RecordDialog]


def _name(record: Any) -> str:
    return record.name if record.active else f"{record.name} (retired)"


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def _one_line(address: str, postcode: str) -> str:
    parts = [line.strip() for line in address.splitlines() if line.strip()]
    return ", ".join([*parts, postcode] if postcode else parts)


def _name_column() -> Column:
    return Column("Name", _name, sort_key=lambda r: r.name.casefold())


def _default_commissioner(tab: RegisterTab) -> PostalAddress | None:
    try:
        return practice.get_profile(tab.ctx).icb
    except PracticeActionError:
        return None


CLINICIANS_SCREEN = RegisterScreen(
    registers.CLINICIANS,
    "clinicians",
    "Everyone who consults patients: each has their own daily count against the safe limit.",
    (
        _name_column(),
        Column("Role", lambda r: r.role.label),
        Column(
            "Sessions a week", lambda r: r.sessions_per_week, lambda r: r.sessions_per_week, RIGHT
        ),
        Column("Usual sessions", Clinician.pattern_text),
    ),
    lambda tab, record: ClinicianDialog(record, tab.save_function(), tab),
)

LOCAL_SERVICES_SCREEN = RegisterScreen(
    registers.LOCAL_SERVICES,
    "local services",
    "Where reception can send patients once the practice is at capacity.",
    (
        _name_column(),
        Column("Kind", lambda r: r.kind.label),
        Column("Phone", lambda r: r.phone),
        Column("Address", lambda r: _one_line(r.address, r.postcode)),
        Column("Opening hours", lambda r: r.hours),
    ),
    lambda tab, record: LocalServiceDialog(record, tab.save_function(), tab),
)

VOLUNTARY_SCREEN = RegisterScreen(
    registers.VOLUNTARY_SERVICES,
    "voluntary services",
    "Services the practice provides without a contract to, which it may give notice on.",
    (
        _name_column(),
        Column("Commissioner", lambda r: r.commissioner.name),
        Column(
            "Notice period", lambda r: plural(r.notice_days, "day"), lambda r: r.notice_days, RIGHT
        ),
        Column("Notes", lambda r: _first_line(r.notes), tooltip=lambda r: r.notes),
    ),
    lambda tab, record: VoluntaryServiceDialog(
        record,
        tab.save_function(),
        tab,
        today=local_today(tab.ctx.clock),
        default_commissioner=_default_commissioner(tab),
    ),
)

AGREEMENTS_SCREEN = RegisterScreen(
    registers.AGREEMENTS,
    "data sharing agreements",
    "Agreements to share patient data; those for secondary purposes only may be withdrawn.",
    (
        _name_column(),
        Column("Other party", lambda r: r.party.name),
        Column("Purpose", lambda r: r.purpose.label),
        Column(
            "Date signed",
            lambda r: date_text(r.signed_on) or "Not known",
            lambda r: r.signed_on.toordinal() if r.signed_on else 0,
        ),
    ),
    lambda tab, record: AgreementDialog(
        record, tab.save_function(), tab, today=local_today(tab.ctx.clock)
    ),
)


class RegisterTab(QWidget):
    """A register's table with Add, Edit and Retire / Bring back."""

    def __init__(
        self, ctx: Context, actor: Actor, screen: RegisterScreen, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        self.screen = screen
        self.dialog: RecordDialog | None = None
        self.message_box: QMessageBox | None = None

        intro = QLabel(screen.intro)
        intro.setWordWrap(True)
        self.table = FilteredTable(
            screen.columns, muted=lambda r: not r.active, placeholder=f"Filter {screen.plural}…"
        )
        self.table.view.setAccessibleName(screen.plural.capitalize())
        self.table.activated.connect(self.open_editor)
        self.table.selection_changed.connect(self._update_buttons)

        self.show_retired = QCheckBox("Sh&ow retired")
        self.show_retired.setToolTip("Retired records are kept for history and letters")
        self.show_retired.toggled.connect(self.refresh)
        self.add_button = QPushButton(f"&Add {screen.register.singular}…")
        self.add_button.setShortcut(QKeySequence.StandardKey.New)
        self.add_button.setToolTip(f"Add a {screen.register.singular} (Ctrl+N)")
        self.add_button.clicked.connect(lambda: self.open_editor(None))
        self.edit_button = QPushButton("&Edit…")
        self.edit_button.setToolTip("Edit the selected row (Enter or double-click)")
        self.edit_button.clicked.connect(lambda: self.open_editor(self.table.current_record()))
        self.retire_button = QPushButton("Re&tire")
        self.retire_button.clicked.connect(self.retire_or_restore)
        self.count_label = QLabel()

        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.retire_button)
        buttons.addStretch(1)
        buttons.addWidget(self.count_label)
        buttons.addWidget(self.show_retired)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.refresh()

    # data
    def refresh(self) -> None:
        try:
            rows = registers.list_records(
                self.ctx, self.screen.register, include_retired=self.show_retired.isChecked()
            )
        except PracticeActionError as error:
            self.message_box = show_error(self, error, f"Cannot list the {self.screen.plural}")
            rows = []
        self.table.set_rows(rows)
        active = sum(1 for r in rows if r.active)
        retired = len(rows) - active
        text = f"{active} active"
        if self.show_retired.isChecked():
            text += f", {retired} retired"
        self.count_label.setText(text)
        self._update_buttons()

    def records(self) -> list[Any]:
        """The records the table shows now, after the filter, in the order shown."""
        return self.table.visible_records()

    def save_function(self) -> Callable[[Any], Any]:
        return lambda record: registers.save_record(
            self.ctx, self.actor, self.screen.register, record
        )

    # actions
    def open_editor(self, record: Any = None) -> RecordDialog:
        """Open the edit dialog (a new record when ``record`` is None) without blocking."""
        dialog = self.screen.dialog(self, record)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.accepted.connect(lambda: self._saved(dialog.saved))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _saved(self, record: Any) -> None:
        if record is not None and not record.active and not self.show_retired.isChecked():
            self.show_retired.setChecked(True)
        self.refresh()
        if record is not None:
            self.table.select(lambda r: r.id == record.id)
        self.table.view.setFocus()

    def retire_or_restore(self) -> QMessageBox | None:
        """Bring back at once; retiring asks first (the returned box, open, not blocking)."""
        record = self.table.current_record()
        if record is None:
            return None
        if not record.active:
            self.set_active(record, True)
            return None
        singular = self.screen.register.singular
        box = QMessageBox(
            QMessageBox.Icon.Question,
            f"Retire this {singular}?",
            f"Retire {record.name}?\n\nA retired {singular} is kept for history and letters "
            "but no longer offered in lists. You can bring it back later.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        confirm = box.button(QMessageBox.StandardButton.Yes)
        confirm.setText("&Retire")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.buttonClicked.connect(
            lambda button: self.set_active(record, False) if button is confirm else None
        )
        self.message_box = box
        box.open()
        return box

    def set_active(self, record: Any, active: bool) -> bool:
        try:
            saved = registers.set_active(
                self.ctx, self.actor, self.screen.register, record.id, active
            )
        except PracticeActionError as error:
            verb = "brought back" if active else "retired"
            self.message_box = show_error(self, error, f"Not {verb}")
            return False
        self._saved(saved)
        return True

    def _update_buttons(self, *_: object) -> None:
        record = self.table.current_record()
        self.edit_button.setEnabled(record is not None)
        self.retire_button.setEnabled(record is not None)
        if record is not None and not record.active:
            self.retire_button.setText("&Bring back")
            self.retire_button.setToolTip(f"Make this {self.screen.register.singular} active again")
        else:
            self.retire_button.setText("Re&tire")
            self.retire_button.setToolTip(
                f"Retire this {self.screen.register.singular}: kept for history, no longer offered"
            )
