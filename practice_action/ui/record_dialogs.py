"""The edit dialogs of the practice's registers: one per register, every field of a record.

A dialog never saves on its own: ``Save`` hands the record it built to the ``save``
function it was given (a service call). A ``ValidationError`` shows each problem beside its
field and the dialog stays open; any other ``PracticeActionError`` shows under the fields.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from practice_action.documents.times import hours_doubts
from practice_action.domain.enums import (
    ClinicianRole,
    DpiaStatus,
    DsaPurpose,
    LabelledEnum,
    RecipientKind,
    Requirement,
    ServiceBasis,
    ServiceKind,
    Session,
    Weekday,
)
from practice_action.domain.errors import PracticeActionError, ValidationError
from practice_action.domain.records import (
    Clinician,
    DataSharingAgreement,
    LocalService,
    PostalAddress,
    VoluntaryService,
)
from practice_action.ui.forms import (
    AddressEditor,
    FieldForm,
    WrappingLabel,
    fit_form_to_screen,
    plain_text_edit,
    plural_suffix,
    resize_within_screen,
    scrolling_form,
)

SaveFunction = Callable[[Any], Any]


def hours_warning(hours: str) -> str:
    """What Set-up says of opening hours that can be read two ways; empty when none can."""
    doubts = hours_doubts(hours)
    if not doubts:
        return ""
    parts = [
        f"\u201c{d.typed}\u201d will be printed exactly as typed, as it could mean morning or "
        "afternoon"
        if d.left_as_typed
        else f"\u201c{d.typed}\u201d will be printed as \u201c{d.printed}\u201d"
        for d in doubts
    ]
    return (
        "\u26a0 These hours can be read two ways: "
        + "; ".join(parts)
        + ". If that is not what you mean, write am or pm (for example 8:30am to 6:30pm)."
    )


def enum_combo(enum: type[LabelledEnum], only: tuple[LabelledEnum, ...] = ()) -> QComboBox:
    combo = QComboBox()
    for member in only or tuple(enum):
        combo.addItem(member.label, member.value)
    return combo


def set_combo(combo: QComboBox, member: LabelledEnum) -> None:
    combo.setCurrentIndex(max(0, combo.findData(member.value)))


def date_text(day: date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


class RecordDialog(QDialog):
    """A form with Save and Cancel; Save calls ``save`` with ``record()``."""

    title_new = "Add"
    title_edit = "Edit"

    def __init__(self, save: SaveFunction, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._save = save
        self.saved: Any = None
        self.form = FieldForm()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setShortcut(QKeySequence.StandardKey.Save)
        self.save_button.setToolTip("Save this record (Ctrl+S)")
        self.buttons.accepted.connect(self.try_save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        self.scroll = scrolling_form(self.form)  # scrolls on a short screen, buttons in view
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.buttons)
        # Made default once it is in the dialog, so that the dialog remembers it: Enter saves
        # even after the mouse has been on Save (set before, the default is lost on focus out).
        self.save_button.setDefault(True)

    def showEvent(self, event: QShowEvent) -> None:
        # Wide enough to read, and as tall as the form needs, within the screen.
        fit_form_to_screen(self, self.scroll, self.buttons)
        resize_within_screen(self, max(640, self.width()), self.height())
        super().showEvent(event)

    def record(self) -> Any:
        raise NotImplementedError

    def _grow(self) -> None:
        """Make room for the messages now shown, so no field is squashed under them."""
        self.layout().activate()
        fit_form_to_screen(self, self.scroll, self.buttons)

    def try_save(self) -> bool:
        """Save the record if it is valid; otherwise show why and stay open."""
        try:
            self.saved = self._save(self.record())
        except ValidationError as error:
            self.form.show_problems(error.problems)
            self._grow()
            return False
        except PracticeActionError as error:
            self.form.show_problems({"": str(error)}, focus=False)
            self._grow()
            return False
        self.form.clear_problems()
        self.accept()
        return True


class ClinicianDialog(RecordDialog):
    def __init__(
        self, clinician: Clinician | None, save: SaveFunction, parent: QWidget | None = None
    ) -> None:
        super().__init__(save, parent)
        self.original = clinician
        self.setWindowTitle("Edit clinician" if clinician else "Add a clinician")
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("e.g. Dr Amira Patel")
        self.role_combo = enum_combo(ClinicianRole)
        self.sessions = SessionsGrid()
        self.form.add_row("name", "&Name", self.name_edit)
        self.form.add_row("role", "&Role", self.role_combo)
        self.form.add_row(
            "sessions",
            "Usual &sessions",
            self.sessions,
            "Tick the sessions this clinician usually works. A full day is two sessions.",
        )
        if clinician:
            self.name_edit.setText(clinician.name)
            set_combo(self.role_combo, clinician.role)
            self.sessions.set_value(clinician.sessions)

    def record(self) -> Clinician:
        base = self.original
        return Clinician(
            name=self.name_edit.text(),
            role=ClinicianRole(self.role_combo.currentData()),
            sessions=self.sessions.value(),
            active=base.active if base else True,
            id=base.id if base else None,
        )


class SessionsGrid(QWidget):
    """Mornings and afternoons, Monday to Sunday, as a grid of tick boxes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(14)
        self.boxes: dict[tuple[Weekday, Session], QCheckBox] = {}
        for column, day in enumerate(Weekday, start=1):
            header = QLabel(f"<b>{day.short}</b>")
            header.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(header, 0, column + (1 if day.index >= 5 else 0))
        grid.setColumnMinimumWidth(6, 16)  # a gap before the weekend
        for row, session in enumerate(Session, start=1):
            grid.addWidget(QLabel(session.label), row, 0)
            for column, day in enumerate(Weekday, start=1):
                box = QCheckBox()
                box.setAccessibleName(f"{day.label} {session.label.lower()}")
                box.setToolTip(f"{day.label} {session.label.lower()}")
                self.boxes[(day, session)] = box
                grid.addWidget(
                    box,
                    row,
                    column + (1 if day.index >= 5 else 0),
                    Qt.AlignmentFlag.AlignCenter,
                )
        grid.setColumnStretch(9, 1)
        # Tab goes along the week, a morning then its afternoon, as people read a rota.
        order = [self.boxes[(d, s)] for d in Weekday for s in Session]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)

    def set_value(self, sessions: frozenset[tuple[Weekday, Session]]) -> None:
        for key, box in self.boxes.items():
            box.setChecked(key in sessions)

    def value(self) -> frozenset[tuple[Weekday, Session]]:
        return frozenset(key for key, box in self.boxes.items() if box.isChecked())


