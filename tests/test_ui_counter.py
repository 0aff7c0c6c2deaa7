"""The counter screen, driven as a receptionist would: record, reach the cap, divert,
override, undo; live updates from another desk; the day rolling over at midnight."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from counter_helpers import add_clinician, adopt_cap
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from practice_action.domain.calendar import LONDON
from practice_action.domain.enums import ContactType, CounterState, DivertDestination
from practice_action.services import counter
from practice_action.services.context import Actor, Context
from practice_action.services.health import open_context
from practice_action.ui.counter_dialogs import AddForTodayDialog, ReasonDialog
from practice_action.ui.counter_screen import CounterScreen
from practice_action.ui.modal import answered_by


class MovableClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(ctx: Context) -> MovableClock:
    moving = MovableClock(datetime(2026, 11, 23, 10, 0, tzinfo=LONDON).astimezone(UTC))
    ctx.clock = moving
    return moving


@pytest.fixture
def screen(qtbot, ctx: Context, manager: Actor, partner: Actor, receptionist: Actor, clock):
    add_clinician(ctx, manager, "Dr Ada Lovelace")
    add_clinician(ctx, manager, "Dr Mary Seacole")
    adopt_cap(ctx, partner, 3, words="Please use NHS 111 today.")
    widget = CounterScreen(ctx, receptionist, live=False)
    qtbot.addWidget(widget)
    widget.resize(1366, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def reason(text: str):
    def answer(dialog: QDialog) -> int:
        assert isinstance(dialog, ReasonDialog)
        dialog.reason.setEditText(text)
        return QDialog.DialogCode.Accepted

    return answer


def row_of(screen: CounterScreen, name: str):
    count = next(c for c in screen.board.clinicians if c.name == name)
    return screen.rows[count.clinician_id], count


def test_record_by_key_until_the_cap_then_divert(qtbot, screen: CounterScreen, ctx):
    screen.activateWindow()
    screen.setFocus()
    for _ in range(3):
        qtbot.keyClick(screen, Qt.Key.Key_1)
    row, count = row_of(screen, "Dr Ada Lovelace")
    assert count.counted == 3
    assert row.bar.text() == "3 of 3"
    assert row.state.text() == CounterState.FULL.label  # in words, not colour alone
    assert screen.banner.isHidden()  # the other clinician still has room
    qtbot.keyClick(screen, Qt.Key.Key_1)  # refused: the divert panel opens
    assert screen.divert_panel.isVisible()
    assert "Dr Ada Lovelace is full (3 of 3)" in screen.divert_title.text()
    assert screen.divert_words.text() == "Please use NHS 111 today."
    assert "Problem: Not recorded" in screen.message.text()
    qtbot.mouseClick(screen.divert_buttons[DivertDestination.NHS_111], Qt.MouseButton.LeftButton)
    assert not screen.divert_panel.isVisible()
    assert counter.board(ctx).diversions_by_destination == {DivertDestination.NHS_111: 1}
    assert row_of(screen, "Dr Ada Lovelace")[1].diverted == 1


def test_contact_type_keys_and_default(qtbot, screen: CounterScreen):
    assert screen.chosen_type() is ContactType.FACE_TO_FACE
    screen.activateWindow()
    screen.setFocus()
    qtbot.keyClick(screen, Qt.Key.Key_F7)
    assert screen.chosen_type() is ContactType.TELEPHONE
    qtbot.keyClick(screen, Qt.Key.Key_2)
    _, count = row_of(screen, "Dr Mary Seacole")
    assert count.last_contact_type is ContactType.TELEPHONE


def test_urgent_override_at_the_cap(qtbot, screen: CounterScreen):
    row, count = row_of(screen, "Dr Ada Lovelace")
    for _ in range(4):
        qtbot.mouseClick(row.record, Qt.MouseButton.LeftButton)
    assert screen.divert_panel.isVisible()
    with answered_by(reason("Deteriorating patient: duty doctor")):
        qtbot.mouseClick(screen.override_button, Qt.MouseButton.LeftButton)
    row, count = row_of(screen, "Dr Ada Lovelace")
    assert (count.counted, count.urgent) == (3, 1)
    assert "1 urgent" in row.extra.text()
    assert "Urgent override recorded" in screen.message.text()


def test_cancelled_override_records_nothing(qtbot, screen: CounterScreen):
    screen.open_divert(row_of(screen, "Dr Ada Lovelace")[1].clinician_id)
    with answered_by(lambda dialog: QDialog.DialogCode.Rejected):
        qtbot.mouseClick(screen.override_button, Qt.MouseButton.LeftButton)
    assert row_of(screen, "Dr Ada Lovelace")[1].urgent == 0


def test_undo_asks_for_a_reason_and_voids(qtbot, screen: CounterScreen, clock):
    row, _ = row_of(screen, "Dr Mary Seacole")
    assert not row.undo.isEnabled()
    qtbot.mouseClick(row.record, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(row.record, Qt.MouseButton.LeftButton)
    assert row.undo.isEnabled()
    with answered_by(reason("Wrong clinician")):
        qtbot.mouseClick(row.undo, Qt.MouseButton.LeftButton)
    assert row_of(screen, "Dr Mary Seacole")[1].counted == 1
    assert screen.message.text().endswith(
        "Undone: the face to face contact for Dr Mary Seacole at 10:00."
    )
    clock.now += timedelta(minutes=11)
    screen.refresh()
    assert not row_of(screen, "Dr Mary Seacole")[0].undo.isEnabled()


def test_reason_dialog_needs_a_reason():
    dialog = ReasonDialog("Undo", "Why?", ["Recorded by mistake"])
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert not ok.isEnabled()
    dialog.reason.setEditText("ok")
    assert not ok.isEnabled()
    dialog.reason.setEditText("Recorded by mistake")
    assert ok.isEnabled()


def test_everyone_full_shows_the_practice_banner(qtbot, screen: CounterScreen):
    for name in ("Dr Ada Lovelace", "Dr Mary Seacole"):
        row, _ = row_of(screen, name)
        for _ in range(3):
            qtbot.mouseClick(row.record, Qt.MouseButton.LeftButton)
    assert screen.banner.isVisible()
    assert "safe capacity" in screen.banner.text()
    assert "Please use NHS 111 today." in screen.banner.text()


def test_add_a_locum_for_today(qtbot, screen: CounterScreen):
    def answer(dialog: QDialog) -> int:
        assert isinstance(dialog, AddForTodayDialog)
        dialog.existing.setCurrentIndex(dialog.existing.count() - 1)  # a new locum
        dialog.locum_name.setText("Dr Sam Locum")
        dialog.half_day.setChecked(True)
        return QDialog.DialogCode.Accepted

    with answered_by(answer):
        qtbot.mouseClick(screen.add_today, Qt.MouseButton.LeftButton)
    _, count = row_of(screen, "Dr Sam Locum")
    assert count.extra_duty and count.sessions_today == 1


def test_past_days_are_read_only(qtbot, screen: CounterScreen):
    row, _ = row_of(screen, "Dr Ada Lovelace")
    qtbot.mouseClick(row.record, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.prev_day, Qt.MouseButton.LeftButton)
    assert screen.title.text().startswith("Past day (read only): Sunday 22 November 2026")
    assert screen.board.read_only
    assert not row_of(screen, "Dr Ada Lovelace")[0].record.isEnabled()
    assert not screen.add_today.isEnabled()
    screen.record(row_of(screen, "Dr Ada Lovelace")[1].clinician_id)
    assert "read only" in screen.message.text()
    qtbot.mouseClick(screen.today_button, Qt.MouseButton.LeftButton)
    assert screen.title.text().startswith("Today: Monday 23 November 2026")
    assert row_of(screen, "Dr Ada Lovelace")[1].counted == 1


def test_the_day_rolls_over_at_midnight(qtbot, screen: CounterScreen, clock):
    row, _ = row_of(screen, "Dr Ada Lovelace")
    qtbot.mouseClick(row.record, Qt.MouseButton.LeftButton)
    clock.now = datetime(2026, 11, 24, 0, 0, 30, tzinfo=LONDON).astimezone(UTC)
    screen.check_day()
    assert screen.title.text().startswith("Today: Tuesday 24 November 2026")
    assert row_of(screen, "Dr Ada Lovelace")[1].counted == 0


def test_a_contact_from_another_desk_shows_within_a_second(
    qtbot, ctx: Context, locations, manager, partner, receptionist
):
    clinician = add_clinician(ctx, manager, "Dr Ada Lovelace")
    adopt_cap(ctx, partner, 25)
    screen = CounterScreen(ctx, receptionist, live=True)
    qtbot.addWidget(screen)
    try:
        assert screen.feed is not None
        with qtbot.waitSignal(screen.feed.changed, timeout=2000):
            pass  # the first poll
        other_desk = open_context(locations)  # its own engine and connections
        try:
            counter.record_contact(other_desk, receptionist, clinician)
        finally:
            other_desk.store.dispose()
        qtbot.waitUntil(lambda: screen.rows[clinician].bar.text() == "1 of 25", timeout=1000)
    finally:
        screen.stop()
    assert not screen.feed.running


def test_a_safety_concern_can_be_recorded_from_the_desk(qtbot, screen: CounterScreen, ctx, manager):
    from practice_action.services import safety
    from practice_action.ui.safety_dialog import SafetyDialog

    def answer(dialog: QDialog) -> int:
        assert isinstance(dialog, SafetyDialog)
        dialog.what.setPlainText("Patient waited 40 minutes for the duty doctor call back.")
        dialog.accept()
        return dialog.result()

    with answered_by(answer):
        qtbot.mouseClick(screen.safety, Qt.MouseButton.LeftButton)
    assert "Safety concern recorded" in screen.message.text()
    entries = safety.list_period(ctx, manager, screen.today, screen.today)
    assert [e.what_happened for e in entries] == [
        "Patient waited 40 minutes for the duty doctor call back."
    ]
