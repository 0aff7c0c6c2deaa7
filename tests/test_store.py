"""The store: SQLite settings that keep a contact safe, private files, plain errors, and the
``check`` command's exit codes."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from pathlib import Path

import pytest
from conftest import drop_audit_guards
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from practice_action import cli, paths
from practice_action.domain.errors import StoreError
from practice_action.services import audit
from practice_action.services.context import Actor, Context
from practice_action.services.health import open_context
from practice_action.store import migrate
from practice_action.store.models import Practice


def test_every_sqlite_connection_has_the_safe_settings(ctx: Context) -> None:
    with ctx.store.engine.connect() as connection:
        pragma = connection.exec_driver_sql

        assert pragma("PRAGMA journal_mode").scalar() == "wal"
        assert pragma("PRAGMA foreign_keys").scalar() == 1
        assert pragma("PRAGMA synchronous").scalar() == 2  # FULL
        assert pragma("PRAGMA busy_timeout").scalar() >= 5000


def test_foreign_keys_are_enforced(ctx: Context, manager: Actor) -> None:
    with pytest.raises(IntegrityError, match="FOREIGN KEY"), ctx.store.write() as session:
        session.connection().exec_driver_sql(
            "INSERT INTO extra_duty (clinician_id, day, sessions) VALUES (999, '2026-01-05', 2)"
        )


def test_a_write_transaction_holds_the_write_lock_from_its_start(
    ctx: Context, manager: Actor, locations: paths.Locations
) -> None:
    """BEGIN IMMEDIATE: a desk that has only read so far already keeps other writers out."""
    other = sqlite3.connect(locations.sqlite_path, timeout=0, isolation_level=None)
    try:
        with ctx.store.write() as session:
            session.execute(select(Practice.list_size)).scalar_one()  # a read, nothing more
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # free again once the transaction ends
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_a_read_transaction_does_not_block_writers(
    ctx: Context, manager: Actor, locations: paths.Locations
) -> None:
    other = sqlite3.connect(locations.sqlite_path, timeout=0, isolation_level=None)
    try:
        with ctx.store.read() as session:
            session.execute(select(Practice.list_size)).scalar_one()
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
    finally:
        other.close()


def test_two_desks_writing_at_once_wait_for_each_other_and_lose_nothing(
    ctx: Context, manager: Actor, locations: paths.Locations
) -> None:
    """Read-then-write from two connections at once: each waits its turn, no update is lost."""
    second = open_context(locations)
    rounds = 25
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def desk(context: Context) -> None:
        try:
            start.wait()
            for _ in range(rounds):
                with context.store.write() as session:
                    row = session.get(Practice, 1)
                    assert row is not None
                    row.list_size = row.list_size + 1
                    audit.append(session, context, manager, "test.bump", "list size + 1")
        except BaseException as error:  # reported below, in the test's own thread
            errors.append(error)

    with ctx.store.read() as session:
        size_before = session.execute(select(Practice.list_size)).scalar_one()
    threads = [threading.Thread(target=desk, args=(c,)) for c in (ctx, second)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        second.store.dispose()

    assert errors == []
    with ctx.store.read() as session:
        assert session.execute(select(Practice.list_size)).scalar_one() == size_before + 2 * rounds
    chain = audit.verify(ctx)
    assert chain.intact, chain.problem


@pytest.mark.skipif(os.name != "posix", reason="file modes are a POSIX idea")
def test_the_database_and_data_folder_are_private(ctx: Context, locations: paths.Locations) -> None:
    database = locations.sqlite_path
    assert database is not None
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    assert stat.S_IMODE(locations.data_dir.stat().st_mode) == 0o700


@pytest.mark.skipif(os.name != "posix", reason="file modes are a POSIX idea")
def test_permissions_the_user_set_are_left_alone_and_check_warns_when_others_may_read(
    locations: paths.Locations, capsys: pytest.CaptureFixture[str]
) -> None:
    open_context(locations).store.dispose()
    database = locations.sqlite_path
    assert database is not None
    assert stat.S_IMODE(database.stat().st_mode) == 0o600  # made private
    assert stat.S_IMODE(locations.data_dir.stat().st_mode) == 0o700
    database.chmod(0o644)
    locations.data_dir.chmod(0o755)

    assert cli.main(["--data-dir", str(locations.data_dir), "check"]) == 0

    assert stat.S_IMODE(database.stat().st_mode) == 0o644  # never changed behind the user's back
    assert stat.S_IMODE(locations.data_dir.stat().st_mode) == 0o755
    out = capsys.readouterr().out
    assert f"Warning: {locations.data_dir} can be read by other users of this computer" in out
    assert "chmod 700" in out


def test_an_unreachable_server_gives_a_plain_message(tmp_path: Path) -> None:
    url = "postgresql://practice:secret-word@127.0.0.1:1/practice_action"
    with pytest.raises(StoreError) as refused:
        open_context(paths.resolve(tmp_path / "data", url))
    message = str(refused.value)
    assert message.startswith("The database server cannot be reached")
    assert "Check that the server is running" in message
    assert "secret-word" not in message
    assert "Traceback" not in message


def test_a_file_that_is_not_a_database_is_refused_and_left_alone(
    locations: paths.Locations,
) -> None:
    database = locations.sqlite_path
    assert database is not None
    paths.make_private_dir(locations.data_dir)
    junk = b"These are the minutes of the practice meeting, not a database.\n" * 200
    database.write_bytes(junk)

    with pytest.raises(StoreError) as refused:
        open_context(locations)

    assert "cannot be opened" in str(refused.value)
    assert "practice-action restore" in str(refused.value)
    assert database.read_bytes() == junk


def test_a_database_made_by_something_else_is_refused(locations: paths.Locations) -> None:
    database = locations.sqlite_path
    assert database is not None
    paths.make_private_dir(locations.data_dir)
    other = sqlite3.connect(database)
    other.execute("CREATE TABLE recipes (name TEXT)")
    other.commit()
    other.close()
    with pytest.raises(StoreError, match="tables that Practice Action did not create"):
        open_context(locations)


def test_an_in_memory_database_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot be shared"):
        open_context(paths.resolve(tmp_path / "data", "sqlite://"))


def test_check_reports_a_healthy_database_with_exit_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    assert cli.main(["--data-dir", str(data), "check"]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert f"Schema revision: {migrate.head_revision()}" in out
    assert f"Data folder: {data}" in out
    assert "Integrity check: ok" in out
    assert (data / paths.DATABASE_FILE).is_file()


def test_check_refuses_a_damaged_file_with_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    paths.make_private_dir(data)
    (data / paths.DATABASE_FILE).write_bytes(b"not a database at all" * 100)
    assert cli.main(["--data-dir", str(data), "check"]) == cli.EXIT_PROBLEM
    captured = capsys.readouterr()
    assert captured.err.startswith("Database problem: The database file cannot be opened")
    assert "Traceback" not in captured.err + captured.out


def test_check_refuses_a_newer_database_with_exit_1(
    locations: paths.Locations, capsys: pytest.CaptureFixture[str]
) -> None:
    ctx = open_context(locations)
    with ctx.store.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = 'zz99'")
    ctx.store.dispose()
    code = cli.main(["--data-dir", str(locations.data_dir), "check"])
    assert code == cli.EXIT_PROBLEM
    assert "newer version of Practice Action" in capsys.readouterr().err


def test_check_finds_a_broken_reference_and_exits_1(
    locations: paths.Locations, manager: Actor, capsys: pytest.CaptureFixture[str]
) -> None:
    database = locations.sqlite_path
    assert database is not None
    raw = sqlite3.connect(database)  # foreign keys are off on a bare connection
    drop_audit_guards(raw)
    raw.execute("UPDATE audit_entry SET staff_id = 999 WHERE seq = 1")
    raw.commit()
    raw.close()
    code = cli.main(["--data-dir", str(locations.data_dir), "check"])
    assert code == cli.EXIT_PROBLEM
    assert "broken reference in audit_entry" in capsys.readouterr().out


REFUSED_AT_THE_CAP = """
import sys
from datetime import UTC, datetime

