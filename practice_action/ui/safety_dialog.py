"""Record a safety concern or near miss: reachable from the counter and from Reports.

``open_safety_dialog(ctx, actor, parent)`` runs the form through ``run_modal`` (so tests can
answer it) and returns the saved entry, or None when the person cancelled. The form stays
open, with the problem shown, until the service accepts what was typed.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtGui import QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from practice_action.documents.files import write_atomically
from practice_action.domain.calendar import local_today
from practice_action.domain.enums import LabelledEnum
from practice_action.domain.errors import PracticeActionError, ValidationError
from practice_action.domain.reports import ConcernKind, SafetyEntry
from practice_action.domain.safety_event import HarmLevel, SafetyCategory, SafetyPlace
from practice_action.services import registers, safety
from practice_action.services.context import Actor, Context
from practice_action.services.permissions import Permission, allowed
from practice_action.ui.forms import FieldForm, fit_form_to_screen, plain_text_edit, scrolling_form
from practice_action.ui.modal import run_modal


class SafetyDialog(QDialog):
    """Record a new entry, or correct one (``entry`` given): the correction is audited."""

    def __init__(
        self,
        ctx: Context,
        actor: Actor,
        parent: QWidget | None = None,
        *,
        entry: SafetyEntry | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        self.editing = entry
        self.saved: SafetyEntry | None = None
        self.setWindowTitle(
            "Correct a safety log entry" if entry else "Record a safety concern or near miss"
        )
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        self.form = FieldForm()
        self.scroll = scrolling_form(self.form)  # scrolls on a short screen, buttons in view
        layout.addWidget(self.scroll, 1)

        self.what = plain_text_edit(4)
        self.what.setPlaceholderText("What happened, in a few sentences")
        self.form.add_row("what_happened", "&What happened:", self.what, safety.NO_IDENTIFIERS)

        today = local_today(ctx.clock)
        self.day = QDateEdit()
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("ddd d MMM yyyy")
        self.day.setMaximumDate(QDate(today.year, today.month, today.day))
        self.day.setDate(QDate(today.year, today.month, today.day))
        self.form.add_row("day", "&Date:", self.day)

        self.time = QLineEdit()
        self.time.setPlaceholderText("HH:MM, if known")
        self.time.setMaximumWidth(120)
        self.form.add_row("time_of_day", "Ti&me:", self.time)

        kinds = QWidget()
        kinds_layout = QVBoxLayout(kinds)
        kinds_layout.setContentsMargins(0, 0, 0, 0)
        self.concern = QRadioButton(ConcernKind.CONCERN.label)
        self.near_miss = QRadioButton(
            f"{ConcernKind.NEAR_MISS.label} (something that could have caused harm but did not)"
        )
        self.concern.setChecked(True)
        kinds_layout.addWidget(self.concern)
        kinds_layout.addWidget(self.near_miss)
        self.form.add_row("kind", "Kind:", kinds)

        self.category = _choices(SafetyCategory)
        self.category.setCurrentIndex(self.category.findData(SafetyCategory.OTHER.value))
        self.form.add_row("category", "Cate&gory:", self.category)
        self.place = _choices(SafetyPlace)
        self.form.add_row("place", "Wh&ere:", self.place)
        self.harm = _choices(HarmLevel)
        self.form.add_row(
            "harm",
            "Level of &harm:",
            self.harm,
            "As NHS England's national recording asks it; change it later if it becomes clear.",
        )

        self.clinician = QComboBox()
        self.clinician.addItem("No clinician", None)
        for c in registers.list_records(ctx, registers.CLINICIANS, include_retired=False):
            self.clinician.addItem(f"{c.name} ({c.role.label})", c.id)
        self.form.add_row("clinician_id", "&Clinician involved:", self.clinician)

        self.diversion = QComboBox()
        self.form.add_row(
            "diversion_id",
            "Linked di&version:",
            self.diversion,
            "A patient diverted that day whom this concerns, if any.",
        )

        self.action = plain_text_edit(3)
        self.action.setPlaceholderText("What was done about it (optional)")
        self.form.add_row("action_taken", "&Action taken:", self.action)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.national_button: QPushButton | None = None
        if entry is not None and entry.id is not None and allowed(actor, Permission.VIEW_REPORTS):
            self.national_button = self.buttons.addButton(
                "For &national reporting…", QDialogButtonBox.ButtonRole.ActionRole
            )
            self.national_button.setToolTip(
                "The entry laid out as NHS England's national patient-safety recording asks, "
                "to copy into it"
            )
            self.national_button.clicked.connect(self.show_national_record)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.day.dateChanged.connect(lambda _d: self._load_diversions())
        self._load_diversions()
        if entry is not None:
            self._show(entry)
        self.what.setFocus()

    def showEvent(self, event: QShowEvent) -> None:
        fit_form_to_screen(self, self.scroll, self.buttons)
        super().showEvent(event)

    def _show(self, entry: SafetyEntry) -> None:
        self.day.setDate(QDate(entry.day.year, entry.day.month, entry.day.day))
        (self.near_miss if entry.kind is ConcernKind.NEAR_MISS else self.concern).setChecked(True)
        self.what.setPlainText(entry.what_happened)
        self.action.setPlainText(entry.action_taken)
        self.time.setText(entry.time_of_day)
        for combo, value in (
            (self.category, entry.category),
            (self.place, entry.place),
            (self.harm, entry.harm),
        ):
            combo.setCurrentIndex(max(0, combo.findData(value.value)))
        for combo, wanted in (
            (self.clinician, entry.clinician_id),
            (self.diversion, entry.diversion_id),
        ):
            index = combo.findData(wanted)
            if index >= 0:
                combo.setCurrentIndex(index)

    def show_national_record(self) -> None:
        assert self.editing is not None and self.editing.id is not None
        try:
            text = safety.national_record(self.ctx, self.actor, self.editing.id)
        except PracticeActionError as error:
            self.form.show_problems({"": str(error)})
            return
        run_modal(NationalRecordDialog(text, self.editing, self))

    def chosen_day(self) -> date:
        return self.day.date().toPython()  # type: ignore[return-value]

    def _load_diversions(self) -> None:
        self.diversion.clear()
        self.diversion.addItem("None", None)
        for diversion_id, words in safety.diversions_on(self.ctx, self.actor, self.chosen_day()):
            self.diversion.addItem(words, diversion_id)

    def entry(self) -> SafetyEntry:
        return SafetyEntry(
            id=self.editing.id if self.editing else None,
            day=self.chosen_day(),
            kind=ConcernKind.NEAR_MISS if self.near_miss.isChecked() else ConcernKind.CONCERN,
            what_happened=self.what.toPlainText(),
            action_taken=self.action.toPlainText(),
            clinician_id=self.clinician.currentData(),
            diversion_id=self.diversion.currentData(),
            category=SafetyCategory(self.category.currentData()),
            harm=HarmLevel(self.harm.currentData()),
            place=SafetyPlace(self.place.currentData()),
            time_of_day=self.time.text(),
        )

    def accept(self) -> None:
        """Save through the service; stay open and show what is wrong if it refuses."""
        self.form.clear_problems()
        try:
            if self.editing is None:
                self.saved = safety.record(self.ctx, self.actor, self.entry())
            else:
                self.saved = safety.edit(self.ctx, self.actor, self.entry())
        except ValidationError as error:
            self.form.show_problems(error.problems)
            return
        except PracticeActionError as error:
            self.form.show_problems({"": str(error)})
            return
        super().accept()


def _choices(enum: type[LabelledEnum]) -> QComboBox:
    combo = QComboBox()
    for member in enum:
        combo.addItem(member.label, member.value)
    return combo


class NationalRecordDialog(QDialog):
    """One entry as text to transcribe into the national service: copy it, or save it."""

    def __init__(self, text: str, entry: SafetyEntry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entry = entry
        self.setWindowTitle("Safety log entry for national reporting")
        self.resize(620, 520)
        layout = QVBoxLayout(self)
        self.text = QPlainTextEdit(text)
        self.text.setReadOnly(True)
        self.text.setAccessibleName("The entry for national reporting")
        layout.addWidget(self.text)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = buttons.addButton("&Copy", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy)
        self.save_button = buttons.addButton(
            "&Save as text…", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.save_button.clicked.connect(self.choose_file)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text.toPlainText())
        self.message.setText("Copied: paste it into the national service's form.")

    def choose_file(self) -> QFileDialog:
        dialog = QFileDialog(
            self, "Save the entry as text", f"safety-log-entry-{self.entry.id}.txt"
        )
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter("Text files (*.txt)")
        dialog.setDefaultSuffix("txt")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.fileSelected.connect(lambda name: self.save(Path(name)))
        dialog.open()
        return dialog

    def save(self, path: Path) -> bool:
        try:
            write_atomically(path, self.text.toPlainText().encode("utf-8"))
        except OSError as error:
            self.message.setText(
                f"The file could not be written ({error.strerror}): {path}. Choose another folder."
            )
            return False
        self.message.setText(f"Saved to {path}")
        return True


def open_safety_dialog(
    ctx: Context, actor: Actor, parent: QWidget | None = None, *, entry: SafetyEntry | None = None
) -> SafetyEntry | None:
    """Ask for a safety concern and record it (or correct ``entry``); the saved entry, or
    None if cancelled."""
    dialog = SafetyDialog(ctx, actor, parent, entry=entry)
    try:
        if run_modal(dialog) == QDialog.DialogCode.Accepted and dialog.saved is not None:
            return dialog.saved
        return None
    finally:
        dialog.deleteLater()


__all__ = ["SafetyDialog", "open_safety_dialog"]
