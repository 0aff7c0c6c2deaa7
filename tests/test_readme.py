"""The README stays true: its pictures exist and are the ones the script makes, its demo PINs
and commands are real."""

from __future__ import annotations

import re
from pathlib import Path

from practice_action.cli import _load_extra_commands, _parser
from practice_action.services import demo

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
SHOTS = ROOT / "docs" / "screenshots"
SCRIPT = (ROOT / "scripts" / "screenshots.py").read_text(encoding="utf-8")


def linked_pictures() -> set[str]:
    return set(re.findall(r"\(docs/screenshots/([a-z0-9-]+\.png)\)", README))


def test_every_picture_the_readme_shows_is_in_the_repository() -> None:
    linked = linked_pictures()
    assert linked, "the README shows no screenshots"
    missing = sorted(name for name in linked if not (SHOTS / name).is_file())
    assert missing == []


def test_the_script_makes_exactly_the_pictures_in_docs() -> None:
    made = {
        f"{name}.png"
        for name in re.findall(r'shots\.(?:shoot|pdf_page)\([^"\n]*"([a-z-]+)"', SCRIPT)
    }
    on_disk = {path.name for path in SHOTS.glob("*.png")}
    assert made == on_disk, "remake the screenshots: .venv/bin/python scripts/screenshots.py"
    assert linked_pictures() <= made


def test_the_screenshots_stay_small_enough_to_commit() -> None:
    total = sum(path.stat().st_size for path in SHOTS.glob("*.png"))
    assert total < 2_500_000


def test_the_demo_pins_quoted_are_the_demo_pins() -> None:
    quoted = re.findall(r"(Karen Holt|Dr Asha Mistry|Jade Barker)\s+\([a-z ]+\)\s+`(\d+)`", README)
    assert len(quoted) == 3
    for name, pin in quoted:
        assert demo.DEMO_PINS[name] == pin


def test_the_set_up_commands_and_every_listed_command_exist() -> None:
    assert "bash scripts/start\n" in README
    assert "bash scripts/test\n" in README
    _load_extra_commands()
    parser = _parser()
    choices = next(
        action.choices
        for action in parser._actions  # the sub-command list
        if getattr(action, "choices", None) and "check" in action.choices
    )
    listed = set(re.findall(r"^\| `practice-action ([a-z-]+)", README, re.MULTILINE))
    assert {"plan", "documents", "report", "backup", "restore"} <= listed
    assert listed <= set(choices)
