"""This desk's heartbeat in the database, and what happens when the database goes from under it.

From the moment the database is open (the sign-in window included) the desk refreshes its row
every few seconds (services/desks.py), so that a restore elsewhere can see it is open. When the
store finds its database replaced or damaged, the desk stops saving and says so, offering to
start again.
"""

from __future__ import annotations

import contextlib
import sys

from PySide6.QtCore import QObject, QProcess, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from practice_action import APP_NAME
from practice_action.domain.errors import DatabaseReplaced, PracticeActionError
from practice_action.services import desks
from practice_action.services.context import Context


class DeskPresence(QObject):
    """Registers the desk and keeps its row fresh; ``lost`` says the database was replaced."""

    lost = Signal(str)
    clock_warning = Signal(str)  # empty when the clock is right again

    def __init__(self, ctx: Context, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.person = ""
        self.last_clock_warning: str | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(desks.HEARTBEAT_SECONDS * 1000)
        self.timer.timeout.connect(self.beat)
        # The store calls this from whichever thread met the damage: a signal carries it over.
        ctx.store.on_damage(self.lost.emit)

    @property
    def desk_id(self) -> str | None:
        found = self.ctx.extra.get("desk_id")
        return found if isinstance(found, str) else None

    def start(self) -> None:
        if self.desk_id is None:
            with contextlib.suppress(PracticeActionError):  # out of reach: the next beat tries
                desks.register(self.ctx)
        self.timer.start()
        QTimer.singleShot(0, self.beat)  # the clock is checked at once, not in 15 seconds

    def beat(self) -> None:
        try:
            if self.desk_id is None:
                desks.register(self.ctx)
            else:
                words = desks.skew_words(desks.heartbeat(self.ctx, self.person))
                if words != self.last_clock_warning:
                    self.last_clock_warning = words
                    self.clock_warning.emit(words or "")
        except DatabaseReplaced:
            self.timer.stop()  # the store has told ``lost`` already
        except PracticeActionError:
            pass  # out of reach for now: the counter says so; try again at the next beat

    def stop(self) -> None:
        self.timer.stop()
        if self.ctx.store.damaged is None:
            with contextlib.suppress(PracticeActionError):
                desks.leave(self.ctx)


def restart_app() -> None:
    """Start a new copy of the app with the same arguments, then quit this one."""
    frozen = getattr(sys, "frozen", False)
    arguments = sys.argv[1:] if frozen else sys.argv
    QProcess.startDetached(sys.executable, arguments)
    app = QApplication.instance()
    if app is not None:
        app.quit()


def show_stopped(parent: QWidget | None, message: str) -> QMessageBox:
    """Say that this desk has stopped saving, without blocking: Restart or Close."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(f"{APP_NAME}: this desk has stopped")
    box.setText("This desk has stopped saving.")
    box.setInformativeText(message)
    restart = box.addButton("&Restart Practice Action", QMessageBox.ButtonRole.AcceptRole)
    close = box.addButton("&Close", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restart)
    box.setObjectName("desk-stopped")

    def chosen(button: object) -> None:
        if button is restart:
            restart_app()
        elif button is close:
            app = QApplication.instance()
            if app is not None:
                app.quit()

    box.buttonClicked.connect(chosen)
    box.open()
    return box
