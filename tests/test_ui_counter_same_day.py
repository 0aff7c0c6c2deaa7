"""At the cap, on a 1024x768 screen, the divert panel offers booking a later appointment and,
for anyone clinically urgent, the same-day route (hazard H17): a receptionist reaches them by
key presses alone, and never sees words asking a patient to call back another day."""

from __future__ import annotations

from counter_helpers import add_clinician, adopt_cap
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from practice_action.domain.enums import DivertDestination
from practice_action.domain.plan import ContactsCapDetails
from practice_action.paths import Locations
from practice_action.services import counter
from practice_action.services.context import Actor, Context
from practice_action.ui.counter_dialogs import ReasonDialog
from practice_action.ui.counter_screen import CounterScreen
from practice_action.ui.main_window import MainWindow
from practice_action.ui.modal import answered_by


def _seen(widget) -> bool:
    return widget.isVisible() and not widget.visibleRegion().isEmpty()


def _desk_at_1024(
    qtbot: QtBot, ctx: Context, locations: Locations, who: Actor
) -> tuple[MainWindow, CounterScreen]:
    """The main window on a 1024x768 screen (less a taskbar), active, on the counter."""
    window = MainWindow(ctx, locations, who)
    qtbot.addWidget(window)
    window.show()
    window.fit_to_screen(QRect(0, 0, 1024, 768 - 40))
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    desk = window.stack.currentWidget()
    assert isinstance(desk, CounterScreen)
    return window, desk


def _press(
    qtbot: QtBot, desk: CounterScreen, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier
) -> None:
    """A key press where the keyboard's focus is, as a person's would go."""
    qtbot.keyClick(QApplication.focusWidget() or desk, key, modifier)


def test_at_the_cap_the_panel_offers_a_later_appointment_and_the_same_day_route(
    qtbot: QtBot,
    ctx: Context,
    locations: Locations,
    manager: Actor,
    partner: Actor,
    receptionist: Actor,
) -> None:
    add_clinician(ctx, manager, "Dr Ada Lovelace")
    adopt_cap(ctx, partner, 2, words=ContactsCapDetails().reception_words)
    window, desk = _desk_at_1024(qtbot, ctx, locations, receptionist)
    assert isinstance(desk, CounterScreen) and QApplication.focusWidget() is desk
    for _ in range(3):  # two counted, the third refused: the panel opens
        _press(qtbot, desk, Qt.Key.Key_1)
    QApplication.processEvents()
    assert desk.divert_panel.isVisible()
    assert "Dr Ada Lovelace is full (2 of 2)" in desk.divert_title.text()
    later = desk.divert_buttons[DivertDestination.NEXT_ROUTINE]
    assert later.text() == "Book a &later appointment" and _seen(later)
    route = desk.same_day_route
    assert _seen(route) and _seen(desk.override_button)
    said = route.text()
    assert "same-day route" in said and "the duty clinician sees them today" in said
    assert "never call back another day" in said and "999" in said
    assert "another day" not in desk.divert_words.text().replace("call back another day", "")

    _press(qtbot, desk, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: not desk.divert_panel.isVisible())  # a button's key clicks it soon
    assert counter.board(ctx).diversions_by_destination == {DivertDestination.NEXT_ROUTINE: 1}
    assert "Diversion recorded: Next routine appointment" in desk.message.text()

    _press(qtbot, desk, Qt.Key.Key_1)  # the next patient: urgent
    assert desk.divert_panel.isVisible()
    asked: list[str] = []

    def urgent(dialog: QDialog) -> int:
        assert isinstance(dialog, ReasonDialog)
        asked.append(dialog.windowTitle())
        dialog.reason.setEditText("Clinically urgent: needs to be seen today")
        return QDialog.DialogCode.Accepted

    with answered_by(urgent):
        _press(qtbot, desk, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda: bool(asked))
    assert asked == ["Urgent case: override the cap"]
    ada = counter.board(ctx).clinicians[0]
    assert (ada.counted, ada.urgent) == (2, 1)
    window.close()


def test_the_panel_opens_at_the_top_of_the_words_and_a_type_chosen_is_not_carried_on(
    qtbot: QtBot,
    ctx: Context,
    locations: Locations,
    manager: Actor,
    partner: Actor,
    receptionist: Actor,
) -> None:
    from practice_action.domain.enums import ContactType

    ada = add_clinician(ctx, manager, "Dr Ada Lovelace")
    add_clinician(ctx, manager, "Dr Ben Adams")
    adopt_cap(ctx, partner, 1, words=ContactsCapDetails().reception_words)
    window, desk = _desk_at_1024(qtbot, ctx, locations, receptionist)
    assert isinstance(desk, CounterScreen)
    key = str(desk.board.clinician(ada).key)
    press = getattr(Qt.Key, f"Key_{key}")
    _press(qtbot, desk, press)  # Dr Ada Lovelace: 1 of 1

    _press(qtbot, desk, Qt.Key.Key_F7)  # the next patient rang: telephone
    _press(qtbot, desk, press)  # refused at the cap: the panel opens
    qtbot.waitUntil(desk.divert_panel.isVisible)
    QApplication.processEvents()
    bar = desk.divert_scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.value() == 0)  # the words from their first line
    assert _seen(desk.divert_words)
    top = desk.divert_words.mapTo(desk.divert_scroll.viewport(), desk.divert_words.rect().topLeft())
    assert top.y() >= 0
    assert desk.chosen_type() is ContactType.TELEPHONE  # still theirs while they are dealt with

    _press(qtbot, desk, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)  # a later appointment
    qtbot.waitUntil(lambda: not desk.divert_panel.isVisible())
    assert desk.chosen_type() is ContactType.FACE_TO_FACE  # not carried on to the next patient

    _press(qtbot, desk, Qt.Key.Key_F8)
    _press(qtbot, desk, press)
    qtbot.waitUntil(desk.divert_panel.isVisible)
    _press(qtbot, desk, Qt.Key.Key_Escape)  # closed without a diversion: the same
    qtbot.waitUntil(lambda: not desk.divert_panel.isVisible())
    assert desk.chosen_type() is ContactType.FACE_TO_FACE
    window.close()
