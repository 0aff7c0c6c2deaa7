"""Starting the desktop app: open the database, set up or sign in, then the main window."""

from __future__ import annotations

import gc
import os
import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from practice_action import APP_NAME
from practice_action.domain.errors import DamagedDatabase, PracticeActionError, StoreError
from practice_action.paths import Locations, check_folder
from practice_action.services.context import Context
from practice_action.ui.memory import return_large_blocks


def make_app(argv: list[str] | None = None) -> QApplication:
    return_large_blocks()
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("PracticeAction")
    # Fusion everywhere. Where it is already the platform's own (Linux without a desktop
    # theme) it is not asked for again: making it by name loads Qt's style plugins (8-10 ms
    # of start-up) to make the same style.
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    return app


def show_problem(title: str, message: str) -> None:
    from PySide6.QtCore import Qt

    box = QMessageBox(QMessageBox.Icon.Critical, title, message)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    from practice_action.ui.modal import run_modal

    run_modal(box)


def open_or_recover(locations: Locations) -> Context | None:
    """Open the database; a damaged SQLite file leads to the recovery dialog, not a traceback."""
    from practice_action.services.health import open_context
    from practice_action.ui.recovery import offer_recovery

    try:
        ctx = open_context(locations)
    except DamagedDatabase as error:
        if offer_recovery(locations, str(error)):
            return open_or_recover(locations)
        return None
    except StoreError as error:  # a newer version's database, a server out of reach: not damage
        show_problem(f"{APP_NAME}: cannot open the database", str(error))
        return None
    except (PracticeActionError, OSError) as error:  # a read-only or full disk, and the like
        show_problem(f"{APP_NAME}: cannot open the database", str(error))
        return None
    from practice_action.store.migrate import integrity_problems

    problems = integrity_problems(ctx.store)
    if problems:
        ctx.store.dispose()
        message = "The database failed its integrity check: " + "; ".join(problems[:3])
        if locations.is_sqlite and offer_recovery(locations, message):
            return open_or_recover(locations)
        return None
    from practice_action.services.health import check_passed

    check_passed(locations)
    return ctx


# bench/bench_startup.py sets this: the app prints when the sign-in window is up, then quits.
# Set to "pin:<staff id>:<PIN>" it also checks that PIN as soon as the window is up, as a
# person pressing Enter at once would, and prints when the check has answered. Set to
# "desk:<staff id>:<PIN>:<ms>" it chooses the name, types the PIN and presses Enter <ms> after
# the window is up (a person typing), then prints when Enter was pressed and when the main
# window has painted, and quits.
STARTUP_PROBE_ENV = "PRACTICE_ACTION_STARTUP_PROBE"


class _StartupProbe(QObject):
    """Once the sign-in window has painted and a zero timer has fired after it (so the event
    loop is free to take input), print the wall-clock time and close the window; with a PIN
    to check, check it first (waiting, as Enter does, for the database to be open).

    It watches only the windows it is given (``watch``): a filter on the whole application
    would be called for every event of every widget being built, and that cost, which no
    person's start-up has, would be counted as the app's."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.probe = os.environ.get(STARTUP_PROBE_ENV, "")
        self.signed_in = False

    def watch(self, window: QObject) -> None:
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        from practice_action.ui.signin import SignInDialog

        if event.type() != QEvent.Type.Paint:
            return False
        # The main window's module is not imported here: the probe must not load it early.
        main_window = sys.modules.get("practice_action.ui.main_window")
        if isinstance(watched, SignInDialog) and not self.signed_in:
            self.signed_in = True
            watched.removeEventFilter(self)
            if not self.probe.startswith("desk:"):
                self.parent().removeEventFilter(self)
            QTimer.singleShot(0, lambda: self._report(watched))
        elif main_window is not None and isinstance(watched, main_window.MainWindow):
            watched.removeEventFilter(self)
            self.parent().removeEventFilter(self)
            QTimer.singleShot(0, lambda: self._counter_shown(watched))
        return False

    def _report(self, window: QWidget) -> None:
        print(f"sign-in shown at {time.time():.6f}", flush=True)
        probe = self.probe
        if probe.startswith("pin:"):
            _, staff_id, pin = probe.split(":", 2)
            source = window.screen.source  # type: ignore[attr-defined]
            source.sign_in(int(staff_id), pin)
            print(f"PIN checked at {time.time():.6f}", flush=True)
        elif probe.startswith("desk:"):
            _, staff_id, pin, delay = probe.split(":", 3)
            QTimer.singleShot(int(delay), lambda: self._enter(window, int(staff_id), pin))
            return
        window.close()

    def _enter(self, window: QWidget, staff_id: int, pin: str) -> None:
        screen = window.screen  # type: ignore[attr-defined]
        screen.select_staff(staff_id)
        screen.pin.setText(pin)
        print(f"Enter pressed at {time.time():.6f}", flush=True)
        screen.submit()

    def _counter_shown(self, window: QWidget) -> None:
        print(f"counter shown at {time.time():.6f}", flush=True)
        window.close()


def run_gui(locations: Locations) -> int:
    app = make_app()
    try:
        check_folder(locations.data_dir)
    except PracticeActionError as error:
        show_problem(f"{APP_NAME}: cannot use the data folder", str(error))
        return 1
    probe = _StartupProbe(app) if os.environ.get(STARTUP_PROBE_ENV) else None
    from practice_action.services.early import sign_in_list

    early_list = sign_in_list(locations)
    if early_list is not None:
        from practice_action.ui.early_start import EarlySignIn

        early = EarlySignIn(locations, *early_list)
        if probe is not None:
            probe.watch(early.dialog)
        early.run()
        gc.enable()  # off for start-up (__main__.py)
        if not early.failed:
            assert early.ctx is not None
            if early.signed is None:  # closed without signing in
                early.ctx.store.dispose()
                return 0
            return _run_desk(
                app,
                early.ctx,
                locations,
                signed=early.signed,
                presence=early.presence,
                checked=False,  # opened without the whole-file check: the desk runs it
                probe=probe,
            )

    gc.enable()  # off for start-up (__main__.py)
    ctx = open_or_recover(locations)
    if ctx is None:
        return 1
    if probe is not None:  # the sign-in window is made inside the desk: watch them all
        app.installEventFilter(probe)
    return _run_desk(app, ctx, locations)


def _run_desk(
    app: QApplication,
    ctx: Context,
    locations: Locations,
    signed: object = None,
    presence: object = None,
    checked: bool = True,
    probe: _StartupProbe | None = None,
) -> int:
    from practice_action.services import practice
    from practice_action.services.health import checkpoint_off_the_desk
    from practice_action.ui.desk import Desk

    checkpoint_off_the_desk(ctx)
    desk = Desk(ctx, locations, presence=presence, checked=checked)  # type: ignore[arg-type]
    if signed is not None:
        desk.start_signed_in(signed)
        if probe is not None:
            probe.watch(desk.window)
    elif not desk.start(first_run=not practice.is_set_up(ctx)):
        desk.close_presence()
        ctx.store.dispose()
        return 0
    code = app.exec()
    desk.close_presence()
    ctx.store.dispose()
    return code