class LocalServiceDialog(RecordDialog):
    def __init__(
        self, service: LocalService | None, save: SaveFunction, parent: QWidget | None = None
    ) -> None:
        super().__init__(save, parent)
        self.original = service
        self.setWindowTitle("Edit local service" if service else "Add a local service")
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("e.g. Leicester Royal Infirmary UTC")
        self.kind_combo = enum_combo(ServiceKind)
        self.address_edit = plain_text_edit(3)
        self.address_edit.setPlaceholderText("Street and town, one per line (optional for 111)")
        self.postcode_edit = QLineEdit()
        self.postcode_edit.setMaximumWidth(140)
        self.phone_edit = QLineEdit()
        self.phone_edit.setPlaceholderText("e.g. 0116 222 3333, or 111")
        self.hours_edit = QLineEdit()
        self.hours_edit.setPlaceholderText("e.g. Every day, 8am to 10pm")
        self.form.add_row("name", "&Name", self.name_edit)
        self.form.add_row("kind", "&Kind", self.kind_combo)
        self.form.add_row("address", "&Address", self.address_edit)
        self.form.add_row("postcode", "&Postcode", self.postcode_edit)
        self.form.add_row("phone", "P&hone", self.phone_edit)
        self.form.add_row(
            "hours", "Opening h&ours", self.hours_edit, "As reception would tell a patient."
        )
        # Hours that can be read two ways are saved as typed, with a warning of how the
        # notices will print them, so that the person can write am or pm if it is wrong.
        self.hours_warning = WrappingLabel()
        self.hours_warning.setObjectName("hours_warning")
        self.hours_warning.setStyleSheet("color: #7a4a00;")
        self.form.layout_.insertRow(self._row_after(self.hours_edit), None, self.hours_warning)
        self.form.layout_.setRowVisible(self.hours_warning, False)
        self.hours_edit.textChanged.connect(self._warn_about_hours)
        if service:
            self.name_edit.setText(service.name)
            set_combo(self.kind_combo, service.kind)
            self.address_edit.setPlainText(service.address)
            self.postcode_edit.setText(service.postcode)
            self.phone_edit.setText(service.phone)
            self.hours_edit.setText(service.hours)

    def _row_after(self, editor: QWidget) -> int:
        """The form row under the editor's hint, where a warning about it goes."""
        row, _ = self.form.layout_.getWidgetPosition(editor)
        return row + 2  # under the hint, above the problem message

    def _warn_about_hours(self, text: str) -> None:
        self.hours_warning.setText(hours_warning(text))
        self.form.layout_.setRowVisible(self.hours_warning, bool(self.hours_warning.text()))

    def record(self) -> LocalService:
        base = self.original
        return LocalService(
            name=self.name_edit.text(),
            kind=ServiceKind(self.kind_combo.currentData()),
            address=self.address_edit.toPlainText(),
            postcode=self.postcode_edit.text(),
            phone=self.phone_edit.text(),
            hours=self.hours_edit.text(),
            active=base.active if base else True,
            id=base.id if base else None,
        )


