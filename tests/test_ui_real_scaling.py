"""A 1920x1080 screen at 150% and 200%, scaled by Qt itself: every screen and dialog of the
desk, drawn at that device pixel ratio, fits with nothing cut off (tests/test_ui_screen_sizes.py
checks the same layouts as windows of the equivalent size at 100%)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).parent


@pytest.mark.parametrize("scale", ["1.5", "2"], ids=["150%", "200%"])
def test_every_screen_and_dialog_fits_when_qt_scales_the_screen(tmp_path: Path, scale: str) -> None:
    config = tmp_path / "screen.json"
    screen = {"name": "laptop", "x": 0, "y": 0, "width": 1920, "height": 1080}
    config.write_text(json.dumps({"screens": [{**screen, "logicalDpi": 96, "dpr": 1}]}))
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
        "QT_SCALE_FACTOR": scale,
        "PRACTICE_ACTION_TEST_SCREEN_SCALE": scale,
    }
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--basetemp",
            str(tmp_path / "inner"),
            str(TESTS / "scaled_screen_checks.py"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=TESTS.parent,
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "1 passed" in run.stdout
