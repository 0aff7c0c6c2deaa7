"""The Action plan screen's dialogs: end an adopted action, log a declined data sharing
request, add the practice's own action, and add a voluntary service from the wizard.

Each dialog saves through a service when its main button is pressed and stays open, with
each problem shown beside its field, until the service accepts what was typed. Every one is
run through ``run_modal`` so that tests can answer it; each ``ask_…`` function returns what
was saved, or None when the person cancelled.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from practice_action.domain.calendar import local_today
from practice_action.domain.errors import PracticeActionError, ValidationError
from practice_action.domain.menu import DetailKind, MenuAction
from practice_action.domain.records import VoluntaryService
from practice_action.services import plan as plan_service
from practice_action.services import practice, registers
from practice_action.services.context import Actor, Context
from practice_action.ui.forms import (
    FieldForm,
    WrappingLabel,
    fit_form_to_screen,
    plain_text_edit,
    scrolling_form,
)
from practice_action.ui.modal import run_modal
from practice_action.ui.plan_details import date_edit, long_date, pydate, qdate
from practice_action.ui.record_dialogs import VoluntaryServiceDialog


class ServiceDialog(QDialog):
    """A form over a service call: ``save()`` returns the saved result or raises."""

    def __init__(self, title: str, button: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(600)
        self.saved: Any = None
        self.form = FieldForm()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button: QPushButton = self.buttons.addButton(
            button, QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        # The form scrolls when the screen is too short for it (a laptop at 200%), so that the
        # buttons stay on the screen; on a screen with room it shows whole, with no scroll bar.
        self.scroll = scrolling_form(self.form)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.buttons)
        self.ok_button.setDefault(True)  # once in the dialog, so Enter keeps pressing it

    def showEvent(self, event: QShowEvent) -> None:
        self.fit_to_screen()
        super().showEvent(event)

    def fit_to_screen(self) -> None:
        fit_form_to_screen(self, self.scroll, self.buttons)

    def save(self) -> Any:
        raise NotImplementedError

    def accept(self) -> None:
        self.form.clear_problems()
        try:
            self.saved = self.save()
        except ValidationError as error:
            self.form.show_problems(error.problems)
            self.fit_to_screen()
            return
        except PracticeActionError as error:
            self.form.show_problems({"": str(error)}, focus=False)
            self.fit_to_screen()
            return
        super().accept()


def _ask(dialog: ServiceDialog) -> Any:
    try:
        if run_modal(dialog) == QDialog.DialogCode.Accepted:
            return dialog.saved
        return None
    finally:
        dialog.deleteLater()


# --- ending an adopted action ------------------------------------------------------------


class EndActionDialog(ServiceDialog):
    """Choose the last day of an adopted action and confirm that the plan changes."""

    def __init__(
        self,
        ctx: Context,
        actor: Actor,
        decision: plan_service.DecisionView,
        next_version: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(f"End: {decision.title}", "&End the action", parent)
        self.ctx = ctx
        self.actor = actor
        self.decision = decision
        self.next_version = next_version
        assert decision.effective_date is not None
        start = decision.effective_date
        today = local_today(ctx.clock)
        self.form.add_note(
            f"<b>{html.escape(decision.title)}</b> has been in the plan since "
            f"{long_date(start)}."
            + (f" It is due to end on {long_date(decision.end_date)}." if decision.end_date else "")
        )
        self.last_day = date_edit(decision.end_date or max(today, start))
        self.last_day.setMinimumDate(qdate(start))
        self.form.add_row(
            "end_date",
            "&Last day of the action",
            self.last_day,
            "The action still applies on this day and stops after it. It cannot end before "
            "it started.",
        )
        self.confirm = WrappingLabel()
        self.confirm.setObjectName("confirm")
        self.confirm.setTextFormat(Qt.TextFormat.PlainText)
        self.confirm.setContentsMargins(0, 6, 0, 6)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(1, self.confirm)
        self.last_day.dateChanged.connect(self._explain)
        self._explain()
        self.last_day.setFocus()

    def chosen(self) -> date:
        return pydate(self.last_day.date())

    def _explain(self, *_: object) -> None:
        self.confirm.setText(
            f"The plan gets a new version ({self.next_version}) in which "
            f"{self.decision.title} ends on {long_date(self.chosen())}; every other decision "
            "stays as it is. Earlier versions are kept in the history."
        )

    def save(self) -> plan_service.VersionView:
        return plan_service.end_action(self.ctx, self.actor, self.decision.action_id, self.chosen())


def ask_end_action(
    ctx: Context,
    actor: Actor,
    decision: plan_service.DecisionView,
    next_version: int,
    parent: QWidget | None = None,
) -> plan_service.VersionView | None:
    return _ask(EndActionDialog(ctx, actor, decision, next_version, parent))


# --- the freeze log ----------------------------------------------------------------------


class DeclinedRequestDialog(ServiceDialog):
    def __init__(self, ctx: Context, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__("Record a declined data sharing request", "&Record it", parent)
        self.ctx = ctx
        self.actor = actor
        today = local_today(ctx.clock)
        self.requester = QLineEdit()
        self.requester.setPlaceholderText("e.g. Riverside ICB digital team")
        self.form.add_row("requester", "&Who asked", self.requester)
        self.description = plain_text_edit(4)
        self.description.setPlaceholderText(
            "e.g. Asked us to join the regional population health platform. Declined by "
            "email to the ICB, citing the practice's freeze on new agreements."
        )
        self.form.add_row(
            "description",
            "W&hat they asked for",
            self.description,
            "Say what was asked and how the practice declined it (letter, email, at a "
            "meeting). No patient details.",
        )
        self.received = date_edit(today)
        self.received.setMaximumDate(qdate(today))
        self.form.add_row("received_on", "Request recei&ved on", self.received)
        self.declined = date_edit(today)
        self.declined.setMaximumDate(qdate(today))
        self.form.add_row("declined_on", "&Declined on", self.declined)
        self.requester.setFocus()

    def save(self) -> plan_service.DeclinedRequest:
        return plan_service.record_declined_request(
            self.ctx,
            self.actor,
            self.requester.text(),
            self.description.toPlainText(),
            pydate(self.received.date()),
            pydate(self.declined.date()),
        )


def ask_declined_request(
    ctx: Context, actor: Actor, parent: QWidget | None = None
) -> plan_service.DeclinedRequest | None:
    return _ask(DeclinedRequestDialog(ctx, actor, parent))


# --- the practice's own action -----------------------------------------------------------

# What the wizard asks for when the practice's own action is adopted. The contacts limit is
# left out: the counter follows the one limit the BMA's menu sets.
OWN_DETAIL_KINDS: tuple[tuple[DetailKind, str], ...] = (
    (DetailKind.CHECKLIST, "Tasks to tick off (listed below)"),
    (DetailKind.NONE, "Nothing more: just the decision and its dates"),
    (DetailKind.ADVICE_GUIDANCE, "A policy for the clinicians, with its exceptions"),
    (DetailKind.VOLUNTARY_NOTICE, "Notice on voluntary services (letters to commissioners)"),
    (DetailKind.DSA_WITHDRAWAL, "Withdrawal from data sharing agreements (letters)"),
    (DetailKind.DSA_FREEZE, "A policy on new data sharing requests, with a log of those declined"),
    (DetailKind.REFERRALS, "Professional referral letter wording"),
)


def task_list(text: str) -> list[dict[str, str]]:
    """One task a line; each gets an id made from its words, unique within the action."""
    tasks: list[dict[str, str]] = []
    used: set[str] = set()
    for line in text.splitlines():
        words = " ".join(line.split()).lstrip("-•☐ ").strip()
        if not words:
            continue
        base = re.sub(r"[^a-z0-9]+", "-", words.lower()).strip("-")[:40].strip("-") or "task"
        key, n = base, 1
        while key in used:
            n += 1
            key = f"{base}-{n}"
        used.add(key)
        tasks.append({"id": key, "text": words})
    return tasks


class OwnActionDialog(ServiceDialog):
    def __init__(self, ctx: Context, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__("Add the practice's own action", "&Add the action", parent)
        self.ctx = ctx
        self.actor = actor
        self.form.add_note(
            "For an action announced after these menus, by the BMA or your LMC. It appears in "
            "the wizard after the menu's actions, where the partners decide on it."
        )
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("A short title, e.g. Defer new local pilots")
        self.form.add_row("title", "&Title", self.title_edit)
        self.wording = plain_text_edit(3)
        self.form.add_row(
            "wording", "&Wording as published", self.wording, "Copy it word for word."
        )
        self.attribution = QLineEdit()
        self.attribution.setPlaceholderText("e.g. Leicestershire and Rutland LMC")
        self.form.add_row("attribution", "Published &by", self.attribution)
        self.source = QLineEdit()
        self.source.setPlaceholderText("e.g. LMC bulletin, May 2026")
        self.form.add_row("source", "&Source", self.source, "Where and when it was published.")
        self.explanation = plain_text_edit(3)
        self.form.add_row(
            "explanation", "What it &means", self.explanation, "In plain English, for the team."
        )
        self.involves = plain_text_edit(2)
        self.form.add_row("involves", "What it &involves", self.involves)
        self.detail = QComboBox()
        for kind, label in OWN_DETAIL_KINDS:
            self.detail.addItem(label, kind.value)
        self.form.add_row("detail", "What the wi&zard asks", self.detail)
        self.tasks = plain_text_edit(3)
        self.tasks.setPlaceholderText("One task a line, e.g. Tell the ICB in writing")
        self.form.add_row(
            "tasks",
            "Tas&ks",
            self.tasks,
            "Added to the plan's open tasks when the action is adopted. At least one for "
            "'Tasks to tick off'.",
        )
        self.title_edit.setFocus()

    def fields(self) -> dict[str, Any]:
        return {
            "title": self.title_edit.text(),
            "wording": self.wording.toPlainText(),
            "attribution": self.attribution.text(),
            "source": self.source.text(),
            "explanation": self.explanation.toPlainText(),
            "involves": self.involves.toPlainText(),
            "detail": self.detail.currentData(),
            "tasks": task_list(self.tasks.toPlainText()),
        }

    def save(self) -> MenuAction:
        fields = self.fields()
        # Say everything missing at once, in our words; the service checks the rest.
        missing = {
            key: f"Write {what}."
            for key, what in self.REQUIRED.items()
            if not str(fields[key]).strip()
        }
        if fields["detail"] == DetailKind.CHECKLIST.value and not fields["tasks"]:
            missing["tasks"] = (
                "Write at least one task, one a line, or choose another answer for "
                "'What the wizard asks'."
            )
        if missing:
            raise ValidationError(missing)
        return plan_service.add_custom_action(self.ctx, self.actor, fields)

    REQUIRED = {
        "title": "a short title",
        "wording": "the wording as it was published",
        "attribution": "who published it",
        "source": "where and when it was published",
        "explanation": "what it means, in plain English",
        "involves": "what adopting it involves for the practice",
    }


def ask_own_action(ctx: Context, actor: Actor, parent: QWidget | None = None) -> MenuAction | None:
    return _ask(OwnActionDialog(ctx, actor, parent))


# --- a voluntary service added from the wizard -------------------------------------------


def voluntary_service_adder(
    ctx: Context, actor: Actor, parent: QWidget | None = None
) -> Callable[[], VoluntaryService | None]:
    """What the wizard's "Add a service…" button calls: Set-up's own dialog and service."""

    def add() -> VoluntaryService | None:
        try:
            commissioner = practice.get_profile(ctx).icb
        except PracticeActionError:
            commissioner = None
        dialog = VoluntaryServiceDialog(
            None,
            lambda record: registers.save_record(ctx, actor, registers.VOLUNTARY_SERVICES, record),
            parent,
            today=local_today(ctx.clock),
            default_commissioner=commissioner,
        )
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        try:
            if run_modal(dialog) == QDialog.DialogCode.Accepted and dialog.saved is not None:
                return dialog.saved  # type: ignore[no-any-return]
            return None
        finally:
            dialog.deleteLater()

    return add
