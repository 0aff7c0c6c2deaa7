"""Backups: on demand while desks write, once a day with the newest 14 kept, and restoring one."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from conftest import MANAGER_PIN
from sqlalchemy import select

from practice_action import cli, paths
from practice_action.domain.enums import ClinicianRole
from practice_action.domain.errors import PermissionDenied, PracticeActionError
from practice_action.domain.records import Clinician, PracticeProfile
from practice_action.services import audit, backups, practice, registers
from practice_action.services.context import Actor, Context
from practice_action.services.health import open_context
from practice_action.store.backup import check_sqlite_file
from practice_action.store.models import Practice


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _add_clinician(ctx: Context, actor: Actor, name: str) -> None:
    registers.save_record(
        ctx, actor, registers.CLINICIANS, Clinician(name, ClinicianRole.SALARIED_GP)
    )


def _clinicians(ctx: Context) -> list[str]:
    return sorted(c.name for c in registers.list_records(ctx, registers.CLINICIANS))


def _last_entry(ctx: Context, actor: Actor) -> audit.AuditView:
    return audit.list_entries(ctx, actor, limit=1)[0]


def test_a_backup_on_demand_is_private_sound_and_audited(ctx: Context, manager: Actor) -> None:
    path = backups.backup_now(ctx, manager)

    assert ctx.backups_dir is not None
    assert path.parent == ctx.backups_dir
    assert path.name.startswith("manual-") and path.suffix == ".sqlite3"
    assert check_sqlite_file(path) == []
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    entry = _last_entry(ctx, manager)
    assert (entry.kind, entry.actor) == ("backup.made", "Maria Okafor (Practice manager)")
    assert str(path) in entry.summary

    second = backups.backup_now(ctx, manager)
    assert second != path and second.exists() and path.exists()


def test_a_backup_to_a_chosen_file_never_overwrites_one(
    ctx: Context, manager: Actor, tmp_path: Path
) -> None:
    out = tmp_path / "usb" / "practice.sqlite3"
    with pytest.raises(PracticeActionError, match="does not exist: create it first"):
        backups.backup_now(ctx, manager, out)
    out.parent.mkdir()
    assert backups.backup_now(ctx, manager, out) == out
    assert check_sqlite_file(out) == []
    with pytest.raises(PracticeActionError, match="already exists and was left as it is"):
        backups.backup_now(ctx, manager, out)
    into_folder = backups.backup_now(ctx, manager, out.parent)
    assert into_folder.parent == out.parent and into_folder.name.startswith("practice-action-")


def test_a_receptionist_may_not_back_up_or_restore(
    ctx: Context, receptionist: Actor, locations: paths.Locations, tmp_path: Path
) -> None:
    with pytest.raises(PermissionDenied, match="may not back up and restore"):
        backups.backup_now(ctx, receptionist)
    with pytest.raises(PermissionDenied):
        backups.restore_file(locations, receptionist, tmp_path / "whatever.sqlite3")


def test_a_backup_taken_while_another_desk_writes_is_consistent(
    ctx: Context, manager: Actor, locations: paths.Locations
) -> None:
    other_desk = open_context(locations)
    stop = threading.Event()
    written = threading.Semaphore(0)
    errors: list[BaseException] = []

    def keep_writing() -> None:
        try:
            while not stop.is_set():
                with other_desk.store.write() as session:
                    row = session.get(Practice, 1)
                    assert row is not None
                    row.list_size += 1
                    audit.append(session, other_desk, manager, "test.write", "busy desk")
                written.release()
        except BaseException as error:
            errors.append(error)
            written.release()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    copies = []
    try:
        for _ in range(3):
            for _ in range(20):  # the other desk is mid-stream before each copy starts
                written.acquire()
            copies.append(backups.backup_now(ctx, manager))
    finally:
        stop.set()
        writer.join()
        other_desk.store.dispose()

    assert errors == []
    sizes = []
    for number, copy in enumerate(copies):
        assert check_sqlite_file(copy) == [], copy
        restored = paths.resolve(locations.data_dir.parent / f"copy{number}")
        paths.make_private_dir(restored.data_dir)
        copy_ctx = open_context(paths.Locations(restored.data_dir, f"sqlite:///{copy}"))
        try:
            chain = audit.verify(copy_ctx)
            assert chain.intact, chain.problem
            with copy_ctx.store.read() as session:
                sizes.append(session.execute(select(Practice.list_size)).scalar_one())
        finally:
            copy_ctx.store.dispose()
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1], "each copy holds the writes so far"


def test_restore_brings_back_the_backup_and_keeps_the_database_it_replaced(
    ctx: Context, manager: Actor, locations: paths.Locations
) -> None:
    _add_clinician(ctx, manager, "Dr Ada Jones")
    backup = backups.backup_now(ctx, manager)
    _add_clinician(ctx, manager, "Dr Late Addition")
    ctx.store.dispose()  # every desk closes the app before a restore

    message = backups.restore_file(locations, manager, backup)

    assert message.startswith(f"Restored the database from {backup}")
    reopened = open_context(locations)
    try:
        assert _clinicians(reopened) == ["Dr Ada Jones"]
        entry = _last_entry(reopened, manager)
        assert entry.kind == "backup.restored"
        assert str(backup) in entry.summary
        chain = audit.verify(reopened)
        assert chain.intact, chain.problem
    finally:
        reopened.store.dispose()

    (saved,) = locations.backups_dir.glob("before-restore-*.sqlite3")
    assert str(saved) in message
    saved_ctx = open_context(paths.Locations(locations.data_dir.parent / "x", f"sqlite:///{saved}"))
    try:
        assert _clinicians(saved_ctx) == ["Dr Ada Jones", "Dr Late Addition"]
    finally:
        saved_ctx.store.dispose()
    if os.name == "posix":
        assert locations.sqlite_path is not None
        assert stat.S_IMODE(locations.sqlite_path.stat().st_mode) == 0o600


def _snapshot(locations: paths.Locations) -> dict[str, bytes]:
    files = [p for p in locations.data_dir.rglob("*") if p.is_file()]
    return {str(p.relative_to(locations.data_dir)): p.read_bytes() for p in files}


@pytest.mark.parametrize("damage", ["truncated", "junk", "not ours", "newer", "missing"])
def test_a_file_unfit_to_restore_is_refused_and_nothing_changes(
    damage: str, ctx: Context, manager: Actor, locations: paths.Locations, tmp_path: Path
) -> None:
    _add_clinician(ctx, manager, "Dr Ada Jones")
    good = backups.backup_now(ctx, manager, tmp_path / "good.sqlite3")
    bad = tmp_path / "bad.sqlite3"
    if damage == "truncated":
        bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    elif damage == "junk":
        bad.write_bytes(b"SQLite format 3\x00" + b"\xff" * 8000)
    elif damage == "not ours":
        other = sqlite3.connect(bad)
        other.execute("CREATE TABLE recipes (name TEXT)")
        other.commit()
        other.close()
    elif damage == "newer":
        bad.write_bytes(good.read_bytes())
        newer = sqlite3.connect(bad)
        newer.execute("UPDATE alembic_version SET version_num = 'zz99'")
        newer.commit()
        newer.close()
    ctx.store.dispose()
    before = _snapshot(locations)

    with pytest.raises(PracticeActionError) as refused:
        backups.restore_file(locations, manager, bad)

    message = str(refused.value)
    assert message.startswith("Not restored:")
    assert "The current database has not been changed" in message
    assert _snapshot(locations) == before


def test_restoring_the_database_in_use_onto_itself_is_refused(
    ctx: Context, manager: Actor, locations: paths.Locations
) -> None:
    assert locations.sqlite_path is not None
    with pytest.raises(PracticeActionError, match="is the database in use"):
        backups.restore_file(locations, manager, locations.sqlite_path)


def test_restore_replaces_a_damaged_database_and_keeps_its_bytes(
    ctx: Context, manager: Actor, locations: paths.Locations
) -> None:
    _add_clinician(ctx, manager, "Dr Ada Jones")
    good = backups.backup_now(ctx, manager)
    ctx.store.dispose()
    database = locations.sqlite_path
    assert database is not None
    damaged = b"SQLite format 3\x00" + b"\x00\x01" * 5000
    database.write_bytes(damaged)
    assert backups.newest_good_backup(locations) == good

    backups.restore_file(locations, manager, good)

    (kept,) = locations.backups_dir.glob("damaged-*.sqlite3")
    assert kept.read_bytes() == damaged
    assert backups.newest_good_backup(locations) == good
    reopened = open_context(locations)
    try:
        assert _clinicians(reopened) == ["Dr Ada Jones"]
    finally:
        reopened.store.dispose()


def test_newest_good_backup_skips_damaged_and_foreign_files(
    ctx: Context, manager: Actor, locations: paths.Locations
) -> None:
    assert backups.newest_good_backup(locations) is None
    older = backups.backup_now(ctx, manager)
    newer = backups.backup_now(ctx, manager)
    os.utime(older, (1_700_000_000, 1_700_000_000))
    os.utime(newer, (1_700_000_100, 1_700_000_100))
    assert backups.newest_good_backup(locations) == newer
    broken = locations.backups_dir / "manual-broken.sqlite3"
    broken.write_bytes(newer.read_bytes()[:4096])
    os.utime(broken, (1_700_000_200, 1_700_000_200))
    assert backups.newest_good_backup(locations) == newer


def test_the_daily_backup_is_taken_once_a_local_day_and_the_newest_14_are_kept(
    ctx: Context, manager: Actor, receptionist: Actor
) -> None:
    # 23:30 UTC on 1 July is 00:30 on 2 July in London: the copy belongs to 2 July.
    clock = Clock(datetime(2025, 7, 1, 23, 30, tzinfo=UTC))
    ctx.clock = clock
    folder = ctx.backups_dir
    assert folder is not None
    folder.mkdir(parents=True, exist_ok=True)
    first = backups.daily_backup_if_due(ctx, receptionist)  # whoever signs in first
    assert first == folder / "daily-2025-07-02.sqlite3"
    assert check_sqlite_file(first) == []
    assert _last_entry(ctx, manager).kind == "backup.made"
    assert backups.daily_backup_if_due(ctx, manager) is None

    clock.now += timedelta(hours=22)  # 22:30 London, still 2 July
    assert backups.daily_backup_if_due(ctx, manager) is None

    manual = backups.backup_now(ctx, manager)
    # Fifteen earlier copies, 17 June to 1 July, with one missing day (a weekend closed).
    for n in range(16):
        day = date(2025, 6, 16) + timedelta(days=n)
        if day != date(2025, 6, 21):
            (folder / f"daily-{day.isoformat()}.sqlite3").write_bytes(first.read_bytes())
    (folder / "daily-notes.txt").write_text("kept: not a daily copy")

    clock.now += timedelta(hours=2)  # 00:30 on 3 July
    third = backups.daily_backup_if_due(ctx, manager)
    assert third == folder / "daily-2025-07-03.sqlite3"
    kept = [d for d, _ in backups.daily_copies(folder)]
    assert len(kept) == 14 and kept[0] == date(2025, 7, 3) and kept[-1] == date(2025, 6, 19)
    names = {p.name for p in folder.iterdir()}
    assert {manual.name, "daily-notes.txt"} <= names
    assert "removed 3 beyond the newest 14" in _last_entry(ctx, manager).summary


def test_a_clock_years_fast_prunes_nothing_and_its_copy_never_pushes_others_out(
    ctx: Context, manager: Actor
) -> None:
    clock = Clock(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
    ctx.clock = clock
    folder = ctx.backups_dir
    assert folder is not None
    folder.mkdir(parents=True, exist_ok=True)
    first = backups.daily_backup_if_due(ctx, manager)
    assert first is not None
    for n in range(1, 14):  # 14 copies in all: 17 to 30 November
        day = date(2026, 11, 30) - timedelta(days=n)
        (folder / f"daily-{day.isoformat()}.sqlite3").write_bytes(first.read_bytes())
    before = sorted(p.name for p in folder.glob("daily-*"))
    (folder / "before-upgrade-2026-01-01.sqlite3").write_bytes(first.read_bytes())

    clock.now = datetime(2029, 12, 1, 9, 0, tzinfo=UTC)  # a desk three years fast
    fast = backups.daily_backup_if_due(ctx, manager)
    assert fast == folder / "daily-2029-12-01.sqlite3"
    assert sorted(p.name for p in folder.glob("daily-*")) == sorted([*before, fast.name])
    summary = _last_entry(ctx, manager).summary
    assert "nothing pruned" in summary and "check this computer's date and time" in summary

    clock.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # the clock put right, the next day
    backups.daily_backup_if_due(ctx, manager)
    real = [d for d, _ in backups.daily_copies(folder) if d.year == 2026]
    assert len(real) == 14 and real[-1] == date(2026, 11, 18)  # only 17 November went
    assert backups.future_dated(folder, date(2026, 12, 1)) == [fast]
    assert "1 dated after today left alone: daily-2029-12-01.sqlite3" in (
        _last_entry(ctx, manager).summary
    )
    assert (folder / "before-upgrade-2026-01-01.sqlite3").exists()  # never pruned


@pytest.mark.postgres
def test_on_postgresql_the_server_tools_are_the_way(
    tmp_path: Path, pg_url: str, profile: PracticeProfile
) -> None:
    locations = paths.resolve(tmp_path / "data", pg_url)
    ctx = open_context(locations)
    try:
        manager = practice.first_run_setup(ctx, profile, "Maria Okafor", "482913").actor
        with pytest.raises(PracticeActionError) as refused:
            backups.backup_now(ctx, manager)
        message = str(refused.value)
        assert "pg_dump -Fc" in message and "pg_restore" in message
        assert "server's own tools" in message
        password = pg_url.split(":")[2].split("@")[0]
        assert f":{password}@" not in message
        assert "pg_dump -Fc --file practice-action.dump postgresql://" in message
        assert backups.daily_backup_if_due(ctx, manager) is None
        with pytest.raises(PracticeActionError, match="SQLite database only"):
            backups.restore_file(locations, manager, tmp_path / "x.sqlite3")
        assert not locations.backups_dir.exists()
    finally:
        ctx.store.dispose()


def test_backup_and_restore_commands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], ctx: Context, manager: Actor, pin_typed
) -> None:
    assert ctx.data_dir is not None
    data = str(ctx.data_dir)
    out = tmp_path / "copy.sqlite3"
    assert cli.main(["--data-dir", data, "backup", "--out", str(out)]) == cli.EXIT_OK
    assert f"Backup written to {out}" in capsys.readouterr().out
    ctx.store.dispose()
    pin_typed(MANAGER_PIN)
    assert cli.main(["--data-dir", data, "restore", str(out), "--as", manager.name]) == cli.EXIT_OK
    assert "Restored the database from" in capsys.readouterr().out
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"nothing to see" * 100)
    pin_typed(MANAGER_PIN)
    assert cli.main(["--data-dir", data, "restore", str(junk), "--as", manager.name]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Not restored:") and "Traceback" not in err


def test_a_folder_name_with_hash_or_question_mark_is_read_as_a_name(
    ctx: Context, manager: Actor, tmp_path: Path
) -> None:
    folder = tmp_path / "Practice #2?old"
    folder.mkdir()
    good = backups.backup_now(ctx, manager, folder / "good.sqlite3")
    assert check_sqlite_file(good) == []
    assert backups.backup_problems(good) == []
    damaged = folder / "damaged.sqlite3"
    damaged.write_bytes(good.read_bytes()[:4096])
    assert check_sqlite_file(damaged) != []
    assert backups.backup_problems(damaged) != []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Practice #2?old", "data"]


def test_restore_is_refused_while_another_desk_is_busy_in_the_database(
    ctx: Context, locations: paths.Locations, manager: Actor
) -> None:

    backup = backups.backup_now(ctx, manager)
    _add_clinician(ctx, manager, "Dr Written After The Backup")
    other_desk = sqlite3.connect(locations.sqlite_path, timeout=5, isolation_level=None)
    try:
        other_desk.execute("BEGIN")
        other_desk.execute("SELECT count(*) FROM clinician").fetchone()  # a read in progress
        _add_clinician(ctx, manager, "Dr Also In The Log")
        ctx.store.dispose()
        with pytest.raises(PracticeActionError, match="another desk is using the database"):
            backups.restore_file(locations, manager, backup)
    finally:
        other_desk.close()
    reopened = open_context(locations)
    try:
        assert "Dr Also In The Log" in _clinicians(reopened)
    finally:
        reopened.store.dispose()
