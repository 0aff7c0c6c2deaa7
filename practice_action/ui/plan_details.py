"""The details editors of the action wizard: one per kind of detail an action asks for.

Each editor shows frozen records and hands back a details dataclass; checking is left to
``domain.plan``, whose problems each editor shows beside its own fields. Alt+letter
mnemonics are chosen not to clash with the wizard page around them (Adopt, Not now,
Undecided, Starts on, Ends on, confirm, Back, Next).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from practice_action.domain import plan as rules
from practice_action.domain.enums import ContactType
from practice_action.domain.menu import DetailKind, MenuAction
from practice_action.domain.plan import Details, Registers
from practice_action.domain.records import VoluntaryService
from practice_action.ui.forms import FieldForm, WrappingLabel, plain_text_edit

# Called by the voluntary services editor's "Add a service…" button: the saved service, or
# None when the person cancelled. The wizard supplies it; without one there is no button.
AddService = Callable[[], VoluntaryService | None]


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def date_edit(day: date) -> QDateEdit:
    edit = QDateEdit(qdate(day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("ddd d MMM yyyy")
    edit.setMaximumWidth(220)  # a date needs no more, and a wide box reads as a text field
    return edit


def long_date(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def _checklist(parent: QWidget | None = None) -> QListWidget:
    widget = QListWidget(parent)
    widget.setMaximumHeight(130)
    return widget


def _add_item(widget: QListWidget, text: str, key: int, checked: bool) -> QListWidgetItem:
    item = QListWidgetItem(text)
    item.setData(Qt.ItemDataRole.UserRole, key)
    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
    item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
    widget.addItem(item)
    return item


def checked_keys(widget: QListWidget) -> tuple[int, ...]:
    return tuple(
        int(widget.item(r).data(Qt.ItemDataRole.UserRole))
        for r in range(widget.count())
        if widget.item(r).checkState() == Qt.CheckState.Checked
    )


def set_checked(widget: QListWidget, keys: set[int]) -> None:
    for r in range(widget.count()):
        item = widget.item(r)
        wanted = int(item.data(Qt.ItemDataRole.UserRole)) in keys
        item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)


class DetailsEditor(FieldForm):
    kind = DetailKind.NONE

    def __init__(self, action: MenuAction, registers: Registers, today: date) -> None:
        super().__init__()
        self.action = action
        self.registers = registers
        self.today = today

    def details(self) -> Details:
        return rules.NoDetails()

    def set_details(self, details: Details) -> None:
        """Show saved details (the wizard starts from the current plan)."""


class NoneEditor(DetailsEditor):
    def __init__(self, action: MenuAction, registers: Registers, today: date) -> None:
        super().__init__(action, registers, today)
        self.add_note("Nothing more to fill in: the decision and its dates are recorded.")


class CapEditor(DetailsEditor):
    kind = DetailKind.CONTACTS_CAP

    def __init__(self, action: MenuAction, registers: Registers, today: date) -> None:
        super().__init__(action, registers, today)
        self.cap = QSpinBox()
        self.cap.setRange(rules.MIN_CAP, rules.MAX_CAP)
        self.cap.setValue(rules.DEFAULT_CAP)
        self.cap.setSuffix(" contacts per clinician a day")
        self.cap.setMaximumWidth(300)
        self.add_row(
            "cap", "Daily &limit", self.cap, "25 is the BMA's safe maximum; 1 to 60 allowed."
        )
        types = QWidget()
        box = QVBoxLayout(types)
        box.setContentsMargins(0, 0, 0, 0)
        self.type_boxes: dict[ContactType, QCheckBox] = {}
        for contact_type in ContactType:
            check = QCheckBox(contact_type.label)
            check.setChecked(True)
            box.addWidget(check)
            self.type_boxes[contact_type] = check
        self.add_row("counted_types", "Contact &types that count", types, "All count by default.")
        self.pro_rata = QCheckBox("Part-time clinicians get a share by sessions worked")
        self.add_row(
            "pro_rata",
            "&Pro rata",
            self.pro_rata,
            "A full day is two sessions: a clinician working one session gets half the limit.",
        )
        self.divert = _checklist()
        for service_id, service in sorted(
            registers.local_services.items(), key=lambda kv: kv[1].name
        ):
            if service.active:
                kind = service.kind.label
                text = (
                    service.name
                    if kind.lower() in service.name.lower()
                    else f"{service.name} ({kind})"
                )
                _add_item(self.divert, text, service_id, True)
        self.add_row(
            "divert_to",
            "&Divert patients to",
            self.divert,
            "From the local services register."
            if self.divert.count()
            else "The local services register is empty: add NHS 111 and your local services there.",
        )
        self.words = plain_text_edit(5)
        self.words.setPlainText(rules.DEFAULT_RECEPTION_WORDS)
        self.add_row("reception_words", "What &reception says", self.words)

    def details(self) -> Details:
        return rules.ContactsCapDetails(
            cap=self.cap.value(),
            counted_types=frozenset(t for t, box in self.type_boxes.items() if box.isChecked()),
            pro_rata=self.pro_rata.isChecked(),
            divert_to=checked_keys(self.divert),
            reception_words=self.words.toPlainText(),
        )

    def set_details(self, details: Details) -> None:
        if not isinstance(details, rules.ContactsCapDetails):
            return
        self.cap.setValue(max(rules.MIN_CAP, min(rules.MAX_CAP, details.cap)))
        for contact_type, box in self.type_boxes.items():
            box.setChecked(contact_type in details.counted_types)
        self.pro_rata.setChecked(details.pro_rata)
        set_checked(self.divert, set(details.divert_to))
        self.words.setPlainText(details.reception_words)


class AdviceGuidanceEditor(DetailsEditor):
    kind = DetailKind.ADVICE_GUIDANCE

    def __init__(self, action: MenuAction, registers: Registers, today: date) -> None:
        super().__init__(action, registers, today)
        self.policy = plain_text_edit(5)
        self.policy.setPlainText(rules.DEFAULT_AG_POLICY)
        self.add_row("policy", "The practice's &policy", self.policy)
        self.exceptions = plain_text_edit(3)
        self.add_row(
            "exceptions",
            "E&xceptions",
            self.exceptions,
            "Specialties or cases where Advice & Guidance still helps (optional).",
        )

    def details(self) -> Details:
        return rules.AdviceGuidanceDetails(self.policy.toPlainText(), self.exceptions.toPlainText())

    def set_details(self, details: Details) -> None:
        if isinstance(details, rules.AdviceGuidanceDetails):
            self.policy.setPlainText(details.policy)
            self.exceptions.setPlainText(details.exceptions)


class NoticeEditor(DetailsEditor):
    kind = DetailKind.VOLUNTARY_NOTICE

    def __init__(
        self,
        action: MenuAction,
        registers: Registers,
        today: date,
        add_service: AddService | None = None,
    ) -> None:
        super().__init__(action, registers, today)
        self.add_service = add_service
        self.served = date_edit(today)
        self.add_row("served_on", "&Date notice is served", self.served)
        self.services = _checklist()
        for service_id, service in sorted(
            registers.voluntary_services.items(), key=lambda kv: kv[1].name
        ):
            if service.active:
                _add_item(self.services, service.name, service_id, False)
        self.add_row(
            "services",
            "Services to &give notice on",
            self.services,
            "From the voluntary services register (Set-up), with each one's notice period."
            if self.services.count()
            else "The voluntary services register is empty: add each service here or in Set-up.",
        )
        self.add_button = QPushButton("Add a ser&vice…")
        self.add_button.setToolTip(
            "Add a service missing from the register (it is saved there too) and tick it"
        )
        self.add_button.clicked.connect(self.add_new_service)
        if add_service is not None:
            holder = QWidget()
            row = QHBoxLayout(holder)
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(self.add_button)
            row.addStretch(1)
            holder.setFocusProxy(self.add_button)
            self.add_row("add_service", "", holder)
            holder.setAccessibleName("Add a service")
        self.last_days = WrappingLabel()
        self.last_days.setObjectName("last_days")
        self.add_row("last_day", "Last days", self.last_days)
        self.served.dateChanged.connect(self._show_last_days)
        self.services.itemChanged.connect(self._show_last_days)
        self._show_last_days()

    def details(self) -> Details:
        chosen = [self.registers.voluntary_services[i] for i in checked_keys(self.services)]
        return rules.notice_on(pydate(self.served.date()), chosen)

    def add_new_service(self) -> None:
        if self.add_service is None:
            return
        saved = self.add_service()
        if saved is None or saved.id is None:
            return
        # The wizard has already reloaded the registers (and handed them to this editor).
        if saved.id not in self.registers.voluntary_services:
            self.registers = Registers(
                self.registers.local_services,
                {**self.registers.voluntary_services, saved.id: saved},
                self.registers.agreements,
            )
        item = _add_item(self.services, saved.name, saved.id, True)
        self.services.setCurrentItem(item)
        self.clear_problems()
        self._show_last_days()
        self.services.setFocus()

    def _show_last_days(self, *_: object) -> None:
        details = self.details()
        assert isinstance(details, rules.VoluntaryNoticeDetails)
        lines = [
            f"{s.name}: {s.notice_days} days' notice, last day {long_date(s.last_day)}"
            for s in details.services
        ]
        self.last_days.setText("\n".join(lines) or "Tick a service to see its last day.")

    def set_details(self, details: Details) -> None:
        if isinstance(details, rules.VoluntaryNoticeDetails):
            if details.served_on:
                self.served.setDate(qdate(details.served_on))
            set_checked(self.services, {s.service_id for s in details.services})


class ReferralEditor(DetailsEditor):
    kind = DetailKind.REFERRALS

    def __init__(self, action: MenuAction, registers: Registers, today: date) -> None:
        super().__init__(action, registers, today)
        self.wording = plain_text_edit(12)
        self.wording.setPlainText(rules.DEFAULT_REFERRAL_WORDING)
        self.add_row(
            "letter_wording",
            "Referral &letter wording",
            self.wording,
            "Our suggested wording: change it to the practice's own. Words in [brackets] are "
            "filled in for each patient.",
        )

    def details(self) -> Details:
        return rules.ReferralDetails(self.wording.toPlainText())

    def set_details(self, details: Details) -> None:
        if isinstance(details, rules.ReferralDetails):
            self.wording.setPlainText(details.letter_wording)


class WithdrawalEditor(DetailsEditor):
    kind = DetailKind.DSA_WITHDRAWAL

    def __init__(self, action: MenuAction, registers: Registers, today: date) -> None:
        super().__init__(action, registers, today)
        self.agreements = _checklist()
        default = set(rules.default_withdrawals(registers.agreements.values()))
        for agreement_id, agreement in sorted(
            registers.agreements.items(), key=lambda kv: kv[1].name
        ):
            if not agreement.active:
                continue
            text = f"{agreement.name}: {agreement.purpose.label.lower()}"
            if not agreement.can_be_withdrawn:
                text = f"{text} ({agreement.required_by.label.lower()}: cannot be withdrawn)"
            elif rules.is_flagged(agreement):
                text = f"⚠ {text} (serves direct care: left unticked)"
            item = _add_item(self.agreements, text, agreement_id, agreement_id in default)
            item.setToolTip(agreement.why_kept() or f"Other party: {agreement.party.name}")
            if not agreement.can_be_withdrawn:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
        self.add_row(
            "agreements",
            "Agreements to &withdraw from",
            self.agreements,
            "Only secondary-use agreements are ticked at first."
            if self.agreements.count()
            else "The data sharing agreements register is empty: add the agreements in Set-up.",
        )
        self.include_flagged = QCheckBox(
            "Yes, withdraw from the ticked direct-care or mixed agreements too"
        )
        self.add_row("include_flagged", "&Flagged agreements", self.include_flagged)
        self.ends = date_edit(today)
        self.add_row("permission_ends", "&Permission ends on", self.ends)

    def details(self) -> Details:
        return rules.DsaWithdrawalDetails(
            checked_keys(self.agreements),
            pydate(self.ends.date()),
            self.include_flagged.isChecked(),
        )

    def set_details(self, details: Details) -> None:
        if isinstance(details, rules.DsaWithdrawalDetails):
            set_checked(self.agreements, set(details.agreement_ids))
            if details.permission_ends:
                self.ends.setDate(qdate(details.permission_ends))
            self.include_flagged.setChecked(details.include_flagged)


class FreezeEditor(DetailsEditor):
    kind = DetailKind.DSA_FREEZE

    def __init__(self, action: MenuAction, registers: Registers, today: date) -> None:
        super().__init__(action, registers, today)
        self.policy = plain_text_edit(4)
        self.policy.setPlainText(rules.DEFAULT_FREEZE_POLICY)
        self.add_row(
            "policy",
            "The practice's &policy",
            self.policy,
            "Requests declined are logged later on the Action plan screen.",
        )

    def details(self) -> Details:
        return rules.DsaFreezeDetails(self.policy.toPlainText())

    def set_details(self, details: Details) -> None:
        if isinstance(details, rules.DsaFreezeDetails):
            self.policy.setPlainText(details.policy)


class ChecklistEditor(DetailsEditor):
    kind = DetailKind.CHECKLIST

    def __init__(self, action: MenuAction, registers: Registers, today: date) -> None:
        super().__init__(action, registers, today)
        tasks = "\n".join(f"☐ {t.text}" for t in action.tasks)
        self.add_note(f"Tasks added to the plan, to tick off when done:\n{tasks}")
        self.note = plain_text_edit(2)
        self.add_row("note", "No&te (optional)", self.note, "Who will do it, or how.")

    def details(self) -> Details:
        return rules.ChecklistDetails(self.note.toPlainText())

    def set_details(self, details: Details) -> None:
        if isinstance(details, rules.ChecklistDetails):
            self.note.setPlainText(details.note)


EDITORS: Mapping[DetailKind, type[DetailsEditor]] = {
    DetailKind.CONTACTS_CAP: CapEditor,
    DetailKind.ADVICE_GUIDANCE: AdviceGuidanceEditor,
    DetailKind.VOLUNTARY_NOTICE: NoticeEditor,
    DetailKind.REFERRALS: ReferralEditor,
    DetailKind.DSA_WITHDRAWAL: WithdrawalEditor,
    DetailKind.DSA_FREEZE: FreezeEditor,
    DetailKind.CHECKLIST: ChecklistEditor,
    DetailKind.NONE: NoneEditor,
}


def editor_for(
    action: MenuAction, registers: Registers, today: date, add_service: AddService | None = None
) -> DetailsEditor:
    if action.detail is DetailKind.VOLUNTARY_NOTICE:
        return NoticeEditor(action, registers, today, add_service)
    return EDITORS[action.detail](action, registers, today)


__all__ = ["EDITORS", "DetailsEditor", "QLabel", "editor_for"]
