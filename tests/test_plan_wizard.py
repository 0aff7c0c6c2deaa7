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