class VoluntaryServiceDialog(RecordDialog):
    def __init__(
        self,
        service: VoluntaryService | None,
        save: SaveFunction,
        parent: QWidget | None = None,
        *,
        today: date,
        default_commissioner: PostalAddress | None = None,
    ) -> None:
        super().__init__(save, parent)
        self.original = service
        self.today = today
        self.setWindowTitle("Edit voluntary service" if service else "Add a voluntary service")
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("e.g. Ear irrigation")
        self.commissioner = AddressEditor("commissioner", "Commissioner")
        self.notice_days = QSpinBox()
        self.notice_days.setAccessibleName("Notice period in days")
        self.notice_days.setRange(0, 730)
        plural_suffix(self.notice_days, "day", "days")
        self.notice_days.setMaximumWidth(140)
        self.notice_explained = QLabel()
        self.notice_explained.setWordWrap(True)
        self.notes_edit = plain_text_edit(2)
        self.kind_combo = enum_combo(
            RecipientKind, (RecipientKind.COMMISSIONER, RecipientKind.TRUST)
        )
        self.basis_combo = enum_combo(ServiceBasis)
        self.clause_edit = QLineEdit()
        self.clause_edit.setPlaceholderText("e.g. clause 12.2 of the Ear care LES 2025/26")
        self.patient_name_edit = QLineEdit()
        self.patient_name_edit.setPlaceholderText("e.g. Blood tests the hospital asked for")
        self.instead_edit = QLineEdit()
        self.instead_edit.setPlaceholderText("e.g. Book at the hospital's blood test clinic")
        self.instead_phone_edit = QLineEdit()
        self.instead_phone_edit.setMaximumWidth(200)
        self.form.add_row("name", "&Name", self.name_edit)
        self.form.add_heading("Who it is for (the letter of notice goes here)")
        self.form.add_row("commissioner_kind", "&Who they are", self.kind_combo)
        self.kind_combo.setToolTip(
            "A trust is not a commissioner: its letter says the work is the trust's own."
        )
        self.form.add_form(self.commissioner)
        self.form.add_row("basis", "&Terms", self.basis_combo)
        self.form.add_row("termination_clause", "Termination &clause", self.clause_edit)
        self.clause_edit.setToolTip(
            "The clause of the local agreement that the notice is given under."
        )
        notice = QWidget()
        row = QHBoxLayout(notice)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.notice_days)
        row.addWidget(self.notice_explained, 1)
        self.form.add_row(
            "notice_days",
            "Notice &period",
            notice,
            "As your local agreement sets it: there is no national figure.",
        )
        self.form.editor("notice_days").setFocusProxy(self.notice_days)
        self.form.add_heading("For patients (the notices print this)")
        self.form.add_row("patient_name", "Name patients &know", self.patient_name_edit)
        self.form.add_row("instead", "What to do &instead", self.instead_edit)
        self.form.add_row("instead_phone", "Its p&hone", self.instead_phone_edit)
        self.form.add_row("notes", "N&otes", self.notes_edit)
        self.notice_days.valueChanged.connect(self._explain)
        self.basis_combo.currentIndexChanged.connect(self._basis_changed)
        if service:
            self.name_edit.setText(service.name)
            self.commissioner.set_value(service.commissioner)
            self.notice_days.setValue(service.notice_days)
            self.notes_edit.setPlainText(service.notes)
            set_combo(self.kind_combo, service.commissioner_kind)
            set_combo(self.basis_combo, service.basis)
            self.clause_edit.setText(service.termination_clause)
            self.patient_name_edit.setText(service.patient_name)
            self.instead_edit.setText(service.instead)
            self.instead_phone_edit.setText(service.instead_phone)
        else:
            self.notice_days.setValue(90)
            if default_commissioner is not None:
                self.commissioner.set_value(default_commissioner)
        self._explain()
        self._basis_changed()

    def _explain(self) -> None:
        self.notice_explained.setText(last_day_text(self.today, self.notice_days.value()))

    def _basis_changed(self) -> None:
        self.clause_edit.setEnabled(
            self.basis_combo.currentData() == ServiceBasis.LOCAL_AGREEMENT.value
        )

    def record(self) -> VoluntaryService:
        base = self.original
        return VoluntaryService(
            name=self.name_edit.text(),
            commissioner=self.commissioner.value(),
            notice_days=self.notice_days.value(),
            notes=self.notes_edit.toPlainText(),
            active=base.active if base else True,
            id=base.id if base else None,
            commissioner_kind=RecipientKind(self.kind_combo.currentData()),
            basis=ServiceBasis(self.basis_combo.currentData()),
            termination_clause=self.clause_edit.text(),
            patient_name=self.patient_name_edit.text(),
            instead=self.instead_edit.text(),
            instead_phone=self.instead_phone_edit.text(),
        )


