"""The counter never misleads a busy desk: keys fixed for the day on every desk, the contact
type back to the usual one after each contact, and undo naming what it will undo."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from counter_helpers import add_clinician, adopt_cap
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from practice_action.domain.calendar import LONDON
from practice_action.domain.enums import ContactType
from practice_action.services import counter
from practice_action.services.context import Actor, Context
from practice_action.ui.counter_dialogs import AddForTodayDialog, ReasonDialog
from practice_action.ui.counter_screen import CounterScreen
from practice_action.ui.modal import answered_by

MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON).astimezone(UTC)


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(ctx: Context) -> Clock:
    moving = Clock(MONDAY_10)
    ctx.clock = moving
    return moving


def _desk(qtbot: QtBot, ctx: Context, who: Actor) -> CounterScreen:
    desk = CounterScreen(ctx, who, live=False)
    qtbot.addWidget(desk)
    desk.resize(1366, 700)
    desk.show()
    qtbot.waitExposed(desk)
    return desk


def at_desk(qtbot: QtBot, desk: CounterScreen) -> CounterScreen:
    """Sit down at this desk: its window active and the keyboard on the counter."""
    desk.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is desk)
    desk.setFocus()
    return desk


def keys(desk: CounterScreen) -> dict[str, str]:
    """What the desk shows: the key beside each clinician's name."""
    assert desk.board is not None
    return {desk.rows[c.clinician_id].key.text(): c.name for c in desk.board.clinicians}


@pytest.fixture
def desks(qtbot, ctx, manager, partner, receptionist, clock):
    add_clinician(ctx, manager, "Dr Ben Adams")
    add_clinician(ctx, manager, "Dr Zoe Young")
    add_clinician(ctx, manager, "Dr Carl Mills", sessions=frozenset())  # not on today
    adopt_cap(ctx, partner, 25)
    return _desk(qtbot, ctx, receptionist), _desk(qtbot, ctx, receptionist)


def _add_for_today(name_in_list: str):
    def answer(dialog: QDialog) -> int:
        assert isinstance(dialog, AddForTodayDialog)
        for i in range(dialog.existing.count()):
            if dialog.existing.itemText(i).startswith(name_in_list):
                dialog.existing.setCurrentIndex(i)
        assert dialog.existing.currentText().startswith(name_in_list)
        return QDialog.DialogCode.Accepted

    return answer


def _new_locum(name: str):
    def answer(dialog: QDialog) -> int:
        assert isinstance(dialog, AddForTodayDialog)
        dialog.existing.setCurrentIndex(dialog.existing.count() - 1)
        dialog.locum_name.setText(name)
        return QDialog.DialogCode.Accepted

    return answer


def test_someone_added_for_today_takes_the_next_key_on_every_desk(qtbot, desks, ctx):
    front, back = desks
    before = {"1": "Dr Ben Adams", "2": "Dr Zoe Young"}
    assert keys(front) == keys(back) == before

    with answered_by(_add_for_today("Dr Carl Mills")):  # alphabetically between the two
        qtbot.mouseClick(front.add_today, Qt.MouseButton.LeftButton)
    with answered_by(_new_locum("Dr Amy Able")):  # would sort first by name
        qtbot.mouseClick(front.add_today, Qt.MouseButton.LeftButton)
    back.refresh()  # the other desk hears of it (the live feed does this within a second)
    after = {**before, "3": "Dr Carl Mills", "4": "Dr Amy Able"}
    assert keys(front) == keys(back) == after

    at_desk(qtbot, back)
    qtbot.keyClick(back, Qt.Key.Key_2)
    qtbot.keyClick(back, Qt.Key.Key_4)
    board = counter.board(ctx)
    counted = {c.name: c.counted for c in board.clinicians}
    assert counted == {"Dr Ben Adams": 0, "Dr Zoe Young": 1, "Dr Carl Mills": 0, "Dr Amy Able": 1}


def test_the_type_goes_back_to_the_usual_and_the_line_names_it(qtbot, desks):
    desk = at_desk(qtbot, desks[0])
    assert desk.chosen_type() is ContactType.FACE_TO_FACE
    qtbot.keyClick(desk, Qt.Key.Key_F7)
    assert desk.type_buttons[ContactType.TELEPHONE].isChecked()
    qtbot.keyClick(desk, Qt.Key.Key_1)
    assert "Recorded a telephone contact for Dr Ben Adams: 1 of 25" in desk.message.text()
    assert desk.type_buttons[ContactType.FACE_TO_FACE].isChecked()  # back to the usual
    qtbot.keyClick(desk, Qt.Key.Key_1)
    assert "Recorded a face to face contact for Dr Ben Adams: 2 of 25" in desk.message.text()


