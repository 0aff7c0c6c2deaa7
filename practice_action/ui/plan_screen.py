"""The "Action plan" section: what the practice adopted, what is left to do, and the history.

Shows the plan now in force (with its approval), the open checklist tasks (ticked off with
the date and by whom), the coming notice end dates, the log of data sharing requests
declined under the freeze, and every earlier version beside the current one. Those who may
change the plan run the wizard from here, end an adopted action, log a declined request and
add the practice's own actions (say, from its LMC) for the wizard to offer.
"""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from practice_action.domain.calendar import LONDON, local_today
from practice_action.domain.errors import PracticeActionError
from practice_action.domain.menu import MenuError
from practice_action.domain.plan import Choice
from practice_action.domain.words import plural
from practice_action.services import plan as plan_service
from practice_action.services.context import Actor, Context
from practice_action.services.permissions import Permission, allowed
from practice_action.ui.forms import problem_label, set_problem
from practice_action.ui.modal import run_modal
from practice_action.ui.plan_details import long_date
from practice_action.ui.plan_dialogs import ask_declined_request, ask_end_action, ask_own_action
from practice_action.ui.sections import Section, section
from practice_action.ui.tables import Column, FilteredTable


def _day(value: date | None) -> str:
    return long_date(value) if value else ""


class PlanScreen(QWidget):
    def __init__(self, ctx: Context, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.wizard_button = QPushButton("&Run the wizard…")
        self.wizard_button.setToolTip(
            "Go through the BMA's menu and save a new version of the plan"
        )
        self.wizard_button.clicked.connect(self.run_wizard)
        self.wizard_button.setVisible(allowed(actor, Permission.EDIT_PLAN))
        self.own_button = QPushButton("Add the practice's &own action…")
        self.own_button.setToolTip(
            "An action from your LMC or a later BMA announcement, for the wizard to offer"
        )
        self.own_button.clicked.connect(self.add_own_action)
        self.own_button.setVisible(allowed(actor, Permission.EDIT_PLAN))
        self.menu_file_button = QPushButton("Add a menu f&ile…")
        self.menu_file_button.setToolTip(
            "A new month's actions as a menu file (the format of the menus the app ships), from "
            "the BMA or your LMC: checked, then offered by the wizard on every desk"
        )
        self.menu_file_button.clicked.connect(self.choose_menu_file)
        self.menu_file_button.setVisible(allowed(actor, Permission.EDIT_PLAN))
        self.approve_button = QPushButton("A&pprove this version")
        self.approve_button.clicked.connect(self.approve)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.approve_button)
        top.addWidget(self.menu_file_button)
        top.addWidget(self.own_button)
        top.addWidget(self.wizard_button)

        self.adopted = FilteredTable(
            [
                Column("Action", lambda d: d.title),
                Column("From", lambda d: _day(d.effective_date), lambda d: d.effective_date),
                Column("Until", lambda d: _day(d.end_date), lambda d: d.end_date or date.max),
                Column("The contract", lambda d: self._contract_summary(d.action_id)),
            ],
            placeholder="Filter the adopted actions…",
        )
        self.end_button = QPushButton("&End this action…")
        self.end_button.setToolTip("Choose the last day of the selected action")
        self.end_button.clicked.connect(self.end_selected)
        self.end_button.setVisible(allowed(actor, Permission.EDIT_PLAN))
        self.adopted.selection_changed.connect(
            lambda record: self.end_button.setEnabled(record is not None)
        )
        self.contract = QTextBrowser()
        self.contract.setObjectName("contract")
        self.contract.setAccessibleName("What the contract requires and where it conflicts")
        self.checks: dict[str, plan_service.ContractCheck] = {}
        adopted_split = QSplitter(Qt.Orientation.Vertical)
        adopted_split.addWidget(self.adopted)
        adopted_split.addWidget(self.contract)
        adopted_split.setStretchFactor(0, 3)
        adopted_split.setStretchFactor(1, 2)
        adopted_box = _with_buttons(adopted_split, self.end_button)
        self.tasks = FilteredTable(
            [
                Column("Task", lambda t: t.text),
                Column("For", lambda t: t.action_title),
                Column("Done", lambda t: f"{_day(t.done_on)} {t.done_by}".strip() or "Not yet"),
            ],
            muted=lambda t: t.done,
            placeholder="Filter the tasks…",
        )
        self.tick_button = QPushButton("&Mark done today")
        self.tick_button.clicked.connect(self.tick_selected)
        self.tick_button.setVisible(allowed(actor, Permission.EDIT_PLAN))
        tasks_box = _with_buttons(self.tasks, self.tick_button)
        self.notices = FilteredTable(
            [
                Column("Service", lambda n: n.service_name),
                Column("Notice served", lambda n: _day(n.served_on)),
                Column("Last day", lambda n: _day(n.last_day), lambda n: n.last_day),
            ],
            placeholder="Filter the notices…",
        )
        self.declined = FilteredTable(
            [
                Column("Declined on", lambda r: _day(r.declined_on), lambda r: r.declined_on),
                Column("Who asked", lambda r: r.requester),
                Column(
                    "What they asked for",
                    lambda r: " ".join(r.description.split()),
                    tooltip=lambda r: r.description,
                ),
                Column("Received", lambda r: _day(r.received_on), lambda r: r.received_on),
                Column("Recorded by", lambda r: r.recorded_by),
            ],
            placeholder="Filter the declined requests…",
        )
        self.declined.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.decline_button = QPushButton("Re&cord a declined request…")
        self.decline_button.setToolTip(
            "Log a request to join a data sharing agreement or platform that the practice "
            "turned down under the freeze"
        )
        self.decline_button.clicked.connect(self.record_declined)
        self.decline_button.setVisible(allowed(actor, Permission.EDIT_PLAN))
        declined_box = _with_buttons(self.declined, self.decline_button)
        self.versions = FilteredTable(
            [
                Column("Version", lambda v: str(v.number), lambda v: v.number),
                Column("Saved", lambda v: _day(v.created_day), lambda v: v.created_at),
                Column("By", lambda v: v.created_by),
                Column("Approved by", lambda v: v.approved_by or "Not yet approved"),
                Column("Note", lambda v: v.note),
            ],
            placeholder="Filter the versions…",
        )
        self.menu_files = FilteredTable(
            [
                Column("Menu", lambda m: m.title),
                Column("Id", lambda m: m.menu_id),
                Column("File", lambda m: m.file_name),
                Column("Actions", _menu_actions_text),
                Column(
                    "Added",
                    lambda m: f"{_day(m.added_at.astimezone(LONDON).date())} by {m.added_by}",
                    lambda m: m.added_at,
                ),
                Column(
                    "Checks",
                    lambda m: f"Fault: {m.problem}" if m.problem else "Passes",
                    tooltip=lambda m: m.problem,
                ),
            ],
            placeholder="Filter the menu files…",
        )
        self.remove_menu_button = QPushButton("Re&move this menu file…")
        self.remove_menu_button.setToolTip(
            "Take the selected menu file out of the wizard on every desk (not while the current "
            "plan uses it)"
        )
        self.remove_menu_button.clicked.connect(self.remove_selected_menu)
        self.remove_menu_button.setVisible(allowed(actor, Permission.EDIT_PLAN))
        self.menu_files.selection_changed.connect(
            lambda record: self.remove_menu_button.setEnabled(record is not None)
        )
        menu_files_box = _with_buttons(self.menu_files, self.remove_menu_button)
        self.comparison = QTextBrowser()
        self.comparison.setObjectName("comparison")
        self.comparison.setAccessibleName("What differs from the version before")
        self.versions.selection_changed.connect(self.compare)
        history = QSplitter()
        history.addWidget(self.versions)
        history.addWidget(self.comparison)

        self.tabs = QTabWidget()
        self.tabs.addTab(adopted_box, "&Adopted actions")
        self.tabs.addTab(tasks_box, "Open &tasks")
        self.tabs.addTab(self.notices, "&Notice end dates")
        self.tabs.addTab(declined_box, "&Declined data requests")
        self.tabs.addTab(history, "Histor&y")
        self.tabs.addTab(menu_files_box, "Added menu fi&les")
        self.problem = problem_label()
        self.done = QLabel()
        self.done.setObjectName("done")
        self.done.setWordWrap(True)
        self.done.setVisible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.problem)
        layout.addWidget(self.done)
        layout.addWidget(self.tabs, 1)
        self.refresh()
        # left to right, as they stand (set once they share this widget's window)
        QWidget.setTabOrder(self.approve_button, self.menu_file_button)
        QWidget.setTabOrder(self.menu_file_button, self.own_button)
        QWidget.setTabOrder(self.own_button, self.wizard_button)

    def focus_first(self) -> None:
        """Start where the work is: approving a plan that waits for a partner, else the wizard."""
        for button in (self.approve_button, self.wizard_button):
            if button.isVisibleTo(self) and button.isEnabled():
                button.setFocus(Qt.FocusReason.OtherFocusReason)
                return
        self.adopted.filter_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def refresh(self) -> None:
        view = plan_service.current_plan(self.ctx)
        self.view = view
        version = view.version
        if version is None:
            self.heading.setText(
                "<b>No action plan yet.</b> "
                + (
                    "Run the wizard to go through the BMA's menu with the partners."
                    if allowed(self.actor, Permission.EDIT_PLAN)
                    else "A practice manager or partner makes it with the wizard."
                )
            )
        else:
            approval = (
                f"approved by {html.escape(version.approved_by)}"
                if version.approved_by
                else "<span style='color:#b3261e'><b>not yet approved by a partner</b></span>"
            )
            self.heading.setText(
                f"<b>Plan version {version.number}</b>, saved {_day(version.created_day)} by "
                f"{html.escape(version.created_by)}; {approval}. "
                f"{plural(len(version.adopted), 'action')} adopted, "
                f"{plural(len(view.open_tasks), 'task')} open."
            )
        self.approve_button.setVisible(
            version is not None
            and not version.approved
            and allowed(self.actor, Permission.APPROVE_PLAN)
        )
        self.checks = {c.action_id: c for c in plan_service.contract_checks(self.ctx)}
        self.adopted.set_rows(list(view.adopted))
        self.contract.setHtml(_contract_html(list(self.checks.values())))
        self.tasks.set_rows(list(view.open_tasks) + [t for t in view.tasks if t.done])
        today = local_today(self.ctx.clock)
        self.notices.set_rows([n for n in view.notice_ends if n.last_day >= today])
        self.declined.set_rows(plan_service.declined_requests(self.ctx))
        self.versions.set_rows(plan_service.history(self.ctx))
        self.menu_files.set_rows(plan_service.added_menus(self.ctx))
        self.compare(self.versions.current_record())

    def _contract_summary(self, action_id: str) -> str:
        check = self.checks.get(action_id)
        if check is None or check.clear:
            return "Nothing to note"
        if check.conflicts:
            return f"Conflicts ({len(check.conflicts)})"
        return f"Requires ({len(check.requires)})"

    def compare(self, version: object) -> None:
        current = self.view.version
        if current is None:
            self.comparison.setHtml("<p>No versions yet.</p>")
            return
        if not isinstance(version, plan_service.VersionView) or version.number == current.number:
            self.comparison.setHtml(
                "<p>Choose an earlier version to see it beside the current one.</p>"
            )
            return
        rows = []
        for change in plan_service.diff(version, current):
            before = _decision_text(change.before)
            after = _decision_text(change.after)
            rows.append(
                f"<tr><td><b>{html.escape(change.title)}</b></td><td>{before}</td>"
                f"<td>{after}</td><td>{html.escape('; '.join(change.changes))}</td></tr>"
            )
        table = (
            "<table border='1' cellpadding='4' cellspacing='0'>"
            f"<tr><th>Action</th><th>Version {version.number}</th>"
            f"<th>Version {current.number} (current)</th><th>What changed</th></tr>"
            + "".join(rows)
            + "</table>"
            if rows
            else "<p>No decision differs.</p>"
        )
        self.comparison.setHtml(table)

    def run_wizard(self) -> None:
        from practice_action.ui.plan_wizard import PlanWizard

        wizard = PlanWizard(self.ctx, self.actor, self)
        run_modal(wizard)
        self.refresh()

    def approve(self) -> None:
        version = self.view.version
        if version is None or not self.confirm_approval(version):
            return
        try:
            plan_service.approve_version(self.ctx, self.actor, version.number)
        except PracticeActionError as error:
            self.complain(str(error))
            return
        set_problem(self.problem, "")
        self.refresh()

    def confirm_approval(self, version: plan_service.VersionView) -> bool:
        """Say exactly what is being approved, and ask: an approval is a partner's signature."""
        lines = []
        for decision in version.adopted:
            since = _day(decision.effective_date) if decision.effective_date else "no date set"
            until = f" until {_day(decision.end_date)}" if decision.end_date else ""
            lines.append(f"<li>{html.escape(decision.title)}: from {since}{until}</li>")
        box = QMessageBox(self)
        box.setObjectName("confirm-approval")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(f"Approve plan version {version.number}?")
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(
            f"<b>Approve plan version {version.number}</b>, saved {_day(version.created_day)} by "
            f"{html.escape(version.created_by)}?<br>It adopts {len(version.adopted)} "
            f"action{'s' if len(version.adopted) != 1 else ''}:<ul>{''.join(lines)}</ul>"
            f"Your approval, as {html.escape(self.actor.name)}, goes in the audit trail and on "
            "the letters."
        )
        approve = box.addButton(
            f"&Approve version {version.number}", QMessageBox.ButtonRole.AcceptRole
        )
        cancel = box.addButton("Cancel", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel)  # Enter alone never approves
        box.setEscapeButton(cancel)
        run_modal(box)
        return box.clickedButton() is approve

    def complain(self, message: str) -> None:
        self.done.setVisible(False)
        set_problem(self.problem, message)

    def say(self, message: str) -> None:
        """A plain line under the buttons saying what was just done."""
        set_problem(self.problem, "")
        self.done.setText(message)
        self.done.setVisible(bool(message))

    def end_selected(self) -> None:
        decision = self.adopted.current_record()
        if decision is None:
            self.complain("Choose an action in the list first, then end it.")
            return
        version = self.view.version
        number = (version.number if version else 0) + 1
        saved = ask_end_action(self.ctx, self.actor, decision, number, self)
        if saved is None:
            return
        ended = saved.decision(decision.action_id)
        self.refresh()
        if ended is not None and ended.end_date is not None:
            self.say(
                f"{decision.title} ends on {long_date(ended.end_date)}: "
                f"saved as plan version {saved.number}."
            )

    def record_declined(self) -> None:
        logged = ask_declined_request(self.ctx, self.actor, self)
        if logged is None:
            return
        self.refresh()
        self.tabs.setCurrentWidget(self.declined.parentWidget())
        self.declined.select(lambda r: r.id == logged.id)
        self.say(f"Declined request from {logged.requester} recorded.")

    def add_own_action(self) -> None:
        action = ask_own_action(self.ctx, self.actor, self)
        if action is None:
            return
        self.refresh()
        self.say(
            f"“{action.title}” added. Run the wizard to decide on it: it comes after the "
            "menu's actions."
        )

    def choose_menu_file(self) -> QFileDialog:
        dialog = QFileDialog(self, "Add a menu file")
        dialog.setObjectName("menu-file")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilters(["Menu files (*.toml)", "All files (*)"])
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.fileSelected.connect(lambda name: self.add_menu_file(Path(name)))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def add_menu_file(self, path: Path, *, replace_same: bool = False) -> bool:
        """Add the file; a fault is shown naming the file, the action and the field."""
        try:
            added = plan_service.add_menu_file(
                self.ctx, self.actor, path, replace_same=replace_same
            )
        except MenuError as error:
            taken = {m.menu_id: m for m in plan_service.added_menus(self.ctx)}
            named = error.problem.split("'")
            clash = error.field == "menu.id" and "is already the id of" in error.problem
            earlier = taken.get(named[1]) if clash and len(named) > 2 else None
            if earlier is not None and not replace_same and self.confirm_replace(path, earlier):
                return self.add_menu_file(path, replace_same=True)
            self.complain(
                f"Not added: {error}. Nothing was changed: put it right in the file, then add "
                "it again."
            )
            return False
        except PracticeActionError as error:
            self.complain(str(error))
            return False
        self.refresh()
        self.tabs.setCurrentWidget(self.menu_files.parentWidget())
        self.menu_files.select(lambda m: m.menu_id == added.menu_id)
        where = (
            f"after the actions of that menu ({added.extends}): run the wizard on it to decide "
            "on them"
            if added.extends
            else "as a menu of its own: choose it on the wizard's first page"
        )
        self.say(
            f"Added {added.file_name}: {added.title} ({plural(added.actions, 'action')}). "
            f"The wizard offers {'it' if added.actions == 1 else 'them'} on every desk {where}."
        )
        return True

    def confirm_replace(self, path: Path, earlier: plan_service.AddedMenu) -> bool:
        box = QMessageBox(self)
        box.setObjectName("confirm-replace-menu")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Replace the menu file?")
        box.setText(
            f"{path.name} has the menu id '{earlier.menu_id}', already added from "
            f"{earlier.file_name} by {earlier.added_by}. Replace that file with this one?"
        )
        replace = box.addButton("&Replace it", QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton("Cancel", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        run_modal(box)
        return box.clickedButton() is replace

    def remove_selected_menu(self) -> bool:
        """Remove the chosen menu file, once asked; refused, saying why, while the plan uses it."""
        chosen = self.menu_files.current_record()
        if chosen is None:
            self.complain("Choose a menu file in the list first, then remove it.")
            return False
        try:
            problem = plan_service.menu_removal_problem(self.ctx, chosen.menu_id)
        except PracticeActionError as error:
            self.complain(str(error))
            self.refresh()
            return False
        if problem:
            self.complain(f"Not removed: {problem}")
            return False
        if not self.confirm_remove_menu(chosen):
            return False
        try:
            removed = plan_service.remove_menu(self.ctx, self.actor, chosen.menu_id)
        except PracticeActionError as error:
            self.complain(f"Not removed: {error}")
            self.refresh()
            return False
        self.refresh()
        self.say(
            f"Removed {removed.file_name}: {removed.title}. The wizard no longer offers "
            f"{'it' if removed.actions == 1 else 'its actions'} on any desk; to bring "
            f"{'it' if removed.actions == 1 else 'them'} back, add the file again."
        )
        return True

    def confirm_remove_menu(self, menu: plan_service.AddedMenu) -> bool:
        box = QMessageBox(self)
        box.setObjectName("confirm-remove-menu")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Remove the menu file?")
        box.setTextFormat(Qt.TextFormat.RichText)
        added = _day(menu.added_at.astimezone(LONDON).date())
        offers = (
            "It has a fault, so the wizard is not offering it now."
            if menu.problem
            else "The wizard on every desk will no longer offer "
            + ("its action." if menu.actions == 1 else f"its {menu.actions} actions.")
        )
        box.setText(
            f"<b>Remove {html.escape(menu.title)}?</b><br>Menu '{html.escape(menu.menu_id)}', "
            f"from {html.escape(menu.file_name)}, added {added} by "
            f"{html.escape(menu.added_by)}.<br><br>{offers} The plan's history keeps what was "
            "decided, and the audit trail records the removal. To bring it back, add the file "
            "again."
        )
        remove = box.addButton("&Remove it", QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton("Cancel", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel)  # Enter alone never removes
        box.setEscapeButton(cancel)
        run_modal(box)
        return box.clickedButton() is remove

    def tick_selected(self) -> None:
        task = self.tasks.current_record()
        if task is None:
            self.complain("Choose a task in the list first, then mark it done.")
            return
        try:
            plan_service.tick_task(self.ctx, self.actor, task.id, local_today(self.ctx.clock))
        except PracticeActionError as error:
            self.complain(str(error))
            return
        set_problem(self.problem, "")
        self.refresh()


def _menu_actions_text(menu: plan_service.AddedMenu) -> str:
    if menu.problem:
        return "None offered"
    joins = f", after those of {menu.extends}" if menu.extends else ", a menu of its own"
    return f"{plural(menu.actions, 'action')}{joins}"


def _with_buttons(table: QWidget, *buttons: QPushButton) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(table, 1)
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    layout.addLayout(row)
    return box


def _contract_html(checks: list[plan_service.ContractCheck]) -> str:
    """Each adopted action beside the contract in force on its dates."""
    if not checks:
        return "<p>No action adopted, so nothing to set beside the contract.</p>"
    parts = ["<p><b>The GP contract in force on each action's dates</b></p>"]
    for check in checks:
        until = f" until {_day(check.ends)}" if check.ends else ""
        parts.append(
            f"<p><b>{html.escape(check.title)}</b> (from {_day(check.starts)}{until}):"
            + ("" if not check.clear else " nothing in the contract conflicts.")
            + "</p>"
        )
        items = [
            f"<li><span style='color:#b3261e'><b>Conflicts:</b></span> {html.escape(text)}</li>"
            for text in check.conflicts
        ] + [
            f"<li><b>The contract requires:</b> {html.escape(text)}</li>" for text in check.requires
        ]
        if items:
            parts.append("<ul>" + "".join(items) + "</ul>")
    return "".join(parts)


def _decision_text(decision: plan_service.DecisionView | None) -> str:
    if decision is None:
        return "—"
    if decision.choice is not Choice.ADOPT:
        return decision.choice.label
    text = f"Adopt from {_day(decision.effective_date)}"
    return text + (f" until {_day(decision.end_date)}" if decision.end_date else "")


def sections() -> list[Section]:
    """This module's sections, as declared in ui/sections.py."""
    return [section("plan")]
