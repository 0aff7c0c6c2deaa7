"""Starting the desktop app: open the database, set up or sign in, then the main window."""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from practice_action import APP_NAME
from practice_action.domain.errors import StoreError
from practice_action.paths import Locations
from practice_action.services import practice
from practice_action.services.context import Context
from practice_action.services.health import open_context


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("PracticeAction")
    app.setStyle("Fusion")
    return app


def show_problem(title: str, message: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Critical, title, message)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.exec()


def open_or_recover(locations: Locations) -> Context | None:
    """Open the database; a damaged SQLite file leads to the recovery dialog, not a traceback."""
    from practice_action.ui.recovery import offer_recovery

    try:
        ctx = open_context(locations)
    except StoreError as error:
        if locations.is_sqlite and offer_recovery(locations, str(error)):
            return open_or_recover(locations)
        if not locations.is_sqlite:
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
    return ctx


def run_gui(locations: Locations) -> int:
    app = make_app()
    ctx = open_or_recover(locations)
    if ctx is None:
        return 1
    from practice_action.ui.desk import Desk

    desk = Desk(ctx, locations)
    if not desk.start(first_run=not practice.is_set_up(ctx)):
        ctx.store.dispose()
        return 0
    code = app.exec()
    ctx.store.dispose()
    return code
