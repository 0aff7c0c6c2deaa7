"""No save, from the command line or a screen, may overwrite the practice's own database (or
SQLite's files beside it) or put a file among its backups: a person who types the database's
name by mistake gets a plain refusal, and the practice keeps every record."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from letters_helpers import make_demo

from practice_action.paths import Locations
from practice_action.services.context import Context


def _cli(locations: Locations, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "practice_action", "--data-dir", str(locations.data_dir), *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def _contacts(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT count(*) FROM contact").fetchone()[0]


@pytest.mark.parametrize(
    "command",
    [
        ["evidence", "export", "--from", "2026-11-02", "--to", "2026-11-13", "--out"],
        ["report", "--from", "2026-11-02", "--to", "2026-11-13", "--csv"],
        ["export"],
    ],
    ids=["evidence export", "report --csv", "set-up export"],
)
@pytest.mark.parametrize("target", ["the database", "its -wal file", "the backups folder"])
def test_the_command_line_will_not_save_over_the_practices_own_files(
    ctx: Context, locations: Locations, command: list[str], target: str
) -> None:
    make_demo(ctx)
    database = locations.sqlite_path
    assert database is not None
    ctx.store.dispose()
    before = database.read_bytes()
    contacts = _contacts(database)
    place = {
        "the database": database,
        "its -wal file": database.with_name(database.name + "-wal"),
        "the backups folder": locations.backups_dir / "report.csv",
    }[target]
    done = _cli(locations, *command, str(place))
    said = done.stdout + done.stderr
    assert done.returncode == 1, said
    assert "Traceback" not in said
    assert "the practice's own database or one of its backups" in said
    assert "choose another name or folder" in said
    assert database.read_bytes()[:100] == before[:100]  # still the database it was
    assert _contacts(database) == contacts
    assert _cli(locations, "check").returncode == 0