def last_day_text(today: date, days: int) -> str:
    if days == 0:
        return "No notice: the service could stop on the day notice is served."
    return (
        f"Served today, notice ends on {date_text(today + timedelta(days=days))}: "
        "the last day the practice provides the service."
    )


class AgreementDialog(RecordDialog):
    def __init__(
        self,
        agreement: DataSharingAgreement | None,
        save: SaveFunction,
        parent: QWidget | None = None,
        *,
        today: date,
    ) -> None:
        super().__init__(save, parent)
        self.original = agreement
        self.setWindowTitle(
            "Edit data sharing agreement" if agreement else "Add a data sharing agreement"
        )
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("e.g. Population health analytics platform")
        self.party = AddressEditor("party", "Other party")
        self.party_kind_combo = enum_combo(RecipientKind)
        set_combo(self.party_kind_combo, RecipientKind.DATA_CONTROLLER)
        self.purpose_combo = enum_combo(DsaPurpose)
        self.purpose_text_edit = QLineEdit()
        self.purpose_text_edit.setPlaceholderText(
            "e.g. population health analysis and the planning of services for the ICB"
        )
        self.lawful_basis_edit = QLineEdit()
        self.lawful_basis_edit.setPlaceholderText("e.g. UK GDPR Articles 6(1)(e) and 9(2)(h)")
        self.dpia_combo = enum_combo(DpiaStatus)
        self.required_combo = enum_combo(Requirement)
        self.signed_known = QCheckBox("Known")
        self.signed_edit = QDateEdit()
        self.signed_edit.setCalendarPopup(True)
        self.signed_edit.setDisplayFormat("dd/MM/yyyy")
        self.signed_edit.setMaximumDate(QDate(today.year, today.month, today.day))
        self.signed_edit.setDate(QDate(today.year, today.month, today.day))
        self.signed_edit.setEnabled(False)
        self.signed_edit.setAccessibleName("Date signed")
        self.signed_known.setAccessibleName("Date signed is known")
        self.signed_known.toggled.connect(self.signed_edit.setEnabled)
        signed = QWidget()
        row = QHBoxLayout(signed)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.signed_known)
        row.addWidget(self.signed_edit)
        row.addStretch(1)
        signed.setFocusProxy(self.signed_known)
        self.form.add_row("name", "&Name", self.name_edit)
        self.form.add_heading("The other party (the withdrawal letter goes here)")
        self.form.add_row("party_kind", "&Who they are", self.party_kind_combo)
        self.form.add_form(self.party)
        self.form.add_row(
            "purpose",
            "&Purpose",
            self.purpose_combo,
            "Secondary purposes: uses other than the care of the patient (planning, research, "
            "finance).",
        )
        self.form.add_row(
            "purpose_text",
            "Purpose in wor&ds",
            self.purpose_text_edit,
            "The agreement's own purpose, as the withdrawal letter should name it.",
        )
        self.form.add_row("lawful_basis", "&Lawful basis", self.lawful_basis_edit)
        self.form.add_row("dpia", "DP&IA", self.dpia_combo)
        self.form.add_row(
            "required_by",
            "&Required by",
            self.required_combo,
            "An agreement the GP contract or the law requires cannot be withdrawn.",
        )
        self.form.add_row(
            "signed_on", "Date &signed", signed, "Leave 'Known' unticked if you cannot find it."
        )
        if agreement:
            self.name_edit.setText(agreement.name)
            self.party.set_value(agreement.party)
            set_combo(self.purpose_combo, agreement.purpose)
            set_combo(self.party_kind_combo, agreement.party_kind)
            self.purpose_text_edit.setText(agreement.purpose_text)
            self.lawful_basis_edit.setText(agreement.lawful_basis)
            set_combo(self.dpia_combo, agreement.dpia)
            set_combo(self.required_combo, agreement.required_by)
            if agreement.signed_on:
                self.signed_known.setChecked(True)
                day = agreement.signed_on
                self.signed_edit.setDate(QDate(day.year, day.month, day.day))

    def record(self) -> DataSharingAgreement:
        base = self.original
        signed: date | None = None
        if self.signed_known.isChecked():
            qd = self.signed_edit.date()
            signed = date(qd.year(), qd.month(), qd.day())
        return DataSharingAgreement(
            name=self.name_edit.text(),
            party=self.party.value(),
            purpose=DsaPurpose(self.purpose_combo.currentData()),
            signed_on=signed,
            active=base.active if base else True,
            id=base.id if base else None,
            party_kind=RecipientKind(self.party_kind_combo.currentData()),
            purpose_text=self.purpose_text_edit.text(),
            lawful_basis=self.lawful_basis_edit.text(),
            dpia=DpiaStatus(self.dpia_combo.currentData()),
            required_by=Requirement(self.required_combo.currentData()),
        )
