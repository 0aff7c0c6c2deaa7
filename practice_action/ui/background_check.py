"""The database's full check, run behind the desk's window once someone has signed in.

The check reads the whole file (services/health.py, store/integrity.py), so it runs on a thread of its own and
reports how far it has gone, which the desk shows in the status bar. Closing the desk stops
it. Damage found stops the store from saving (the desk then says so, with Restart) and leaves
a note so that the next start checks the whole file before sign-in and offers recovery.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QThread, Signal

from practice_action.services.health import CheckNotMade, CheckStopped

if TYPE_CHECKING:
    from practice_action.services.health import TableByTableCheck

CHECKING = "Checking the database"


def checking_text(share: float) -> str:
    return f"{CHECKING}: {int(share * 100)}% done..."


class BackgroundCheck(QThread):
    """``progress`` carries the share done (0.0-1.0); afterwards ``problems`` holds what was
    found, ``stopped`` whether it was cut short, and ``not_made`` why it could not be made."""

    progress = Signal(float)

    def __init__(self, check: TableByTableCheck) -> None:
        super().__init__()
        self.setObjectName("database-check")
        self.check = check
        self.problems: list[str] = []
        self.stopped = False
        self.not_made = ""  # why the file could not be checked just now (not damage)

    def run(self) -> None:
        try:
            self.problems = self.check.run(self.progress.emit)
        except CheckStopped:
            self.stopped = True
        except CheckNotMade as reason:
            self.not_made = str(reason) or "the file could not be read"
        except Exception as error:  # a thread's error would otherwise vanish unseen
            self.problems = [f"{type(error).__name__}: {error}"]

    def stop(self) -> None:
        """Stop at once (the statement under way is interrupted) and wait for the thread."""
        self.check.stop()
        self.wait()
