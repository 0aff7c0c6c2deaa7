"""The main window's sections, declared in one place.

Each feature adds a ``Section``: its title, the permission that shows it, a keyboard
shortcut, and a factory that builds its widget for the person signed in. A section that is
not built yet is simply not listed, so the window never shows a placeholder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from practice_action.services.context import Actor, Context
from practice_action.services.permissions import Permission

SectionFactory = Callable[[Context, Actor, QWidget | None], QWidget]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    permission: Permission
    shortcut: str
    factory: SectionFactory
    order: int = 100


def all_sections() -> list[Section]:
    """Every built section, in the order the sidebar lists them."""
    found: list[Section] = []
    for loader in _LOADERS:
        found.extend(loader())
    return sorted(found, key=lambda s: s.order)


def _optional(module: str) -> Callable[[], list[Section]]:
    def load() -> list[Section]:
        import importlib

        try:
            found = importlib.import_module(module)
        except ModuleNotFoundError as error:
            if error.name == module:
                return []
            raise
        return list(found.sections())

    return load


_LOADERS: list[Callable[[], list[Section]]] = [
    _optional("practice_action.ui.counter_screen"),
    _optional("practice_action.ui.plan_screen"),
    _optional("practice_action.ui.letters_screen"),
    _optional("practice_action.ui.reports_screen"),
    _optional("practice_action.ui.setup_screens"),
    _optional("practice_action.ui.people_screens"),
]
