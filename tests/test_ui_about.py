"""The About box: the version, the data folder and the database this desk is using."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from practice_action import APP_NAME, __version__
from practice_action.paths import Locations, resolve
from practice_action.services.context import Actor, Context
from practice_action.ui.main_window import MainWindow


def open_window(qtbot, ctx: Context, locations: Locations, actor: Actor) -> MainWindow:
    window = MainWindow(ctx, locations, actor)
    qtbot.addWidget(window)
    return window


def test_about_names_version_data_folder_and_sqlite_file(
    qtbot, ctx: Context, locations: Locations, manager: Actor
) -> None:
    window = open_window(qtbot, ctx, locations, manager)

    text = window.about_text()

    assert f"{APP_NAME} {__version__}" in text
    assert str(locations.data_dir) in text
    assert f"SQLite file {locations.data_dir / 'practice-action.sqlite3'}" in text


def test_help_menu_opens_the_about_box_with_that_text(
    qtbot, ctx: Context, locations: Locations, manager: Actor
) -> None:
    window = open_window(qtbot, ctx, locations, manager)
    window.show()
    qtbot.waitExposed(window)
    help_menu = next(
        action.menu() for action in window.menuBar().actions() if action.text() == "&Help"
    )
    about = next(a for a in help_menu.actions() if a.text() == "&About Practice Action")

    about.trigger()

    qtbot.waitUntil(lambda: any(b.isVisible() for b in window.findChildren(QMessageBox)))
    box = next(b for b in window.findChildren(QMessageBox) if b.isVisible())
    assert box.windowTitle() == f"About {APP_NAME}"
    assert box.text() == window.about_text()
    assert __version__ in box.text()
    box.close()


def test_about_shows_a_server_without_its_password(
    qtbot, ctx: Context, tmp_path: Path, manager: Actor
) -> None:
    # The desk's locations say which database it was started on; the About box only reads them.
    server = resolve(
        tmp_path / "desk", "postgresql+psycopg://practice:s3cret-pass@db.surgery.lan/practice"
    )
    window = open_window(qtbot, ctx, server, manager)

    text = window.about_text()

    assert "db.surgery.lan/practice" in text
    assert "practice:***@" in text
    assert "s3cret-pass" not in text
    assert str(tmp_path / "desk") in text


def test_about_escapes_a_data_folder_with_markup_characters(
    qtbot, ctx: Context, tmp_path: Path, manager: Actor
) -> None:
    odd = resolve(tmp_path / "R&D <test>")
    window = open_window(qtbot, ctx, odd, manager)

    text = window.about_text()

    assert "R&amp;D &lt;test&gt;" in text
    assert "<test>" not in text
