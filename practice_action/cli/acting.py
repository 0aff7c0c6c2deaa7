"""Commands that act in a member of staff's name: ``--as NAME`` and that person's PIN.

A command that records, signs or restores does it as a person, and a person's name needs that
person's PIN, as at the desk: the same check, the same lock-out after wrong PINs, the same
audit entries, and the role then decides what they may do. The PIN is asked for on the
terminal, or read from the first line of standard input (``--pin-stdin``, or whenever standard
input is not a terminal), so that scripts can pass it without it showing in a process list.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TYPE_CHECKING

from practice_action.domain.errors import NotFound, ValidationError

if TYPE_CHECKING:
    from practice_action.services.context import Actor, Context


def add_acting(parser: argparse.ArgumentParser, who: str) -> None:
    parser.add_argument(
        "--as",
        dest="acting_as",
        metavar="NAME",
        required=True,
        help=f"{who} acting (their PIN is asked for, as at the desk)",
    )
    parser.add_argument(
        "--pin-stdin",
        action="store_true",
        help="read the PIN from the first line of standard input (for scripts)",
    )


def _read_pin(args: argparse.Namespace, name: str) -> str:
    if args.pin_stdin or not sys.stdin.isatty():
        pin = sys.stdin.readline().strip()
    else:
        pin = getpass.getpass(f"PIN for {name}: ").strip()
    if not pin:
        raise ValidationError(
            {
                "pin": f"No PIN was given for {name}: type it when asked, or pass it on standard "
                "input with --pin-stdin."
            }
        )
    return pin


def sign_in_as(args: argparse.Namespace, ctx: Context) -> Actor:
    """The member of staff named by ``--as``, once their PIN has been checked."""
    from practice_action.domain.names import name_key
    from practice_action.services import staff

    wanted = name_key(args.acting_as)
    found = [m for m in staff.list_staff(ctx) if name_key(m.name) == wanted]
    if not found:
        names = ", ".join(m.name for m in staff.list_staff(ctx)) or "none yet"
        raise NotFound(f"No active member of staff is called {args.acting_as}. Staff: {names}.")
    member = found[0]
    assert member.id is not None
    return staff.sign_in(ctx, member.id, _read_pin(args, member.name)).actor


def sign_out(ctx: Context, actor: Actor) -> None:
    from practice_action.services import staff

    staff.sign_out(ctx, actor, "signed out (the command finished)")
