"""The action plan wizard: the BMA's menu, one action a page, then a summary to approve.

It starts from the current plan, so running it again changes what is there. Every page is
checked by the domain rules before moving on; finishing writes a new plan version through
the plan service, with a partner's approval when one is given. Everything works from the
keyboard: Alt+letter for each field, Alt+N / Enter to go on, Alt+B to go back.
"""

from __future__ import annotations

import html
from datetime import date
from enum import IntEnum

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QScrollArea,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from practice_action.domain import menu as menus
from practice_action.domain import plan as rules
from practice_action.domain.calendar import local_today
from practice_action.domain.enums import StaffRole
from practice_action.domain.errors import PracticeActionError, ValidationError
from practice_action.domain.menu import MenuAction
from practice_action.domain.plan import Choice, Decision
from practice_action.domain.records import VoluntaryService
from practice_action.services import plan as plan_service
from practice_action.services import staff
from practice_action.services.context import Actor, Context
from practice_action.services.permissions import Permission, allowed
from practice_action.ui.forms import WrappingLabel, plain_text_edit, problem_label, set_problem
from practice_action.ui.plan_details import date_edit, editor_for, long_date, pydate, qdate
from practice_action.ui.plan_dialogs import voluntary_service_adder


class PageId(IntEnum):
    INTRO = 0
    FIRST_ACTION = 100  # action pages are FIRST_ACTION + their place in the menu
    SUMMARY = 900


