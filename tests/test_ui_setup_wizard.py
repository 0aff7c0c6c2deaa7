"""The first-run wizard, driven with the keyboard and the mouse as a practice manager would."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget, QWizard

from practice_action.domain.enums import StaffRole, Weekday
from practice_action.paths import resolve
from practice_action.services import practice, staff
from practice_action.services.health import open_context
from practice_action.ui.setup_wizard import FirstRunWizard, PageId


@pytest.fixture
def ctx(tmp_path):
    context = open_context(resolve(tmp_path / "data"))
    yield context
    context.store.dispose()


@pytest.fixture
def wizard(qtbot, ctx):
    w = FirstRunWizard(ctx)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    return w


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def type_here(qtbot, text: str) -> None:
    """Type into whatever has the focus, replacing what is there."""
    widget = focused()
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(focused(), text)


def tab(qtbot, times: int = 1) -> None:
    for _ in range(times):
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)


def tab_until(qtbot, widget: QWidget, limit: int = 4) -> None:
    """Tab on (a time box takes one Tab per section) until ``widget`` has the focus."""
    for _ in range(limit):
        if focused() is widget:
            return
        tab(qtbot)
    assert focused() is widget


def next_by_keyboard(qtbot, wizard) -> None:
    """Enter presses the wizard's default button (Next, or Finish on the last page)."""
    qtbot.keyClick(focused(), Qt.Key.Key_Return)


def test_a_realistic_practice_set_up_from_the_keyboard(qtbot, wizard, ctx):
    assert wizard.currentId() == PageId.WELCOME
    assert not practice.is_set_up(ctx)
    next_by_keyboard(qtbot, wizard)
    assert wizard.currentId() == PageId.PRACTICE

    form = wizard.details_form
    qtbot.waitUntil(lambda: focused() is form.name_edit)
    type_here(qtbot, "Riverside Medical Centre")
    tab(qtbot)
    assert focused() is form.ods_edit
    type_here(qtbot, "C8204")  # one digit short
    tab(qtbot)
    assert focused() is form.address_edit
    qtbot.keyClicks(focused(), "12 River Lane")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    qtbot.keyClicks(focused(), "Leicester")
    tab(qtbot)
    type_here(qtbot, "LE1 6CX")  # inward letters never include C
    tab(qtbot)
    type_here(qtbot, "0116 123 4567")
    tab(qtbot)
    type_here(qtbot, "reception.c82040@nhs.net")
    tab(qtbot)
    type_here(qtbot, "www.riverside-surgery.nhs.uk")
    tab(qtbot)
    assert focused() is form.list_size.lineEdit() or focused() is form.list_size
    type_here(qtbot, "11200")

    next_by_keyboard(qtbot, wizard)
    assert wizard.currentId() == PageId.PRACTICE, "Next must refuse a malformed ODS code"
    assert "not a practice ODS code" in form.problem("ods_code")
    assert "not a UK postcode" in form.problem("postcode")
    assert form.problem("name") == ""
    assert focused() is form.ods_edit, "focus goes to the first field with a problem"

    type_here(qtbot, "c82040")
    form.postcode_edit.setFocus()
    type_here(qtbot, "le1 6tp")
    next_by_keyboard(qtbot, wizard)
    assert wizard.currentId() == PageId.HOURS
    assert form.problem("ods_code") == ""

    hours = wizard.hours_form.hours
    assert [d for d in Weekday if hours.open_boxes[d].isChecked()] == list(Weekday)[:5]
    hours.open_boxes[Weekday.SAT].setFocus()
    qtbot.keyClick(focused(), Qt.Key.Key_Space)  # open on Saturday mornings
    assert hours.open_boxes[Weekday.SAT].isChecked()
    tab(qtbot)
    assert focused() is hours.opens[Weekday.SAT]
    tab_until(qtbot, hours.closes[Weekday.SAT])
    qtbot.keyClicks(focused(), "1200")  # hours then minutes, as on a clock
    next_by_keyboard(qtbot, wizard)
    assert wizard.currentId() == PageId.COMMISSIONERS

    icb, lmc = wizard.commissioners_form.icb, wizard.commissioners_form.lmc
    qtbot.waitUntil(lambda: focused() is icb.name_edit)
    type_here(qtbot, "Leicester, Leicestershire and Rutland ICB")
    tab(qtbot)
    qtbot.keyClicks(focused(), "County Hall")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    qtbot.keyClicks(focused(), "Glenfield, Leicester")
    tab(qtbot)
    type_here(qtbot, "LE3 8TB")
    tab(qtbot)
    assert focused() is lmc.name_edit
    next_by_keyboard(qtbot, wizard)
    assert wizard.currentId() == PageId.COMMISSIONERS, "the LMC is required"
    assert "LMC name is required" in wizard.commissioners_form.problem("lmc_name")
    assert focused() is lmc.name_edit
    type_here(qtbot, "Leicester, Leicestershire and Rutland LMC")
    tab(qtbot)
    qtbot.keyClicks(focused(), "Paget House")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    qtbot.keyClicks(focused(), "Leicester")
    tab(qtbot)
    type_here(qtbot, "LE2 8PA")
    next_by_keyboard(qtbot, wizard)
    assert wizard.currentId() == PageId.MANAGER

    page = wizard.manager_page
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    qtbot.waitUntil(lambda: focused() is page.name_edit)
    type_here(qtbot, "Priya Shah")
    tab(qtbot)
    assert page.pin_edit.echoMode() == page.pin_edit.EchoMode.Password
    qtbot.keyClicks(focused(), "48a29b15")  # letters are not taken
    assert page.pin_edit.text() == "482915"
    tab(qtbot)
    qtbot.keyClicks(focused(), "482916")
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    next_by_keyboard(qtbot, wizard)
    assert wizard.currentId() == PageId.MANAGER, "PINs that differ are refused"
    assert "two PINs are different" in page.form.problem("pin_again")
    assert page.pin_edit.text() == "" and page.pin_again.text() == ""
    page.pin_edit.setFocus()
    qtbot.keyClicks(focused(), "482915")
    tab(qtbot)
    qtbot.keyClicks(focused(), "482915")
    next_by_keyboard(qtbot, wizard)
    assert wizard.currentId() == PageId.SUMMARY
    text = wizard.summary_page.summary.text()
    for expected in ("Riverside Medical Centre", "C82040", "LE1 6TP", "Saturday 08:00-12:00"):
        assert expected in text, text

    with qtbot.waitSignal(wizard.accepted):
        next_by_keyboard(qtbot, wizard)
    assert wizard.signed_in is not None
    assert wizard.signed_in.actor.role is StaffRole.PRACTICE_MANAGER

    saved = practice.get_profile(ctx)
    assert saved.name == "Riverside Medical Centre"
    assert saved.ods_code == "C82040"
    assert saved.address == "12 River Lane\nLeicester"
    assert saved.postcode == "LE1 6TP"
    assert saved.list_size == 11200
    assert saved.website == "www.riverside-surgery.nhs.uk"
    assert [h.day for h in saved.opening_hours] == [*list(Weekday)[:5], Weekday.SAT]
    assert saved.opening_hours[-1].closes.hour == 12
    assert saved.icb.postcode == "LE3 8TB" and saved.lmc.name.endswith("LMC")
    manager = staff.list_staff(ctx)
    assert [(m.name, m.role) for m in manager] == [("Priya Shah", StaffRole.PRACTICE_MANAGER)]
    signed = staff.sign_in(ctx, manager[0].id, "482915")
    assert signed.actor.name == "Priya Shah"