def _reads(seen: list[str], answer: int = QDialog.DialogCode.Accepted):
    def read(dialog: QDialog) -> int:
        assert isinstance(dialog, ReasonDialog)
        seen.append(dialog.windowTitle() + " | " + dialog.question.text())
        if answer == QDialog.DialogCode.Accepted:
            dialog.reason.setEditText("Recorded by mistake")
        return answer

    return read


def test_ctrl_z_names_clinician_type_and_time_before_undoing(qtbot, desks, ctx, clock):
    desk = at_desk(qtbot, desks[0])
    qtbot.keyClick(desk, Qt.Key.Key_F7)
    qtbot.keyClick(desk, Qt.Key.Key_2)
    clock.now += timedelta(minutes=3)
    seen: list[str] = []
    with answered_by(_reads(seen, QDialog.DialogCode.Rejected)):
        qtbot.keyClick(desk, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert seen == [
        "Undo a contact | Undo the telephone contact for Dr Zoe Young at 10:00?"
        "\n\nIt stays in the record as undone. Why?"
    ]
    assert counter.board(ctx).clinician(desk.order[1]).counted == 1  # cancelled: nothing undone
    with answered_by(_reads(seen)):
        qtbot.keyClick(desk, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert counter.board(ctx).clinician(desk.order[1]).counted == 0
    assert "Undone: the telephone contact for Dr Zoe Young at 10:00." in desk.message.text()


def test_undoing_an_urgent_override_says_so(qtbot, ctx, manager, partner, receptionist, clock):
    add_clinician(ctx, manager, "Dr Ben Adams")
    adopt_cap(ctx, partner, 1)
    desk = at_desk(qtbot, _desk(qtbot, ctx, receptionist))
    qtbot.keyClick(desk, Qt.Key.Key_1)
    qtbot.keyClick(desk, Qt.Key.Key_1)  # full: the divert panel opens

    def urgent(dialog: QDialog) -> int:
        dialog.reason.setEditText("Deteriorating patient: duty doctor")  # type: ignore[attr-defined]
        return QDialog.DialogCode.Accepted

    with answered_by(urgent):
        qtbot.mouseClick(desk.override_button, Qt.MouseButton.LeftButton)
    assert desk.board.clinicians[0].urgent == 1
    clock.now += timedelta(minutes=1)
    seen: list[str] = []
    with answered_by(_reads(seen)):
        qtbot.keyClick(desk, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    title, question = seen[0].split(" | ")
    assert title == "Undo an urgent override"
    assert question.startswith(
        "Undo the urgent override (face to face contact) for Dr Ben Adams at 10:00?"
    )
    assert desk.board.clinicians[0].urgent == 0

    # The row's own Undo button says the same (here: the ordinary contact before it).
    row = desk.rows[desk.order[0]]
    with answered_by(_reads(seen, QDialog.DialogCode.Rejected)):
        qtbot.mouseClick(row.undo, Qt.MouseButton.LeftButton)
    assert seen[1].startswith("Undo a contact | Undo the face to face contact for Dr Ben Adams")


def test_a_practice_can_let_the_chosen_type_stay_for_a_set_time(qtbot, desks, ctx, clock, manager):
    from practice_action.ui.setup_screens import SetupSection

    section = SetupSection(ctx, manager)
    qtbot.addWidget(section)
    section.show()
    tab = section.counter_settings
    section.setCurrentWidget(tab)
    assert tab.type_hold.text() == "Back to the usual type after each contact"
    qtbot.mouseClick(tab.type_hold, Qt.MouseButton.LeftButton)
    tab.type_hold.setFocus()
    qtbot.keyClick(tab.type_hold, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(tab.type_hold, "5")
    assert tab.type_hold.text() == "5 minutes after the last contact"
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert "Saved" in tab.message.text()
    assert counter.type_hold_minutes(ctx) == 5

    desk = at_desk(qtbot, desks[0])
    desk.refresh()  # the live feed does this on every desk
    qtbot.keyClick(desk, Qt.Key.Key_F7)
    qtbot.keyClick(desk, Qt.Key.Key_1)
    assert "Recorded a telephone contact for Dr Ben Adams: 1 of 25, 24 left." in desk.message.text()
    assert "Telephone stays chosen until 10:05, then face to face." in desk.message.text()
    assert desk.type_buttons[ContactType.TELEPHONE].isChecked()

    clock.now += timedelta(minutes=4)
    desk.check_day()  # the feed's tick: not yet time
    qtbot.keyClick(desk, Qt.Key.Key_2)  # still telephone, and the time starts again
    assert "Recorded a telephone contact for Dr Zoe Young: 1 of 25, 24 left." in desk.message.text()
    assert "until 10:09" in desk.message.text()

    clock.now += timedelta(minutes=5)
    desk.check_day()
    assert desk.type_buttons[ContactType.FACE_TO_FACE].isChecked()
    qtbot.keyClick(desk, Qt.Key.Key_1)
    assert (
        "Recorded a face to face contact for Dr Ben Adams: 2 of 25, 23 left." in desk.message.text()
    )
    assert "stays chosen" not in desk.message.text()  # the usual type needs no note


def test_the_time_a_type_stays_is_checked_and_left_alone_unless_given(ctx, manager):
    from practice_action.domain.errors import ValidationError

    with pytest.raises(ValidationError) as refused:
        counter.save_settings(ctx, manager, ContactType.FACE_TO_FACE, 10, type_hold_minutes=61)
    assert "from 0 to 60; 61 is outside that" in refused.value.problems["type_hold_minutes"]
    assert counter.type_hold_minutes(ctx) == 0
    counter.save_settings(ctx, manager, ContactType.FACE_TO_FACE, 10, type_hold_minutes=3)
    counter.save_settings(ctx, manager, ContactType.TELEPHONE, 5)  # hold not given: kept
    assert counter.type_hold_minutes(ctx) == 3
    assert counter.settings(ctx) == (ContactType.TELEPHONE, 5)


def test_no_key_moves_when_the_register_changes_during_the_day(qtbot, desks, ctx, manager):
    from dataclasses import replace

    from practice_action.services import registers

    front, back = desks
    assert keys(front) == {"1": "Dr Ben Adams", "2": "Dr Zoe Young"}
    amy = add_clinician(ctx, manager, "Dr Amy Able")  # on today's pattern, first by name
    ben = next(c for c in registers.list_records(ctx, registers.CLINICIANS) if "Ben" in c.name)
    registers.save_record(ctx, manager, registers.CLINICIANS, replace(ben, name="Dr Ben Zander"))
    for desk in desks:
        desk.refresh()  # the live feed does this on every desk
    expected = {"1": "Dr Ben Zander", "2": "Dr Zoe Young", "3": "Dr Amy Able"}
    assert keys(front) == keys(back) == expected

    assert ben.id is not None
    registers.set_active(ctx, manager, registers.CLINICIANS, ben.id, False)  # leaves at noon
    for desk in desks:
        desk.refresh()
    assert keys(front) == keys(back) == {"2": "Dr Zoe Young", "3": "Dr Amy Able"}

    at_desk(qtbot, back)
    qtbot.keyClick(back, Qt.Key.Key_3)
    assert "Recorded a face to face contact for Dr Amy Able" in back.message.text()
    qtbot.keyClick(back, Qt.Key.Key_1)  # Dr Ben Zander's key: nobody's now, and it says so
    assert "Nobody has key 1 on today's counter: nothing recorded." in back.message.text()
    board = counter.board(ctx)
    assert {c.name: c.counted for c in board.clinicians} == {"Dr Zoe Young": 0, "Dr Amy Able": 1}
    assert amy in [c.clinician_id for c in board.clinicians]


def test_keys_start_afresh_each_day_in_the_counters_order(qtbot, desks, ctx, manager, clock):
    from practice_action.services import registers

    front, _ = desks
    add_clinician(ctx, manager, "Dr Amy Able")
    front.refresh()
    assert keys(front) == {"1": "Dr Ben Adams", "2": "Dr Zoe Young", "3": "Dr Amy Able"}
    clock.now += timedelta(days=1)  # Tuesday: everyone on their pattern, by name
    front.check_day()
    assert keys(front) == {"1": "Dr Amy Able", "2": "Dr Ben Adams", "3": "Dr Zoe Young"}
    front.show_day(front.day - timedelta(days=1))  # Monday, read only, as it was
    assert keys(front) == {"1": "Dr Ben Adams", "2": "Dr Zoe Young", "3": "Dr Amy Able"}
    assert registers.list_records(ctx, registers.CLINICIANS)  # the register is untouched
