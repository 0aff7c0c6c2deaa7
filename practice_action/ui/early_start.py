"""Sign-in first, database layer second: how the desktop app starts.

The sign-in window needs only the practice's name and the active staff, which a plain read
with the database's driver gives (services/early.py: the SQLite file, or the PostgreSQL
server). It is shown at once while a worker thread loads the database layer and opens the
database, checking its schema; on SQLite the whole-file check runs behind the desk's window
once someone has signed in (ui/background_check.py). A PIN typed before that work is done is
checked with the driver alone, with the same rules and audit entry; the desk itself then
waits for the database to be open. If opening fails, the window closes and the app falls
back to the ordinary start, whose recovery dialog explains what is wrong.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QThread, QTimer

from practice_action.domain.calendar import Clock, system_clock
from practice_action.domain.errors import DamagedDatabase, PracticeActionError, StoreError
from practice_action.domain.staff_member import StaffMember
from practice_action.paths import Locations
from practice_action.services.context import Context
from practice_action.ui.modal import run_modal
from practice_action.ui.signin import ContextSource, SignInDialog, SignInSource

if TYPE_CHECKING:
    from practice_action.services.staff import SignedIn
    from practice_action.ui.presence import DeskPresence


# How long after the window is up Qt's namespace of enums is made: a person has not typed a PIN
# by then, and a key pressed before it makes the namespace itself (on the window's thread).
QT_NAMESPACE_AFTER_MS = 150


class _Opener(QThread):
    """Loads SQLAlchemy and opens the database (its schema checked) off the UI thread."""

    def __init__(self, locations: Locations) -> None:
        super().__init__()
        self.setObjectName("open-database")
        self.locations = locations
        self.ctx: Context | None = None
        self.problem: str = ""
        # Set by the window's thread once Qt's namespace is made (EarlySource.make_qt_namespace)
        self.qt_made = threading.Event()

    def run(self) -> None:
        try:
            from practice_action.services.health import open_context

            # The whole-file check reads every page: the desk runs it behind its window
            # once someone has signed in (ui/background_check.py), not here.
            self.ctx = open_context(self.locations)
            self.qt_made.wait()
            self._load_the_desk()
        except PracticeActionError as error:
            self.problem = str(error)
        except Exception as error:
            self.problem = f"The database could not be opened ({error})."

    @staticmethod
    def _load_the_desk() -> None:
        """Import the desk's own modules (the main window, the counter's screen, which is
        everyone's first section) while the person is still typing, so that Enter shows the
        counter without waiting for them. The other screens load when first opened; only
        modules are loaded here, and every widget is made on the window's thread."""
        import importlib

        importlib.import_module("practice_action.ui.desk")
        importlib.import_module("practice_action.ui.counter_screen")
        # The counter's board reads the plan's cap: its models too, or Enter waits for them.
        importlib.import_module("practice_action.services.plan")


class EarlySource(SignInSource):
    def __init__(
        self,
        locations: Locations,
        practice_name: str,
        members: list[StaffMember],
        clock: Clock = system_clock,
    ):
        self._practice_name = practice_name
        self._members = members
        self.locations = locations
        self._clock = clock
        self.opener = _Opener(locations)
        self.damage_found: Callable[[str], None] | None = None

    def start_opening(self) -> None:
        if not self.opener.isRunning() and not self.opener.isFinished():
            self.opener.start()

    def make_qt_namespace(self) -> None:
        """Make Qt's namespace of enums (about 25 ms) on the window's thread, then let the
        worker import the screens that use it (the binding makes it on first use, and two
        threads must not make it at once)."""
        import PySide6.QtCore

        PySide6.QtCore.Qt  # noqa: B018
        self.opener.qt_made.set()

    def wait_for_opener(self) -> None:
        self.start_opening()
        self.make_qt_namespace()  # the worker waits for it
        self.opener.wait()

    def practice_name(self) -> str:
        return self._practice_name

    def staff(self) -> list[StaffMember]:
        return self._members

    def context(self) -> Context:
        """The opened database, waiting for the worker if it has not finished yet."""
        self.wait_for_opener()
        if self.opener.ctx is None:
            raise StoreError(self.opener.problem or "The database could not be opened.")
        return self.opener.ctx

    def sign_in(self, staff_id: int, pin: str) -> SignedIn:
        """While the database layer is still loading, the PIN is checked with the driver
        alone (services/early.py), with the same rules and audit entry, so that the first
        person need not wait for it; once it has loaded, or if the plain check cannot be
        made, the ordinary check answers."""
        if not self.opener.isFinished():
            from practice_action.services.early import check_pin

            signed = check_pin(self.locations, staff_id, pin, self._clock)
            if signed is not None:
                return signed
        try:
            return ContextSource(self.context()).sign_in(staff_id, pin)
        except DamagedDatabase as error:  # found damaged as the sign-in was written
            if self.damage_found is not None:
                self.damage_found(str(error))
            raise


class EarlySignIn:
    """Runs the early sign-in window; afterwards ``ctx``, ``signed`` and ``failed`` say how
    it went."""

    def __init__(
        self,
        locations: Locations,
        practice_name: str,
        members: list[StaffMember],
        clock: Clock = system_clock,
    ):
        self.source = EarlySource(locations, practice_name, members, clock)
        self.dialog = SignInDialog(self.source)
        self.source.opener.finished.connect(self._opened)
        self.source.damage_found = self._damaged
        self.damaged = False
        self.failed = False
        self.signed: SignedIn | None = None
        self.ctx: Context | None = None
        self.presence: DeskPresence | None = None

    def _opened(self) -> None:
        gc.enable()  # off for start-up (__main__.py)
        from practice_action.services.early import forget_server_connections

        forget_server_connections()  # the database layer answers from now on
        if self.source.opener.ctx is None:  # damaged, newer, unreachable: say so the usual way
            self.failed = True
            self.dialog.reject()
            return
        self._start_presence(self.source.opener.ctx)

    def _damaged(self, finding: str) -> None:
        """Damage met while signing in: the whole file is checked before the next sign-in,
        and the window closes for the ordinary start, whose recovery dialog explains."""
        from practice_action.services.health import damage_found

        self.damaged = True
        if self.source.opener.ctx is not None:
            damage_found(self.source.opener.ctx, self.source.locations, [finding])
        QTimer.singleShot(0, self.dialog.reject)

    def _start_presence(self, ctx: Context) -> None:
        """The desk is known to the others from the moment its database is open."""
        if self.presence is None:
            from practice_action.ui.presence import DeskPresence

            self.presence = DeskPresence(ctx)
            self.presence.start()

    def run(self) -> None:
        # The window first; the database layer starts loading once it is on screen, so the
        # two do not share the interpreter while the window is being drawn. Qt's namespace is
        # made a moment later, after a PIN typed at once would have been checked.
        self.dialog.shown.connect(lambda: QTimer.singleShot(0, self.source.start_opening))
        self.dialog.shown.connect(
            lambda: QTimer.singleShot(QT_NAMESPACE_AFTER_MS, self.source.make_qt_namespace)
        )
        accepted = run_modal(self.dialog)
        self.source.wait_for_opener()
        from practice_action.services.early import forget_server_connections

        forget_server_connections()
        self.ctx = self.source.opener.ctx
        if self.ctx is not None and self.damaged:
            if self.presence is not None:
                self.presence.stop()
            self.ctx.store.dispose()
            self.ctx = None
        if self.ctx is None:
            self.failed = True
            return
        self._start_presence(self.ctx)
        if accepted and self.dialog.signed_in is not None:
            self.signed = self.dialog.signed_in
        elif self.presence is not None:
            self.presence.stop()
