"""The Action plan screen's own work: ending an action, the freeze log, the practice's own
actions. Dialogs are answered through ``answered_by``, as a person would fill them in."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from menu_helpers import JULY, menu_file
from PySide6.QtCore import QDate, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from practice_action.domain.plan import Choice, ContactsCapDetails, Decision
from practice_action.services import audit
from practice_action.services import plan as plan_service
from practice_action.services.context import Actor, Context
from practice_action.ui.modal import answered_by
from practice_action.ui.plan_dialogs import (
    DeclinedRequestDialog,
    EndActionDialog,
    OwnActionDialog,
    task_list,
)
from practice_action.ui.plan_screen import PlanScreen
from practice_action.ui.plan_wizard import PageId, PlanWizard

NOON = datetime(2025, 6, 13, 11, 0, tzinfo=UTC)  # Friday 13 June 2025
CAP_START = date(2025, 6, 16)


@pytest.fixture
def planned(ctx: Context, manager: Actor) -> Context:
    """A practice whose plan (version 1) adopts the cap from Monday 16 June 2025."""
    ctx.clock = lambda: NOON
    plan_service.save_plan_version(
        ctx,
        manager,
        [
            Decision("contacts-cap", Choice.ADOPT, CAP_START, None, ContactsCapDetails()),
            Decision("gp-connect", Choice.ADOPT, CAP_START),
        ],
    )
    return ctx


def _screen(qtbot: QtBot, ctx: Context, actor: Actor) -> PlanScreen:
    screen = PlanScreen(ctx, actor)
    qtbot.addWidget(screen)
    screen.resize(1100, 650)
    screen.show()
    return screen


def _press(dialog: QDialog, button: object) -> int:
    """Press a dialog's button as a person would; the dialog's result (0 while still open)."""
    button.click()  # type: ignore[attr-defined]
    return dialog.result()


def test_an_adopted_action_is_ended_in_a_new_version(
    qtbot: QtBot, planned: Context, manager: Actor
) -> None:
    screen = _screen(qtbot, planned, manager)
    assert not screen.end_button.isEnabled()
    assert screen.adopted.select(lambda d: d.action_id == "contacts-cap")
    assert screen.end_button.isEnabled()
    seen: dict[str, str] = {}

    def answer(dialog: QDialog) -> int:
        assert isinstance(dialog, EndActionDialog)
        dialog.last_day.setDate(QDate(2025, 6, 2))  # before the start: the date edit refuses
        assert dialog.chosen() == CAP_START
        dialog.last_day.setDate(QDate(2025, 8, 29))
        seen["confirm"] = dialog.confirm.text()
        return _press(dialog, dialog.ok_button)

    with answered_by(answer):
        screen.end_button.click()
    assert "new version (2)" in seen["confirm"] and "Fri 29 Aug 2025" in seen["confirm"]
    version = plan_service.current_plan(planned).version
    assert version is not None and version.number == 2
    assert version.decision("contacts-cap").end_date == date(2025, 8, 29)
    assert version.decision("gp-connect").end_date is None
    assert "Fri 29 Aug 2025" in [
        screen.adopted.model.data(screen.adopted.model.index(r, 2))
        for r in range(screen.adopted.model.rowCount())
    ]
    assert "saved as plan version 2" in screen.done.text()
    kinds = [e.kind for e in audit.list_entries(planned, manager, kind_prefix="plan.")]
    assert "plan.end_action" in kinds


def test_ending_can_be_cancelled_and_a_refusal_is_shown_in_the_dialog(
    qtbot: QtBot, planned: Context, manager: Actor
) -> None:
    screen = _screen(qtbot, planned, manager)
    screen.adopted.select(lambda d: d.action_id == "gp-connect")
    with answered_by(lambda dialog: QDialog.DialogCode.Rejected):
        screen.end_button.click()
    assert plan_service.current_plan(planned).version.number == 1

    stale = screen.adopted.current_record()
    plan_service.save_plan_version(planned, manager, [Decision("gp-connect", Choice.NOT_NOW)])
    problems: list[str] = []

    def answer(dialog: QDialog) -> int:
        result = _press(dialog, dialog.ok_button)  # the action is no longer adopted
        problems.append(dialog.form.general_problem())
        return result

    with answered_by(answer):
        screen.end_button.click()
    assert stale is not None
    assert "no adopted action 'gp-connect'" in problems[0]
    assert plan_service.current_plan(planned).version.number == 2


def test_declined_requests_are_logged_on_their_own_tab(
    qtbot: QtBot, planned: Context, manager: Actor
) -> None:
    screen = _screen(qtbot, planned, manager)
    assert screen.tabs.tabText(3) == "&Declined data requests"
    refused: dict[str, str] = {}

    def answer(dialog: QDialog) -> int:
        assert isinstance(dialog, DeclinedRequestDialog)
        assert _press(dialog, dialog.ok_button) == 0  # nothing typed: stays open
        refused["requester"] = dialog.form.problem("requester")
        dialog.requester.setText("Riverside ICB digital team")
        dialog.description.setPlainText("Join the regional platform. Declined by email.")
        dialog.received.setDate(QDate(2025, 6, 9))
        dialog.declined.setDate(QDate(2025, 6, 11))
        return _press(dialog, dialog.ok_button)

    with answered_by(answer):
        screen.decline_button.click()
    assert refused["requester"]
    (logged,) = plan_service.declined_requests(planned)
    assert (logged.requester, logged.received_on, logged.declined_on) == (
        "Riverside ICB digital team",
        date(2025, 6, 9),
        date(2025, 6, 11),
    )
    assert screen.tabs.currentIndex() == 3
    assert screen.declined.current_record() == logged
    assert "Riverside ICB digital team" in screen.done.text()


def test_the_practices_own_action_appears_in_the_wizard(
    qtbot: QtBot, planned: Context, manager: Actor
) -> None:
    screen = _screen(qtbot, planned, manager)
    refused: dict[str, str] = {}

    def answer(dialog: QDialog) -> int:
        assert isinstance(dialog, OwnActionDialog)
        assert _press(dialog, dialog.ok_button) == 0  # nothing typed: every gap is named
        refused["title"] = dialog.form.problem("title")
        refused["source"] = dialog.form.problem("source")
        dialog.title_edit.setText("Defer new local pilots")
        dialog.wording.setPlainText("Defer signing up to any new local pilot schemes.")
        dialog.attribution.setText("Leicestershire and Rutland LMC")
        dialog.source.setText("LMC bulletin, May 2026")
        dialog.explanation.setPlainText("We take on no new pilots while the action lasts.")
        dialog.involves.setPlainText("Telling the ICB, and saying no to new pilots.")
        assert dialog.detail.currentData() == "checklist"
        assert _press(dialog, dialog.ok_button) == 0  # a checklist needs a task
        refused["tasks"] = dialog.form.problem("tasks")
        dialog.tasks.setPlainText("Tell the ICB in writing\n\n☐ Brief the partners\n")
        return _press(dialog, dialog.ok_button)

    with answered_by(answer):
        screen.own_button.click()
    assert refused["title"] == "Write a short title."
    assert refused["source"] == "Write where and when it was published."
    assert refused["tasks"].startswith("Write at least one task")
    assert "Run the wizard" in screen.done.text()

    wizard = PlanWizard(planned, manager)
    qtbot.addWidget(wizard)
    own = wizard.action_pages[-1]
    assert own.action.title == "Defer new local pilots" and own.subTitle() == (
        "The practice's own action"
    )
    assert "Then 1 action of the practice's own." in wizard.intro.menu_summary.text()
    own.set_choice(Choice.ADOPT)
    wizard.show()
    while wizard.currentId() != PageId.SUMMARY:
        wizard.next()
    assert "Defer new local pilots" in wizard.summary.summary.toPlainText()
    assert wizard.summary.validatePage()
    screen.refresh()
    assert [t.text for t in screen.view.open_tasks if t.action_id == own.action.id] == [
        "Tell the ICB in writing",
        "Brief the partners",
    ]


def test_task_lines_become_tasks_with_their_own_ids() -> None:
    assert task_list("Tell the ICB\n - Tell the ICB \n\n•  Brief   staff") == [
        {"id": "tell-the-icb", "text": "Tell the ICB"},
        {"id": "tell-the-icb-2", "text": "Tell the ICB"},
        {"id": "brief-staff", "text": "Brief staff"},
    ]


def test_reception_reads_the_plan_but_changes_nothing(
    qtbot: QtBot, planned: Context, receptionist: Actor
) -> None:
    screen = _screen(qtbot, planned, receptionist)
    for button in (
        screen.end_button,
        screen.decline_button,
        screen.own_button,
        screen.menu_file_button,
        screen.remove_menu_button,
    ):
        assert not button.isVisibleTo(screen)
    assert screen.tabs.count() == 6


def test_approving_shows_what_is_approved_and_asks_first(
    qtbot: QtBot, planned: Context, partner: Actor
) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    screen = _screen(qtbot, planned, partner)
    assert screen.approve_button.isVisible()
    seen: list[str] = []

    def answer(cancel: bool):
        def press(box: QDialog) -> int:
            assert isinstance(box, QMessageBox)
            seen.append(box.text())
            assert box.defaultButton().text() == "Cancel"  # Enter alone never approves
            wanted = "Cancel" if cancel else "&Approve version 1"
            return _press(box, next(b for b in box.buttons() if b.text() == wanted))

        return press

    with answered_by(answer(cancel=True)):
        qtbot.mouseClick(screen.approve_button, Qt.MouseButton.LeftButton)
    assert plan_service.current_plan(planned).version.approved_by is None  # type: ignore[union-attr]
    assert "Approve plan version 1" in seen[0] and "It adopts 2 actions" in seen[0]
    assert "from Mon 16 Jun 2025" in seen[0]

    with answered_by(answer(cancel=False)):
        qtbot.mouseClick(screen.approve_button, Qt.MouseButton.LeftButton)
    assert plan_service.current_plan(planned).version.approved_by == partner.label  # type: ignore[union-attr]
    assert not screen.approve_button.isVisible()


def test_the_adopted_tab_sets_each_action_beside_the_contract_on_its_dates(
    qtbot: QtBot, planned: Context, receptionist: Actor
) -> None:
    screen = _screen(qtbot, planned, receptionist)
    assert screen.tabs.currentIndex() == 0
    assert screen.contract.isVisible()
    text = screen.contract.toPlainText()
    gp = text.split("Switch off GP Connect Update Record")[1]
    cap = text.split("Limit daily contacts to a safe maximum")[1].split("Switch off GP")[0]
    assert "Conflicts: From 1 October 2025:" in gp
    assert "Conflicts" not in cap
    assert "The contract requires: From 1 April 2026:" in cap and "same day" in cap
    model = screen.adopted.view.model()
    shown = {
        model.index(row, 0).data(): model.index(row, 3).data() for row in range(model.rowCount())
    }
    assert shown == {
        "Limit daily contacts to a safe maximum": "Requires (1)",
        "Switch off GP Connect Update Record": "Conflicts (1)",
    }


def _add_menu_file_by_hand(qtbot: QtBot, screen: PlanScreen, path: Path) -> None:
    """Click the button, go to the file's folder, type its name and click Open."""
    QTest.mouseClick(screen.menu_file_button, Qt.MouseButton.LeftButton)
    dialog = next(d for d in screen.findChildren(QFileDialog, "menu-file") if d.isVisible())
    name = dialog.findChild(QLineEdit, "fileNameEdit")
    assert name is not None
    dialog.setDirectory(str(path.parent))
    name.setFocus()
    QTest.keyClicks(name, path.name)
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    open_button = buttons.button(QDialogButtonBox.StandardButton.Open)
    QTest.mouseClick(open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_a_menu_file_added_from_the_screen_is_offered_by_the_wizard(
    qtbot: QtBot, ctx: Context, manager: Actor, tmp_path: Path
) -> None:
    screen = _screen(qtbot, ctx, manager)
    broken = menu_file(
        tmp_path, JULY.replace('detail = "checklist"', 'detail = "list"'), "july.toml"
    )
    _add_menu_file_by_hand(qtbot, screen, broken)
    shown = screen.problem.text()
    assert "Not added: july.toml: action '2026-07-locum-rates', field 'detail'" in shown
    assert "'list' is not a detail kind" in shown and "Nothing was changed" in shown
    assert plan_service.added_menus(ctx) == []
    _add_menu_file_by_hand(qtbot, screen, menu_file(tmp_path, JULY))
    assert screen.done.isVisible()
    assert screen.done.text().startswith(
        "Added bma-2026-07.toml: BMA monthly action for July 2026 (1 action)."
    )
    wizard = PlanWizard(ctx, manager, screen, menu_id="bma-2026")
    qtbot.addWidget(wizard)
    assert [p.action.id for p in wizard.action_pages][-1] == "2026-07-locum-rates"
    assert wizard.action_pages[-1].title() == "5. Review the rates offered to locums"
    assert (
        "It includes 1 action the practice added from a menu file: Review the rates offered to "
        "locums." in wizard.intro.menu_summary.text()
    )


def test_adding_a_menu_file_again_asks_before_replacing_it(
    qtbot: QtBot, ctx: Context, manager: Actor, tmp_path: Path
) -> None:
    screen = _screen(qtbot, ctx, manager)
    _add_menu_file_by_hand(qtbot, screen, menu_file(tmp_path, JULY))
    second = menu_file(tmp_path, JULY.replace("Review the rates", "Compare the rates"), "v2.toml")
    asked: list[str] = []

    def cancel(box: QDialog) -> int:
        assert isinstance(box, QMessageBox)
        asked.append(box.text())
        next(b for b in box.buttons() if b.text() == "Cancel").click()
        return 0

    with answered_by(cancel):
        _add_menu_file_by_hand(qtbot, screen, second)
    assert "already added from bma-2026-07.toml by Maria Okafor" in asked[0]
    assert "Not added: v2.toml" in screen.problem.text()

    def replace_it(box: QDialog) -> int:
        assert isinstance(box, QMessageBox)
        next(b for b in box.buttons() if b.text() == "&Replace it").click()
        return 0

    with answered_by(replace_it):
        _add_menu_file_by_hand(qtbot, screen, second)
    assert screen.done.text().startswith("Added v2.toml")
    assert [m.file_name for m in plan_service.added_menus(ctx)] == ["v2.toml"]


def _open_menu_files_tab(screen: PlanScreen) -> None:
    bar = screen.tabs.tabBar()
    index = next(i for i in range(bar.count()) if bar.tabText(i) == "Added menu fi&les")
    QTest.mouseClick(
        bar, Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0), bar.tabRect(index).center()
    )
    assert screen.menu_files.isVisible()


