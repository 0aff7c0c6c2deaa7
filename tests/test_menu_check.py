"""`practice-action check` validates every shipped menu and names a broken file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from practice_action import paths
from practice_action.cli import main
from practice_action.services import health


def test_the_shipped_menus_have_no_problems() -> None:
    assert health.menu_problems(paths.resource("menus")) == []


def test_check_fails_on_a_broken_shipped_menu_and_names_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "menus"
    shutil.copytree(paths.resource("menus"), folder)
    broken = folder / "bma-2026.toml"
    broken.write_text(
        broken.read_text(encoding="utf-8").replace('detail = "dsa_freeze"', 'detail = "freeze"'),
        encoding="utf-8",
    )
    data = str(tmp_path / "data")
    assert main(["--data-dir", data, "demo"]) == 0
    capsys.readouterr()
    monkeypatch.setattr(health, "menus_folder", lambda: folder)
    assert main(["--data-dir", data, "check"]) == 1
    out = capsys.readouterr().out
    assert "bma-2026.toml" in out
    assert "2026-05-no-new-secondary" in out and "'detail'" in out
    assert "'freeze' is not a detail kind" in out
