"""Record a safety concern or near miss: reachable from the counter and from Reports.

``open_safety_dialog(ctx, actor, parent)`` runs the form through ``run_modal`` (so tests can
answer it) and returns the saved entry, or None when the person cancelled. The form stays
open, with the problem shown, until the service accepts what was typed.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from practice_action.domain.calendar import local_today
from practice_action.domain.errors import PracticeActionError, ValidationError
from practice_action.domain.reports import ConcernKind, SafetyEntry
from practice_action.services import registers, safety
from practice_action.services.context import Actor, Context
from practice_action.ui.forms import FieldForm, plain_text_edit
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
        layout.addWidget(self.form)

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
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.day.dateChanged.connect(lambda _d: self._load_diversions())
        self._load_diversions()
        if entry is not None:
            self._show(entry)
        self.what.setFocus()

    def _show(self, entry: SafetyEntry) -> None:
        self.day.setDate(QDate(entry.day.year, entry.day.month, entry.day.day))
        (self.near_miss if entry.kind is ConcernKind.NEAR_MISS else self.concern).setChecked(True)
        self.what.setPlainText(entry.what_happened)
        self.action.setPlainText(entry.action_taken)
        for combo, wanted in (
            (self.clinician, entry.clinician_id),
            (self.diversion, entry.diversion_id),
        ):
            index = combo.findData(wanted)
            if index >= 0:
                combo.setCurrentIndex(index)

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
