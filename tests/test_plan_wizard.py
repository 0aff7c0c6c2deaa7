"""The action plan wizard and screen, driven with pytest-qt for a realistic practice."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from practice_action.domain.enums import DsaPurpose, ServiceKind
from practice_action.domain.plan import Choice
from practice_action.domain.records import (
    DataSharingAgreement,
    LocalService,
    PostalAddress,
    VoluntaryService,
)
from practice_action.services import plan as plan_service
from practice_action.services import registers
from practice_action.services.context import Actor, Context
from practice_action.ui.plan_screen import PlanScreen, sections
from practice_action.ui.plan_wizard import PageId, PlanWizard

NOON = datetime(2025, 6, 13, 11, 0, tzinfo=UTC)  # Friday 13 June 2025
PARTY = PostalAddress("NHS Riverside ICB", "1 Quay Street\nLeicester", "LE1 4AB")


@pytest.fixture
def practice(ctx: Context, manager: Actor) -> Context:
    ctx.clock = lambda: NOON
    for record, register in [
        (LocalService("NHS 111", ServiceKind.NHS_111, phone="111"), registers.LOCAL_SERVICES),
        (VoluntaryService("Wound care", PARTY, 90), registers.VOLUNTARY_SERVICES),
        (VoluntaryService("Phlebotomy", PARTY, 28), registers.VOLUNTARY_SERVICES),
        (
            DataSharingAgreement("Research extract", PARTY, DsaPurpose.SECONDARY),
            registers.AGREEMENTS,
        ),
        (
            DataSharingAgreement("Shared care record", PARTY, DsaPurpose.DIRECT_CARE),
            registers.AGREEMENTS,
        ),
    ]:
        registers.save_record(ctx, manager, register, record)
    return ctx


def _wizard(qtbot: QtBot, ctx: Context, actor: Actor) -> PlanWizard:
    wizard = PlanWizard(ctx, actor)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def test_the_whole_wizard_records_an_approved_plan(
    qtbot: QtBot, practice: Context, partner: Actor
) -> None:
    wizard = _wizard(qtbot, practice, partner)
    assert wizard.currentId() == PageId.INTRO
    wizard.intro.deciding.setText("Dr Patel and Maria Okafor")
    wizard.next()
    cap = wizard.currentPage()
    assert cap.action.id == "contacts-cap"
    cap.set_choice(Choice.ADOPT)
    cap.details.cap.setValue(24)
    wizard.next()
    for page in wizard.action_pages[1:]:
        assert wizard.currentPage() is page
        if page.action.id == "voluntary-notice":
            page.set_choice(Choice.ADOPT)
            wound = page.details.services.findItems("Wound care", Qt.MatchFlag.MatchExactly)[0]
            wound.setCheckState(Qt.CheckState.Checked)
            assert "last day Thu 11 Sep 2025" in page.details.last_days.text()
        elif page.action.id == "dsa-withdrawal":
            page.set_choice(Choice.ADOPT)
            page.details.ends.setDate(QDate(2025, 7, 31))
        elif page.action.id == "gp-connect":
            page.set_choice(Choice.NOT_NOW)
        wizard.next()
    assert wizard.currentId() == PageId.SUMMARY
    summary = wizard.summary.summary.toPlainText()
    assert "at most 24 contacts" in summary
    assert "Notice letter for Wound care: last day 11 September 2025" in summary
    assert wizard.summary.self_approve.isChecked()
    wizard.button(QWizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(lambda: not wizard.isVisible())
    version = plan_service.current_plan(practice).version
    assert version is not None and version.approved_by == partner.label
    assert version.note == "Decided by Dr Patel and Maria Okafor"
    assert version.decision("contacts-cap").details.cap == 24
    assert version.decision("contacts-cap").effective_date == date(2025, 6, 16)
    assert [s.name for s in version.decision("voluntary-notice").details.services] == ["Wound care"]
    withdrawal = version.decision("dsa-withdrawal").details
    assert withdrawal.permission_ends == date(2025, 7, 31) and len(withdrawal.agreement_ids) == 1
    assert version.decision("gp-connect").choice is Choice.NOT_NOW
    assert version.decision("advice-guidance").choice is Choice.UNDECIDED


def test_a_page_with_a_past_start_or_no_service_does_not_move_on(
    qtbot: QtBot, practice: Context, manager: Actor
) -> None:
    wizard = _wizard(qtbot, practice, manager)
    wizard.next()
    cap = wizard.currentPage()
    cap.set_choice(Choice.ADOPT)
    cap.effective.setDate(QDate(2025, 6, 2))
    assert cap.confirm_past.isVisibleTo(cap)
    wizard.next()
    assert wizard.currentPage() is cap
    assert "in the past" in cap.date_problem.text()
    cap.confirm_past.setChecked(True)
    wizard.next()
    assert wizard.currentPage() is not cap
    notice = wizard.page_for("voluntary-notice")
    while wizard.currentPage() is not notice:
        wizard.next()
    notice.set_choice(Choice.ADOPT)
    wizard.next()
    assert wizard.currentPage() is notice
    assert "at least one voluntary service" in notice.details.problem("services")


def test_the_wizard_warns_of_a_contract_conflict(
    qtbot: QtBot, practice: Context, manager: Actor
) -> None:
    wizard = _wizard(qtbot, practice, manager)
    page = wizard.page_for("gp-connect")
    page.set_choice(Choice.ADOPT)
    page.effective.setDate(QDate(2025, 9, 1))
    assert "From 1 October 2025" in page.notes.text()
    page.effective.setDate(QDate(2025, 10, 6))
    assert "Conflicts with the 2025/26 GP contract" in page.notes.text()


def test_a_manager_saves_with_a_partners_pin_and_the_screen_shows_it(
    qtbot: QtBot, practice: Context, manager: Actor, partner: Actor, receptionist: Actor
) -> None:
    from conftest import PARTNER_PIN

    wizard = _wizard(qtbot, practice, manager)
    wizard.page_for("gp-connect").set_choice(Choice.ADOPT)
    while wizard.currentId() != PageId.SUMMARY:
        wizard.next()
    assert not wizard.summary.self_approve.isVisibleTo(wizard.summary)
    wizard.summary.partner.setCurrentIndex(wizard.summary.partner.findText(partner.name))
    wizard.summary.pin.setText("000000")
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.isVisible() and "Wrong PIN" in wizard.summary.problem.text()
    wizard.summary.pin.setText(PARTNER_PIN)
    wizard.button(QWizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(lambda: not wizard.isVisible())
    assert plan_service.current_plan(practice).version.approved_by == partner.label

    screen = PlanScreen(practice, manager)
    qtbot.addWidget(screen)
    assert "version 1" in screen.heading.text()
    assert [t.text for t in screen.tasks.visible_records()] == [
        "Switch off GP Connect Update Record in the clinical system"
    ]
    screen.tasks.select(lambda t: True)
    screen.tick_selected()
    assert plan_service.current_plan(practice).open_tasks == ()

    reception = PlanScreen(practice, receptionist)
    qtbot.addWidget(reception)
    assert not reception.wizard_button.isVisibleTo(reception)
    assert not reception.tick_button.isVisibleTo(reception)


def test_the_section_is_declared() -> None:
    (section,) = sections()
    assert (section.key, section.title, section.shortcut, section.order) == (
        "plan",
        "Action plan",
        "Ctrl+2",
        20,
    )


def test_a_service_added_on_the_notice_page_is_saved_and_picked(
    qtbot: QtBot, practice: Context, manager: Actor
) -> None:
    from PySide6.QtWidgets import QDialog

    from practice_action.ui.modal import answered_by
    from practice_action.ui.record_dialogs import VoluntaryServiceDialog

    wizard = _wizard(qtbot, practice, manager)
    notice = wizard.page_for("voluntary-notice")
    while wizard.currentPage() is not notice:
        wizard.next()
    notice.set_choice(Choice.ADOPT)
    wizard.next()
    assert wizard.currentPage() is notice  # no service ticked yet

    def answer(dialog: QDialog) -> int:
        assert isinstance(dialog, VoluntaryServiceDialog)
        assert dialog.commissioner.value().name == "LLR ICB"  # the practice's ICB to start
        dialog.name_edit.setText("Ear irrigation")
        dialog.notice_days.setValue(30)
        dialog.save_button.click()
        return dialog.result()

    with answered_by(answer):
        notice.details.add_button.click()
    ticked = [
        notice.details.services.item(r).text()
        for r in range(notice.details.services.count())
        if notice.details.services.item(r).checkState() == Qt.CheckState.Checked
    ]
    assert ticked == ["Ear irrigation"]
    assert notice.details.problem("services") == ""
    assert "Ear irrigation: 30 days' notice" in notice.details.last_days.text()
    wizard.next()
    assert wizard.currentPage() is not notice
    names = [s.name for s in registers.list_records(practice, registers.VOLUNTARY_SERVICES)]
    assert "Ear irrigation" in names

    with answered_by(lambda dialog: QDialog.DialogCode.Rejected):
        notice.details.add_button.click()
    assert notice.details.services.count() == 3


def test_a_past_start_is_confirmed_for_that_date_only(
    qtbot: QtBot, practice: Context, manager: Actor
) -> None:
    wizard = _wizard(qtbot, practice, manager)
    wizard.next()
    cap = wizard.currentPage()
    cap.set_choice(Choice.ADOPT)
    assert not cap.confirm_past.isVisibleTo(cap)  # the default start is not in the past
    cap.effective.setDate(QDate(2025, 6, 9))
    cap.confirm_past.setChecked(True)
    cap.effective.setDate(QDate(2025, 5, 1))
    assert not cap.confirm_past.isChecked()
    wizard.next()
    assert wizard.currentPage() is cap and "1 May 2025 is in the past" in cap.date_problem.text()
    cap.confirm_past.setChecked(True)
    wizard.next()
    assert wizard.currentPage() is not cap
    assert wizard.decisions["contacts-cap"].effective_date == date(2025, 5, 1)


@pytest.mark.parametrize(
    ("action_id", "start", "end", "warned"),
    [
        ("gp-connect", date(2025, 10, 1), None, True),
        ("digital-declarations", date(2025, 11, 3), None, True),
        ("digital-declarations", date(2025, 9, 1), date(2025, 9, 30), False),
        ("gp-connect", date(2025, 7, 1), date(2025, 9, 30), False),
        ("referrals", date(2025, 11, 3), None, False),
    ],
)
def test_contract_conflicts_show_for_dates_from_october_2025(
    qtbot: QtBot,
    practice: Context,
    manager: Actor,
    action_id: str,
    start: date,
    end: date | None,
    warned: bool,
) -> None:
    wizard = _wizard(qtbot, practice, manager)
    page = wizard.page_for(action_id)
    page.set_choice(Choice.ADOPT)
    page.effective.setDate(QDate(start.year, start.month, start.day))
    if end is not None:
        page.has_end.setChecked(True)
        page.end.setDate(QDate(end.year, end.month, end.day))
    assert ("⚠" in page.notes.text()) is warned
    while wizard.currentId() != PageId.SUMMARY:
        wizard.next()
    summary = wizard.summary.summary.toPlainText()
    assert ("2025/26 GP contract" in summary) is warned


def _mnemonics(widget: object) -> list[str]:
    from PySide6.QtWidgets import QAbstractButton, QLabel

    letters = []
    for child in widget.findChildren(QLabel) + widget.findChildren(QAbstractButton):
        if isinstance(child, QLabel) and child.buddy() is None:
            continue
        text = child.text().replace("&&", "")
        if "&" in text:
            letters.append(text[text.index("&") + 1].lower())
    return letters


def test_no_two_fields_on_a_page_share_an_alt_letter(
    qtbot: QtBot, practice: Context, partner: Actor
) -> None:
    wizard = _wizard(qtbot, practice, partner)
    buttons = [
        wizard.buttonText(b).replace("&&", "")
        for b in (QWizard.WizardButton.BackButton, QWizard.WizardButton.NextButton)
    ]
    common = [t[t.index("&") + 1].lower() for t in buttons if "&" in t]
    for page_id in wizard.pageIds():
        letters = _mnemonics(wizard.page(page_id)) + common
        clashes = {x for x in letters if letters.count(x) > 1}
        assert not clashes, (wizard.page(page_id).title(), clashes)
