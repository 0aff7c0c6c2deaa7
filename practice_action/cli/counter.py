"""Headless counter: ``record`` a contact and print the day's ``counter``."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from practice_action.cli import (
    EXIT_AT_CAP,
    EXIT_OK,
    EXTRA_COMMANDS,
    _open,
    print_json,
)
from practice_action.cli.acting import add_acting, sign_in_as
from practice_action.domain.calendar import day_text
from practice_action.domain.enums import ContactType


def _type(value: str) -> ContactType:
    wanted = value.strip().casefold().replace("-", "_").replace(" ", "_")
    for member in ContactType:
        if wanted in (member.value, member.label.casefold().replace(" ", "_")):
            return member
    choices = ", ".join(m.value for m in ContactType)
    raise argparse.ArgumentTypeError(f"'{value}' is not a contact type; choose one of: {choices}")


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{value}' is not a date: write it as YYYY-MM-DD, e.g. 2026-11-23"
        ) from None


def add_record(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "record",
        help="record a contact for a clinician today (exit 3 when refused at the cap)",
    )
    parser.add_argument("clinician", help="the clinician's name (or part of it) or id")
    parser.add_argument(
        "--type",
        type=_type,
        dest="contact_type",
        metavar="TYPE",
        help="contact type: " + ", ".join(m.value for m in ContactType),
    )
    parser.add_argument(
        "--urgent",
        metavar="REASON",
        help="record an urgent override with this reason (never refused)",
    )
    add_acting(parser, "the member of staff at the desk")


def cmd_record(args: argparse.Namespace) -> int:
    from practice_action.services import counter

    ctx = _open(args)
    try:
        clinician = counter.find_clinician(ctx, args.clinician)
        assert clinician.id is not None
        actor = sign_in_as(args, ctx)
        try:
            result = counter.record_contact(
                ctx, actor, clinician.id, args.contact_type, urgent_reason=args.urgent
            )
        except counter.AtCap as refusal:
            print(str(refusal), file=sys.stderr)
            print(refusal.board.reception_words, file=sys.stderr)
            for service in refusal.board.divert_services:
                details = ", ".join(x for x in (service.phone, service.hours) if x)
                print(
                    f"  - {service.name} ({service.kind.label}){': ' + details if details else ''}",
                    file=sys.stderr,
                )
            return EXIT_AT_CAP
    finally:
        ctx.store.dispose()
    print(result.describe())
    return EXIT_OK


def add_counter(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("counter", help="print a day's contact counts")
    parser.add_argument("--date", type=_date, metavar="DATE", help="the day (default today)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def cmd_counter(args: argparse.Namespace) -> int:
    from practice_action.services import counter

    ctx = _open(args)
    try:
        board = counter.board(ctx, args.date)
    finally:
        ctx.store.dispose()
    if args.json:
        print_json(
            {
                "day": board.day.isoformat(),
                "cap_in_force": board.rule is not None,
                "cap": board.rule.cap if board.rule else None,
                "all_full": board.all_full,
                "diverted": {d.value: n for d, n in board.diversions_by_destination.items()},
                "clinicians": [
                    {
                        "id": c.clinician_id,
                        "name": c.name,
                        "role": c.role.value,
                        "counted": c.counted,
                        "cap": c.cap,
                        "left": c.left,
                        "urgent_overrides": c.urgent,
                        "not_counted": c.uncounted,
                        "diverted": c.diverted,
                        "state": c.state.value,
                    }
                    for c in board.clinicians
                ],
            }
        )
        return EXIT_OK
    rule = f"cap {board.rule.cap} in force" if board.rule else "no cap in force (counting only)"
    print(f"Contacts on {day_text(board.day, weekday=True)}: {rule}")
    print(f"{'Clinician':<28} {'Contacts':>8} {'Cap':>5} {'Left':>5} {'Urgent':>7}  State")
    for c in board.clinicians:
        cap = "-" if c.cap is None else str(c.cap)
        left = "-" if c.left is None else str(c.left)
        print(f"{c.name:<28} {c.counted:>8} {cap:>5} {left:>5} {c.urgent:>7}  {c.state.label}")
    print(
        f"Total: {board.total_counted} contacts, {board.total_urgent} urgent override{'' if board.total_urgent == 1 else 's'}, "
        f"{board.total_diverted} diverted."
    )
    if board.all_full:
        print("Every clinician on duty is full: the practice is at safe capacity.")
    return EXIT_OK


EXTRA_COMMANDS.append((add_record, cmd_record))
EXTRA_COMMANDS.append((add_counter, cmd_counter))
