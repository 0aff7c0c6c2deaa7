"""The main window's sections, declared in one place.

Each feature adds a ``Section``: its title, the permission that shows it, a keyboard
shortcut, and a factory that builds its widget for the person signed in. The list is declared
here, not in the screens' modules, so that the sidebar can be drawn without loading them: each
screen's module loads when its section is first shown.
"""

from __future__ import annotations

import importlib
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


def _screen(module: str, name: str) -> SectionFactory:
    """A factory that imports the screen's module the first time the section is built, so
    that a desk loads only the screens its people open (the Letters screen's PDF and print
    modules are large, and a receptionist never opens it)."""

    def make(ctx: Context, actor: Actor, parent: QWidget | None) -> QWidget:
        screen = getattr(importlib.import_module(module), name)
        widget: QWidget = screen(ctx, actor, parent)
        return widget

    return make


_UI = "practice_action.ui."
_SECTIONS = (
    Section(
        "counter",
        "Counter",
        Permission.USE_COUNTER,
        "Ctrl+1",
        _screen(_UI + "counter_screen", "CounterScreen"),
        10,
    ),
    Section(
        "plan",
        "Action plan",
        Permission.READ_PLAN,
        "Ctrl+2",
        _screen(_UI + "plan_screen", "PlanScreen"),
        20,
    ),
    Section(
        "letters",
        "Letters",
        Permission.DRAFT_LETTERS,
        "Ctrl+3",
        _screen(_UI + "letters_screen", "LettersScreen"),
        30,
    ),
    Section(
        "reports",
        "Reports",
        Permission.VIEW_REPORTS,
        "Ctrl+4",
        _screen(_UI + "reports_screen", "ReportsScreen"),
        40,
    ),
    Section(
        "setup",
        "Set-up",
        Permission.EDIT_SETUP,
        "Ctrl+5",
        _screen(_UI + "setup_screens", "SetupSection"),
        50,
    ),
    Section(
        "staff",
        "Staff",
        Permission.MANAGE_STAFF,
        "Ctrl+6",
        _screen(_UI + "people_screens", "StaffScreen"),
        60,
    ),
    Section(
        "audit",
        "Audit trail",
        Permission.VIEW_AUDIT,
        "Ctrl+7",
        _screen(_UI + "people_screens", "AuditScreen"),
        70,
    ),
)


def all_sections() -> list[Section]:
    """Every section, in the order the sidebar lists them."""
    return sorted(_SECTIONS, key=lambda s: s.order)


def section(key: str) -> Section:
    return next(s for s in _SECTIONS if s.key == key)
