"""Headless plan: ``plan`` prints the current action plan, as text or ``--json``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from practice_action.cli import EXIT_OK, EXIT_PROBLEM, EXTRA_COMMANDS, _open, print_json


def add_plan(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "plan", help="print the practice's current action plan (adopted actions, tasks, dates)"
    )
    parser.add_argument("--json", action="store_true", help="print it as JSON for scripts")


def _plan_data(view: Any, checks: Any = ()) -> dict[str, Any]:
    from practice_action.domain import plan as rules
    from practice_action.services import convert

    version = view.version
    if version is None:
        return {"version": None, "decisions": [], "tasks": [], "notice_ends": []}
    contract = {c.action_id: c for c in checks}
    return {
        "version": {
            "number": version.number,
            "menu": version.menu_id,
            "saved_at": version.created_at.isoformat(),
            "saved_by": version.created_by,
            "approved_by": version.approved_by,
            "approved_at": version.approved_at.isoformat() if version.approved_at else None,
            "note": version.note,
        },
        "decisions": [
            {
                "action": d.action_id,
                "title": d.title,
                "choice": d.choice.value,
                "from": d.effective_date.isoformat() if d.effective_date else None,
                "until": d.end_date.isoformat() if d.end_date else None,
                "details": rules.details_to_json(d.details),
                "contract_requires": list(contract[d.action_id].requires)
                if d.action_id in contract
                else [],
                "conflicts": list(contract[d.action_id].conflicts)
                if d.action_id in contract
                else [],
            }
            for d in version.decisions
        ],
        "tasks": [convert.plain(t) for t in view.tasks],
        "notice_ends": [convert.plain(n) for n in view.notice_ends],
    }


def _long(day: Any) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def _plan_lines(view: Any, checks: Any = ()) -> list[str]:
    version = view.version
    if version is None:
        return [
            "The practice has no action plan yet. Sign in as a practice manager or partner and "
            "run the action plan wizard."
        ]
    approval = (
        f"approved by {version.approved_by}"
        if version.approved
        else "NOT YET APPROVED by a partner"
    )
    lines = [
        f"Action plan version {version.number} ({version.menu_id}), saved "
        f"{_long(version.created_day)} by {version.created_by}; {approval}.",
    ]
    if version.note:
        lines.append(f"Note: {version.note}")
    lines.append("")
    lines.append("Adopted:" if version.adopted else "No action adopted.")
    contract = {c.action_id: c for c in checks}
    for d in version.adopted:
        until = f" until {_long(d.end_date)}" if d.end_date else ""
        lines.append(f"  - {d.title}: from {_long(d.effective_date)}{until}")
        check = contract.get(d.action_id)
        if check is not None:
            lines += [f"      CONFLICTS WITH THE CONTRACT: {text}" for text in check.conflicts]
            lines += [f"      The contract requires: {text}" for text in check.requires]
    others = [d for d in version.decisions if d not in version.adopted]
    if others:
        lines.append("Not adopted:")
        lines += [f"  - {d.title}: {d.choice.label.lower()}" for d in others]
    if view.notice_ends:
        lines.append("Notice periods ending:")
        lines += [f"  - {n.service_name}: last day {_long(n.last_day)}" for n in view.notice_ends]
    open_tasks = view.open_tasks
    lines.append(f"Open tasks: {len(open_tasks)}" if open_tasks else "Open tasks: none")
    lines += [f"  [ ] {t.text} ({t.action_title})" for t in open_tasks]
    return lines


def cmd_plan(args: argparse.Namespace) -> int:
    from practice_action.services import plan

    ctx = _open(args)
    try:
        view = plan.current_plan(ctx)
        checks = plan.contract_checks(ctx)
    finally:
        ctx.store.dispose()
    if args.json:
        print_json(_plan_data(view, checks))
    else:
        print("\n".join(_plan_lines(view, checks)))
    return EXIT_OK


EXTRA_COMMANDS.append((add_plan, cmd_plan))


def add_menu_command(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "menu", help="the menus the wizard walks: list them, or add a new month's menu file"
    )
    sub = parser.add_subparsers(dest="menu_command", metavar="ACTION", required=True)
    sub.add_parser("list", help="list the shipped menus and those the practice added")
    add = sub.add_parser(
        "add",
        help="add a menu file (the shipped files' TOML format), checked as they are; every "
        "desk's wizard then offers its actions",
    )
    add.add_argument("file", type=Path)
    add.add_argument(
        "--replace",
        action="store_true",
        help="replace a menu file added before that has the same menu id",
    )
    remove = sub.add_parser(
        "remove",
        help="take a menu the practice added out of the wizard on every desk (refused while "
        "the current plan uses it)",
    )
    remove.add_argument("id", help="the menu's id, as 'menu list' shows it")


def _menu_lines(ctx: Any) -> list[str]:
    from practice_action.services import plan

    lines = ["Shipped with the app:"]
    lines += [f"  - {m.id}: {m.title} ({len(m.actions)} actions)" for m in plan.shipped_menus()]
    added = plan.added_menus(ctx)
    lines.append("Added by the practice:" if added else "Added by the practice: none")
    for m in added:
        joins = f", after the actions of {m.extends}" if m.extends else ""
        state = f"  FAULT: {m.problem}" if m.problem else ""
        lines.append(
            f"  - {m.menu_id}: {m.title} ({m.actions} actions{joins}), from {m.file_name}, "
            f"added by {m.added_by}{state}"
        )
    return lines


def cmd_menu(args: argparse.Namespace) -> int:
    from practice_action.domain.menu import MenuError
    from practice_action.services import plan
    from practice_action.services.context import system_user

    ctx = _open(args)
    try:
        if args.menu_command == "list":
            print("\n".join(_menu_lines(ctx)))
            return EXIT_OK
        if args.menu_command == "remove":
            return _remove_menu(ctx, args.id)
        try:
            added = plan.add_menu_file(ctx, system_user(), args.file, replace_same=args.replace)
        except MenuError as error:
            print(
                f"Not added: {error}. Nothing was changed: put it right in the file, then add "
                "it again.",
                file=sys.stderr,
            )
            return EXIT_PROBLEM
    finally:
        ctx.store.dispose()
    where = (
        f"after the actions of {added.extends}: run the wizard on that menu to decide on them"
        if added.extends
        else "as a menu of its own: choose it on the wizard's first page"
    )
    print(
        f"Added {added.file_name}: {added.title}, {added.actions} "
        f"action{'s' if added.actions != 1 else ''}. The wizard offers "
        f"{'it' if added.actions == 1 else 'them'} {where}."
    )
    return EXIT_OK


def _remove_menu(ctx: Any, menu_id: str) -> int:
    from practice_action.domain.errors import ConflictError, NotFound
    from practice_action.services import plan
    from practice_action.services.context import system_user

    try:
        removed = plan.remove_menu(ctx, system_user(), menu_id)
    except (ConflictError, NotFound) as error:
        print(f"Not removed: {error} Nothing was changed.", file=sys.stderr)
        return EXIT_PROBLEM
    offered = (
        "It had a fault, so the wizard was not offering it."
        if removed.problem
        else f"The wizard no longer offers its {_actions_word(removed.actions)}."
    )
    print(
        f"Removed {removed.file_name}: {removed.title}. {offered} To bring it back, add the "
        "file again (practice-action menu add)."
    )
    return EXIT_OK


def _actions_word(n: int) -> str:
    return "action" if n == 1 else f"{n} actions"


EXTRA_COMMANDS.append((add_menu_command, cmd_menu))
