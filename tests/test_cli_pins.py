"""A person's name needs that person's PIN on the command line too: the commands that record,
sign or restore take --as NAME and the PIN, with the desk's lock-out and the role's rights."""

from __future__ import annotations

from pathlib import Path

import pytest

from practice_action.cli import main
from practice_action.services import audit, backups, counter, documents, staff
from practice_action.services.context import Actor, system_user
from practice_action.services.demo import create_demo
from practice_action.services.health import open_context

ASHA, ASHA_PIN = "Dr Asha Mistry", "135791"  # a partner in the demo
JADE, JADE_PIN = "Jade Barker", "202471"  # a receptionist in the demo


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    from practice_action import paths

    folder = tmp_path / "demo"
    ctx = open_context(paths.resolve(folder))
    try:
        create_demo(ctx)
        backups.backup_now(ctx, system_user())
    finally:
        ctx.store.dispose()
    return folder


def _commands(folder: Path) -> dict[str, list[str]]:
    copy = sorted((folder / "backups").glob("manual-*.sqlite3"))[0]
    return {
        "record": ["record", "Dr Asha Mistry"],
        "documents": ["documents", "--out", str(folder.parent / "letters")],
        "restore": ["restore", str(copy)],
    }


def _counts(folder: Path) -> tuple[int, int]:
    from practice_action import paths

    ctx = open_context(paths.resolve(folder))
    try:
        total = counter.board(ctx).total_counted
        made = len(documents.register(ctx, Actor(ASHA, staff.StaffRole.PARTNER)))
    finally:
        ctx.store.dispose()
    return total, made


@pytest.mark.parametrize("command", ["record", "documents", "restore"])
def test_without_a_name_the_command_is_refused_before_it_starts(
    demo: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as usage:
        main(["--data-dir", str(demo), *_commands(demo)[command]])
    assert usage.value.code == 2
    assert "the following arguments are required: --as" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["record", "documents", "restore"])
def test_a_wrong_pin_does_nothing_and_five_lock_the_account(
    demo: Path, command: str, pin_typed, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _counts(demo)
    argv = ["--data-dir", str(demo), *_commands(demo)[command], "--as", ASHA]
    for _ in range(5):
        pin_typed("999999")
        assert main(argv) == 1
    err = capsys.readouterr().err
    assert "Wrong PIN" in err and "locked for 5 minutes" in err and "Traceback" not in err
    pin_typed(ASHA_PIN)  # now even the right PIN waits out the lock, as at the desk
    assert main(argv) == 1
    assert "is locked after 5 wrong PINs" in capsys.readouterr().err
    assert _counts(demo) == before
    pin_typed("")
    assert main(["--data-dir", str(demo), *_commands(demo)[command], "--as", JADE]) == 1
    assert "No PIN was given for Jade Barker" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("command", "allowed_for_jade"), [("record", True), ("documents", False), ("restore", False)]
)
def test_the_role_decides_as_at_the_desk_and_the_trail_names_the_person(
    demo: Path, command: str, allowed_for_jade: bool, pin_typed, capsys
) -> None:
    from practice_action import paths

    argv = ["--data-dir", str(demo), *_commands(demo)[command]]
    pin_typed(JADE_PIN)
    code = main([*argv, "--as", JADE])
    assert code == (0 if allowed_for_jade else 1)
    if not allowed_for_jade:
        assert "is signed in as Receptionist and may not" in capsys.readouterr().err
    pin_typed(ASHA_PIN)
    assert main([*argv, "--as", ASHA]) in (0, 3)  # 3: the clinician is already at the cap
    ctx = open_context(paths.resolve(demo))
    try:
        actors = {e.actor for e in audit.list_entries(ctx, system_user())[:8]}
    finally:
        ctx.store.dispose()
    assert f"{ASHA} (Partner)" in actors  # signed in with the PIN, and named in the trail
