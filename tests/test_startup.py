"""Start-up: the desktop app reaches its sign-in window without loading what it does not need.

Heavy modules (Alembic, reportlab, pypdf, holidays, the PDF viewer, the charts) are loaded
when first needed; bench/bench_startup.py measures the time, these tests keep the rule.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from alembic.script import ScriptDirectory

from practice_action import paths
from practice_action.cli import _starts_desktop_only
from practice_action.domain.enums import StaffRole
from practice_action.services import demo
from practice_action.services.context import Actor, Context
from practice_action.store import migrate
from practice_action.store.engine import Store, make_engine
from practice_action.ui.app import STARTUP_PROBE_ENV

HEAVY = ("alembic", "mako", "reportlab", "pypdf", "PIL", "holidays")
HEAVY_QT = ("PySide6.QtPdf", "PySide6.QtPdfWidgets", "PySide6.QtCharts", "PySide6.QtPrintSupport")

START_AND_LIST_MODULES = f"""
import sys
from practice_action.cli import main
code = main(sys.argv[1:])
heavy = sorted(
    name for name in sys.modules
    if name.split(".")[0] in {set(HEAVY)!r} or name in {set(HEAVY_QT)!r}
)
print("loaded:", ",".join(heavy))
sys.exit(code)
"""


def _python(arguments: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *arguments], env=env, capture_output=True, text=True, timeout=300
    )


def test_the_revision_files_read_as_text_agree_with_alembic() -> None:
    scripts = ScriptDirectory.from_config(migrate.alembic_config())
    chain = migrate.revision_chain()
    assert chain is not None
    assert chain[-1] == scripts.get_current_head() == migrate.head_revision()
    assert set(chain) == {r.revision for r in scripts.walk_revisions()}
    assert migrate.known_revisions() == set(chain)
    # oldest first, each revision following the one before it
    assert [scripts.get_revision(r).down_revision for r in chain] == [None, *chain[:-1]]


@pytest.mark.parametrize(
    ("argv", "desktop_only"),
    [
        ([], True),
        (["gui"], True),
        (["--data-dir", "/somewhere"], True),
        (["--data-dir=/somewhere", "--database-url", "postgresql://h/db", "gui"], True),
        (["documents", "--out", "x"], False),
        (["--data-dir", "/somewhere", "report", "--from", "2026-01-01"], False),
        (["--help"], False),
        (["--version"], False),
        (["check"], False),
        (["--data-dir"], False),
        (["--data-dir", "--database-url", "postgresql://h/db"], False),
        (["--data", "/somewhere"], False),  # shortened: the parser reads it
        (["gui", "--data-dir", "/somewhere"], False),
    ],
)
def test_only_a_plain_desktop_start_skips_the_feature_commands(
    argv: list[str], desktop_only: bool
) -> None:
    assert _starts_desktop_only(argv) is desktop_only


@pytest.mark.parametrize(
    "argv",
    [
        ["--data-dir", "/a", "--database-url", "postgresql://h/db"],
        ["--database-url=postgresql://h/db", "--data-dir=/a", "gui"],
        ["--data-dir", "/elsewhere", "--data-dir=/a", "--database-url", "postgresql://h/db"],
        [],
        ["--data-dir=", "gui"],
    ],
)
def test_a_plain_desktop_start_reads_the_locations_as_the_parser_does(argv: list[str]) -> None:
    from practice_action.cli import _desktop_options, _parser

    read = _desktop_options(argv)
    parsed = _parser().parse_args(argv)
    assert read is not None
    assert (read.data_dir, read.database_url) == (parsed.data_dir, parsed.database_url)
    assert (parsed.command or "gui") == read.command


def test_the_app_reaches_sign_in_without_the_heavy_modules(
    ctx: Context, locations: paths.Locations
) -> None:
    demo.create_demo(ctx)
    ctx.store.dispose()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **{STARTUP_PROBE_ENV: "1"})
    done = _python(["-c", START_AND_LIST_MODULES, "--data-dir", str(locations.data_dir)], env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert any(line.startswith("sign-in shown at ") for line in lines), done.stdout
    loaded = next(line for line in lines if line.startswith("loaded:"))
    assert loaded == "loaded: ", f"imported at start: {loaded}"


def test_a_database_behind_the_newest_schema_is_still_upgraded(
    locations: paths.Locations,
) -> None:
    """Reading the revisions as text skips Alembic only when there is nothing to upgrade."""
    chain = migrate.revision_chain()
    assert chain is not None and len(chain) > 1
    paths.make_private_dir(locations.data_dir)
    old = Store(make_engine(locations.database_url), locations.database_url)
    try:
        migrate.upgrade(old, chain[0])
        assert migrate.current_revision(old) == chain[0]
    finally:
        old.dispose()
    opened = migrate.open_store(locations.database_url, locations.backups_dir)
    try:
        assert opened.revision_before == chain[0]
        assert opened.revision == migrate.current_revision(opened.store) == chain[-1]
        assert opened.backup is not None and opened.backup.exists()
    finally:
        opened.store.dispose()


def test_the_start_up_probe_checks_a_pin_as_soon_as_the_window_is_up(
    ctx: Context, locations: paths.Locations
) -> None:
    """bench/bench_startup.py times the start to a PIN checked: the probe signs the person in
    straight after the first paint (waiting, as Enter does, for the database) and says when."""
    from practice_action.services import audit, staff

    demo.create_demo(ctx)
    karen = next(m for m in staff.list_staff(ctx) if m.name == "Karen Holt")
    before = audit.change_stamp(ctx)
    ctx.store.dispose()
    probe = f"pin:{karen.id}:{demo.DEMO_PINS['Karen Holt']}"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **{STARTUP_PROBE_ENV: probe})
    done = _python(["-m", "practice_action", "--data-dir", str(locations.data_dir)], env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    shown = next(float(x.rsplit(" at ", 1)[1]) for x in lines if x.startswith("sign-in shown"))
    checked = next(float(x.rsplit(" at ", 1)[1]) for x in lines if x.startswith("PIN checked"))
    assert checked >= shown
    newest = audit.list_entries(ctx, Actor("Auditor", StaffRole.PARTNER, None), limit=1)[0]
    assert newest.seq == before + 1
    assert (newest.kind, newest.summary) == ("signin.ok", "Karen Holt signed in")
