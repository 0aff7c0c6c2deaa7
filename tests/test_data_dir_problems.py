"""A data folder that cannot be used (a file, a path under a file, somewhere under /proc) is a
plain message and a clean exit, on the command line and in the desktop app: no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox

from practice_action import paths
from practice_action.ui.app import run_gui
from practice_action.ui.modal import answered_by


def _bad_places(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder")
    return {
        "a file": (a_file, "is a file, not a folder"),
        "under a file": (a_file / "data", "is a file, not a folder"),
        "under /proc": (Path("/proc/practice-action"), "read-only"),
        "a file under /proc": (Path("/proc/version"), "is a file, not a folder"),
    }


PLACES = ["a file", "under a file", "under /proc", "a file under /proc"]


@pytest.mark.parametrize("place", PLACES)
def test_the_command_line_says_what_is_wrong_and_exits(tmp_path: Path, place: str) -> None:
    folder, words = _bad_places(tmp_path)[place]
    done = subprocess.run(
        [sys.executable, "-m", "practice_action", "--data-dir", str(folder), "check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert words in done.stderr + done.stdout
    assert "choose another" in (done.stderr + done.stdout).lower() or "move that file" in (
        done.stderr + done.stdout
    )


@pytest.mark.parametrize("place", PLACES)
def test_the_desktop_app_shows_a_message_and_exits(qtbot, tmp_path: Path, place: str) -> None:
    folder, words = _bad_places(tmp_path)[place]
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
    assert words in text and str(folder.parent if "under" in place else folder) in text
