"""`bash scripts/start` installs once, then starts at once and without the network."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _installed_here() -> bool:
    return any((ROOT / ".venv").glob(".installed-*"))


def test_once_installed_the_app_starts_without_installing_or_the_network() -> None:
    if not _installed_here() or shutil.which("unshare") is None:
        message = "no .venv installed by scripts/test or scripts/start here, or no unshare"
        if os.environ.get("CI") == "true":
            pytest.fail(message + ": CI runs scripts/test, which installs it")
        pytest.skip(message)
    offline = ["unshare", "-n"] if os.geteuid() == 0 else []
    started = time.monotonic()
    run = subprocess.run(
        [*offline, "bash", str(ROOT / "scripts" / "start"), "--version"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    took = time.monotonic() - started
    assert run.returncode == 0, run.stderr
    assert "practice-action" in run.stdout
    assert "Installing" not in run.stdout + run.stderr
    assert took < 30  # an install takes longer; this is only a guard against one happening