def test_a_menu_file_is_removed_from_the_screen_once_asked_by_name(
    qtbot: QtBot, ctx: Context, manager: Actor, tmp_path: Path
) -> None:
    from ui_people_helpers import click, click_row

    screen = _screen(qtbot, ctx, manager)
    _add_menu_file_by_hand(qtbot, screen, menu_file(tmp_path, JULY))
    # the new file is shown, chosen, on its own tab
    assert screen.menu_files.isVisible()
    assert screen.menu_files.current_record().menu_id == "bma-2026-07"
    model = screen.menu_files.view.model()
    assert [model.index(0, c).data() for c in range(4)] == [
        "BMA monthly action for July 2026",
        "bma-2026-07",
        "bma-2026-07.toml",
        "1 action, after those of bma-2026",
    ]
    plan_service.save_plan_version(
        ctx, manager, [Decision("2026-07-locum-rates", Choice.ADOPT)], menu_id="bma-2026"
    )
    screen.refresh()
    asked: list[str] = []

    def keep(box: QDialog) -> int:
        assert isinstance(box, QMessageBox)
        asked.append(box.text())
        box.show()
        qtbot.waitExposed(box)
        assert box.defaultButton().text() == "Cancel"  # Enter alone never removes
        QTest.keyClick(box, Qt.Key.Key_Escape)
        return 0

    # refused while the plan adopts its action, without asking first
    with answered_by(keep):
        click_row(screen.menu_files.view, 0)
        click(screen.remove_menu_button)
    assert asked == []
    shown = screen.problem.text()
    assert shown.startswith("⚠ Not removed: BMA monthly action for July 2026 is in use: the")
    assert "adopts its action 'Review the rates offered to locums'" in shown
    assert "choose Not now for it" in shown
    assert [m.menu_id for m in plan_service.added_menus(ctx)] == ["bma-2026-07"]

    plan_service.save_plan_version(
        ctx, manager, [Decision("2026-07-locum-rates", Choice.NOT_NOW)], menu_id="bma-2026"
    )
    screen.refresh()
    with answered_by(keep):
        click_row(screen.menu_files.view, 0)
        click(screen.remove_menu_button)
    assert len(asked) == 1
    assert "Remove BMA monthly action for July 2026?</b><br>Menu 'bma-2026-07', from " in asked[0]
    assert "bma-2026-07.toml, added Tue 17 Nov 2026 by Maria Okafor" in asked[0]
    assert "will no longer offer its action." in asked[0]
    assert [m.menu_id for m in plan_service.added_menus(ctx)] == ["bma-2026-07"]

    def remove_it(box: QDialog) -> int:
        assert isinstance(box, QMessageBox)
        box.show()
        qtbot.waitExposed(box)
        button = next(b for b in box.buttons() if b.text() == "&Remove it")
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
        return 0

    with answered_by(remove_it):
        click(screen.remove_menu_button)
    assert plan_service.added_menus(ctx) == []
    assert screen.done.isVisible()
    assert screen.done.text().startswith(
        "Removed bma-2026-07.toml: BMA monthly action for July 2026. The wizard no longer"
    )
    assert screen.menu_files.view.model().rowCount() == 0
    assert not screen.remove_menu_button.isEnabled()
    entry = audit.list_entries(ctx, manager)[0]
    assert entry.kind == "plan.remove_menu" and entry.actor == manager.label
    wizard = PlanWizard(ctx, manager, screen, menu_id="bma-2026")
    qtbot.addWidget(wizard)
    assert "2026-07-locum-rates" not in [p.action.id for p in wizard.action_pages]


def test_reception_sees_the_added_menu_files_but_cannot_remove_one(
    qtbot: QtBot, ctx: Context, manager: Actor, receptionist: Actor, tmp_path: Path
) -> None:
    plan_service.add_menu_file(ctx, manager, menu_file(tmp_path, JULY))
    screen = _screen(qtbot, ctx, receptionist)
    _open_menu_files_tab(screen)
    assert screen.menu_files.view.model().rowCount() == 1
    assert not screen.remove_menu_button.isVisible()