def _scrolling(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    # Not a stop of its own: the page's first field takes the focus, and the area still
    # scrolls to whichever field has it.
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    area.setWidget(widget)
    return area


def _page_layout(page: QWizardPage, body: QWidget) -> None:
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(_scrolling(body))


class IntroPage(QWizardPage):
    def __init__(self, wizard: PlanWizard) -> None:
        super().__init__()
        self.plan_wizard = wizard
        self.setTitle("Your practice's action plan")
        self.setSubTitle("Go through the BMA's menu with the partners, one action at a time.")
        body = QWidget()
        layout = QVBoxLayout(body)
        self.menu_choice = QComboBox()
        for menu in wizard.catalogue.menus:
            self.menu_choice.addItem(menu.title, menu.id)
        self.menu_choice.setCurrentIndex(max(0, self.menu_choice.findData(wizard.menu_id)))
        label = QLabel("&Menu to work through")
        label.setBuddy(self.menu_choice)
        self.menu_summary = WrappingLabel()
        self.menu_choice.currentIndexChanged.connect(self._show_menu)
        layout.addWidget(label)
        layout.addWidget(self.menu_choice)
        layout.addWidget(self.menu_summary)
        current = wizard.current.version
        status = (
            f"The plan now in force is version {current.number}, saved {long_date(current.created_day)} "
            f"by {html.escape(current.created_by)}; this wizard starts from it."
            if current
            else "The practice has no plan yet: every action starts as undecided."
        )
        self.deciding = QLineEdit()
        self.deciding.setPlaceholderText("e.g. Dr Patel, Dr Mistry and Karen Holt")
        who = QLabel("&Who is deciding (recorded with the plan)")
        who.setBuddy(self.deciding)
        intro = WrappingLabel(
            f"<p>{status}</p><p>For each action you will see the BMA's own words, what it "
            "means in plain English and what adopting it involves. Choose <b>Adopt</b>, "
            "<b>Not now</b> or <b>Undecided</b>, the date it starts and its details. The last "
            "page sums up what the plan sets off and any clash with the GP contract, and a "
            f"partner approves it.</p><p>Signed in: {html.escape(wizard.actor.label)}</p>"
        )
        layout.addWidget(intro)
        layout.addWidget(who)
        layout.addWidget(self.deciding)
        layout.addStretch(1)
        _page_layout(self, body)
        self._show_menu()

    def _show_menu(self, *_: object) -> None:
        menu = self.plan_wizard.catalogue.menu(self.menu_choice.currentData())
        own = len(self.plan_wizard.catalogue.custom)
        extra = f" Then {own} action{'s' if own != 1 else ''} of the practice's own." if own else ""
        added = [a.title for a in menu.actions if a.menu_id != menu.id]
        if added:  # from a menu file the practice added that extends this menu
            extra = (
                f" It includes {len(added)} action{'s' if len(added) != 1 else ''} the "
                f"practice added from a menu file: {'; '.join(added)}.{extra}"
            )
        others = [m.title for m in self.plan_wizard.catalogue.menus if m.id != menu.id]
        today = local_today(self.plan_wizard.ctx.clock)
        is_current = menu.id == self.plan_wizard.catalogue.default_on(today).id
        current = " (the menu for a plan made today)" if is_current else ""
        happened = "".join(
            f"<li>{html.escape(' '.join(n.text.split()))}</li>"
            for n in menu.notes
            if n.valid_from is None or n.valid_from <= today
        )
        self.menu_summary.setText(
            f"<p><b>This wizard walks: {html.escape(menu.title)}</b>"
            f"{current}."
            f" {html.escape(menu.summary)} ({len(menu.actions)} actions; "
            f"{html.escape(menu.source)}.){html.escape(extra, quote=False)}</p>"
            + (f"<ul>{happened}</ul>" if happened else "")
            + (
                "<p>Other menus you can choose above instead: "
                + html.escape("; ".join(others))
                + ".</p>"
                if others
                else ""
            )
        )

    def validatePage(self) -> bool:
        chosen = str(self.menu_choice.currentData())
        if chosen != self.plan_wizard.menu_id:
            self.plan_wizard.build_action_pages(chosen)
        return True


class ActionPage(QWizardPage):
    """One action: the BMA's words, ours, the choice, the dates and the details."""

    def __init__(self, wizard: PlanWizard, action: MenuAction, position: int, total: int) -> None:
        super().__init__()
        self.plan_wizard = wizard
        self.action = action
        self.today = wizard.today
        where = "The practice's own action" if action.is_custom else f"Action {position} of {total}"
        self.setTitle(f"{action.number}. {action.title}")
        self.setSubTitle(where)
        body = QWidget()
        layout = QVBoxLayout(body)
        wording = (
            f"<i>“{html.escape(action.wording)}”</i>"
            if action.quoted
            else f"<b>In summary:</b> {html.escape(action.wording)}"
        )
        quote = WrappingLabel(
            f"<blockquote>{wording}<br>"
            f"<small>{html.escape(action.attribution)}. Source: "
            f"{html.escape(action.source)}</small></blockquote>"
        )
        quote.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(quote)
        layout.addWidget(
            WrappingLabel(
                f"<b>What it means:</b> {html.escape(action.explanation)}<br>"
                f"<b>What it involves:</b> {html.escape(action.involves)}"
            )
        )
        self.notes = WrappingLabel()
        self.notes.setObjectName("notes")
        layout.addWidget(self.notes)

        choices = QWidget()
        row = QHBoxLayout(choices)
        row.setContentsMargins(0, 6, 0, 0)
        self.choice_group = QButtonGroup(self)
        self.choice_buttons: dict[Choice, QRadioButton] = {}
        for choice, text in (
            (Choice.ADOPT, "&Adopt"),
            (Choice.NOT_NOW, "N&ot now"),
            (Choice.UNDECIDED, "&Undecided"),
        ):
            button = QRadioButton(text)
            self.choice_group.addButton(button)
            self.choice_buttons[choice] = button
            row.addWidget(button)
        row.addStretch(1)
        layout.addWidget(choices)

        dates = QWidget()
        dates_row = QHBoxLayout(dates)
        dates_row.setContentsMargins(0, 0, 0, 0)
        self.effective = date_edit(rules.default_effective_date(self.today))
        start = QLabel("&Starts on")
        start.setBuddy(self.effective)
        self.has_end = QCheckBox("&Ends on")
        self.end = date_edit(rules.default_effective_date(self.today))
        self.end.setEnabled(False)
        self.effective.setAccessibleName("Starts on")
        self.end.setAccessibleName("Ends on")
        self.has_end.toggled.connect(self.end.setEnabled)
        for widget in (start, self.effective, self.has_end, self.end):
            dates_row.addWidget(widget)
        dates_row.addStretch(1)
        layout.addWidget(dates)
        self.confirm_past = QCheckBox("I &confirm the practice started this on that earlier date")
        layout.addWidget(self.confirm_past)
        self.date_problem = problem_label()
        layout.addWidget(self.date_problem)

        self.details = editor_for(
            action,
            wizard.registers,
            self.today,
            wizard.add_voluntary_service if allowed(wizard.actor, Permission.EDIT_SETUP) else None,
        )
        layout.addWidget(self.details)
        layout.addStretch(1)
        _page_layout(self, body)

        self.choice_group.buttonToggled.connect(self._refresh)
        # A confirmation is for the date confirmed: a different start date asks again.
        self.effective.dateChanged.connect(lambda _day: self.confirm_past.setChecked(False))
        self.effective.dateChanged.connect(self._refresh)
        self.end.dateChanged.connect(self._refresh)
        self.has_end.toggled.connect(self._refresh)
        self.previous_start: date | None = None
        self._load(wizard.starting_decision(action.id))

    def _load(self, decision: Decision | None) -> None:
        self.choice_buttons[decision.choice if decision else Choice.UNDECIDED].setChecked(True)
        if decision is None:
            self._refresh()
            return
        if decision.effective_date:
            self.effective.setDate(qdate(decision.effective_date))
            if decision.choice is Choice.ADOPT:
                self.previous_start = decision.effective_date
        if decision.end_date:
            self.has_end.setChecked(True)
            self.end.setDate(qdate(decision.end_date))
        if decision.details is not None:
            self.details.set_details(decision.details)
        self._refresh()

    def initializePage(self) -> None:
        # Start at the decision itself, so that Alt+A / arrow keys act at once.
        self.choice_buttons[self.choice].setFocus(Qt.FocusReason.TabFocusReason)

    @property
    def choice(self) -> Choice:
        return next(c for c, b in self.choice_buttons.items() if b.isChecked())

    def set_choice(self, choice: Choice) -> None:
        self.choice_buttons[choice].setChecked(True)

    def decision(self) -> Decision:
        start = pydate(self.effective.date())
        return Decision(
            self.action.id,
            self.choice,
            start,
            pydate(self.end.date()) if self.has_end.isChecked() else None,
            self.details.details(),
            confirm_past=self.confirm_past.isChecked() or start == self.previous_start,
        )

    def _refresh(self, *_: object) -> None:
        adopt = self.choice is Choice.ADOPT
        for widget in (self.effective, self.has_end, self.details):
            widget.setEnabled(adopt)
        self.end.setEnabled(adopt and self.has_end.isChecked())
        start = pydate(self.effective.date())
        past = adopt and start < self.today and start != self.previous_start
        self.confirm_past.setVisible(past)
        lines = []
        end = pydate(self.end.date()) if adopt and self.has_end.isChecked() else None
        shown = (
            [n for n in self.action.notes if n.applies_on(start)]
            + [
                n
                for n in menus.contract_notes_during(self.action, start, end)
                if not n.applies_on(start)
            ]
            if adopt
            else list(self.action.notes)
        )
        for note in shown:
            text = menus.dated_text(note, start) if adopt else " ".join(note.text.split())
            sign = "⚠ " if note.severity is not menus.Severity.INFO else ""
            colour = "#b3261e" if note.severity is menus.Severity.CONFLICT else "#444444"
            lines.append(f"<span style='color:{colour}'>{sign}{html.escape(text)}</span>")
        if adopt:
            for warning in rules.conflict_warnings(self.action, self.decision()):
                if not any(html.escape(warning) in line for line in lines):
                    lines.append(f"<span style='color:#b3261e'>⚠ {html.escape(warning)}</span>")
        self.notes.setText("<br>".join(lines))
        self.notes.setVisible(bool(lines))

    def validatePage(self) -> bool:
        set_problem(self.date_problem, "")
        self.details.clear_problems()
        try:
            clean = rules.check_decision(
                self.action, self.decision(), self.today, self.plan_wizard.registers
            )
        except ValidationError as error:
            dates = {k: v for k, v in error.problems.items() if k in ("effective_date", "end_date")}
            set_problem(self.date_problem, " ".join(dates.values()))
            if "effective_date" in dates:
                self.effective.setFocus()
            self.details.show_problems(
                {k: v for k, v in error.problems.items() if k not in dates}, focus=not dates
            )
            return False
        self.plan_wizard.decisions[self.action.id] = clean
        return True


class SummaryPage(QWizardPage):
    def __init__(self, wizard: PlanWizard) -> None:
        super().__init__()
        self.plan_wizard = wizard
        self.setTitle("Summary and approval")
        self.setSubTitle("Check every decision and what it sets off, then save the plan.")
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Save the plan")
        body = QWidget()
        layout = QVBoxLayout(body)
        self.summary = QTextBrowser()
        self.summary.setAccessibleName("Summary of the plan")
        self.summary.setObjectName("summary")
        self.summary.setMinimumHeight(300)
        layout.addWidget(self.summary, 1)
        self.note = plain_text_edit(2)
        note_label = QLabel("N&ote for the record (optional)")
        note_label.setBuddy(self.note)
        layout.addWidget(note_label)
        layout.addWidget(self.note)

        self.self_approve = QCheckBox(f"I &approve this plan as a partner ({wizard.actor.name})")
        self.partner = QComboBox()
        self.partner.addItem("Not yet: a partner approves it later", None)
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setPlaceholderText("Partner's PIN")
        self.pin.setAccessibleName("Partner's PIN")
        self.pin.setMaximumWidth(160)
        approval = QWidget()
        approval_row = QHBoxLayout(approval)
        approval_row.setContentsMargins(0, 0, 0, 0)
        approver_label = QLabel("Approving &partner")
        approver_label.setBuddy(self.partner)
        approval_row.addWidget(approver_label)
        approval_row.addWidget(self.partner, 1)
        approval_row.addWidget(self.pin)
        if allowed(wizard.actor, Permission.APPROVE_PLAN) and wizard.actor.role is not None:
            self.self_approve.setChecked(True)
            layout.addWidget(self.self_approve)
            approval.setVisible(False)
        else:
            self.self_approve.setVisible(False)
            for member in staff.list_staff(wizard.ctx):
                if member.role is StaffRole.PARTNER:
                    self.partner.addItem(member.name, member.id)
            layout.addWidget(self.self_approve)
        layout.addWidget(approval)
        self.problem = problem_label()
        layout.addWidget(self.problem)
        _page_layout(self, body)

    def initializePage(self) -> None:
        self.summary.setHtml(self.plan_wizard.summary_html())
        set_problem(self.problem, "")

    def approver(self) -> Actor | None:
        wizard = self.plan_wizard
        if self.self_approve.isChecked():
            return wizard.actor
        staff_id = self.partner.currentData()
        if staff_id is None:
            return None
        signed = staff.sign_in(wizard.ctx, int(staff_id), self.pin.text())
        return signed.actor

    def validatePage(self) -> bool:
        try:
            approver = self.approver()
            self.plan_wizard.save(self.note.toPlainText(), approver)
        except ValidationError as error:
            titles = self.plan_wizard.titles()
            lines = []
            for key, message in error.problems.items():
                action_id, _, _field = key.partition(".")
                lines.append(f"{titles.get(action_id, action_id)}: {message}")
            set_problem(self.problem, " ".join(lines))
            return False
        except PracticeActionError as error:
            set_problem(self.problem, str(error))
            self.pin.clear()
            return False
        return True


class PlanWizard(QWizard):
    def __init__(
        self, ctx: Context, actor: Actor, parent: QWidget | None = None, menu_id: str | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        self.today = local_today(ctx.clock)
        self.catalogue = plan_service.catalogue(ctx)
        self.registers = plan_service.registers(ctx)
        self.current = plan_service.current_plan(ctx)
        version = self.current.version
        self.menu_id = menu_id or (
            version.menu_id if version else self.catalogue.default_on(local_today(ctx.clock)).id
        )
        self.decisions: dict[str, Decision] = {}
        self.saved: plan_service.VersionView | None = None
        self.setWindowTitle("Action plan wizard")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.HaveHelpButton, False)
        self._fit_to_screen(900, 720)
        self.action_pages: list[ActionPage] = []
        self.intro = IntroPage(self)
        self.setPage(PageId.INTRO, self.intro)
        self.summary = SummaryPage(self)
        self.setPage(PageId.SUMMARY, self.summary)
        self.build_action_pages(self.menu_id)

    def _fit_to_screen(self, width: int, height: int) -> None:
        """A laptop at 1366x768 leaves about 700 pixels under its taskbar and title bar."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            room = screen.availableGeometry()
            width = min(width, room.width())
            height = min(height, room.height() - 40)
        self.resize(width, height)

    def add_voluntary_service(self) -> VoluntaryService | None:
        """Add a service to the register from the notice page (Set-up's own dialog)."""
        saved = voluntary_service_adder(self.ctx, self.actor, self)()
        if saved is not None:
            self.registers = plan_service.registers(self.ctx)
            for page in self.action_pages:
                page.details.registers = self.registers
        return saved

    def starting_decision(self, action_id: str) -> Decision | None:
        if action_id in self.decisions:
            return self.decisions[action_id]
        version = self.current.version
        found = version.decision(action_id) if version else None
        return found.to_decision() if found else None

    def actions(self) -> tuple[MenuAction, ...]:
        return self.catalogue.actions_for(self.menu_id)

    def build_action_pages(self, menu_id: str) -> None:
        for page in self.action_pages:
            self.removePage(self.pageIds()[self.pageIds().index(self._id_of(page))])
            page.deleteLater()
        self.action_pages = []
        self.decisions = {}
        self.menu_id = menu_id
        actions = self.actions()
        menu_size = len(self.catalogue.menu(menu_id).actions)
        for index, action in enumerate(actions):
            page = ActionPage(self, action, min(index + 1, menu_size), menu_size)
            self.setPage(PageId.FIRST_ACTION + index, page)
            self.action_pages.append(page)

    def _id_of(self, page: QWizardPage) -> int:
        return next(i for i in self.pageIds() if self.page(i) is page)

    def page_for(self, action_id: str) -> ActionPage:
        return next(p for p in self.action_pages if p.action.id == action_id)

    def titles(self) -> dict[str, str]:
        return {a.id: a.title for a in self.actions()}

    def chosen_decisions(self) -> list[Decision]:
        return [self.decisions.get(p.action.id) or p.decision() for p in self.action_pages]

    def summary_html(self) -> str:
        parts = [f"<h3>{html.escape(self.catalogue.menu(self.menu_id).title)}</h3>"]
        for page in self.action_pages:
            decision = self.decisions.get(page.action.id) or page.decision()
            action = page.action
            heading = f"<b>{action.number}. {html.escape(action.title)}</b>: "
            if decision.choice is not Choice.ADOPT:
                parts.append(f"<p>{heading}{decision.choice.label.lower()}</p>")
                continue
            assert decision.effective_date is not None
            until = f" until {long_date(decision.end_date)}" if decision.end_date else ""
            items = "".join(
                f"<li>{html.escape(line)}</li>"
                for line in rules.consequences(action, decision, self.registers)
            )
            conflicts = "".join(
                f"<li style='color:#b3261e'>⚠ {html.escape(w)}</li>"
                for w in rules.conflict_warnings(action, decision)
            )
            parts.append(
                f"<p>{heading}<b>adopt</b> from {long_date(decision.effective_date)}{until}</p>"
                f"<ul>{conflicts}{items}</ul>"
            )
        deciding = self.intro.deciding.text().strip()
        if deciding:
            parts.append(f"<p>Decided by: {html.escape(deciding)}</p>")
        return "".join(parts)

    def save(self, note: str, approver: Actor | None) -> plan_service.VersionView:
        deciding = self.intro.deciding.text().strip()
        full_note = "; ".join(
            p for p in (f"Decided by {deciding}" if deciding else "", note.strip()) if p
        )
        self.saved = plan_service.save_plan_version(
            self.ctx,
            self.actor,
            self.chosen_decisions(),
            full_note,
            approver,
            menu_id=self.menu_id,
        )
        return self.saved
