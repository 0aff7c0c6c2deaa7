"""A data folder that cannot be used (a file, a path under a file, somewhere under /proc or /sys,
a link to a file) is a plain message and a clean exit, on the command line and in the desktop
app: no traceback. A link to a folder is followed, as a person who made it means."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox

from practice_action import paths
from practice_action.ui.app import run_gui
from practice_action.ui.modal import answered_by


def _bad_places(tmp_path: Path) -> dict[str, tuple[Path, str, Path]]:
    """place -> (the folder given, words the message must hold, the path it must name)."""
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder")
    link = tmp_path / "data-link"
    link.symlink_to(a_file)
    proc, sys_dir = Path("/proc/practice-action"), Path("/sys/practice-action")
    return {
        "a file": (a_file, "is a file, not a folder", a_file),
        "under a file": (a_file / "data", "is a file, not a folder", a_file),
        "under /proc": (proc, "read-only", proc.parent),
        "a file under /proc": (
            Path("/proc/version"),
            "is a file, not a folder",
            Path("/proc/version"),
        ),
        "under /sys": (sys_dir, "read-only", sys_dir.parent),
        "a link to a file": (link, "is a file, not a folder", a_file),
    }


PLACES = [
    "a file",
    "under a file",
    "under /proc",
    "a file under /proc",
    "under /sys",
    "a link to a file",
]


@pytest.mark.parametrize("place", PLACES)
def test_the_command_line_says_what_is_wrong_and_exits(tmp_path: Path, place: str) -> None:
    folder, words, named = _bad_places(tmp_path)[place]
    done = subprocess.run(
        [sys.executable, "-m", "practice_action", "--data-dir", str(folder), "check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert words in done.stderr + done.stdout
    assert str(named) in done.stderr + done.stdout
    assert "choose another" in (done.stderr + done.stdout).lower() or "move that file" in (
        done.stderr + done.stdout
    )


@pytest.mark.parametrize("place", PLACES)
def test_the_desktop_app_shows_a_message_and_exits(qtbot, tmp_path: Path, place: str) -> None:
    folder, words, named = _bad_places(tmp_path)[place]
    shown: list[tuple[str, str]] = []

    def read(box: QDialog) -> int:
        assert isinstance(box, QMessageBox)
        shown.append((box.windowTitle(), box.text()))
        return QMessageBox.StandardButton.Ok

    with answered_by(read):
        code = run_gui(paths.resolve(folder))
    assert code == 1
    ((title, text),) = shown
    assert "cannot use the data folder" in title
    assert words in text and str(named) in text


def test_a_link_to_a_folder_is_followed(tmp_path: Path) -> None:
    real = tmp_path / "on-the-shared-drive"
    real.mkdir(mode=0o700)
    link = tmp_path / "practice-data"
    link.symlink_to(real, target_is_directory=True)
    done = subprocess.run(
        [sys.executable, "-m", "practice_action", "--data-dir", str(link), "check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Integrity check: ok" in done.stdout
    assert (real / "practice-action.sqlite3").is_file()  # the database is in the real folder
    assert link.is_symlink()  # and the link is left as it was
