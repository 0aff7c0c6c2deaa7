"""The finish, as a practice manager meets the app: set-up, the action plan and its wizard.

Each test drives the real widgets offscreen as a person would, and checks what they see: a
message that does not cover the box it is about, where the keyboard focus lands, words.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget, QWizard

from practice_action.domain.records import PostalAddress
from practice_action.paths import resolve
from practice_action.services.context import Actor, Context
from practice_action.services.health import open_context
from practice_action.ui.plan_screen import PlanScreen
from practice_action.ui.plan_wizard import PageId as PlanPageId
from practice_action.ui.plan_wizard import PlanWizard
from practice_action.ui.setup_screens import SetupSection
from practice_action.ui.setup_wizard import FirstRunWizard, PageId


@pytest.fixture
def empty_ctx(tmp_path):
    context = open_context(resolve(tmp_path / "fresh"))
    yield context
    context.store.dispose()


def shown(qtbot, widget: QWidget) -> QWidget:
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget.window())
    return widget


@pytest.fixture
def wizard(qtbot, empty_ctx):
    w = FirstRunWizard(empty_ctx)
    shown(qtbot, w)
    return w


def click_next(qtbot, wizard: QWizard) -> None:
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)


def fill_practice(wizard: FirstRunWizard) -> None:
    form = wizard.details_form
    form.name_edit.setText("Hill Top Surgery")
    form.ods_edit.setText("Y01234")
    form.address_edit.setPlainText("1 Hill Road\nMarket Harborough")
    form.postcode_edit.setText("LE16 7AA")
    form.phone_edit.setText("01858 123456")
    form.email_edit.setText("hilltop@nhs.net")
    form.list_size.setValue(6400)


def clear_of(lower: QWidget, upper: QWidget) -> bool:
    """True when ``lower`` is shown below ``upper`` without covering any of it."""
    top_of_lower = lower.mapTo(lower.window(), lower.rect().topLeft()).y()
    bottom_of_upper = upper.mapTo(upper.window(), upper.rect().bottomLeft()).y()
    return lower.isVisible() and top_of_lower > bottom_of_upper


def test_messages_on_the_icb_page_sit_under_their_boxes_not_over_them(qtbot, wizard):
    fill_practice(wizard)
    for page in (PageId.WELCOME, PageId.PRACTICE, PageId.HOURS):
        assert wizard.currentId() == page
        click_next(qtbot, wizard)
    assert wizard.currentId() == PageId.COMMISSIONERS

    icb = wizard.commissioners_form.icb
    below = {"icb_name": "icb_address", "icb_address": "icb_postcode"}
    # Twice: the second time the messages come back into rows the layout has seen before.
    for _ in range(2):
        click_next(qtbot, wizard)  # every ICB and LMC box is empty
        assert wizard.currentId() == PageId.COMMISSIONERS
        for field in ("icb_name", "icb_address", "icb_postcode"):
            message = icb._messages[field]
            assert icb.problem(field)
            qtbot.waitUntil(lambda m=message, f=field: clear_of(m, icb.editor(f)))
            if field in below:
                next_box = icb.editor(below[field])
                qtbot.waitUntil(lambda m=message, b=next_box: clear_of(b, m))
        wizard.commissioners_form.clear_problems()


def x_in_window(widget: QWidget) -> int:
    return widget.mapTo(widget.window(), widget.rect().topLeft()).x()


def test_the_icb_and_lmc_boxes_line_up_and_say_whose_postcode(qtbot, wizard):
    icb, lmc = wizard.commissioners_form.icb, wizard.commissioners_form.lmc
    for _ in range(3):
        fill_practice(wizard)
        click_next(qtbot, wizard)
    assert wizard.currentId() == PageId.COMMISSIONERS
    for field in ("name", "address", "postcode"):
        qtbot.waitUntil(
            lambda f=field: (
                x_in_window(icb.editor(f"icb_{f}")) == x_in_window(lmc.editor(f"lmc_{f}"))
            )
        )
    assert icb.postcode_edit.accessibleName() == "ICB postcode"
    assert lmc.postcode_edit.accessibleName() == "LMC postcode"


def test_the_last_set_up_page_starts_on_finish_not_on_the_summary(qtbot, wizard):
    fill_practice(wizard)
    wizard.commissioners_form.icb.set_value(PostalAddress("LLR ICB", "County Hall", "LE3 8TB"))
    wizard.commissioners_form.lmc.set_value(PostalAddress("LLR LMC", "Paget House", "LE2 8PA"))
    wizard.manager_page.name_edit.setText("Tom Reed")
    wizard.manager_page.pin_edit.setText("739204")
    wizard.manager_page.pin_again.setText("739204")
    for _ in range(5):
        click_next(qtbot, wizard)
    assert wizard.currentId() == PageId.SUMMARY
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is finish)
    # Shift+Tab goes to Back and nowhere else on the page: the summary is read, not typed in.
    qtbot.keyClick(finish, Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is wizard.button(QWizard.WizardButton.BackButton)


def test_each_plan_wizard_page_starts_on_the_decision(qtbot, ctx: Context, manager: Actor):
    wizard = shown(qtbot, PlanWizard(ctx, manager))
    wizard.next()
    page_ids = [i for i in wizard.pageIds() if i not in (PlanPageId.INTRO, PlanPageId.SUMMARY)]
    assert page_ids
    for page_id in page_ids:
        assert wizard.currentId() == page_id
        page = wizard.currentPage()
        chosen = page.choice_buttons[page.choice]
        # The keyboard is on the Adopt / Not now / Undecided buttons, not on the page's frame.
        qtbot.waitUntil(lambda b=chosen: QApplication.focusWidget() is b)
        wizard.next()
    assert wizard.currentId() == PlanPageId.SUMMARY
    wizard.reject()


def test_a_manager_with_no_plan_starts_on_the_wizard_button(qtbot, ctx: Context, manager: Actor):
    screen = shown(qtbot, PlanScreen(ctx, manager))
    screen.focus_first()  # what the main window does when the section is shown
    assert QApplication.focusWidget() is screen.wizard_button


def test_a_receptionist_starts_on_the_filter_of_the_plan(qtbot, ctx: Context, receptionist: Actor):
    screen = shown(qtbot, PlanScreen(ctx, receptionist))
    screen.focus_first()
    assert QApplication.focusWidget() is screen.adopted.filter_edit


def test_tab_through_the_practice_profile_stops_only_at_fields_and_buttons(
    qtbot, ctx: Context, manager: Actor
):
    section = shown(qtbot, SetupSection(ctx, manager))
    profile = section.profile_tab
    start = profile.details.name_edit
    start.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is start)
    stops: list[QWidget] = []
    for _ in range(60):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        here = QApplication.focusWidget()
        stops.append(here)
        if here is profile.save_button:
            break
    assert profile.save_button in stops
    assert not [w for w in stops if isinstance(w, QScrollArea)]
    # and back again: Shift+Tab from the first field leaves the form, not into its frame
    start.setFocus()
    qtbot.keyClick(start, Qt.Key.Key_Backtab)
    assert not isinstance(QApplication.focusWidget(), QScrollArea)
