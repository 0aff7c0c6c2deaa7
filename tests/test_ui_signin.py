"""Signing in at the desk: the sign-in screen, lock on demand and when idle, switch user."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QApplication, QDialog
from sqlalchemy import select
from test_ui_setup_wizard import fill_valid

from practice_action.paths import Locations
from practice_action.services import audit
from practice_action.services.context import Context
from practice_action.services.permissions import allowed
from practice_action.store.models import AuditEntry
from practice_action.ui.desk import Desk
from practice_action.ui.modal import answered_by
from practice_action.ui.sections import all_sections
from practice_action.ui.setup_wizard import FirstRunWizard
from practice_action.ui.signin import SignInDialog, SignInScreen

# The PINs the shared fixtures give each person (tests/conftest.py).
MANAGER_PIN = "482913"
PARTNER_PIN = "573028"
RECEPTIONIST_PIN = "640375"


def audit_kinds(ctx: Context) -> list[tuple[str, str]]:
    with ctx.store.read() as session:
        rows = session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars()
        return [(row.kind, row.summary) for row in rows]


def sign_in_with_keys(qtbot, screen: SignInScreen, name_start: str, pin: str) -> None:
    """Type the first letters of a name, Enter, the PIN, Enter: as a person would."""
    window = screen.window()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    screen.names.setFocus()
    qtbot.keyClicks(screen.names, name_start)
    qtbot.keyClick(screen.names, Qt.Key.Key_Return)
    assert screen.pin.hasFocus(), "Enter on a name should move to the PIN box"
    qtbot.keyClicks(screen.pin, pin)
    qtbot.keyClick(screen.pin, Qt.Key.Key_Return)


def start_desk(qtbot, ctx: Context, locations: Locations, name: str, pin: str, **kw) -> Desk:
    desk = Desk(ctx, locations, **kw)

    def answer(dialog: QDialog) -> int:
        assert isinstance(dialog, SignInDialog)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        sign_in_with_keys(qtbot, dialog.screen, name, pin)
        return dialog.result()

    with answered_by(answer):
        assert desk.start(first_run=False)
    assert desk.window is not None
    qtbot.addWidget(desk.window)
    return desk


def test_receptionist_signs_in_by_keyboard(qtbot, ctx, locations, receptionist, partner):
    desk = start_desk(qtbot, ctx, locations, "Jo", RECEPTIONIST_PIN)
    assert desk.actor == receptionist
    assert desk.window.isVisible()
    assert "Jo Brennan" in desk.window.who.text()
    assert ("signin.ok", "Jo Brennan signed in") in audit_kinds(ctx)
    desk.close()


def test_closing_the_sign_in_window_ends_the_start(qtbot, ctx, locations, manager):
    desk = Desk(ctx, locations)

    def close_it(dialog: QDialog) -> int:
        qtbot.addWidget(dialog)
        dialog.reject()
        return dialog.result()

    with answered_by(close_it):
        assert desk.start(first_run=False) is False
    assert desk.window is None


def test_the_pin_box_is_masked_and_takes_digits_only(qtbot, ctx, manager):
    screen = SignInScreen(ctx)
    qtbot.addWidget(screen)
    qtbot.keyClicks(screen.pin, "12ab34")
    assert screen.pin.text() == "1234"
    assert screen.pin.displayText() != "1234"


def test_wrong_pins_say_how_many_tries_are_left_then_lock_for_five_minutes(
    qtbot, ctx, manager, receptionist
):
    screen = SignInScreen(ctx)
    qtbot.addWidget(screen)
    signed: list[object] = []
    screen.signed_in.connect(signed.append)
    assert screen.select_staff(receptionist.staff_id)

    for left in (4, 3, 2, 1):
        qtbot.keyClicks(screen.pin, "111222")
        qtbot.keyClick(screen.pin, Qt.Key.Key_Return)
        expected = f"{left} more tr{'ies' if left > 1 else 'y'}"
        assert expected in screen.message.text()
        assert screen.pin.text() == "", "the PIN box is emptied after every try"
        # the message can be selected and copied, say for IT support
        assert screen.message.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse

    qtbot.keyClicks(screen.pin, "111222")
    qtbot.keyClick(screen.pin, Qt.Key.Key_Return)
    assert "locked for 5 minutes" in screen.message.text()

    # Even the right PIN is refused while the account is locked.
    qtbot.keyClicks(screen.pin, RECEPTIONIST_PIN)
    qtbot.keyClick(screen.pin, Qt.Key.Key_Return)
    assert "is locked" in screen.message.text()
    assert signed == []

    # Someone else can still sign in at the same desk.
    screen.select_staff(manager.staff_id)
    assert screen.message.text() == ""
    qtbot.keyClicks(screen.pin, MANAGER_PIN)
    with qtbot.waitSignal(screen.signed_in) as blocker:
        qtbot.keyClick(screen.pin, Qt.Key.Key_Return)
    assert blocker.args[0].actor == manager
    kinds = [kind for kind, _ in audit_kinds(ctx)]
    assert kinds.count("signin.failed") == 4
    assert "signin.lockout" in kinds
    assert "signin.locked" in kinds
    # No PIN is ever written to the audit trail.
    for _kind, summary in audit_kinds(ctx):
        assert "111222" not in summary and RECEPTIONIST_PIN not in summary


def test_empty_pin_and_no_name_are_explained(qtbot, ctx, manager):
    screen = SignInScreen(ctx)
    qtbot.addWidget(screen)
    qtbot.keyClick(screen.pin, Qt.Key.Key_Return)
    assert "Type your PIN" in screen.message.text()
    screen.names.setCurrentRow(-1)
    screen.names.clearSelection()
    screen.names.setCurrentItem(None)
    qtbot.keyClicks(screen.pin, MANAGER_PIN)
    qtbot.keyClick(screen.pin, Qt.Key.Key_Return)
    assert "Choose your name" in screen.message.text()


def test_ctrl_l_hides_the_window_behind_the_sign_in_screen(qtbot, ctx, locations, manager):
    desk = start_desk(qtbot, ctx, locations, "Ma", MANAGER_PIN)
    window = desk.window
    content = window.centralWidget()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)

    assert desk.is_locked
    assert window.centralWidget() is desk.lock_screen
    assert not content.isVisible()
    assert not window.menuBar().isEnabled()
    assert "Locked" in window.who.text()
    assert ("signin.out", "Maria Okafor locked the desk") in audit_kinds(ctx)
    # The person who was signed in is chosen already: the PIN alone unlocks.
    assert desk.lock_screen.chosen_id() == manager.staff_id

    screen = desk.lock_screen
    qtbot.keyClicks(screen.pin, MANAGER_PIN)
    with qtbot.waitSignal(desk.locked_changed) as blocker:
        qtbot.keyClick(screen.pin, Qt.Key.Key_Return)
    assert blocker.args == [False]
    assert window.centralWidget() is content
    assert window.menuBar().isEnabled()
    assert desk.actor == manager
    desk.close()
    assert ("signin.out", "Maria Okafor signed out (closed the app)") in audit_kinds(ctx)


def test_idle_period_locks_the_desk(qtbot, ctx, locations, manager):
    desk = start_desk(qtbot, ctx, locations, "Ma", MANAGER_PIN, idle_ms=200)
    with qtbot.waitSignal(desk.locked_changed, timeout=10_000) as blocker:
        pass
    assert blocker.args == [True]
    assert desk.is_locked
    summaries = [s for kind, s in audit_kinds(ctx) if kind == "signin.out"]
    assert summaries and "with no input" in summaries[-1]
    desk.close()


def test_the_idle_period_comes_from_the_practice_setting(qtbot, ctx, locations, manager):
    desk = Desk(ctx, locations)
    assert desk.idle_minutes == 5


def test_input_restarts_the_idle_count(qtbot, ctx, locations, manager):
    desk = start_desk(qtbot, ctx, locations, "Ma", MANAGER_PIN, idle_ms=600_000)
    timer = desk.idle.timer
    assert timer.isActive()
    qtbot.wait(50)
    before = timer.remainingTime()
    assert before < 600_000
    # A key that moves nothing: a letter would open the section it starts, and building that
    # section takes longer than the wait above.
    press = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Shift, Qt.KeyboardModifier.ShiftModifier)
    QApplication.sendEvent(desk.window.sidebar, press)
    assert timer.remainingTime() > before

    qtbot.wait(50)
    before = timer.remainingTime()
    move = QMouseEvent(
        QEvent.Type.MouseMove,
        QPointF(5, 5),
        QPointF(5, 5),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(desk.window.sidebar.viewport(), move)
    assert timer.remainingTime() > before
    assert not desk.is_locked
    desk.close()
    assert not timer.isActive()


def test_switch_user_rebuilds_the_sidebar_for_each_role(
    qtbot, ctx, locations, manager, partner, receptionist
):
    desk = start_desk(qtbot, ctx, locations, "Dr", PARTNER_PIN)
    window = desk.window
    partner_keys = window.section_keys()
    assert {"staff", "audit"} <= set(partner_keys)
    assert partner_keys == [s.key for s in all_sections() if allowed(partner, s.permission)]

    window.switch_user_requested.emit()
    assert desk.is_locked
    assert ("signin.out", "Dr Sam Patel signed out to switch user") in audit_kinds(ctx)
    sign_in_with_keys(qtbot, desk.lock_screen, "Jo", RECEPTIONIST_PIN)

    assert not desk.is_locked
    assert desk.actor == receptionist
    keys = window.section_keys()
    assert not {"setup", "staff", "audit"} & set(keys)
    assert keys == [s.key for s in all_sections() if allowed(receptionist, s.permission)]
    assert "Jo Brennan" in window.who.text()
    desk.close()


def test_a_manager_sees_the_audit_of_what_each_did(qtbot, ctx, locations, manager, receptionist):
    desk = start_desk(qtbot, ctx, locations, "Jo", RECEPTIONIST_PIN)
    desk.lock()
    sign_in_with_keys(qtbot, desk.lock_screen, "Ma", MANAGER_PIN)
    assert desk.actor == manager
    people = audit.people(ctx, manager)
    assert any(p.startswith("Jo Brennan") for p in people)
    desk.close()


def test_section_shortcuts_work_after_a_switch_of_user(qtbot, ctx, locations, manager, partner):
    desk = start_desk(qtbot, ctx, locations, "Dr", PARTNER_PIN)
    desk.switch_user()
    sign_in_with_keys(qtbot, desk.lock_screen, "Ma", MANAGER_PIN)
    window = desk.window
    assert desk.actor == manager
    qtbot.keyClick(window, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    assert window.section_keys()[window.sidebar.currentRow()] == "audit"
    qtbot.keyClick(window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    assert window.section_keys()[window.sidebar.currentRow()] == "staff"
    desk.close()


def test_first_run_opens_the_window_for_the_new_manager(qtbot, ctx, locations):
    desk = Desk(ctx, locations)

    def set_up(wizard: QDialog) -> int:
        assert isinstance(wizard, FirstRunWizard)
        qtbot.addWidget(wizard)
        fill_valid(wizard)  # the same practice the set-up wizard's own tests use
        assert wizard.finish()
        wizard.accept()
        return wizard.result()

    with answered_by(set_up):
        assert desk.start(first_run=True)
    qtbot.addWidget(desk.window)
    assert desk.actor.name == "Tom Reed"
    assert {"staff", "audit"} <= set(desk.window.section_keys())
    assert "Hill Top Surgery" in desk.window.windowTitle()
    desk.close()


def test_a_daily_backup_is_taken_after_sign_in(qtbot, ctx, locations, manager):
    desk = start_desk(qtbot, ctx, locations, "Ma", MANAGER_PIN)
    qtbot.waitUntil(lambda: not desk.backing_up, timeout=10_000)
    taken = list(locations.backups_dir.glob("daily-*"))
    assert len(taken) == 1
    assert "backup.made" in [kind for kind, _ in audit_kinds(ctx)]
    assert desk.window.statusBar().currentMessage() == ""
    desk.close()


def _slowed_backup(monkeypatch, seconds: float):
    """The copy takes ``seconds`` longer, as a large database's does; the event is set once
    the copy has begun."""
    import threading
    import time

    from practice_action.services import backups

    began = threading.Event()
    real = backups.backup_sqlite

    def slow(source, destination):
        began.set()
        time.sleep(seconds)
        return real(source, destination)

    monkeypatch.setattr(backups, "backup_sqlite", slow)
    return began


def test_the_window_keeps_answering_while_the_daily_backup_runs(
    qtbot, ctx, locations, manager, monkeypatch
):
    from PySide6.QtCore import QTimer

    from practice_action.ui.desk import BACKING_UP

    began = _slowed_backup(monkeypatch, 1.5)
    desk = start_desk(qtbot, ctx, locations, "Ma", MANAGER_PIN)
    assert desk.backing_up
    assert desk.window.statusBar().currentMessage() == BACKING_UP
    ticks: list[int] = []
    timer = QTimer()
    timer.setInterval(50)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    assert began.wait(5)
    qtbot.waitUntil(lambda: len(ticks) >= 10, timeout=1_400)  # while the copy still sleeps
    assert desk.backing_up
    staff_screen = desk.window.show_section("staff")  # and the window goes on working
    assert staff_screen is not None and staff_screen.isVisible()
    qtbot.waitUntil(lambda: not desk.backing_up, timeout=10_000)
    timer.stop()
    assert desk.window.statusBar().currentMessage() == ""
    assert len(list(locations.backups_dir.glob("daily-*"))) == 1
    desk.close()


def test_closing_the_app_waits_for_the_daily_backup(qtbot, ctx, locations, manager, monkeypatch):
    began = _slowed_backup(monkeypatch, 0.5)
    desk = start_desk(qtbot, ctx, locations, "Ma", MANAGER_PIN)
    assert began.wait(5)
    desk.window.close()  # as the window's close button does
    assert not desk.backing_up
    taken = list(locations.backups_dir.glob("daily-*"))
    assert len(taken) == 1 and taken[0].stat().st_size > 0
    kinds = [kind for kind, _ in audit_kinds(ctx)]
    assert "backup.made" in kinds
    desk.close()


def test_a_failed_backup_is_a_warning_in_the_status_bar(qtbot, ctx, locations, manager):
    locations.backups_dir.write_text("a file where the backups folder should be")
    desk = start_desk(qtbot, ctx, locations, "Ma", MANAGER_PIN)
    qtbot.waitUntil(lambda: not desk.backing_up, timeout=10_000)
    message = desk.window.statusBar().currentMessage()
    assert "today's backup could not be taken" in message
    assert desk.actor == manager
    desk.close()


def test_locking_closes_an_open_dialog_so_nothing_shows_over_the_lock(
    qtbot, ctx, locations, manager
):
    desk = start_desk(qtbot, ctx, locations, "Ma", MANAGER_PIN)
    staff_screen = desk.window.show_section("staff")
    dialog = staff_screen.add_person()
    dialog.name.setText("Half typed")
    assert dialog.isVisible()
    desk.lock()
    assert not dialog.isVisible()
    assert [w for w in QApplication.topLevelWidgets() if w.isVisible()] == [desk.window]
    desk.close()


def test_a_desk_left_open_takes_the_next_days_backup_at_the_next_unlock(
    qtbot, ctx, locations, manager
):
    from datetime import UTC, datetime, timedelta

    start = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    ctx.clock = lambda: start
    desk = start_desk(qtbot, ctx, locations, "Ma", MANAGER_PIN)
    qtbot.waitUntil(lambda: not desk.backing_up, timeout=10_000)
    assert len(list(locations.backups_dir.glob("daily-*"))) == 1
    desk.lock()
    ctx.clock = lambda: start + timedelta(days=1)  # the desk stayed on overnight
    sign_in_with_keys(qtbot, desk.lock_screen, "Ma", MANAGER_PIN)
    assert desk.actor == manager
    qtbot.waitUntil(lambda: not desk.backing_up, timeout=10_000)
    assert len(list(locations.backups_dir.glob("daily-*"))) == 2
    desk.close()
