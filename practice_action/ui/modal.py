"""Running a modal dialog, in one place, so that tests can answer it instead of a person.

The app runs dialogs with ``exec()``. A test wraps its code in ``answered_by(answer)``;
every dialog run through ``run_modal`` is then handed to ``answer``, which fills it in,
presses its buttons and returns the dialog's result, so no test ever waits on a dialog.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from PySide6.QtWidgets import QDialog

Answer = Callable[[QDialog], int]

_answers: list[Answer] = []


def run_modal(dialog: QDialog) -> int:
    """Run ``dialog`` until it is closed; its result.

    A dialog with a parent belongs to that parent, so it would live as long as the screen
    does: each wizard, print dialog or reason box a desk opened all day would stay in memory.
    Once it has been answered it is deleted when control returns to the event loop, so the
    caller can still read its fields.
    """
    try:
        if _answers:
            return _answers[-1](dialog)
        return dialog.exec()
    finally:
        if dialog.parent() is not None:
            dialog.deleteLater()


@contextmanager
def answered_by(answer: Answer) -> Iterator[None]:
    _answers.append(answer)
    try:
        yield
    finally:
        _answers.remove(answer)
