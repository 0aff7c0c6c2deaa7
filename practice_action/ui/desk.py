"""Who is at the keyboard: the desk owns the main window and the sign-in, lock and switch flow.

A desk is signed in (the main window shows the sections of the person signed in) or locked
(the window's content is taken out and the sign-in screen stands in its place). Locking,
switching user and closing the app each sign the person out, and the audit trail says so.
The desk locks itself after the practice's idle period: an application-wide event filter
restarts a single-shot timer on every key press, click, wheel turn or mouse move.
"""

from __future__ import annotations

import importlib

from PySide6.QtCore import QEvent, QObject, Qt, QThread, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from practice_action.documents import apart
from practice_action.domain.errors import PermissionDenied, PracticeActionError
from practice_action.paths import Locations
from practice_action.services import practice, staff
from practice_action.services.context import Actor, Context
from practice_action.ui.background_check import CHECKING, BackgroundCheck, checking_text
from practice_action.ui.main_window import MainWindow
from practice_action.ui.modal import run_modal
from practice_action.ui.presence import DeskPresence, show_stopped
from practice_action.ui.signin import SignInDialog, SignInScreen

DEFAULT_IDLE_MINUTES = 5
STANDING_CHECK_MS = 1000

_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)


BACKING_UP = "Taking today's backup of the database..."


class _DailyBackup(QThread):
    """Takes the day's automatic backup off the window's thread: a copy of a large file takes
    seconds, and the window must go on answering. The store hands this thread a connection
    of its own from the engine's pool; the copy itself opens the file separately."""

    def __init__(self, ctx: Context, actor: Actor) -> None:
        super().__init__()
        self.setObjectName("daily-backup")
        self.ctx = ctx
        self.actor = actor
        self.problem: str = ""

    def run(self) -> None:
        module = "practice_action.services.backups"
        try:
            backups = importlib.import_module(module)
        except ModuleNotFoundError as error:
            if error.name == module:
                return  # this build has no backups yet
            self.problem = str(error)
            return
        try:
            backups.daily_backup_if_due(self.ctx, self.actor)
        except PermissionDenied:
            return  # someone allowed to back up will take it when they sign in
        except (PracticeActionError, OSError) as error:
            self.problem = str(error)
        except Exception as error:  # a thread's error would otherwise vanish unseen
            self.problem = f"{type(error).__name__}: {error}"


class IdleWatcher(QObject):
    """Fires ``idle`` once after ``interval_ms`` with no input anywhere in the app."""

    idle = Signal()

    def __init__(self, interval_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        # A coarse timer may fire up to 5% late (15 s of a 5-minute wait): a lock should not.
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.idle)
        self._installed = False

    def start(self) -> None:
        app = QApplication.instance()
        if app is not None and not self._installed:
            app.installEventFilter(self)
            self._installed = True
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None and self._installed:
            app.removeEventFilter(self)
            self._installed = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS and self.timer.isActive():
            self.timer.start()  # restart the count from now
        return False


