"""At start, a database that cannot be used: say why, and offer the newest good backup.

Nobody can sign in to a damaged database, so the restore acts as the computer user who
started the app (as a command-line restore would) and the restored trail records that.
"""

from __future__ import annotations

import importlib
from datetime import datetime
from html import escape
from pathlib import Path
from types import ModuleType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from practice_action import APP_NAME
from practice_action.domain.calendar import LONDON
from practice_action.domain.errors import PracticeActionError
from practice_action.paths import Locations
from practice_action.services.context import system_user
from practice_action.ui.modal import run_modal

_BACKUPS = "practice_action.services.backups"


def _backups() -> ModuleType | None:
    try:
        return importlib.import_module(_BACKUPS)
    except ModuleNotFoundError as error:
        if error.name == _BACKUPS:
            return None
        raise


def _taken_at(path: Path) -> str:
    when = datetime.fromtimestamp(path.stat().st_mtime, tz=LONDON)
    return when.strftime("%A %d %B %Y at %H:%M")


class RecoveryDialog(QDialog):
    """Explains the problem; 'Restore' puts the backup back, 'Quit' leaves everything as it is."""

    def __init__(
        self,
        locations: Locations,
        message: str,
        backup: Path | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.locations = locations
        self.backup = backup
        self.restored = False
        self.setWindowTitle(f"{APP_NAME}: the database cannot be used")
        self.setMinimumWidth(600)

        icon = QLabel()
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(48, 48)
        )
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.text = QLabel(self._explanation(message))
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.outcome.setStyleSheet("color: #b3261e; font-weight: 600;")
        self.outcome.setVisible(False)

        self.buttons = QDialogButtonBox()
        self.restore_button: QPushButton | None = None
        if backup is not None:
            self.restore_button = self.buttons.addButton(
                "&Restore this backup", QDialogButtonBox.ButtonRole.AcceptRole
            )
            self.restore_button.clicked.connect(self.restore)
        self.quit_button = self.buttons.addButton("&Quit", QDialogButtonBox.ButtonRole.RejectRole)
        self.quit_button.clicked.connect(self.reject)
        (self.restore_button or self.quit_button).setDefault(True)

        row = QHBoxLayout()
        row.addWidget(icon)
        row.addWidget(self.text, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.outcome)
        layout.addWidget(self.buttons)

    def _explanation(self, message: str) -> str:
        database = escape(self.locations.describe_database())
        parts = [
            "<h3>The practice's database cannot be used</h3>",
            f"<p>{escape(message)}</p>",
            f"<p><b>Database:</b> {database}</p>",
        ]
        if self.backup is not None:
            parts.append(
                "<p>The newest backup that passes its check was taken on "
                f"<b>{escape(_taken_at(self.backup))}</b>:<br>{escape(str(self.backup))}</p>"
                "<p><b>Restore this backup</b> puts it in place of the damaged database. The "
                "damaged file is kept beside the backups, not deleted. Anything recorded "
                "after the backup was taken will be missing: check today's records "
                "afterwards. Close Practice Action on every other PC first.</p>"
                "<p><b>Quit</b> leaves everything as it is.</p>"
            )
        else:
            parts.append(
                "<p>No backup that could be restored was found in "
                f"{escape(str(self.locations.backups_dir))}.</p>"
                "<p>Do not delete, move or replace the database file. Contact your IT "
                "support and give them this message and the database file named above: they "
                "may be able to repair it or find a copy.</p>"
            )
        return "".join(parts)

    def restore(self) -> bool:
        module = _backups()
        if module is None or self.backup is None:
            return False
        try:
            module.restore_file(self.locations, system_user(), self.backup)
        except PracticeActionError as error:
            self.outcome.setText(f"The backup was not restored: {error}")
            self.outcome.setVisible(True)
            if self.restore_button is not None:
                self.restore_button.setEnabled(False)
            self.quit_button.setDefault(True)
            return False
        self.restored = True
        self.accept()
        return True


def offer_recovery(locations: Locations, message: str) -> bool:
    """Show the problem and offer the newest good backup; True when one was restored."""
    module = _backups()
    backup = module.newest_good_backup(locations) if module is not None else None
    dialog = RecoveryDialog(locations, message, backup)
    run_modal(dialog)
    return dialog.restored
