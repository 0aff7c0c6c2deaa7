"""A damaged database at start leads to the recovery dialog, never to a traceback."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog

from practice_action.paths import Locations
from practice_action.services import audit, backups, practice, staff
from practice_action.services.context import Actor, Context
from practice_action.ui.app import open_or_recover
from practice_action.ui.modal import answered_by
from practice_action.ui.recovery import RecoveryDialog


def damage(locations: Locations) -> Path:
    """Write garbage over the database file, as a failing disk or a bad copy might."""
    database = locations.sqlite_path
    assert database is not None and database.exists()
    for extra in ("-wal", "-shm"):
        database.with_name(database.name + extra).unlink(missing_ok=True)
    database.write_bytes(b"this is not a database, the disk went wrong " * 200)
    return database


def test_damaged_database_with_a_backup_is_restored(
    qtbot, ctx: Context, locations: Locations, manager: Actor, receptionist: Actor
):
    backup = backups.backup_now(ctx, manager)
    ctx.store.dispose()
    damage(locations)
    shown: list[RecoveryDialog] = []

    def restore(dialog: QDialog) -> int:
        assert isinstance(dialog, RecoveryDialog)
        qtbot.addWidget(dialog)
        shown.append(dialog)
        assert dialog.backup == backup
        assert dialog.restore_button is not None
        dialog.restore_button.click()
        return dialog.result()

    with answered_by(restore):
        reopened = open_or_recover(locations)
    assert len(shown) == 1
    assert "cannot be used" in shown[0].text.text()
    assert str(backup) in shown[0].text.text()
    assert reopened is not None
    try:
        assert practice.is_set_up(reopened)
        names = [m.name for m in staff.list_staff(reopened)]
        assert names == ["Jo Brennan", "Maria Okafor"]
        kinds = [e.kind for e in audit.list_entries(reopened, manager)]
        assert kinds[0] == "backup.restored"
        assert audit.verify(reopened).intact
    finally:
        reopened.store.dispose()


def test_damaged_database_without_a_backup_says_what_to_do_and_quits(
    qtbot, ctx: Context, locations: Locations, manager: Actor
):
    ctx.store.dispose()
    database = damage(locations)
    damaged_bytes = database.read_bytes()
    shown: list[RecoveryDialog] = []

    def quit_app(dialog: QDialog) -> int:
        assert isinstance(dialog, RecoveryDialog)
        qtbot.addWidget(dialog)
        shown.append(dialog)
        assert dialog.restore_button is None
        dialog.quit_button.click()
        return dialog.result()

    with answered_by(quit_app):
        assert open_or_recover(locations) is None
    text = shown[0].text.text()
    assert "No backup" in text
    assert "IT support" in text
    assert str(database) in text
    # Quitting leaves the damaged file exactly as it was, for whoever repairs it.
    assert database.read_bytes() == damaged_bytes


def test_quitting_when_a_backup_is_offered_changes_nothing(
    qtbot, ctx: Context, locations: Locations, manager: Actor
):
    backups.backup_now(ctx, manager)
    ctx.store.dispose()
    database = damage(locations)
    damaged_bytes = database.read_bytes()

    def quit_app(dialog: QDialog) -> int:
        qtbot.addWidget(dialog)
        dialog.reject()
        return dialog.result()

    with answered_by(quit_app):
        assert open_or_recover(locations) is None
    assert database.read_bytes() == damaged_bytes


def test_a_backup_that_fails_to_restore_is_explained_in_the_dialog(
    qtbot, ctx: Context, locations: Locations, manager: Actor
):
    backup = backups.backup_now(ctx, manager)
    ctx.store.dispose()
    damage(locations)
    dialog = RecoveryDialog(locations, "The database file cannot be opened.", backup)
    qtbot.addWidget(dialog)
    backup.write_bytes(b"spoilt after it was found")  # the copy goes bad before the click
    assert dialog.restore() is False
    assert not dialog.restored
    assert "not restored" in dialog.outcome.text()
    assert dialog.restore_button is not None and not dialog.restore_button.isEnabled()


def test_a_database_from_a_newer_version_is_explained_not_offered_a_restore(
    qtbot, ctx: Context, locations: Locations, manager: Actor
):
    from PySide6.QtWidgets import QMessageBox
    from sqlalchemy import text

    backups.backup_now(ctx, manager)  # a backup exists, yet restoring it would lose data
    with ctx.store.write() as session:
        session.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    ctx.store.dispose()
    before = locations.sqlite_path.read_bytes()
    shown: list[QDialog] = []

    def answer(dialog: QDialog) -> int:
        shown.append(dialog)
        return QDialog.DialogCode.Rejected

    with answered_by(answer):
        assert open_or_recover(locations) is None
    assert len(shown) == 1 and isinstance(shown[0], QMessageBox)
    assert "newer version" in shown[0].text()
    assert locations.sqlite_path.read_bytes() == before