from practice_action import paths
from practice_action.domain import calendar
from practice_action.domain.enums import StaffRole
from practice_action.domain.records import StaffMember
from practice_action.services import counter, practice, staff
from practice_action.services.context import Actor
from practice_action.services.health import open_context
from conftest import valid_profile
from counter_helpers import add_clinician, adopt_cap

calendar.set_system_clock(lambda: datetime.fromisoformat(sys.argv[2]).astimezone(UTC))
ctx = open_context(paths.resolve(sys.argv[1]))
manager = practice.first_run_setup(ctx, valid_profile(), "Maria Okafor", "482913").actor
made = staff.add_staff(ctx, manager, StaffMember("Dr Sam Patel", StaffRole.PARTNER), "573028")
partner = Actor(made.name, made.role, made.id)
gp = add_clinician(ctx, manager, "Dr Ada Lovelace")
adopt_cap(ctx, partner, 25)
for _ in range(25):
    counter.record_contact(ctx, manager, gp)
try:
    counter.record_contact(ctx, manager, gp)
except counter.AtCap:
    print("refused")
print("psycopg loaded:", sorted(n for n in sys.modules if n.split(".")[0] == "psycopg"))
"""


def test_a_sqlite_desk_refused_at_the_cap_never_loads_the_postgresql_driver(
    tmp_path: Path, _pinned_clock
) -> None:
    import subprocess
    import sys

    tests = Path(__file__).parent
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            REFUSED_AT_THE_CAP,
            str(tmp_path / "data"),
            _pinned_clock.isoformat(),
        ],
        cwd=tests,
        env={**os.environ, "PYTHONPATH": str(tests)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["refused", "psycopg loaded: []"]


def test_the_hot_path_keeps_one_connection_between_contacts_and_gives_it_back_after_an_error(
    ctx: Context, manager: Actor, partner: Actor, receptionist: Actor
) -> None:
    """Recording a contact takes no connection from the pool once the desk has one; a contact
    refused mid-transaction rolls back, leaves nothing behind and hands its connection back."""
    from counter_helpers import EVERY_DAY, add_clinician, adopt_cap
    from sqlalchemy import event

    from practice_action.domain.errors import NotFound
    from practice_action.services import counter, registers

    clinician = add_clinician(ctx, manager, "Dr Kept", EVERY_DAY)
    retired = add_clinician(ctx, manager, "Dr Gone", EVERY_DAY)
    registers.set_active(ctx, manager, registers.CLINICIANS, retired, False)
    adopt_cap(ctx, partner, 25)
    checkouts: list[int] = []
    event.listen(ctx.store.engine, "checkout", lambda *_: checkouts.append(1))
    counter.record_contact(ctx, receptionist, clinician)  # works the day's rule out
    counter.record_contact(ctx, receptionist, clinician)  # takes the connection it keeps
    taken = len(checkouts)
    for _ in range(2):
        counter.record_contact(ctx, receptionist, clinician)
    assert len(checkouts) == taken  # the kept connection, each time

    with pytest.raises(NotFound, match="not on duty"):
        counter.record_contact(ctx, receptionist, retired)
    recorded = counter.record_contact(ctx, receptionist, clinician)
    assert len(checkouts) == taken + 1  # the failed one went back; a fresh one was taken
    assert recorded.counted == 5
    assert audit.verify(ctx).intact
    ctx.store.dispose()
    assert ctx.store.engine.pool.checkedout() == 0


def test_a_desk_checkpoints_the_wal_on_a_thread_of_its_own_not_at_commit(
    ctx: Context, manager: Actor, partner: Actor, receptionist: Actor, locations: paths.Locations
) -> None:
    """With background checkpoints a commit leaves the database file alone (the WAL holds
    it, on disk); the store's own thread copies it back soon after; dispose stops the thread."""
    import hashlib
    import time

    from counter_helpers import EVERY_DAY, add_clinician, adopt_cap

    from practice_action.services import counter

    clinician = add_clinician(ctx, manager, "Dr Wal", EVERY_DAY)
    adopt_cap(ctx, partner, 25)
    assert locations.sqlite_path is not None
    ctx.store.engine.dispose()
    with sqlite3.connect(locations.sqlite_path) as db:  # everything so far into the file
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()

    def file_hash() -> str:
        return hashlib.sha256(locations.sqlite_path.read_bytes()).hexdigest()

    ctx.store.checkpoint_in_background(every=1.5)
    with ctx.store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
    before = file_hash()
    counter.record_contact(ctx, receptionist, clinician)
    counter.record_contact(ctx, receptionist, clinician)
    assert file_hash() == before  # committed to the WAL only
    deadline = time.monotonic() + 10
    while file_hash() == before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert file_hash() != before  # the thread's checkpoint wrote it into the file
    assert any(t.name == "wal-checkpoints" for t in threading.enumerate())
    ctx.store.dispose()
    assert not any(t.name == "wal-checkpoints" for t in threading.enumerate())
    with ctx.store.engine.connect() as connection:  # no thread now: commits checkpoint again
        assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000
