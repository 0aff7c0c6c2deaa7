"""Headless reports: ``report --from DATE --to DATE [--csv FILE] [--pdf FILE]``.

Prints the summary; with ``--csv`` or ``--pdf`` also writes the files, each to a temporary
name first and then renamed, so a crash never leaves half a file.
"""

from __future__ import annotations

import argparse

from practice_action.cli import EXIT_OK, EXTRA_COMMANDS, _open
from practice_action.cli.counter import _date


def add_report(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "report",
        help="print the report for a period; optionally write it as CSV and a PDF summary",
    )
    parser.add_argument(
        "--from",
        dest="start",
        type=_date,
        required=True,
        metavar="DATE",
        help="first day of the period (YYYY-MM-DD)",
    )
    parser.add_argument(
        "--to",
        dest="end",
        type=_date,
        required=True,
        metavar="DATE",
        help="last day of the period, included (YYYY-MM-DD)",
    )
    parser.add_argument("--csv", metavar="FILE", help="write one row per clinician per day")
    parser.add_argument("--pdf", metavar="FILE", help="write the summary for the LMC or ICB")


def cmd_report(args: argparse.Namespace) -> int:
    from practice_action.documents.files import write_atomically
    from practice_action.documents.report_pdf import report_summary
    from practice_action.services import reports
    from practice_action.services.context import system_user

    reports.check_period(args.start, args.end)
    ctx = _open(args)
    try:
        report = reports.build(ctx, system_user(), args.start, args.end)
    finally:
        ctx.store.dispose()
    t = report.totals
    print(f"{report.practice_name} ({report.ods_code}): {report.period_text}")
    print(report.headline())
    print(report.diversion_summary())
    print(
        f"{'Clinician':<28} {'Days':>5} {'Contacts':>9} {'Urgent':>7} {'At cap':>7} {'Diverted':>9}"
    )
    for c in report.clinicians:
        print(
            f"{c.clinician:<28} {c.days_worked:>5} {c.contacts:>9} {c.urgent:>7} "
            f"{c.days_at_cap:>7} {c.total_diverted:>9}"
        )
    print(
        f"{'Practice':<28} {'':>5} {t.contacts:>9} {t.urgent:>7} {t.days_at_cap:>7} "
        f"{t.total_diverted:>9}"
    )
    if args.csv:
        path = write_atomically(args.csv, reports.to_csv(report).encode("utf-8-sig"))
        print(f"CSV written to {path}")
    if args.pdf:
        path = write_atomically(args.pdf, report_summary(report))
        print(f"PDF summary written to {path}")
    return EXIT_OK


EXTRA_COMMANDS.append((add_report, cmd_report))
