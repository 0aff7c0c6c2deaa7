"""Staff accounts and the audit trail: who may use the app, and what each person did.

Dialogs here open with ``open()`` and are returned to the caller, so nothing waits on a
person: a test fills the dialog in and presses its buttons; the app lets the person do it.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, QThread, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from practice_action.documents.files import refuse_practice_files
from practice_action.domain import records
from practice_action.domain.audit_words import field_label, group_label, kind_label
from practice_action.domain.calendar import local_today
from practice_action.domain.enums import StaffRole
from practice_action.domain.errors import PracticeActionError, ValidationError
from practice_action.domain.records import StaffMember
from practice_action.domain.words import plural
from practice_action.services import audit, staff
from practice_action.services.audit import AuditView
from practice_action.services.context import Actor, Context
from practice_action.ui.forms import FieldForm, set_problem
from practice_action.ui.sections import Section, section
from practice_action.ui.tables import RIGHT, Column, FilteredTable

PIN_HINT = "At least 6 digits; not one digit repeated and not a run such as 123456."


def _heading(text: str) -> QLabel:
    label = QLabel(f"<h2>{escape(text)}</h2>")
    return label


def _note(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: #444444;")
    return label


def _pin_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(12)
    edit.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
    return edit


def _pins_problem(pin: str, again: str, member: StaffMember | None = None) -> dict[str, str]:
    """Problems found before asking the service: the two PINs must match."""
    if pin == again:
        return {}
    problems = {"pin_again": "The two PINs differ: type the same PIN in both boxes."}
    try:
        records.check_pin(pin)
    except ValueError as error:
        problems["pin"] = str(error)
    if member is not None:
        try:
            records.validate_staff(member)
        except ValidationError as error:
            problems.update(error.problems)
    return problems


class PartnerAgreement(FieldForm):
    """A partner's agreement to a change of partner rights: which partner, and their PIN.

    Shown only when the change needs one (the service decides, and refuses without it)."""

    def __init__(self) -> None:
        super().__init__()
        self.add_heading("A partner agrees")
        self.note = self.add_note("")
        self.partner = QComboBox()
        self.pin = _pin_edit()
        self.add_row("agreed_by", "Partner &who agrees", self.partner)
        self.add_row("agreed_pin", "&Their PIN", self.pin, "Typed by that partner, here and now.")
        self.setVisible(False)

    def need(self, partners: tuple[tuple[int, str], ...], what: str) -> None:
        """Show the rows for ``partners`` (or hide them when the change needs none)."""
        chosen = self.partner.currentData()
        self.partner.clear()
        for staff_id, name in partners:
            self.partner.addItem(name, staff_id)
        if chosen is not None and self.partner.findData(chosen) >= 0:
            self.partner.setCurrentIndex(self.partner.findData(chosen))
        self.note.setText(
            f"To {what}, a partner must agree: they choose their name and type their PIN. "
            "Nobody may agree to a change of their own rights."
        )
        self.setVisible(bool(partners))

    def countersign(self) -> staff.Countersign | None:
        if not self.isVisible() or self.partner.currentData() is None:
            return None
        return staff.Countersign(int(self.partner.currentData()), self.pin.text())


# Staff


class StaffDialog(QDialog):
    """Add a person (name, role, PIN twice) or change one (name, role, active)."""

    def __init__(
        self,
        ctx: Context,
        actor: Actor,
        member: StaffMember | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.actor, self.member = ctx, actor, member
        self.saved: StaffMember | None = None
        adding = member is None
        self.setWindowTitle("Add a person" if adding else f"Change {member.name}")
        self.setMinimumWidth(520)

        self.form = FieldForm()
        self.name = QLineEdit()
        self.role = QComboBox()
        for role in StaffRole:
            self.role.addItem(role.label, role.value)  # Qt keeps a StrEnum as a plain str
        self.form.add_row("name", "&Name", self.name, "As colleagues know them, e.g. Jo Brennan.")
        self.form.add_row(
            "role",
            "&Role",
            self.role,
            "Receptionists use the counter; managers and partners also set up the practice, "
            "staff and plan; only partners approve the plan and sign letters.",
        )
        self.active = QCheckBox("Can sign in (untick when someone leaves)")
        self.pin = _pin_edit()
        self.pin_again = _pin_edit()
        if adding:
            self.form.add_row("pin", "&PIN", self.pin, PIN_HINT)
            self.form.add_row("pin_again", "PIN &again", self.pin_again)
            self.role.setCurrentIndex(self.role.findData(StaffRole.RECEPTIONIST.value))
        else:
            self.name.setText(member.name)
            self.role.setCurrentIndex(self.role.findData(member.role.value))
            self.active.setChecked(member.active)
            self.form.add_row("active", "&Active", self.active)
        self.agreement = self.form.add_form(PartnerAgreement())
        self.role.currentIndexChanged.connect(self._ask_agreement)
        self.active.toggled.connect(self._ask_agreement)
        self.name.textChanged.connect(self._ask_agreement)
        self._ask_agreement()

        self.buttons = _lay_out_with_save(self)

    def _ask_agreement(self) -> None:
        """Show the partner's agreement rows when the change gives or takes partner rights."""
        is_partner = self.role.currentData() == StaffRole.PARTNER.value
        was = self.member
        was_partner = was is not None and was.active and was.role is StaffRole.PARTNER
        if was is not None:
            is_partner = is_partner and self.active.isChecked()
        name = self.name.text().strip() or "this person"
        if is_partner and not was_partner:
            giving, what = True, f"make {name} a partner"
        elif was_partner and not is_partner:
            giving, what = False, f"take partner rights from {name}"
        else:
            self.agreement.need((), "")
            return
        subject = was.id if was is not None else None
        try:
            partners = staff.partners_who_may_agree(self.ctx, self.actor, subject, giving=giving)
        except PracticeActionError:
            partners = ()  # the service asks again when saving
        self.agreement.need(partners, what)

    def save(self) -> bool:
        try:
            return _save_with_pins(self, self._save)
        finally:
            self.agreement.pin.clear()

    def _save(self) -> None:
        role = StaffRole(self.role.currentData())
        if self.member is None:
            member = StaffMember(self.name.text(), role)
            problems = _pins_problem(self.pin.text(), self.pin_again.text(), member)
            if problems:
                raise ValidationError(problems)
            self.saved = staff.add_staff(
                self.ctx,
                self.actor,
                member,
                self.pin.text(),
                countersign=self._agreed(),
            )
        else:
            changed = replace(
                self.member, name=self.name.text(), role=role, active=self.active.isChecked()
            )
            self.saved = staff.update_staff(
                self.ctx, self.actor, changed, countersign=self._agreed()
            )

    def _agreed(self) -> staff.Countersign | None:
        agreed = self.agreement.countersign()
        if agreed is not None and not agreed.pin:
            raise ValidationError({"agreed_pin": "The partner who agrees types their PIN here."})
        return agreed


