"""One entry point: the desktop app by default, sub-commands for headless work.

Every command goes through the same services as the screens, acting as the operating-system
user who ran it (the audit trail says so). Exit codes: 0 done, 1 a problem explained on
stderr, 2 wrong usage, 3 refused at the cap (``record``).
"""

from __future__ import annotations

import errno
import gc
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

from practice_action import APP_NAME, DRAWING_FLAG, __version__, paths
from practice_action.domain.errors import PracticeActionError, StoreError, ValidationError
from practice_action.domain.words import plural

if TYPE_CHECKING:
    import argparse

EXIT_OK = 0
EXIT_PROBLEM = 1
EXIT_USAGE = 2
EXIT_AT_CAP = 3


def _parser() -> argparse.ArgumentParser:
    import argparse

    from practice_action.cli.acting import add_acting

    parser = argparse.ArgumentParser(
        prog="practice-action",
        description=f"{APP_NAME}: run the BMA GP collective action safely in your practice. "
        "With no command, the desktop app starts.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help=f"folder for the practice's data (or set {paths.DATA_DIR_ENV})",
    )
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="database to use instead of the SQLite file in the data folder, e.g. "
        f"postgresql://user:password@server/practice_action (or set {paths.DATABASE_URL_ENV})",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("gui", help="start the desktop app (the default)")
    commands.add_parser("check", help="open and if needed upgrade the database, then check it")
    commands.add_parser("demo", help="fill the data folder with a realistic demo practice")
    export = commands.add_parser("export", help="write the practice's set-up to a JSON file")
    export.add_argument("file", type=Path)
    imp = commands.add_parser("import", help="load a practice's set-up from a JSON file")
    imp.add_argument("file", type=Path)
    audit_cmd = commands.add_parser("audit", help="work with the audit trail")
    audit_sub = audit_cmd.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    audit_sub.add_parser("verify", help="check that no entry was changed, removed or moved")
    backup = commands.add_parser("backup", help="back up the database (SQLite)")
    backup.add_argument("--out", type=Path, metavar="FILE", help="where to write the backup")
    restore = commands.add_parser("restore", help="replace the database with a backup file")
    restore.add_argument("file", type=Path)
    add_acting(restore, "the practice manager or partner")
    for extra in EXTRA_COMMANDS:
        extra[0](commands)
    return parser


# Feature modules beside this one (cli/counter.py and the like) append (add_parser, run) pairs
# here, so that the program keeps one entry point and one way of reporting problems.
EXTRA_COMMANDS: list[
    tuple[Callable[[argparse._SubParsersAction], None], Callable[[argparse.Namespace], int]]
] = []


def _locations(args: argparse.Namespace) -> paths.Locations:
    return paths.resolve(args.data_dir, args.database_url)


def _open(args: argparse.Namespace):  # -> Context
    from practice_action.services.health import open_context

    return open_context(_locations(args))


def cmd_check(args: argparse.Namespace) -> int:
    from practice_action.services.health import health

    locations = _locations(args)
    ctx = _open(args)
    try:
        report = health(ctx, locations)
    finally:
        ctx.store.dispose()
    print("\n".join(report.lines()))
    return EXIT_OK if report.healthy else EXIT_PROBLEM


def cmd_demo(args: argparse.Namespace) -> int:
    from practice_action.services import demo

    ctx = _open(args)
    try:
        summary = demo.create_demo(ctx)
    finally:
        ctx.store.dispose()
    print(summary)
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from practice_action.services import transfer
    from practice_action.services.context import system_user

    ctx = _open(args)
    try:
        count = transfer.export_to_file(ctx, system_user(), args.file)
    finally:
        ctx.store.dispose()
    print(f"Wrote the practice set-up ({plural(count, 'record')}) to {args.file}")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from practice_action.services import transfer
    from practice_action.services.context import system_user

    ctx = _open(args)
    try:
        report = transfer.import_from_file(ctx, system_user(), args.file)
    finally:
        ctx.store.dispose()
    print(report)
    return EXIT_OK


def cmd_audit(args: argparse.Namespace) -> int:
    from practice_action.services import audit

    ctx = _open(args)
    try:
        report = audit.verify(ctx)
    finally:
        ctx.store.dispose()
    if report.intact:
        print(f"Audit trail intact: {report.entries} entries, each following from the one before.")
        return EXIT_OK
    if report.counter:
        print(f"Audit check FAILED: {report.headline}.", file=sys.stderr)
    else:
        print(f"Audit trail {report.headline.replace('broken', 'BROKEN', 1)}.", file=sys.stderr)
    return EXIT_PROBLEM


def cmd_backup(args: argparse.Namespace) -> int:
    from practice_action.services import backups
    from practice_action.services.context import system_user

    ctx = _open(args)
    try:
        path = backups.backup_now(ctx, system_user(), args.out)
    finally:
        ctx.store.dispose()
    print(f"Backup written to {path}")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from practice_action.services import backups

    locations = _locations(args)
    actor = _restorer(args, locations)
    result = backups.restore_file(locations, actor, args.file)
    print(result)
    return EXIT_OK


def _restorer(args: argparse.Namespace, locations: paths.Locations):  # -> Actor
    """Who restores: the person named by --as, with their PIN, while the database can be read.
    A database that cannot be opened (damaged, emptied) holds no PIN to check: then the
    computer user restores, as the file's owner could anyway, and the restored trail says so."""
    from practice_action.domain.errors import StoreError
    from practice_action.services.context import system_user
    from practice_action.services.health import open_context

    try:
        ctx = open_context(locations)
    except StoreError as error:
        print(
            f"The database cannot be read ({error}), so no PIN can be checked: restoring "
            "as the computer user.",
            file=sys.stderr,
        )
        return system_user()
    try:
        from practice_action.cli.acting import sign_in_as

        return sign_in_as(args, ctx)
    finally:
        ctx.store.dispose()


