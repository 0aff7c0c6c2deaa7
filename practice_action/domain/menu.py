"""The BMA's menus of collective action, as data.

Each published menu is a TOML file under ``resources/menus``. The loader checks every field
and refuses a faulty file with a ``MenuError`` that names the file, the action and the field,
so a mistake in a shipped or hand-edited file is found at start, never half-way through the
wizard. A practice's own actions (say, from its LMC) have the same fields and are checked by
the same code.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from practice_action.domain.errors import PracticeActionError, ValidationError

ACTION_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
MENU_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
MAX_TEXT = 4000


class MenuError(PracticeActionError):
    """A menu file (or a practice's own action) is faulty; the message says where and how."""

    def __init__(self, origin: str, action: str | None, field: str, problem: str) -> None:
        self.origin = origin
        self.action = action
        self.field = field
        self.problem = problem
        where = f"action '{action}', " if action else ""
        super().__init__(f"{origin}: {where}field '{field}': {problem}")


class DetailKind(StrEnum):
    """What the wizard asks for when an action is adopted."""

    CONTACTS_CAP = "contacts_cap"
    ADVICE_GUIDANCE = "advice_guidance"
    VOLUNTARY_NOTICE = "voluntary_notice"
    REFERRALS = "referrals"
    DSA_WITHDRAWAL = "dsa_withdrawal"
    DSA_FREEZE = "dsa_freeze"
    CHECKLIST = "checklist"
    NONE = "none"


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CONFLICT = "conflict"  # adopting the action on such a date would breach the contract


@dataclass(frozen=True)
class DatedNote:
    text: str
    severity: Severity
    valid_from: date | None = None
    valid_until: date | None = None

    def applies_on(self, day: date) -> bool:
        if self.valid_from is not None and day < self.valid_from:
            return False
        return self.valid_until is None or day <= self.valid_until

    def overlaps(self, start: date, end: date | None) -> bool:
        """True when the note is in force on any day from ``start`` to ``end`` (open: None)."""
        if self.valid_until is not None and self.valid_until < start:
            return False
        return self.valid_from is None or end is None or self.valid_from <= end


@dataclass(frozen=True)
class MenuTask:
    id: str
    text: str


@dataclass(frozen=True)
class MenuAction:
    id: str
    number: int
    title: str
    wording: str
    attribution: str
    source: str
    explanation: str
    involves: str
    detail: DetailKind
    tasks: tuple[MenuTask, ...] = ()
    notes: tuple[DatedNote, ...] = ()
    menu_id: str = ""
    quoted: bool = True  # the wording is the publisher's own, exactly; else our summary
    letters: tuple[str, ...] = ()  # document kinds the action asks for, beyond its details

    @property
    def is_custom(self) -> bool:
        return self.menu_id == CUSTOM_MENU_ID


@dataclass(frozen=True)
class Menu:
    id: str
    title: str
    publisher: str
    published: date
    source: str
    summary: str
    default: bool
    actions: tuple[MenuAction, ...]
    origin: str = ""
    default_from: date | None = None  # the menu for plans made on or after this day
    notes: tuple[DatedNote, ...] = ()  # what happened to the menu as a whole (a pause, an end)
    extends: str | None = None  # an added file's actions follow that menu's in the wizard

    def action(self, action_id: str) -> MenuAction | None:
        return next((a for a in self.actions if a.id == action_id), None)


CUSTOM_MENU_ID = "practice"


def conflicts(action: MenuAction, effective_date: date) -> list[DatedNote]:
    """The contract conflicts in force on the date the practice would start the action."""
    return [
        n for n in action.notes if n.severity is Severity.CONFLICT and n.applies_on(effective_date)
    ]


def conflicts_during(action: MenuAction, start: date, end: date | None) -> list[DatedNote]:
    """Conflicts that begin while the action runs (an open end runs on for ever)."""
    return [n for n in action.notes if n.severity is Severity.CONFLICT and n.overlaps(start, end)]


def notes_on(action: MenuAction, day: date) -> list[DatedNote]:
    return [n for n in action.notes if n.applies_on(day)]


def contract_notes_during(action: MenuAction, start: date, end: date | None) -> list[DatedNote]:
    """What the contract requires (warnings and conflicts) on any day the action runs."""
    return [n for n in action.notes if n.severity is not Severity.INFO and n.overlaps(start, end)]


def dated_text(note: DatedNote, start: date) -> str:
    """A note's text, saying from when if it begins after ``start``."""
    text = " ".join(note.text.split())
    if note.valid_from is not None and note.valid_from > start:
        return f"From {note.valid_from.day} {note.valid_from:%B %Y}: {text}"
    return text


# --- checking ---------------------------------------------------------------------------

_MENU_KEYS = {
    "id",
    "title",
    "publisher",
    "published",
    "source",
    "summary",
    "default",
    "default_from",
    "notes",
    "extends",
}
_ACTION_KEYS = {
    "id",
    "number",
    "title",
    "wording",
    "attribution",
    "source",
    "explanation",
    "involves",
    "detail",
    "tasks",
    "notes",
    "wording_is",
    "letters",
}
_WORDING_KINDS = ("quotation", "paraphrase")
_QUOTE_MARKS = ('"', "\u201c", "\u201d")
LETTER_ID = re.compile(r"^[a-z0-9][a-z0-9_]{0,39}$")
_NOTE_KEYS = {"valid_from", "valid_until", "severity", "text"}
_TASK_KEYS = {"id", "text"}


class _Checker:
    def __init__(self, origin: str, action: str | None = None) -> None:
        self.origin = origin
        self.action = action

    def fail(self, field: str, problem: str) -> MenuError:
        return MenuError(self.origin, self.action, field, problem)

    def keys(self, data: Mapping[str, Any], allowed: set[str], prefix: str = "") -> None:
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise self.fail(
                prefix + unknown[0],
                f"is not a field this file may have (allowed: {', '.join(sorted(allowed))}); "
                "check its spelling",
            )

    def text(
        self, data: Mapping[str, Any], key: str, *, prefix: str = "", required: bool = True
    ) -> str:
        value = data.get(key)
        if value is None:
            if required:
                raise self.fail(prefix + key, "is missing: add it as text")
            return ""
        if not isinstance(value, str):
            raise self.fail(prefix + key, f"must be text in quotes, not {type(value).__name__}")
        cleaned = " ".join(value.split())
        if required and not cleaned:
            raise self.fail(prefix + key, "is empty: write the text")
        if len(cleaned) > MAX_TEXT:
            raise self.fail(prefix + key, f"is too long: keep it to {MAX_TEXT} characters")
        return cleaned

    def identifier(
        self, data: Mapping[str, Any], key: str, pattern: re.Pattern[str], prefix: str = ""
    ) -> str:
        value = self.text(data, key, prefix=prefix)
        if not pattern.match(value):
            raise self.fail(
                prefix + key,
                f"'{value}' is not a valid id: use lower-case letters, digits and hyphens",
            )
        return value

    def day(
        self, data: Mapping[str, Any], key: str, *, prefix: str = "", required: bool = True
    ) -> date | None:
        value = data.get(key)
        if value is None:
            if required:
                raise self.fail(prefix + key, "is missing: add a date such as 2024-07-25")
            return None
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        elif isinstance(value, date) and not hasattr(value, "hour"):
            return value
        raise self.fail(prefix + key, f"{value!r} is not a date: write it as 2024-07-25")


def _check_note(check: _Checker, data: Any, index: int) -> DatedNote:
    prefix = f"notes[{index}]."
    if not isinstance(data, Mapping):
        raise check.fail(f"notes[{index}]", "must be a table with severity and text")
    check.keys(data, _NOTE_KEYS, prefix)
    raw_severity = check.text(data, "severity", prefix=prefix)
    try:
        severity = Severity(raw_severity)
    except ValueError:
        raise check.fail(
            prefix + "severity",
            f"'{raw_severity}' is not a severity: use one of {', '.join(s.value for s in Severity)}",
        ) from None
    text = check.text(data, "text", prefix=prefix)
    valid_from = check.day(data, "valid_from", prefix=prefix, required=False)
    valid_until = check.day(data, "valid_until", prefix=prefix, required=False)
    if valid_from and valid_until and valid_until < valid_from:
        raise check.fail(
            prefix + "valid_until",
            f"{valid_until.isoformat()} is before valid_from {valid_from.isoformat()}",
        )
    return DatedNote(text, severity, valid_from, valid_until)


def _check_task(check: _Checker, data: Any, index: int) -> MenuTask:
    prefix = f"tasks[{index}]."
    if not isinstance(data, Mapping):
        raise check.fail(f"tasks[{index}]", "must be a table with id and text")
    check.keys(data, _TASK_KEYS, prefix)
    return MenuTask(
        check.identifier(data, "id", ACTION_ID, prefix), check.text(data, "text", prefix=prefix)
    )


def parse_action(data: Any, origin: str, menu_id: str, position: int = 0) -> MenuAction:
    """One action from its table; raises ``MenuError`` naming the action and the field."""
    label = data.get("id") if isinstance(data, Mapping) else None
    check = _Checker(origin, str(label) if label else f"number {position + 1} in the file")
    if not isinstance(data, Mapping):
        raise check.fail("actions", "each action must be a table ([[actions]])")
    check.keys(data, _ACTION_KEYS)
    action_id = check.identifier(data, "id", ACTION_ID)
    check.action = action_id
    number = data.get("number", position + 1)
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= 999:
        raise check.fail("number", f"{number!r} is not a whole number from 1 to 999")
    raw_detail = check.text(data, "detail")
    try:
        detail = DetailKind(raw_detail)
    except ValueError:
        raise check.fail(
            "detail",
            f"'{raw_detail}' is not a detail kind: use one of "
            + ", ".join(k.value for k in DetailKind),
        ) from None
    tasks_data = data.get("tasks", [])
    if not isinstance(tasks_data, list):
        raise check.fail("tasks", "must be a list of tables with id and text")
    tasks = tuple(_check_task(check, t, i) for i, t in enumerate(tasks_data))
    seen: set[str] = set()
    for index, task in enumerate(tasks):
        if task.id in seen:
            raise check.fail(f"tasks[{index}].id", f"'{task.id}' is used twice in this action")
        seen.add(task.id)
    if detail is DetailKind.CHECKLIST and not tasks:
        raise check.fail("tasks", "a checklist action needs at least one task")
    notes_data = data.get("notes", [])
    if not isinstance(notes_data, list):
        raise check.fail("notes", "must be a list of tables ([[actions.notes]])")
    notes = tuple(_check_note(check, n, i) for i, n in enumerate(notes_data))
    wording_is = check.text(data, "wording_is", required=False) or "quotation"
    if wording_is not in _WORDING_KINDS:
        raise check.fail(
            "wording_is",
            f"'{wording_is}' is not allowed: use quotation (the publisher's exact words) or "
            "paraphrase (a summary in our words)",
        )
    wording = check.text(data, "wording")
    if wording_is == "paraphrase" and any(mark in wording for mark in _QUOTE_MARKS):
        raise check.fail(
            "wording",
            "is a paraphrase, so it must not use quotation marks: quote exactly and set "
            'wording_is = "quotation", or say it in your own words',
        )
    letters_data = data.get("letters", [])
    if not isinstance(letters_data, list) or not all(
        isinstance(x, str) and LETTER_ID.match(x) for x in letters_data
    ):
        raise check.fail("letters", 'must be a list of document kinds such as "ccio_dsa_review"')
    return MenuAction(
        id=action_id,
        number=number,
        title=check.text(data, "title"),
        wording=wording,
        attribution=check.text(data, "attribution"),
        source=check.text(data, "source"),
        explanation=check.text(data, "explanation"),
        involves=check.text(data, "involves"),
        detail=detail,
        tasks=tasks,
        notes=notes,
        menu_id=menu_id,
        quoted=wording_is == "quotation",
        letters=tuple(letters_data),
    )


def parse_menu(data: Mapping[str, Any], origin: str) -> Menu:
    check = _Checker(origin)
    check.keys(data, {"menu", "actions"})
    head = data.get("menu")
    if not isinstance(head, Mapping):
        raise check.fail("menu", "is missing: the file must start with a [menu] table")
    check.keys(head, _MENU_KEYS, "menu.")
    menu_id = check.identifier(head, "id", MENU_ID, "menu.")
    if menu_id == CUSTOM_MENU_ID:
        raise check.fail("menu.id", f"'{CUSTOM_MENU_ID}' is kept for the practice's own actions")
    default = head.get("default", False)
    if not isinstance(default, bool):
        raise check.fail("menu.default", "must be true or false")
    actions_data = data.get("actions")
    if not isinstance(actions_data, list) or not actions_data:
        raise check.fail("actions", "the menu has no actions: add [[actions]] tables")
    actions = tuple(parse_action(a, origin, menu_id, i) for i, a in enumerate(actions_data))
    ids: set[str] = set()
    numbers: set[int] = set()
    for action in actions:
        if action.id in ids:
            raise MenuError(origin, action.id, "id", "this id is used by another action too")
        if action.number in numbers:
            raise MenuError(
                origin, action.id, "number", f"number {action.number} is used by another action"
            )
        ids.add(action.id)
        numbers.add(action.number)
    published = check.day(head, "published", prefix="menu.")
    assert published is not None
    menu_notes = head.get("notes", [])
    if not isinstance(menu_notes, list):
        raise check.fail("menu.notes", "must be a list of tables ([[menu.notes]])")
    notes = tuple(_check_note(check, n, i) for i, n in enumerate(menu_notes))
    extends = check.identifier(head, "extends", MENU_ID, "menu.") if "extends" in head else None
    return Menu(
        id=menu_id,
        extends=extends,
        title=check.text(head, "title", prefix="menu."),
        publisher=check.text(head, "publisher", prefix="menu."),
        published=published,
        source=check.text(head, "source", prefix="menu."),
        summary=check.text(head, "summary", prefix="menu."),
        default=default,
        actions=tuple(sorted(actions, key=lambda a: a.number)),
        origin=origin,
        default_from=check.day(head, "default_from", prefix="menu.", required=False),
        notes=notes,
    )


MAX_MENU_BYTES = 256 * 1024


def load_menu(path: Path) -> Menu:
    origin = path.name
    try:
        content = path.read_bytes()
    except OSError as error:
        raise MenuError(origin, None, "(file)", f"cannot be read: {error.strerror}") from error
    return menu_from_bytes(content, origin)


def menu_from_bytes(content: bytes, origin: str) -> Menu:
    """A menu from a file's bytes, checked as a shipped file is; ``origin`` names the file."""
    if len(content) > MAX_MENU_BYTES:
        raise MenuError(
            origin,
            None,
            "(file)",
            f"is {len(content) // 1024} KB: a menu file is at most {MAX_MENU_BYTES // 1024} KB "
            "of text; check that it is the right file",
        )
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        raise MenuError(
            origin,
            None,
            "(file)",
            f"is not UTF-8 text (byte {error.start} cannot be read): save it as UTF-8 text",
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise MenuError(origin, None, "(file)", f"is not valid TOML: {error}") from error
    return parse_menu(data, origin)


def check_added(menu: Menu, present: Iterable[Menu]) -> None:
    """An added menu beside those already here (shipped, then added): the same checks as a
    shipped file, and none may take another's id, the default, or an action of the menu it
    extends. Raises ``MenuError`` naming the added file."""
    present = tuple(present)
    origin = menu.origin
    taken = next((m for m in present if m.id == menu.id), None)
    if taken is not None:
        raise MenuError(
            origin,
            None,
            "menu.id",
            f"'{menu.id}' is already the id of {taken.origin}: give this menu an id of its own",
        )
    if menu.default:
        raise MenuError(
            origin,
            None,
            "menu.default",
            "an added menu cannot be the default: remove the line or write default = false "
            "(default_from makes it the menu for plans made from a date)",
        )
    if menu.extends is None:
        return
    if menu.default_from is not None:
        raise MenuError(
            origin,
            None,
            "menu.default_from",
            f"this menu adds actions to '{menu.extends}', so it is never walked alone: "
            "remove default_from",
        )
    base = next((m for m in present if m.id == menu.extends and m.extends is None), None)
    if base is None:
        walkable = ", ".join(m.id for m in present if m.extends is None)
        raise MenuError(
            origin,
            None,
            "menu.extends",
            f"'{menu.extends}' is not a menu here: use one of {walkable}",
        )
    joined = [a for m in present if m.id == base.id or m.extends == base.id for a in m.actions]
    for action in menu.actions:
        same = next((a for a in joined if a.id == action.id), None)
        if same is not None:
            raise MenuError(
                origin,
                action.id,
                "id",
                f"'{action.id}' is already an action of {base.title}: give it an id of its own",
            )
        numbered = next((a for a in joined if a.number == action.number), None)
        if numbered is not None:
            highest = max(a.number for a in joined)
            raise MenuError(
                origin,
                action.id,
                "number",
                f"{action.number} is already the number of '{numbered.title}' in "
                f"{base.title}: number this action from {highest + 1}",
            )


def combine(menus: Iterable[Menu]) -> tuple[Menu, ...]:
    """The menus the wizard can walk: each added file that extends a menu joins it, its
    actions after that menu's."""
    menus = tuple(menus)
    walkable = [m for m in menus if m.extends is None]
    out = []
    for menu in walkable:
        extra = tuple(a for m in menus if m.extends == menu.id for a in m.actions)
        if extra:
            menu = replace(
                menu, actions=tuple(sorted(menu.actions + extra, key=lambda a: a.number))
            )
        out.append(menu)
    return tuple(out)


def load_menus(directory: Path) -> tuple[Menu, ...]:
    """Every ``*.toml`` menu in a folder, the default first, then the newest first."""
    menus = [load_menu(path) for path in sorted(directory.glob("*.toml"))]
    if not menus:
        raise MenuError(str(directory), None, "(folder)", "holds no menu files (*.toml)")
    seen: dict[str, str] = {}
    for menu in menus:
        if menu.id in seen:
            raise MenuError(
                menu.origin, None, "menu.id", f"'{menu.id}' is also the id of {seen[menu.id]}"
            )
        seen[menu.id] = menu.origin
    defaults = [m for m in menus if m.default]
    if len(defaults) > 1:
        raise MenuError(
            defaults[1].origin,
            None,
            "menu.default",
            f"only one menu may be the default; {defaults[0].origin} is already",
        )
    return tuple(sorted(menus, key=lambda m: (not m.default, -m.published.toordinal())))


@lru_cache(maxsize=4)
def shipped_menus(directory: Path) -> tuple[Menu, ...]:
    """Menus loaded once per folder (the files do not change while the app runs)."""
    return load_menus(directory)


def default_menu(menus: Iterable[Menu], day: date | None = None) -> Menu:
    """The menu a plan made on ``day`` starts from: the newest whose ``default_from`` has
    come, else the one marked default."""
    menus = tuple(menus)
    if day is not None:
        current = [m for m in menus if m.default_from is not None and m.default_from <= day]
        if current:
            return max(current, key=lambda m: m.default_from or day)
    return next((m for m in menus if m.default), menus[0])


def custom_action(fields: Mapping[str, Any], number: int) -> MenuAction:
    """A practice's own action from the fields a person typed; ``ValidationError`` per field."""
    data = {k: v for k, v in fields.items() if k in _ACTION_KEYS and v is not None}
    data["number"] = number
    try:
        return parse_action(data, "the practice's own action", CUSTOM_MENU_ID, number - 1)
    except MenuError as error:
        field = error.field.split(".")[0].split("[")[0]
        raise ValidationError({field: _sentence(field, error.problem)}) from None


def _sentence(field: str, problem: str) -> str:
    text = f"{field.replace('_', ' ').capitalize()} {problem}"
    return text if text.endswith(".") else text + "."
