"""``practice-action documents --out DIR``: every current document of the plan, registered."""

from __future__ import annotations

import argparse
from pathlib import Path

from practice_action.cli import EXIT_OK, EXTRA_COMMANDS, _open


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
    parser.add_argument(
        "--signed-by",
        metavar="PARTNER",
        help="the partner whose name signs the letters (default: the first active partner)",
    )


def cmd_documents(args: argparse.Namespace) -> int:
    from practice_action.services import documents
    from practice_action.services.context import system_user

    ctx = _open(args)
    try:
        generated = documents.generate(
            ctx, system_user(), kinds=args.only or (), signed_by=args.signed_by, write_to=args.out
        )
    finally:
        ctx.store.dispose()
    for item in generated:
        print(f"{item.entry.reference}  {item.path}  sha256 {item.entry.sha256[:16]}…")
    count = f"{len(generated)} document{'' if len(generated) == 1 else 's'}"
    print(f"Wrote {count} to {args.out}; each is in the correspondence register.")
    return EXIT_OK


EXTRA_COMMANDS.append((add_documents, cmd_documents))