def _lay_out_with_save(dialog: Any) -> QDialogButtonBox:
    """The dialog's form above Save and Cancel; Save runs ``dialog.save``."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(dialog.save)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(dialog.form)
    layout.addWidget(buttons)
    return buttons


def _save_with_pins(dialog: Any, save: Callable[[], None]) -> bool:
    """Run a dialog's save: problems beside their fields, the PIN boxes always emptied, and
    the dialog closed only when the service has saved."""
    try:
        save()
    except ValidationError as error:
        dialog.form.show_problems(error.problems)
        dialog.adjustSize()  # make room for the messages under the fields
        return False
    except staff.PartnerNeeded as error:
        # Another desk changed who the partners are since the dialog opened: ask now.
        dialog.agreement.need(error.partners, "make this change")
        dialog.form.show_problems({"": str(error)})
        dialog.adjustSize()
        return False
    except PracticeActionError as error:
        dialog.form.show_problems({"": str(error)})
        dialog.adjustSize()
        return False
    finally:
        dialog.pin.clear()
        dialog.pin_again.clear()
    dialog.accept()
    return True


class ResetPinDialog(QDialog):
    def __init__(
        self, ctx: Context, actor: Actor, member: StaffMember, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.actor, self.member = ctx, actor, member
        self.setWindowTitle(f"New PIN for {member.name}")
        self.setMinimumWidth(420)
        self.form = FieldForm()
        self.form.add_note(
            f"Type a new PIN for {member.name} and tell them in person. It also lifts a "
            "lock after wrong PINs."
        )
        self.pin = _pin_edit()
        self.pin_again = _pin_edit()
        self.form.add_row("pin", "New &PIN", self.pin, PIN_HINT)
        self.form.add_row("pin_again", "PIN &again", self.pin_again)
        self.agreement = self.form.add_form(PartnerAgreement())
        if member.role is StaffRole.PARTNER and member.active and actor.staff_id != member.id:
            with contextlib.suppress(PracticeActionError):
                partners = staff.partners_who_may_agree(ctx, actor, member.id, giving=True)
                self.agreement.need(partners, f"give {member.name} a new PIN")
        self.buttons = _lay_out_with_save(self)

    def save(self) -> bool:
        try:
            return _save_with_pins(self, self._save)
        finally:
            self.agreement.pin.clear()

    def _save(self) -> None:
        problems = _pins_problem(self.pin.text(), self.pin_again.text())
        if problems:
            raise ValidationError(problems)
        assert self.member.id is not None
        agreed = self.agreement.countersign()
        if agreed is not None and not agreed.pin:
            raise ValidationError({"agreed_pin": "The partner who agrees types their PIN here."})
        staff.set_pin(self.ctx, self.actor, self.member.id, self.pin.text(), countersign=agreed)


class StaffScreen(QWidget):
    def __init__(self, ctx: Context, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.table = FilteredTable(
            [
                Column("Name", lambda m: m.name),
                Column("Role", lambda m: m.role.label),
                Column("Can sign in", lambda m: "Yes" if m.active else "No (left)"),
            ],
            muted=lambda m: not m.active,
            placeholder="Find a person…",
        )
        self.table.activated.connect(lambda _member: self.edit_person())
        self.table.selection_changed.connect(self._update_buttons)
        self.add_button = QPushButton("&Add a person…")
        self.edit_button = QPushButton("&Change…")
        self.pin_button = QPushButton("New &PIN…")
        self.add_button.clicked.connect(self.add_person)
        self.edit_button.clicked.connect(self.edit_person)
        self.pin_button.clicked.connect(self.reset_pin)
        self.status = QLabel()
        self.status.setWordWrap(True)

        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.pin_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(_heading("Staff"))
        layout.addWidget(
            _note(
                "Everyone who uses Practice Action signs in with their own name and PIN, so "
                "the audit trail shows who did what. When someone leaves, untick 'Can sign in' "
                "rather than removing them: their entries in the trail keep their name."
            )
        )
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        self.refresh()

    def refresh(self) -> None:
        self.table.set_rows(staff.list_staff(self.ctx, include_retired=True))
        self._update_buttons()

    def _update_buttons(self, *_: object) -> None:
        chosen = self.table.current_record() is not None
        self.edit_button.setEnabled(chosen)
        self.pin_button.setEnabled(chosen)

    def select(self, name: str) -> bool:
        return self.table.select(lambda m: m.name == name)

    def _after(self, dialog: QDialog, done: str) -> None:
        def finished(result: int) -> None:
            if result == QDialog.DialogCode.Accepted:
                self.refresh()
                saved = getattr(dialog, "saved", None) or getattr(dialog, "member", None)
                if saved is not None:
                    self.select(saved.name)
                    self.status.setText(done.format(name=saved.name))

        dialog.finished.connect(finished)
        dialog.open()

    def add_person(self) -> StaffDialog:
        dialog = StaffDialog(self.ctx, self.actor, None, self)
        self._after(dialog, "Added {name}. They can sign in now with the PIN you chose.")
        return dialog

    def edit_person(self) -> StaffDialog | None:
        member = self.table.current_record()
        if member is None:
            self.status.setText("Choose a person in the list first.")
            return None
        dialog = StaffDialog(self.ctx, self.actor, member, self)
        self._after(dialog, "Saved the changes to {name}.")
        return dialog

    def reset_pin(self) -> ResetPinDialog | None:
        member = self.table.current_record()
        if member is None:
            self.status.setText("Choose a person in the list first.")
            return None
        dialog = ResetPinDialog(self.ctx, self.actor, member, self)
        self._after(dialog, "{name} has a new PIN; any lock after wrong PINs is lifted.")
        return dialog


# Audit trail

ANY_DATE = QDate(2000, 1, 1)


def _kind_prefix(kind: str) -> str:
    return kind.split(".", 1)[0] + "." if "." in kind else kind


def _kind_label(prefix: str) -> str:
    return group_label(prefix)


def _date_edit() -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setMinimumDate(ANY_DATE)
    edit.setSpecialValueText("Any date")  # shown while the date is at its minimum
    edit.setDate(ANY_DATE)
    return edit


def _to_date(edit: QDateEdit) -> date | None:
    value = edit.date()
    return None if value == ANY_DATE else date(value.year(), value.month(), value.day())


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def details_html(entry: AuditView) -> str:
    when = entry.local_time.strftime("%A %d %B %Y, %H:%M:%S")
    parts = [
        f"<h3>Entry {entry.seq}: {escape(entry.summary)}</h3>",
        "<table cellspacing='4'>",
        f"<tr><td><b>When</b></td><td>{escape(when)} (UK time)</td></tr>",
        f"<tr><td><b>Who</b></td><td>{escape(entry.actor)}</td></tr>",
        f"<tr><td><b>Kind</b></td><td>{escape(kind_label(entry.kind))}</td></tr>",
        "</table>",
    ]
    before, after = _decode(entry.before), _decode(entry.after)
    if isinstance(before, dict) or isinstance(after, dict):
        before_map = before if isinstance(before, dict) else {}
        after_map = after if isinstance(after, dict) else {}
        keys = list(dict.fromkeys([*before_map, *after_map]))
        both = bool(entry.before and entry.after)
        if both:
            # An edit: only what changed, so the change is not lost among what did not.
            keys = [k for k in keys if before_map.get(k) != after_map.get(k)]
        columns = ["Before", "After"] if both else (["After"] if entry.after else ["Before"])
        if keys:
            head = "".join(f"<th align='left'>{c}</th>" for c in columns)
            parts.append(
                "<table border='1' cellspacing='0' cellpadding='4' width='100%'>"
                f"<tr><th align='left' width='28%'>Field</th>{head}</tr>"
            )
            for key in keys:
                cells = "".join(
                    f"<td>{_cell((before_map if c == 'Before' else after_map).get(key, ''))}</td>"
                    for c in columns
                )
                parts.append(
                    f"<tr><td nowrap><b>{escape(field_label(str(key)))}</b></td>{cells}</tr>"
                )
            parts.append("</table>")
        if both:
            changed = len(keys)
            parts.append(
                f"<p>{changed} field{'' if changed == 1 else 's'} changed; only "
                f"{'it is' if changed == 1 else 'those are'} shown.</p>"
                if changed
                else "<p>Saved with no field changed.</p>"
            )
    else:
        for title, value in (("Before", entry.before), ("After", entry.after)):
            if value:
                parts.append(f"<p><b>{title}</b></p><pre>{escape(_pretty(value))}</pre>")
    if not entry.before and not entry.after:
        parts.append("<p>This entry records an event; no values were changed.</p>")
    return "".join(parts)


def _decode(text: str) -> object:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _pretty(text: str) -> str:
    value = _decode(text)
    return text if isinstance(value, str) else json.dumps(value, indent=2, ensure_ascii=False)


def _cell(value: object) -> str:
    if isinstance(value, dict | list):
        return f"<pre>{escape(json.dumps(value, indent=1, ensure_ascii=False))}</pre>"
    return escape("" if value is None else str(value))


class _Verifier(QThread):
    """Checks the whole audit chain off the window's thread: on a trail of many thousands of
    entries it takes seconds, and the window must go on answering meanwhile. ``progressed``
    tells the window how far it has got; ``cancel()`` stops it at the next few thousand."""

    progressed = Signal(int, int)  # entries checked, entries written

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.setObjectName("verify-audit")
        self.ctx = ctx
        self.report: audit.ChainReport | None = None
        self.problem = ""
        self.cancelled = False
        self._stop = threading.Event()

    def cancel(self) -> None:
        self._stop.set()

    def _progress(self, done: int, total: int) -> bool:
        self.progressed.emit(done, total)  # queued to the window's thread
        return not self._stop.is_set()

    def run(self) -> None:
        try:
            self.report = audit.verify(self.ctx, progress=self._progress)
        except audit.Cancelled:
            self.cancelled = True
        except PracticeActionError as error:
            self.problem = str(error)
        except Exception as error:  # a thread's error would otherwise vanish unseen
            self.problem = f"{type(error).__name__}: {error}"


class AuditScreen(QWidget):
    def __init__(self, ctx: Context, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor

        self.date_from = _date_edit()
        self.date_to = _date_edit()
        self.person = QComboBox()
        self.kind = QComboBox()
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(self.refresh)
        for combo in (self.person, self.kind):
            combo.setMinimumContentsLength(12)  # long names must not widen the window
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.currentIndexChanged.connect(self.refresh)
        self.today_button = QPushButton("Today")
        self.today_button.clicked.connect(self.show_today)
        self.clear_button = QPushButton("Show all")
        self.clear_button.clicked.connect(self.clear_filters)

        # Two short lines rather than one long one, so the screen fits a small or scaled
        # display: the dates, then who and what.
        filters = QGridLayout()
        for column, (text, widget) in enumerate(
            (
                ("Fr&om", self.date_from),
                ("&To", self.date_to),
                ("&Person", self.person),
                ("&Kind", self.kind),
            )
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            label.setMinimumWidth(label.sizeHint().width() + 4)  # never squeezed to a letter
            row, col = divmod(column, 2)
            filters.addWidget(label, row, col * 2)
            filters.addWidget(widget, row, col * 2 + 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.today_button)
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        filters.addLayout(buttons, 0, 4)
        filters.setColumnStretch(5, 1)

        self.table = FilteredTable(
            [
                Column("No.", lambda e: e.seq, sort_key=lambda e: e.seq, align=RIGHT),
                Column(
                    "When (UK)",
                    lambda e: e.local_time.strftime("%d/%m/%Y %H:%M:%S"),
                    sort_key=lambda e: e.seq,
                ),
                Column("Who", lambda e: e.actor),
                Column("Kind", lambda e: kind_label(e.kind)),
                Column("What", lambda e: e.summary, tooltip=lambda e: e.summary),
            ],
            placeholder="Find in these entries…",
        )
        self.table.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # newest first
        self.table.view.setAccessibleName("Audit entries")
        self.table.selection_changed.connect(self._show_details)
        self.details = QTextBrowser()
        self.details.setAccessibleName("The entry in full")
        self.details.setOpenLinks(False)
        self.details.setPlaceholderText("Choose an entry to see what changed.")

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)

        self.verify_button = QPushButton("&Verify chain")
        self.verify_button.setToolTip(
            "Check that no entry was changed, removed or moved since it was written"
        )
        self.verify_button.clicked.connect(self.verify)
        self.export_button = QPushButton("&Export CSV…")
        self.export_button.clicked.connect(self.choose_csv_file)
        self.count = QLabel()
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # no end known: it moves while the check runs
        self.busy.setAccessibleName("Checking the audit trail")
        self.busy.setMaximumWidth(160)
        self.busy.hide()
        self.cancel_button = QPushButton("&Stop checking")
        self.cancel_button.setToolTip("Stop the check of the audit trail; check again later")
        self.cancel_button.clicked.connect(self.cancel_verify)
        self.cancel_button.hide()
        self._verifier: _Verifier | None = None
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        actions = QHBoxLayout()
        actions.addWidget(self.count)
        actions.addStretch(1)
        actions.addWidget(self.busy)
        actions.addWidget(self.cancel_button)
        actions.addWidget(self.verify_button)
        actions.addWidget(self.export_button)

        layout = QVBoxLayout(self)
        layout.addWidget(_heading("Audit trail"))
        layout.addWidget(
            _note(
                "Every change, sign-in and failed PIN, newest first. Entries are chained: "
                "each carries a fingerprint of the one before, so 'Verify chain' finds any "
                "entry changed, removed or moved outside the app."
            )
        )
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        layout.addLayout(actions)
        layout.addWidget(self.result)
        self._loading = False
        self.reload_choices()
        self.refresh()

    # filters
    def reload_choices(self) -> None:
        """Fill the person and kind lists from what the trail holds."""
        self._loading = True
        try:
            chosen_person, chosen_kind = self.person.currentData(), self.kind.currentData()
            self.person.clear()
            self.person.addItem("Everyone", None)
            for name in audit.people(self.ctx, self.actor):
                self.person.addItem(name, name)
            prefixes = {_kind_prefix(kind) for kind in audit.kinds(self.ctx, self.actor)}
            self.kind.clear()
            self.kind.addItem("All kinds", None)
            for prefix in sorted(prefixes, key=_kind_label):
                self.kind.addItem(_kind_label(prefix), prefix)
            self.person.setCurrentIndex(max(0, self.person.findData(chosen_person)))
            self.kind.setCurrentIndex(max(0, self.kind.findData(chosen_kind)))
        finally:
            self._loading = False

    def set_filters(
        self,
        *,
        start: date | None = None,
        end: date | None = None,
        person: str | None = None,
        kind_prefix: str | None = None,
    ) -> None:
        self._loading = True
        try:
            self.date_from.setDate(ANY_DATE if start is None else _qdate(start))
            self.date_to.setDate(ANY_DATE if end is None else _qdate(end))
            self.person.setCurrentIndex(max(0, self.person.findData(person)))
            self.kind.setCurrentIndex(max(0, self.kind.findData(kind_prefix)))
        finally:
            self._loading = False
        self.refresh()

    def show_today(self) -> None:
        today = local_today(self.ctx.clock)
        self.set_filters(
            start=today,
            end=today,
            person=self.person.currentData(),
            kind_prefix=self.kind.currentData(),
        )

    def clear_filters(self) -> None:
        self.reload_choices()
        self.set_filters()

    def refresh(self, *_: object) -> None:
        if self._loading:
            return
        start, end = _to_date(self.date_from), _to_date(self.date_to)
        if start is not None and end is not None and end < start:
            self.table.set_rows([])
            self.count.setText("The 'To' date is before the 'From' date: change one of them.")
            return
        entries = audit.list_entries(
            self.ctx,
            self.actor,
            start=start,
            end=end,
            person=self.person.currentData(),
            kind_prefix=self.kind.currentData(),
        )
        self.table.set_rows(entries)
        self.count.setText(f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'} shown")

    def entries_shown(self) -> list[AuditView]:
        """The entries left by the filters, newest first (what the CSV export writes)."""
        return sorted(self.table.visible_records(), key=lambda e: e.seq, reverse=True)

    def _show_details(self, entry: AuditView | None) -> None:
        if entry is None:
            self.details.clear()
        else:
            self.details.setHtml(details_html(entry))

    # actions
    def verify(self) -> None:
        """Start checking the chain in the background; the answer shows when it is done."""
        if self.verifying:
            return
        job = _Verifier(self.ctx)
        job.finished.connect(self._verified)  # delivered on the window's thread
        job.progressed.connect(self._progressed)
        self._verifier = job
        self.verify_button.setEnabled(False)
        self.busy.setRange(0, 0)  # until the first few thousand are checked
        self.busy.show()
        self.cancel_button.show()
        self.result.setStyleSheet("")
        self.result.setText("Checking every entry of the audit trail…")
        job.start()

    def _progressed(self, done: int, total: int) -> None:
        if self._verifier is None:
            return
        self.busy.setRange(0, max(total, done))
        self.busy.setValue(done)
        self.result.setText(f"Checking every entry of the audit trail… {done:,} of {total:,}")

    def cancel_verify(self) -> None:
        """Stop a check under way (it only reads, so nothing is left half done)."""
        if self._verifier is not None:
            self._verifier.cancel()
            self.cancel_button.setEnabled(False)

    @property
    def verifying(self) -> bool:
        """A check started and not yet reported back."""
        return self._verifier is not None

    def stop(self) -> None:
        """Leaving or closing: stop a check under way and wait for it to let go."""
        if self._verifier is not None:
            self._verifier.cancel()
            self._verifier.wait()
            self._verified()

    def closeEvent(self, event: Any) -> None:
        self.stop()
        super().closeEvent(event)

    def _verified(self) -> None:
        job = self._verifier
        if job is None or not job.isFinished():
            return
        self._verifier = None
        self.busy.hide()
        self.cancel_button.hide()
        self.cancel_button.setEnabled(True)
        self.verify_button.setEnabled(True)
        if job.cancelled:
            self.result.setStyleSheet("")
            self.result.setText(
                "The check was stopped before the end, so it says nothing either way. "
                "Press Verify chain to check the whole trail."
            )
            return
        report = job.report
        if report is None:
            set_problem(self.result, f"The audit trail could not be checked ({job.problem}).")
            self.result.setStyleSheet("color: #b3261e; font-weight: 600;")
            return
        if report.intact:
            text = (
                f"✔ The audit trail is intact: all {report.entries} entries follow one "
                "from another, and none was changed, removed or moved."
                if report.entries != 1
                else "✔ The audit trail is intact: its one entry was not changed."
            )
            style = "color: #1b5e20; font-weight: 600;"
        else:
            text = (
                f"✘ The audit trail: {report.headline}. Someone changed the database "
                "outside Practice Action. "
                "Keep a copy of the database file as it is, and tell the partners and your "
                "IT support."
            )
            style = "color: #b3261e; font-weight: 600;"
        self.result.setStyleSheet(style)
        self.result.setText(text)

    def choose_csv_file(self) -> QFileDialog:
        today = local_today(self.ctx.clock).isoformat()
        dialog = QFileDialog(self, "Export the audit entries shown", f"audit-trail-{today}.csv")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter("CSV files (*.csv)")
        dialog.setDefaultSuffix("csv")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.fileSelected.connect(lambda name: self.export_csv(Path(name)))
        dialog.open()
        return dialog

    def export_csv(self, path: Path) -> bool:
        """Write the entries shown to ``path``; a spreadsheet opens it as it is."""
        entries = self.entries_shown()
        partial = path.with_name(path.name + ".partial")
        try:
            refuse_practice_files(path)
            with open(partial, "w", encoding="utf-8-sig", newline="") as handle:
                handle.write(audit.to_csv(entries))
            os.replace(partial, path)
        except OSError as error:
            with contextlib.suppress(OSError):
                partial.unlink()
            set_problem(self.result, f"The file could not be written ({error.strerror}): {path}")
            self.result.setStyleSheet("color: #b3261e; font-weight: 600;")
            return False
        self.result.setStyleSheet("")
        self.result.setText(f"Wrote {plural(len(entries), 'entry', 'entries')} to {path}")
        return True


def sections() -> list[Section]:
    """This module's sections, as declared in ui/sections.py."""
    return [section("staff"), section("audit")]