def no_display_reason(environ: Mapping[str, str] | None = None) -> str | None:
    """Why a window cannot open here (Linux with no X or Wayland display), or None."""
    env = os.environ if environ is None else environ
    if not sys.platform.startswith("linux"):
        return None
    platform = env.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith(("xcb", "wayland")):
        return None  # offscreen, vnc, eglfs...: Qt was told where to draw
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return None
    return (
        "Practice Action cannot open its window: this computer has no display (no DISPLAY or "
        "WAYLAND_DISPLAY is set, as on a server or over SSH).\n"
        "  - Start it from the desktop of a computer with a screen, or\n"
        "  - give it a virtual screen: install xvfb, then run it with xvfb-run, or\n"
        "  - use the commands that need no window: practice-action --help lists them."
    )


def cmd_gui(args: argparse.Namespace) -> int:
    reason = no_display_reason()
    if reason is not None:
        print(reason, file=sys.stderr)
        return EXIT_PROBLEM
    from practice_action.ui.app import run_gui

    return run_gui(_locations(args))


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "gui": cmd_gui,
    "check": cmd_check,
    "demo": cmd_demo,
    "export": cmd_export,
    "import": cmd_import,
    "audit": cmd_audit,
    "backup": cmd_backup,
    "restore": cmd_restore,
}


def _load_extra_commands() -> None:
    """Import the feature modules that add sub-commands (each appends to EXTRA_COMMANDS)."""
    import importlib

    for module in (
        "practice_action.cli.counter",
        "practice_action.cli.plan",
        "practice_action.cli.documents",
        "practice_action.cli.report",
        "practice_action.cli.evidence",
        "practice_action.cli.server",
    ):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as error:
            if error.name != module:
                raise


def _starts_desktop_only(argv: Sequence[str]) -> bool:
    """True for a plain desktop start (no command, or ``gui``, with only the location options).

    The desktop app needs none of the feature sub-commands, and some of them import heavy
    modules, so a plain start does not load them: the sign-in window comes up sooner.
    """
    return _desktop_options(argv) is not None


def _desktop_options(argv: Sequence[str]) -> SimpleNamespace | None:
    """For a plain desktop start, the location options as the parser would give them; None
    for anything else (a command, ``--help``, a shortened or malformed option), which the
    parser then reads. A plain start is the one a person makes from the desktop, and reading
    it here spares it the parser and the commands' modules."""
    found: dict[str, str | None] = {"data_dir": None, "database_url": None}
    rest = list(argv)
    while rest:
        name, equals, value = rest[0].partition("=")
        if name not in ("--data-dir", "--database-url"):
            break
        if not equals:
            if len(rest) < 2 or rest[1].startswith("-"):
                return None  # the parser explains what is missing
            value = rest[1]
            rest = rest[1:]
        found[name[2:].replace("-", "_")] = value
        rest = rest[1:]
    if rest not in ([], ["gui"]):
        return None
    return SimpleNamespace(command="gui", **found)


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    if list(argv) == [DRAWING_FLAG]:  # the desktop app's drawing process (documents/apart.py)
        from practice_action.documents.apart import serve

        return serve()
    args = _desktop_options(argv)
    if args is None:
        _load_extra_commands()
        args = _parser().parse_args(argv)
    command = args.command or "gui"
    if command != "gui":
        gc.enable()  # off for start-up (__main__.py); the desktop turns it on once open
    runner = COMMANDS.get(command)
    if runner is None:
        runner = next(
            run for (_, run) in EXTRA_COMMANDS if run.__name__ == f"cmd_{command.replace('-', '_')}"
        )
    try:
        return runner(args)
    except ValidationError as error:
        print("Not done: please put these right and try again:", file=sys.stderr)
        for field, message in error.problems.items():
            print(f"  - {field}: {message}", file=sys.stderr)
        return EXIT_PROBLEM
    except StoreError as error:
        print(f"Database problem: {error}", file=sys.stderr)
        return EXIT_PROBLEM
    except PracticeActionError as error:
        print(str(error), file=sys.stderr)
        return EXIT_PROBLEM
    except OSError as error:  # the computer refused: a full disk, a read-only place...
        print(machine_words(error), file=sys.stderr)
        return EXIT_PROBLEM
    except KeyboardInterrupt:
        return EXIT_PROBLEM


def machine_words(error: OSError) -> str:
    """What the computer refused, for a person: the place, the reason and what to do."""
    from practice_action.documents.files import PracticeFileRefused

    where = f" ({error.filename})" if error.filename else ""
    if isinstance(error, PracticeFileRefused):
        return f"Not saved{where}: {error.strerror}. Nothing was changed."
    if error.errno == errno.ENOSPC:
        return (
            f"The disk is full{where}: nothing more was written. Free some space, then try again."
        )
    if error.errno in (errno.EACCES, errno.EPERM):
        return (
            f"Permission denied{where}: this computer user may not use that place. Choose "
            "another, or ask your IT support; Practice Action does not change permissions."
        )
    if error.errno == errno.EROFS:
        return f"That place is on a read-only disk{where}: choose a place you can write to."
    reason = (error.strerror or type(error).__name__).lower()
    return f"The computer refused{where}: {reason}. Nothing was changed by this step."


def gui_main() -> int:
    return main(sys.argv[1:])


def print_json(data: object) -> None:
    import json

    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))
