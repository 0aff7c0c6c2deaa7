"""A desk signed in as the app runs one, for the benchmarks that need a real main window.

``sign_in(ctx, locations, name)`` makes a :class:`Desk`, answers its sign-in window with the
demo's PIN for ``name`` typed into the real window, and gives the desk back with its main
window shown (offscreen when ``QT_QPA_PLATFORM=offscreen``). ``settle()`` lets Qt deliver
what is waiting. The caller makes the QApplication first (``ui.app.make_app``).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QDialog

from practice_action import paths
from practice_action.services import staff
from practice_action.services.context import Context
from practice_action.services.demo import DEMO_PINS
from practice_action.ui.desk import Desk
from practice_action.ui.modal import answered_by
from practice_action.ui.signin import SignInDialog


def settle(rounds: int = 5) -> None:
    """Run the events waiting, as the app's event loop would, deleting the objects handed to
    ``deleteLater`` too: ``processEvents`` alone never does, so a benchmark that only called
    it would count every dialog and popup of the day as kept."""
    for _ in range(rounds):
        QApplication.processEvents()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def sign_in(ctx: Context, locations: paths.Locations, name: str) -> Desk:
    member = next(m for m in staff.list_staff(ctx) if m.name == name)

    def answer(dialog: QDialog) -> int:
        assert isinstance(dialog, SignInDialog)
        dialog.show()
        settle()
        dialog.screen.select_staff(member.id)
        dialog.screen.pin.setText(DEMO_PINS[name])
        dialog.screen.submit()
        return dialog.result()

    desk = Desk(ctx, locations)
    with answered_by(answer):
        if not desk.start(first_run=False):
            raise SystemExit(f"{name} could not sign in")
    settle()
    return desk


def unlock(desk: Desk, name: str) -> None:
    """Type the PIN into the lock screen, as a person back at the desk does."""
    screen = desk.lock_screen
    assert screen is not None
    screen.pin.setText(DEMO_PINS[name])
    screen.submit()
    settle()
    if desk.is_locked:
        raise SystemExit(f"{name} could not unlock the desk")