def fill_valid(wizard) -> None:
    form = wizard.details_form
    form.name_edit.setText("Hill Top Surgery")
    form.ods_edit.setText("Y01234")
    form.address_edit.setPlainText("1 Hill Road\nMarket Harborough")
    form.postcode_edit.setText("LE16 7AA")
    form.phone_edit.setText("01858 123456")
    form.email_edit.setText("hilltop@nhs.net")
    form.list_size.setValue(6400)
    from practice_action.domain.records import PostalAddress

    wizard.commissioners_form.icb.set_value(PostalAddress("LLR ICB", "County Hall", "LE3 8TB"))
    wizard.commissioners_form.lmc.set_value(PostalAddress("LLR LMC", "Paget House", "LE2 8PA"))
    wizard.manager_page.name_edit.setText("Tom Reed")
    wizard.manager_page.pin_edit.setText("739204")
    wizard.manager_page.pin_again.setText("739204")


def click_next(qtbot, wizard) -> None:
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)


def test_an_empty_practice_name_and_closing_before_opening_are_refused(qtbot, wizard, ctx):
    fill_valid(wizard)
    wizard.details_form.name_edit.setText("   ")
    click_next(qtbot, wizard)  # welcome -> practice
    click_next(qtbot, wizard)
    assert wizard.currentId() == PageId.PRACTICE
    assert "Practice name is required" in wizard.details_form.problem("name")
    wizard.details_form.name_edit.setText("Hill Top Surgery")
    click_next(qtbot, wizard)
    assert wizard.currentId() == PageId.HOURS

    hours = wizard.hours_form.hours
    hours.closes[Weekday.MON].setTime(hours.opens[Weekday.MON].time().addSecs(-3600))
    click_next(qtbot, wizard)
    assert wizard.currentId() == PageId.HOURS
    assert "Monday hours" in wizard.hours_form.problem("opening_hours")
    hours.closes[Weekday.MON].setTime(hours.opens[Weekday.MON].time().addSecs(3600 * 10))
    click_next(qtbot, wizard)
    assert wizard.currentId() == PageId.COMMISSIONERS
    assert not practice.is_set_up(ctx)


def test_a_weak_pin_is_refused_with_the_reason(qtbot, wizard, ctx):
    fill_valid(wizard)
    for page in (PageId.WELCOME, PageId.PRACTICE, PageId.HOURS, PageId.COMMISSIONERS):
        assert wizard.currentId() == page
        click_next(qtbot, wizard)
    wizard.manager_page.pin_edit.setText("123456")
    wizard.manager_page.pin_again.setText("123456")
    click_next(qtbot, wizard)
    assert wizard.currentId() == PageId.MANAGER
    assert "too easy to guess" in wizard.manager_page.form.problem("pin")
    assert not practice.is_set_up(ctx)


def test_a_gp_code_in_place_of_the_ods_code_is_explained(qtbot, wizard):
    fill_valid(wizard)
    wizard.details_form.ods_edit.setText("G1234567")
    click_next(qtbot, wizard)
    click_next(qtbot, wizard)
    assert wizard.currentId() == PageId.PRACTICE
    assert "GP's own code" in wizard.details_form.problem("ods_code")


def test_finish_on_a_database_already_set_up_says_so_and_saves_nothing(qtbot, wizard, ctx):
    fill_valid(wizard)
    while wizard.currentId() != PageId.SUMMARY:
        click_next(qtbot, wizard)
    practice.first_run_setup(ctx, wizard.profile(), "Someone Else", "902817")
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert wizard.isVisible() and wizard.signed_in is None
    assert "already has a practice" in wizard.summary_page.error.text()
    assert [m.name for m in staff.list_staff(ctx)] == ["Someone Else"]