class Desk(QObject):
    """Start-up, sign-in, lock and switch user for one desktop session.

    ``idle_ms`` overrides the practice's idle period (tests use a short one).
    """

    locked_changed = Signal(bool)

    def __init__(
        self,
        ctx: Context,
        locations: Locations,
        *,
        idle_ms: int | None = None,
        presence: DeskPresence | None = None,
        checked: bool = True,
    ) -> None:
        """``checked``: whether the whole database was checked before this desk was made (the
        ordinary start checks it before sign-in); the early sign-in passes False, and the desk
        then checks it behind its window after sign-in, before the day's backup."""
        super().__init__()
        # Letters are drawn in a process of their own (documents/apart.py): the drawing
        # library, its fonts and the drawing modules (about 13 MiB) stay out of the desk.
        apart.use_helper()
        self.ctx = ctx
        self.checked = checked
        self.check_job: BackgroundCheck | None = None
        self.locations = locations
        self.window: MainWindow | None = None
        self.actor: Actor | None = None
        self.lock_screen: SignInScreen | None = None
        self._content: QWidget | None = None
        self._disabled_actions: list[QAction] = []
        self._idle_fixed = idle_ms is not None  # a test's own period: not the practice's
        self.idle = IdleWatcher(idle_ms or self._practice_idle_ms(), self)
        self.idle.idle.connect(self._lock_when_idle)
        self.presence = presence or DeskPresence(ctx)
        self.presence.setParent(self)
        self.presence.lost.connect(self._stopped)
        self.presence.clock_warning.connect(self._clock_warning)
        self.presence.start()
        self.stopped_box: QMessageBox | None = None
        self._backup_job: _DailyBackup | None = None
        # Rights are the database's: a person retired or given another role on another desk
        # is signed out here within about a second of that change.
        self._stamp_seen: int | None = None
        self.standing_timer = QTimer(self)
        self.standing_timer.setInterval(STANDING_CHECK_MS)
        self.standing_timer.timeout.connect(self._check_standing)
        self.standing_timer.start()

    def _check_standing(self) -> None:
        if self.actor is None or self.is_locked or self.ctx.store.damaged is not None:
            return
        from practice_action.services import audit

        try:
            stamp = audit.change_stamp(self.ctx)
            if stamp == self._stamp_seen:
                return
            self._stamp_seen = stamp
            self._follow_idle_period()
            problem = staff.standing(self.ctx, self.actor)
        except PracticeActionError:
            return  # out of reach for now: the next check tries again
        if problem is None or self.window is None:
            return
        self._hide_content(
            heading="You have been signed out",
            note=f"{problem} Choose your name and type your PIN to sign in again.",
            preselect_id=None,
        )
        self._sign_out("was signed out: their account was changed on another desk")

    def _stopped(self, message: str) -> None:
        """The database was replaced or found damaged: nothing more is saved on this desk."""
        self.presence.timer.stop()
        from practice_action.services.health import remember_damage

        remember_damage(self.ctx, self.locations)
        if self.stopped_box is not None:
            return
        self.idle.stop()
        self.show_warning("This desk has stopped saving: " + message)
        self.stopped_box = show_stopped(self.window, message)

    def _clock_warning(self, words: str) -> None:
        if words:
            self.show_warning(f"Warning: {words}")
            if self.window is not None:
                self.window.statusBar().setToolTip(words)

    def close_presence(self) -> None:
        self.standing_timer.stop()
        self.presence.stop()

    def _follow_idle_period(self) -> None:
        """A change to "Lock a desk after" on any desk applies here within about a second
        (the same check as rights), counting from the change if the desk is idle already."""
        if self._idle_fixed:
            return
        wanted = self._practice_idle_ms()
        if wanted == self.idle.timer.interval():
            return
        self.idle.timer.setInterval(wanted)
        if self.idle.timer.isActive():
            self.idle.timer.start()

    def _practice_idle_ms(self) -> int:
        try:
            minutes = practice.get_profile(self.ctx).idle_lock_minutes
        except PracticeActionError:
            minutes = DEFAULT_IDLE_MINUTES
        return max(1, minutes) * 60_000

    @property
    def idle_minutes(self) -> float:
        return self.idle.timer.interval() / 60_000

    @property
    def is_locked(self) -> bool:
        return self.lock_screen is not None

    # start-up
    def start(self, first_run: bool) -> bool:
        """Set up the practice or sign someone in, then show the main window.

        False when the person closes the wizard or the sign-in window instead.
        """
        if first_run:
            from practice_action.ui.setup_wizard import FirstRunWizard

            wizard = FirstRunWizard(self.ctx)
            if not run_modal(wizard) or getattr(wizard, "signed_in", None) is None:
                return False
            signed = wizard.signed_in
            # the wizard may have set a different idle period from the default
            self.idle.timer.setInterval(self._practice_idle_ms())
        else:
            dialog = SignInDialog(self.ctx)
            if not run_modal(dialog) or dialog.signed_in is None:
                return False
            signed = dialog.signed_in
        self.start_signed_in(signed)
        return True

    def start_signed_in(self, signed: staff.SignedIn) -> None:
        """The main window for someone already signed in (the early sign-in at start-up)."""
        self._open_window(signed.actor)
        self._check_then_back_up(signed.actor)
        self._warn_about_the_database()
        if self.presence.last_clock_warning:
            self._clock_warning(self.presence.last_clock_warning)

    def _open_window(self, actor: Actor) -> None:
        self.actor = actor
        self.presence.person = actor.name
        window = MainWindow(self.ctx, self.locations, actor)
        window.lock_requested.connect(self.lock)
        window.switch_user_requested.connect(self.switch_user)
        window.installEventFilter(self)
        self.window = window
        if self.ctx.store.damaged is not None:  # found while the window was being built
            self.show_warning("This desk has stopped saving: " + self.ctx.store.damaged)
        window.show()
        self.idle.start()

    def _check_then_back_up(self, actor: Actor) -> None:
        """Check the whole database behind the window, showing how far it has gone in the
        status bar; then, if it is sound, take the day's backup (a copy of a damaged file
        would push a sound one out of the fourteen kept)."""
        from practice_action.services.health import database_check

        if self.ctx.store.damaged is not None:
            return  # already stopped (the file found damaged or replaced): nothing to back up
        check = None if self.checked or self.check_job else database_check(self.ctx)
        if check is None:
            self._daily_backup(actor)
            return
        job = BackgroundCheck(check)
        job.progress.connect(self._check_progress)  # delivered on the window's thread
        job.finished.connect(lambda: self._check_finished(job, actor))
        self.check_job = job
        if self.window is not None:
            self.window.statusBar().showMessage(checking_text(0.0))
        job.start()

    def _check_progress(self, share: float) -> None:
        if self.window is None or self.check_job is None or self.ctx.store.damaged is not None:
            return
        bar = self.window.statusBar()
        if not bar.currentMessage() or bar.currentMessage().startswith(CHECKING):
            bar.showMessage(checking_text(share))

    def _check_finished(self, job: BackgroundCheck, actor: Actor) -> None:
        if self.check_job is not job:
            return  # stopped as the desk closed, or already handled
        self.check_job = None
        if job.stopped or self.ctx.store.damaged is not None:
            return  # closing; or stopped meanwhile (damage met elsewhere): no backup of it
        if self.window is not None and self.window.statusBar().currentMessage().startswith(
            CHECKING
        ):
            self.window.statusBar().clearMessage()
        from practice_action.services.health import check_passed, damage_found

        if job.not_made:
            warning = (
                f"Warning: the database could not be checked just now ({job.not_made}); it "
                "is checked again at the next start."
            )
            self._daily_backup(self.actor or actor)  # the copy is checked before it is kept
            # After the backup's own word, so that it stays once the backup is done.
            self.show_warning(f"{BACKING_UP} {warning}" if self.backing_up else warning)
            return
        self.checked = True  # made: sound, or its damage said below
        if not job.problems:
            check_passed(self.locations)
            self._daily_backup(self.actor or actor)
            return
        damage_found(self.ctx, self.locations, job.problems)

    def stop_check(self) -> None:
        """Stop a check under way (closing the desk must not wait for it)."""
        job = self.check_job
        if job is not None:
            self.check_job = None
            job.stop()

    def _daily_backup(self, actor: Actor) -> None:
        """Start the day's backup in the background, with a word in the status bar meanwhile
        (one at a time: an unlock while one runs does not start another; while the database
        is being checked, the check starts it when done)."""
        if self.backing_up or self.check_job is not None or self.ctx.store.damaged is not None:
            return
        job = _DailyBackup(self.ctx, actor)
        job.finished.connect(self._backup_finished)  # delivered on the window's thread
        self._backup_job = job
        if self.window is not None:
            self.window.statusBar().showMessage(BACKING_UP)
        job.start()

    @property
    def working_behind(self) -> bool:
        """The database's check or the day's backup is under way behind the window."""
        return self.check_job is not None or self.backing_up

    @property
    def backing_up(self) -> bool:
        """A backup started and not yet reported back (its thread may just have ended)."""
        return self._backup_job is not None

    def _backup_finished(self) -> None:
        job = self._backup_job
        if job is not None and job.isFinished():
            self._backup_done(job)

    def wait_for_backup(self) -> None:
        """Let a backup under way finish (closing the app must not cut a copy short)."""
        job = self._backup_job
        if job is not None:
            job.wait()
            self._backup_done(job)

    def _backup_done(self, job: _DailyBackup) -> None:
        if self._backup_job is not job:
            return  # already handled
        self._backup_job = None
        window = self.window
        if window is None:
            return
        message = window.statusBar().currentMessage()
        if not message.startswith(BACKING_UP) and not job.problem:
            return  # the status bar has moved on to something else
        rest = message.removeprefix(BACKING_UP).strip()  # warnings added meanwhile stay
        warning = (
            f"Warning: today's backup could not be taken ({job.problem}). "
            "Tell the practice manager or IT support."
            if job.problem
            else ""
        )
        text = " ".join(m for m in (warning, rest) if m)
        if text:
            self.show_warning(text)
        else:
            window.statusBar().clearMessage()

    def _warn_about_the_database(self) -> None:
        """Said once a session, after the first sign-in: a SQLite file on a network drive."""
        from practice_action.services.health import database_warnings, restore_leftover_warnings

        warnings = [*database_warnings(self.locations), *restore_leftover_warnings(self.ctx)]
        for warning in warnings:
            earlier = self.window.statusBar().currentMessage() if self.window else ""
            text = " ".join(m for m in (earlier, f"Warning: {warning}") if m)
            self.show_warning(text)
            if self.window is not None:  # the whole of it, should the line be cut short
                self.window.statusBar().setToolTip(text)

    def show_warning(self, text: str) -> None:
        if self.window is not None:
            self.window.statusBar().showMessage(text)

    # lock, unlock, switch
    def lock(self, reason: str = "locked the desk") -> None:
        """Sign the person out and hide the window's content behind the sign-in screen."""
        if self.window is None or self.is_locked:
            return
        self._hide_content(
            heading="This desk is locked",
            note=self._locked_note(),
            preselect_id=self.actor.staff_id if self.actor else None,
        )
        self._sign_out(reason)

    def switch_user(self) -> None:
        """Sign the person out and show the sign-in screen with nobody chosen."""
        if self.window is None or self.is_locked:
            return
        self._hide_content(
            heading="Switch user",
            note=f"{self.actor.name if self.actor else 'The last person'} has signed out. "
            "Choose your name and type your PIN.",
            preselect_id=None,
        )
        self._sign_out("signed out to switch user")

    def _locked_note(self) -> str:
        if self.actor is None:
            return "Choose your name and type your PIN."
        return (
            f"{self.actor.name} was signed in. Type your PIN to carry on, or choose "
            "another name to sign in as someone else."
        )

    def _lock_when_idle(self) -> None:
        minutes = self.idle_minutes
        shown = f"{minutes:g} minute{'s' if minutes != 1 else ''}"
        self.lock(f"was signed out: desk locked after {shown} with no input")

    def _sign_out(self, reason: str) -> None:
        self.presence.person = ""
        if self.actor is None:
            return
        try:
            staff.sign_out(self.ctx, self.actor, reason)
        except PracticeActionError as error:
            self.show_warning(f"Warning: the sign-out could not be recorded ({error}).")

    def _hide_content(self, *, heading: str, note: str, preselect_id: int | None) -> None:
        assert self.window is not None
        self.idle.stop()
        window = self.window
        # A dialog left open (half an edit, a file chooser) would show over the lock: cancel it.
        for dialog in window.findChildren(QDialog):
            if dialog.isVisible():
                dialog.reject()
        self._disabled_actions = [a for a in window.findChildren(QAction) if a.isEnabled()]
        for action in self._disabled_actions:
            action.setEnabled(False)
        window.menuBar().setEnabled(False)
        self._content = window.takeCentralWidget()
        screen = SignInScreen(self.ctx, heading=heading, note=note, preselect_id=preselect_id)
        screen.signed_in.connect(self._unlock)
        window.setCentralWidget(screen)
        self.lock_screen = screen
        window.who.setText("Locked: nobody is signed in   ")
        screen.reload(preselect_id)
        self.locked_changed.emit(True)

    def _unlock(self, signed: staff.SignedIn) -> None:
        window = self.window
        if window is None or self.lock_screen is None:
            return
        screen = window.takeCentralWidget()
        if screen is not None:
            screen.deleteLater()
        self.lock_screen = None
        if self._content is not None:
            window.setCentralWidget(self._content)
            self._content = None
        for action in self._disabled_actions:
            action.setEnabled(True)
        self._disabled_actions = []
        window.menuBar().setEnabled(True)
        window.statusBar().clearMessage()
        if self.actor is None or signed.actor != self.actor:
            self._close_sections()
            window.set_actor(signed.actor)  # someone else: rebuild the sections for them
        else:
            window.who.setText(f"Signed in: {signed.actor.label}   ")
        self.actor = signed.actor
        self.presence.person = signed.actor.name
        self.idle.start()
        self.locked_changed.emit(False)
        window.activateWindow()  # the keys go to the desk again, not to nowhere
        # A desk may stay open for days: each sign-in is a chance to take the day's backup.
        self._daily_backup(signed.actor)

    # closing
    def _close_sections(self) -> None:
        """Send each section a close event, so that it stops any thread or timer of its own.

        Closing the main window does not close the widgets inside it, and a section rebuilt
        for the next person is deleted: either way a running thread must be stopped first.
        """
        if self.window is None:
            return
        stack = self.window.stack
        for index in range(stack.count()):
            stack.widget(index).close()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.stop_check()
            self.wait_for_backup()
            self.idle.stop()
            self._close_sections()
            if not self.is_locked:
                self._sign_out("signed out (closed the app)")
                self.actor = None
            self.presence.stop()
            self.standing_timer.stop()
        return False

    def close(self) -> None:
        """Close the window (signing the person out) and stop watching for input."""
        if self.window is not None:
            self.window.close()
        self.stop_check()
        self.wait_for_backup()
        self.idle.stop()
