"""Errors that carry a message a person can act on."""

from __future__ import annotations


class PracticeActionError(Exception):
    """Base of every error the app explains to its users instead of showing a traceback."""


class ValidationError(PracticeActionError):
    """One or more fields are wrong. ``problems`` maps a field name to what is wrong with it."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)
        lines = [f"{field}: {message}" for field, message in self.problems.items()]
        super().__init__("; ".join(lines) if lines else "invalid input")


class PermissionDenied(PracticeActionError):
    """The person signed in may not do this."""


class NotFound(PracticeActionError):
    """A record asked for by id or name does not exist."""


class StoreError(PracticeActionError):
    """The database cannot be used: unreachable, damaged, or written by a newer version."""


class NewerDatabase(StoreError):
    """The database was written by a newer version of the app; it is left untouched."""


class DamagedDatabase(StoreError):
    """The database file cannot be read as a Practice Action database: a backup may help."""


class DatabaseReplaced(StoreError):
    """The database file this desk opened is no longer the practice's (restored, moved)."""


class ConflictError(PracticeActionError):
    """Someone else changed the record first, or the change clashes with what is stored."""


class MachineProblem(PracticeActionError):
    """The computer will not let the app do it: a read-only or full disk, a folder that is a
    file or belongs to someone else. The message names the place and what to do."""


class DiskFull(MachineProblem, StoreError):
    """There is no room left on the disk that holds the database or the file being written."""
