"""``practice-action documents --out DIR``: every current document of the plan, registered."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from practice_action.cli import EXIT_OK, EXIT_PROBLEM, EXTRA_COMMANDS, _open
from practice_action.cli.acting import add_acting, sign_in_as


def add_documents(commands: argparse._SubParsersAction) -> None:
    from practice_action.services.documents import KINDS

    parser = commands.add_parser(
        "documents",
        help="write every letter and patient notice the action plan calls for, and record "
        "each in the correspondence register",
    )
    parser.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="folder to write the files to"
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=KINDS,
        metavar="KIND",
        help="only this kind of document (may be given more than once): " + ", ".join(KINDS),
    )
    add_acting(parser, "the partner who signs the letters")


def cmd_documents(args: argparse.Namespace) -> int:
    from practice_action.services import documents

    ctx = _open(args)
    try:
        partner = sign_in_as(args, ctx)  # a partner's name on a letter needs their PIN
        waiting: tuple = ()
        if args.only:
            generated = documents.generate(ctx, partner, kinds=args.only, write_to=args.out)
        else:
            # Every document that has what it needs; a detail only one needs holds back only it.
            run = documents.generate_ready(ctx, partner, write_to=args.out)
            generated, waiting = list(run.made), run.waiting
    finally:
        ctx.store.dispose()
    for item in generated:
        print(f"{item.entry.reference}  {item.path}  sha256 {item.entry.sha256[:16]}…")
    count = f"{len(generated)} document{'' if len(generated) == 1 else 's'}"
    if generated:
        print(f"Wrote {count} to {args.out}; each is in the correspondence register.")
    if not waiting:
        return EXIT_OK
    held = f"{len(waiting)} document{'' if len(waiting) == 1 else 's'}"
    print(f"Not made: {held}, each waiting for its own missing details:", file=sys.stderr)
    for document in waiting:
        print(f"  {document.title}", file=sys.stderr)
        for gap in document.gaps:
            print(f"    - {gap}", file=sys.stderr)
    return EXIT_PROBLEM


EXTRA_COMMANDS.append((add_documents, cmd_documents))
