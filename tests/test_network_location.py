"""A SQLite file on a network drive is named as such: by the function, by ``check`` and by the
desk's status bar after sign-in (several PCs on one SQLite file over a share can damage it)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_ui_signin import MANAGER_PIN, sign_in_with_keys, start_desk

from practice_action import cli, paths
from practice_action.paths import DRIVE_REMOTE, network_location

DRIVE_FIXED = 3
LOCAL_ONLY = "/dev/sda1 / ext4 rw,relatime 0 0\nproc /proc proc rw 0 0\n"
posix_only = pytest.mark.skipif(os.name != "posix", reason="a Linux mount table")


@pytest.mark.parametrize(
    ("path", "share"),
    [
        (r"\\surgery-nas\practice\practice-action.sqlite3", r"\\surgery-nas\practice"),
        ("//surgery-nas/practice/data/practice-action.sqlite3", r"\\surgery-nas\practice"),
        (r"\\?\UNC\surgery-nas\practice\practice-action.sqlite3", r"\\surgery-nas\practice"),
    ],
)
def test_a_windows_network_path_is_a_network_share(path: str, share: str) -> None:
    assert network_location(path, mounts=LOCAL_ONLY) == f"on the network share {share}"


def test_a_drive_letter_is_remote_only_when_windows_says_so() -> None:
    asked: list[str] = []

    def remote(root: str) -> int:
        asked.append(root)
        return DRIVE_REMOTE

    assert network_location(r"Z:\Practice\db.sqlite3", drive_type=remote) == (
        "on the network drive Z:"
    )
    assert asked == ["Z:\\"]
    assert network_location(r"C:\Practice\db.sqlite3", drive_type=lambda _: DRIVE_FIXED) is None
    assert network_location(r"\\?\C:\Practice\db.sqlite3", drive_type=lambda _: DRIVE_FIXED) is None


@posix_only
def test_a_file_under_a_network_mount_is_named_with_its_file_system() -> None:
    mounts = (
        LOCAL_ONLY
        + "surgery-nas:/export/practice /srv/practice nfs4 rw,relatime,vers=4.2 0 0\n"
        + "//surgery-nas/shared\\040drive /srv/shared\\040drive cifs rw 0 0\n"
        + "/dev/sdb1 /srv/practice/local ext4 rw 0 0\n"
    )
    assert network_location("/srv/practice/data/practice-action.sqlite3", mounts=mounts) == (
        "on a network file system (nfs4 mounted at /srv/practice)"
    )
    assert network_location("/srv/shared drive/practice-action.sqlite3", mounts=mounts) == (
        "on a network file system (cifs mounted at /srv/shared drive)"
    )
    # A local disk mounted inside the share, and a folder whose name only starts the same.
    assert network_location("/srv/practice/local/practice-action.sqlite3", mounts=mounts) is None
    assert network_location("/srv/practice-old/practice-action.sqlite3", mounts=mounts) is None


@posix_only
def test_a_local_path_is_not_a_network_location(tmp_path: Path) -> None:
    mounts = LOCAL_ONLY + "surgery-nas:/export /mnt/surgery nfs rw 0 0\n"
    assert network_location(tmp_path / "practice-action.sqlite3", mounts=mounts) is None
    assert network_location("/home/reception/practice-action.sqlite3", mounts=mounts) is None


def _data_dir_on_a_share(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, locations: paths.Locations, kind: str
) -> None:
    """Point the app at a mount table that lists the test's data folder as a network mount."""
    point = str(locations.data_dir).replace(" ", "\\040")
    table = tmp_path / "mounts"
    table.write_text(f"{LOCAL_ONLY}surgery-nas:/practice {point} {kind} rw 0 0\n", "utf-8")
    monkeypatch.setattr(paths, "MOUNTS_FILE", table)


@posix_only
def test_check_warns_about_a_database_on_a_network_drive_and_still_passes(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    locations: paths.Locations,
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["--data-dir", str(locations.data_dir), "check"]
    monkeypatch.setattr(paths, "MOUNTS_FILE", tmp_path / "no-such-mount-table")
    assert cli.main(argv) == cli.EXIT_OK
    assert "Warning" not in capsys.readouterr().out

    _data_dir_on_a_share(monkeypatch, tmp_path, locations, "nfs4")
    assert cli.main(argv) == cli.EXIT_OK  # a warning, not a fault in the data
    out = capsys.readouterr().out
    assert "Integrity check: ok" in out
    (warning,) = [line for line in out.splitlines() if line.startswith("Warning:")]
    assert f"nfs4 mounted at {locations.data_dir}" in warning
    assert "use a PostgreSQL server for several PCs" in warning
    assert f"The file {locations.sqlite_path} is on a network file system (nfs4" in warning


@posix_only
def test_the_desk_says_so_in_the_status_bar_once_after_sign_in(
    qtbot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, ctx, locations, manager
) -> None:
    _data_dir_on_a_share(monkeypatch, tmp_path, locations, "cifs")
    desk = start_desk(qtbot, ctx, locations, "Ma", MANAGER_PIN)
    qtbot.waitUntil(lambda: not desk.backing_up, timeout=10_000)
    message = desk.window.statusBar().currentMessage()
    assert message.startswith("Warning: the database is on a network drive. Several PCs")
    assert "use a PostgreSQL server for several PCs" in message
    assert "on a network file system (cifs mounted at" in message
    desk.lock()
    sign_in_with_keys(qtbot, desk.lock_screen, "Ma", MANAGER_PIN)
    assert desk.actor == manager
    qtbot.waitUntil(lambda: not desk.backing_up, timeout=10_000)
    assert desk.window.statusBar().currentMessage() == ""  # once, not at every unlock
    desk.close()


@posix_only
def test_a_failed_backup_and_a_network_drive_are_both_said(
    qtbot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, ctx, locations, manager
) -> None:
    _data_dir_on_a_share(monkeypatch, tmp_path, locations, "smb3")
    locations.backups_dir.write_text("a file where the backups folder should be")
    desk = start_desk(qtbot, ctx, locations, "Ma", MANAGER_PIN)
    qtbot.waitUntil(lambda: not desk.backing_up, timeout=10_000)
    message = desk.window.statusBar().currentMessage()
    assert "today's backup could not be taken" in message
    assert "on a network file system (smb3" in message
    desk.close()
