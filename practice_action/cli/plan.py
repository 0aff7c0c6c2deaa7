"""Headless plan: ``plan`` prints the current action plan, as text or ``--json``."""

from __future__ import annotations

import argparse
from typing import Any

from practice_action.cli import EXIT_OK, EXTRA_COMMANDS, _open, print_json


def add_plan(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "plan", help="print the practice's current action plan (adopted actions, tasks, dates)"
    )
    parser.add_argument("--json", action="store_true", help="print it as JSON for scripts")


def _plan_data(view: Any) -> dict[str, Any]:
    from practice_action.domain import plan as rules
    from practice_action.services import convert

    version = view.version
    if version is None:
        return {"version": None, "decisions": [], "tasks": [], "notice_ends": []}
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
            }
            for d in version.decisions
        ],
        "tasks": [convert.plain(t) for t in view.tasks],
        "notice_ends": [convert.plain(n) for n in view.notice_ends],
    }


def _long(day: Any) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def _plan_lines(view: Any) -> list[str]:
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
    for d in version.adopted:
        until = f" until {_long(d.end_date)}" if d.end_date else ""
        lines.append(f"  - {d.title}: from {_long(d.effective_date)}{until}")
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
    finally:
        ctx.store.dispose()
    if args.json:
        print_json(_plan_data(view))
    else:
        print("\n".join(_plan_lines(view)))
    return EXIT_OK


EXTRA_COMMANDS.append((add_plan, cmd_plan))
