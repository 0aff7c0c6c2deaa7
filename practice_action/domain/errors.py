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


class ConflictError(PracticeActionError):
    """Someone else changed the record first, or the change clashes with what is stored."""
