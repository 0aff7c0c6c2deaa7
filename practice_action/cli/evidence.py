"""Evidence for the LMC: ``evidence export`` at a practice, ``evidence combine`` at the LMC.

``evidence export --from DATE --to DATE --out FILE`` writes the practice's evidence file and
prints what it holds. ``evidence combine FILE... [--csv OUT] [--pdf OUT]`` reads any number of
practices' files, needs no practice set up (it opens no database), refuses, naming it, any
file that is damaged, newer or overlapping another, and says what it combined.
``evidence window [FILE...]`` opens the same in a window, for a person at an LMC or PCN.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from practice_action.cli import EXIT_OK, EXTRA_COMMANDS, _open
from practice_action.cli.counter import _date


def add_evidence(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "evidence", help="export the practice's evidence file, or combine practices' files"
    )
    actions = parser.add_subparsers(dest="evidence_command", metavar="ACTION", required=True)
    export = actions.add_parser(
        "export", help="write the practice's evidence file for a period (no names, no free text)"
    )
    export.add_argument(
        "--from", dest="start", type=_date, required=True, metavar="DATE", help="first day"
    )
    export.add_argument(
        "--to", dest="end", type=_date, required=True, metavar="DATE", help="last day, included"
    )
    export.add_argument("--out", required=True, type=Path, metavar="FILE", help="the file to write")
    combine = actions.add_parser(
        "combine", help="add up practices' evidence files (needs no practice set up)"
    )
    combine.add_argument("files", nargs="+", type=Path, metavar="FILE")
    combine.add_argument("--csv", type=Path, metavar="OUT", help="write the figures as CSV")
    combine.add_argument("--pdf", type=Path, metavar="OUT", help="write the report with charts")
    window = actions.add_parser(
        "window", help="open the window that combines evidence files (needs no practice set up)"
    )
    window.add_argument("files", nargs="*", type=Path, metavar="FILE", help="files to start with")


def cmd_evidence(args: argparse.Namespace) -> int:
    if args.evidence_command == "export":
        return _export(args)
    if args.evidence_command == "window":
        return _window(args)
    return _combine(args)


def _window(args: argparse.Namespace) -> int:
    """The combining window on its own: no data folder, database or sign-in is touched."""
    import sys

    from practice_action.cli import EXIT_PROBLEM, no_display_reason

    reason = no_display_reason()
    if reason is not None:
        print(reason, file=sys.stderr)
        return EXIT_PROBLEM
    from practice_action.ui.app import make_app
    from practice_action.ui.evidence_dialogs import CombineDialog
    from practice_action.ui.modal import run_modal

    make_app()
    dialog = CombineDialog()
    dialog.add_files(args.files)
    run_modal(dialog)
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    from practice_action.domain.evidence import summary
    from practice_action.services import evidence
    from practice_action.services.context import system_user
    from practice_action.services.reports import check_period

    check_period(args.start, args.end)
    ctx = _open(args)
    try:
        made = evidence.export(ctx, system_user(), args.start, args.end, args.out)
    finally:
        ctx.store.dispose()
    print(f"Wrote the evidence file {args.out}. It holds:")
    for line in summary(made):
        print(f"  - {line}")
    return EXIT_OK


def _combine(args: argparse.Namespace) -> int:
    from practice_action.documents.evidence_pdf import combined_report
    from practice_action.documents.files import write_atomically
    from practice_action.services import evidence

    result = evidence.combine_files(args.files)
    print(result.said())
    for line in evidence.combined_lines(result):
        print(line)
    if args.csv:
        path = write_atomically(args.csv, evidence.combined_csv(result).encode("utf-8-sig"))
        print(f"CSV written to {path}")
    if args.pdf:
        path = write_atomically(args.pdf, combined_report(result))
        print(f"PDF written to {path}")
    return EXIT_OK


EXTRA_COMMANDS.append((add_evidence, cmd_evidence))
