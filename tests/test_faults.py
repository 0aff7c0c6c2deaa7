"""Faults as the world makes them: another desk left open, a file replaced, a clock a day out,
an empty or damaged database, a full or read-only disk, a place that cannot be written.

Each test asserts what is stored and what the person is told, not only that nothing raised.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import MANAGER_PIN, PARTNER_PIN, faketime, valid_profile
from counter_helpers import add_clinician, adopt_cap
from sqlalchemy import func, select, text, update

from practice_action import paths
from practice_action.cli import main
from practice_action.domain.enums import StaffRole
from practice_action.domain.errors import DamagedDatabase, DatabaseReplaced, DiskFull
from practice_action.domain.records import StaffMember
from practice_action.services import backups, counter, desks, documents, practice, staff
from practice_action.services.context import Actor, Context
from practice_action.services.health import MARKER, open_context
from practice_action.store.counter_models import Contact
from practice_action.store.desk_models import DeskRow

MARIA = ["--as", "Maria Okafor"]


def _contacts(ctx: Context) -> int:
    with ctx.store.read() as session:
        return session.scalar(select(func.count()).select_from(Contact)) or 0


def _practice(locations: paths.Locations) -> tuple[Context, Actor, Actor, int]:
    """A practice with a manager, a partner, a cap of 25 and one clinician on every day."""
    ctx = open_context(locations)
    manager = practice.first_run_setup(ctx, valid_profile(), "Maria Okafor", MANAGER_PIN).actor
    member = staff.add_staff(
        ctx, manager, StaffMember("Dr Sam Patel", StaffRole.PARTNER), PARTNER_PIN
    )
    partner = Actor(member.name, member.role, member.id)
    adopt_cap(ctx, partner, start=datetime(2020, 1, 1).date())
    clinician = add_clinician(ctx, manager, "Dr Ann Lee")
    return ctx, manager, partner, clinician


# ----- desks that are open ------------------------------------------------------------------


def _desk_process(folder: Path) -> subprocess.Popen[str]:
    """A real desk: the desktop app at its sign-in window, in a process of its own."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop(paths.DATABASE_URL_ENV, None)
    return subprocess.Popen(
        [sys.executable, "-m", "practice_action", "--data-dir", str(folder)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait_for_desk(ctx: Context, seconds: float = 60) -> list[desks.OpenDesk]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with ctx.store.read() as session:
            rows = session.scalars(select(DeskRow)).all()
        if rows:
            return desks.open_desks(ctx)
        time.sleep(0.2)
    raise AssertionError("the desk never said it had the database open")


def test_a_restore_is_refused_while_an_idle_desk_is_open(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pin_typed
) -> None:
    locations = paths.resolve(tmp_path / "data")
    ctx, manager, _, _ = _practice(locations)
    copy = backups.backup_now(ctx, manager)
    add_clinician(ctx, manager, "Dr Added After The Backup")
    desk = _desk_process(locations.data_dir)
    try:
        seen = _wait_for_desk(ctx)
        assert len(seen) == 1 and seen[0].process == desk.pid
        capsys.readouterr()

        pin_typed(MANAGER_PIN)
        assert main(["--data-dir", str(locations.data_dir), "restore", str(copy), *MARIA]) == 1

        err = capsys.readouterr().err
        assert "Not restored: Practice Action is open on 1 other desk" in err
        assert f"program {desk.pid}, at the sign-in window" in err
        assert "Close Practice Action there" in err and "Traceback" not in err
        with ctx.store.read() as session:  # nothing changed
            names = session.execute(text("SELECT name FROM clinician")).scalars().all()
        assert "Dr Added After The Backup" in names
    finally:
        desk.kill()
        desk.wait(timeout=30)

    # A desk that died without closing is forgotten once it stops beating.
    with ctx.store.write() as session:
        session.execute(update(DeskRow).values(seen_at=datetime(2020, 1, 1, tzinfo=UTC)))
    ctx.store.dispose()
    pin_typed(MANAGER_PIN)
    assert main(["--data-dir", str(locations.data_dir), "restore", str(copy), *MARIA]) == 0
    restored = open_context(locations)
    try:
        with restored.store.read() as session:
            names = session.execute(text("SELECT name FROM clinician")).scalars().all()
            last = session.execute(
                text("SELECT kind FROM audit_entry ORDER BY seq DESC LIMIT 1")
            ).scalar_one()
            left = session.scalar(select(func.count()).select_from(DeskRow))
        assert "Dr Added After The Backup" not in names
        assert last == "backup.restored" and left == 0
    finally:
        restored.store.dispose()


def test_a_desk_whose_file_was_replaced_refuses_its_next_write(tmp_path: Path) -> None:
    locations = paths.resolve(tmp_path / "data")
    ctx, manager, _, clinician = _practice(locations)
    desks.register(ctx)
    receptionist = Actor("Jo", StaffRole.RECEPTIONIST)
    counter.record_contact(ctx, receptionist, clinician)
    copy = backups.backup_now(ctx, manager)
    assert locations.sqlite_path is not None
    shutil.copyfile(copy, tmp_path / "replacement")
    os.replace(tmp_path / "replacement", locations.sqlite_path)  # restored by hand, elsewhere

    with pytest.raises(DatabaseReplaced, match="was replaced, moved or deleted"):
        counter.record_contact(ctx, receptionist, clinician)
    with pytest.raises(DatabaseReplaced):  # and every write after it
        desks.heartbeat(ctx)
    ctx.store.dispose()

    fresh = open_context(locations)
    try:
        assert _contacts(fresh) == 1  # only the contact in the copy
    finally:
        fresh.store.dispose()


def test_on_postgres_a_desk_whose_row_has_gone_stops(pg_desk_url: str, tmp_path: Path) -> None:
    pg_url = pg_desk_url  # as the desks' restricted role
    locations = paths.resolve(tmp_path / "data", pg_url)
    ctx, _, _, clinician = _practice(locations)
    other = open_context(locations)
    try:
        desks.register(ctx)
        desks.heartbeat(ctx, "Jo")
        with other.store.write() as session:  # what pg_restore --clean leaves: no desks
            session.execute(text("DELETE FROM desk"))
        with pytest.raises(DatabaseReplaced, match="was replaced"):
            desks.heartbeat(ctx)
        with pytest.raises(DatabaseReplaced):
            counter.record_contact(ctx, Actor("Jo", StaffRole.RECEPTIONIST), clinician)
        assert _contacts(other) == 0
    finally:
        other.store.dispose()
        ctx.store.dispose()


# ----- one clock ----------------------------------------------------------------------------


def _with_clock(offset: str, *command: str) -> subprocess.Popen[str]:
    """A process whose computer clock is ``offset`` out (faketime's +1d, -1d, +3h...)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop(paths.DATABASE_URL_ENV, None)
    return subprocess.Popen(
        [faketime(), "-f", offset, sys.executable, *command],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_desks_with_clocks_a_day_apart_hold_the_cap_on_postgres(
    pg_desk_url: str, tmp_path: Path
) -> None:
    pg_url = pg_desk_url  # as the desks' restricted role
    locations = paths.resolve(tmp_path / "data", pg_url)
    ctx, _, _, clinician = _practice(locations)
    worker = str(Path(__file__).with_name("clock_desk.py"))
    try:
        desks_running = [
            _with_clock(offset, worker, str(locations.data_dir), pg_url, str(clinician), "25")
            for offset in ("+0", "+1d", "-1d")
        ]
        outputs = [desk.communicate(timeout=300) for desk in desks_running]
        for desk, (_out, err) in zip(desks_running, outputs, strict=True):
            assert desk.returncode == 0, err
        recorded = sum(int(out.split()[1]) for out, _ in outputs)
        refused = sum(int(out.split()[3]) for out, _ in outputs)
        with ctx.store.read() as session:
            server_day = session.execute(
                text("SELECT (CURRENT_TIMESTAMP AT TIME ZONE 'Europe/London')::date")
            ).scalar_one()
            days = session.execute(text("SELECT DISTINCT day FROM contact")).scalars().all()
            stamps = session.execute(text("SELECT at FROM contact")).scalars().all()
            now = session.execute(text("SELECT CURRENT_TIMESTAMP")).scalar_one()
        assert recorded == 25 and refused == 50 and _contacts(ctx) == 25
        assert days == [server_day]  # one day, the server's, whatever each desk's clock said
        assert all(abs(stamp - now) < timedelta(minutes=10) for stamp in stamps)
    finally:
        ctx.store.dispose()


def test_a_clock_hours_out_is_reported_by_check(pg_desk_url: str, tmp_path: Path) -> None:
    pg_url = pg_desk_url  # as the desks' restricted role
    locations = paths.resolve(tmp_path / "data", pg_url)
    ctx, _, _, _ = _practice(locations)
    ctx.store.dispose()
    command = ["-m", "practice_action", "--database-url", pg_url, "--data-dir"]
    fast = _with_clock("+3h", *command, str(locations.data_dir), "check")
    out, err = fast.communicate(timeout=300)
    assert fast.returncode == 0, err
    assert "Warning: this computer's clock is 3 hours fast compared with the database" in out
    right = _with_clock("+0", *command, str(locations.data_dir), "check")
    out, err = right.communicate(timeout=300)
    assert right.returncode == 0 and "computer's clock" not in out
    assert desks.skew_words(3 * 3600.0) is not None and desks.skew_words(90.0) is None


# ----- a database that is not sound --------------------------------------------------------


def test_an_emptied_database_file_is_damage_not_a_new_practice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    locations = paths.resolve(tmp_path / "data")
    ctx, _, _, _ = _practice(locations)
    ctx.store.dispose()
    assert (locations.data_dir / MARKER).exists()
    assert locations.sqlite_path is not None
    os.truncate(locations.sqlite_path, 0)
    capsys.readouterr()

    assert main(["--data-dir", str(locations.data_dir), "check"]) == 1

    err = capsys.readouterr().err
    assert "is empty (0 bytes), but this folder has held a practice before" in err
    assert "restore the newest good backup" in err
    assert locations.sqlite_path.stat().st_size == 0  # not turned into a new, empty practice
    with pytest.raises(DamagedDatabase):
        open_context(locations)


def _damage_the_contact_table(database: Path) -> None:
    connection = sqlite3.connect(database)
    try:
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        root = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'contact'"
        ).fetchone()[0]
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    with database.open("r+b") as stream:
        stream.seek((root - 1) * page_size)
        stream.write(os.urandom(page_size))


def test_a_damaged_page_stops_writing_and_says_damaged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pin_typed
) -> None:
    locations = paths.resolve(tmp_path / "data")
    ctx, manager, _, clinician = _practice(locations)
    receptionist = Actor("Jo", StaffRole.RECEPTIONIST)
    counter.record_contact(ctx, receptionist, clinician)
    ctx.store.dispose()
    assert locations.sqlite_path is not None
    _damage_the_contact_table(locations.sqlite_path)

    desk = open_context(locations)
    try:
        with pytest.raises(DamagedDatabase, match="database is damaged") as caught:
            counter.record_contact(desk, receptionist, clinician)
        assert "network" not in str(caught.value)
        # Nothing else is written from this desk either, not even to sound tables.
        with pytest.raises(DamagedDatabase):
            add_clinician(desk, manager, "Dr Written To A Damaged File")
        assert desk.store.damaged is not None
    finally:
        desk.store.dispose()
    capsys.readouterr()
    assert main(["--data-dir", str(locations.data_dir), "check"]) == 1
    assert "Problems found" in capsys.readouterr().out
    pin_typed(MANAGER_PIN)
    code = main(["--data-dir", str(locations.data_dir), "record", "Dr Ann Lee", *MARIA])
    err = capsys.readouterr().err
    assert code == 1 and "damaged" in err and "network" not in err and "Traceback" not in err


# ----- the disk ------------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 2 MB disk (tmpfs), so that writing meets a real 'no space left'."""
    folder = tmp_path / "small-disk"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        message = f"cannot mount a small tmpfs here ({mounted.stderr.strip()})"
        if os.environ.get("CI") == "true":
            pytest.fail(message + ": CI runs as root and must run the full-disk tests")
        pytest.skip(message)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _fill(folder: Path, leave_kb: int) -> None:
    free = shutil.disk_usage(folder).free
    with (folder / "filler").open("wb") as out:
        out.write(b"\0" * max(0, free - leave_kb * 1024))


def test_a_full_disk_says_disk_full_and_loses_no_acknowledged_contact(
    small_disk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    locations = paths.resolve(small_disk / "data")
    ctx, _, _, clinician = _practice(locations)
    ctx.store.dispose()
    desk = open_context(locations)
    counter.board(desk)  # the desk is open, its log files made; then the disk fills up
    _fill(small_disk, leave_kb=96)
    receptionist = Actor("Jo", StaffRole.RECEPTIONIST)
    acknowledged = 0
    try:
        with pytest.raises(DiskFull) as caught:
            for _ in range(10_000):
                try:
                    counter.record_contact(desk, receptionist, clinician)
                except counter.AtCap:
                    counter.record_contact(
                        desk, receptionist, clinician, urgent_reason="Sepsis risk"
                    )
                acknowledged += 1
        message = str(caught.value)
        assert f"The disk that holds {locations.data_dir} is full" in message
        assert "MB free" in message and "network" not in message
    finally:
        desk.store.dispose()
    (small_disk / "filler").unlink()
    with pytest.raises(DiskFull):  # opening on a full disk says so too, not "damaged"
        _fill(small_disk, leave_kb=0)
        open_context(locations).store.dispose()
    (small_disk / "filler").unlink()
    after = open_context(locations)
    try:
        assert _contacts(after) == acknowledged > 0
    finally:
        after.store.dispose()

    _fill(small_disk, leave_kb=100)
    capsys.readouterr()
    assert main(["--data-dir", str(locations.data_dir), "check"]) == 1
    out = capsys.readouterr().out
    assert f"the disk that holds {locations.data_dir} is full (0.1 MB free" in out
    assert "at least 50 MB is needed" in out


def test_a_read_only_folder_or_file_is_refused_and_left_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    locations = paths.resolve(tmp_path / "data")
    ctx, _, _, _ = _practice(locations)
    ctx.store.dispose()
    database = locations.sqlite_path
    assert database is not None
    stamp = database.stat().st_mtime_ns

    database.chmod(0o400)
    capsys.readouterr()
    assert main(["--data-dir", str(locations.data_dir), "check"]) == 1
    err = capsys.readouterr().err
    assert f"The database file {database} is read-only" in err
    assert "will not change its permissions" in err and "Traceback" not in err
    assert database.stat().st_mode & 0o777 == 0o400 and database.stat().st_mtime_ns == stamp
    database.chmod(0o600)

    locations.data_dir.chmod(0o500)
    try:
        assert main(["--data-dir", str(locations.data_dir), "check"]) == 1
        err = capsys.readouterr().err
        assert f"The folder {locations.data_dir} is read-only" in err and "Traceback" not in err
        assert locations.data_dir.stat().st_mode & 0o777 == 0o500
    finally:
        locations.data_dir.chmod(0o700)


@pytest.mark.parametrize("where", ["a-file", "inside-a-file", "proc"])
def test_a_data_folder_that_cannot_be_one_gets_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    target = {
        "a-file": tmp_path / "notes.txt",
        "inside-a-file": tmp_path / "notes.txt" / "data",
        "proc": Path("/proc/practice-action-data"),
    }[where]
    (tmp_path / "notes.txt").write_text("not a folder")
    for command in (["check"], ["demo"], []):
        code = main(["--data-dir", str(target), *command]) if command else None
        if code is None:
            continue  # the desktop app: tested in the ui tests
        err = capsys.readouterr().err
        assert code == 1 and "Traceback" not in err
        assert str(target) in err or str(tmp_path / "notes.txt") in err
    assert (tmp_path / "notes.txt").read_text() == "not a folder"


def test_documents_to_an_unwritable_place_are_neither_written_nor_registered(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pin_typed
) -> None:
    folder = tmp_path / "demo"
    assert main(["--data-dir", str(folder), "demo"]) == 0
    (tmp_path / "notes.txt").write_text("not a folder")
    out = tmp_path / "notes.txt" / "letters"
    capsys.readouterr()

    pin_typed("135791")  # the demo's Dr Asha Mistry
    assert (
        main(["--data-dir", str(folder), "documents", "--out", str(out), "--as", "Dr Asha Mistry"])
        == 1
    )

    err = capsys.readouterr().err
    assert f"The documents cannot be written to {out}" in err
    assert "nothing was written or registered" in err and "Traceback" not in err
    ctx = open_context(paths.resolve(folder))
    try:
        partner = next(m for m in staff.list_staff(ctx) if m.role is StaffRole.PARTNER)
        assert documents.register(ctx, Actor(partner.name, partner.role, partner.id)) == []
    finally:
        ctx.store.dispose()


def test_a_restore_cut_short_is_cleared_and_reported_at_the_next_start(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    locations = paths.resolve(tmp_path / "data")
    ctx, _, _, _ = _practice(locations)
    ctx.store.dispose()
    assert locations.sqlite_path is not None
    leftover = locations.sqlite_path.with_name(locations.sqlite_path.name + ".restoring")
    leftover.write_bytes(b"half a database")
    capsys.readouterr()

    assert main(["--data-dir", str(locations.data_dir), "check"]) == 0

    out = capsys.readouterr().out
    assert f"a restore that was cut short had left {leftover}: removed" in out
    assert not leftover.exists()


# ----- SIGKILL while recording ---------------------------------------------------------------


def test_desks_killed_while_recording_lose_no_acknowledged_contact(
    db_locations: paths.Locations,
) -> None:
    from kill_recording import run_kills

    ctx = open_context(db_locations)
    try:
        manager = practice.first_run_setup(ctx, valid_profile(), "Maria Okafor", MANAGER_PIN).actor
        clinician = add_clinician(ctx, manager, "Dr Ann Lee")  # no cap: nothing is refused
    finally:
        ctx.store.dispose()
    url = "" if db_locations.is_sqlite else db_locations.database_url

    counts = run_kills(db_locations.data_dir, url, clinician, kills=30)

    print(counts.line())
    assert counts.kills == 30 and counts.acknowledged > 30
    assert counts.lost == 0 and counts.stored >= counts.acknowledged
    assert counts.stored - counts.acknowledged <= counts.kills  # at most one unacknowledged each
    assert counts.audit_intact


def test_no_display_is_a_message_not_a_crash(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from practice_action import cli

    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(cli.sys, "platform", "linux")

    assert main(["--data-dir", str(tmp_path / "data")]) == 1

    err = capsys.readouterr().err
    assert "cannot open its window: this computer has no display" in err
    assert "xvfb-run" in err
    assert cli.no_display_reason({"QT_QPA_PLATFORM": "offscreen"}) is None
    assert cli.no_display_reason({"DISPLAY": ":0"}) is None


def test_an_export_to_a_full_disk_says_so_and_writes_nothing(
    small_disk: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "demo"
    assert main(["--data-dir", str(folder), "demo"]) == 0
    _fill(small_disk, leave_kb=0)
    target = small_disk / "set-up.json"
    capsys.readouterr()

    assert main(["--data-dir", str(folder), "export", str(target)]) == 1

    err = capsys.readouterr().err
    assert f"The disk that holds {small_disk} is full: nothing was written" in err
    assert "Traceback" not in err
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler"]
    ctx = open_context(paths.resolve(folder))
    try:
        with ctx.store.read() as session:
            kinds = session.execute(text("SELECT kind FROM audit_entry")).scalars().all()
        assert "setup.export" not in kinds  # the export is audited only once written
    finally:
        ctx.store.dispose()
