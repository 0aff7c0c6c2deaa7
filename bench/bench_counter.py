"""Benchmark: recording a contact through the service layer, beside the raw driver running
the very same statements, in the same run; then the concurrency proof's figures.

    python bench/bench_counter.py [--size demo|five-year|both] [--records 300] [--postgres URL]

Each size (bench/practice_size.py) is measured on a copy of that practice: the demo (three
weeks, 2,000 audit entries) and the five-year practice (920,000 contacts, a million audit
entries). On the copy a partner adopts a cap high enough for the run, and a receptionist
signed in at the desk records contacts for the clinicians on duty today.

The baseline: the service records contact i on a second copy of the practice while every
statement it sends is captured (the guarded day-counter update, the contact insert, the reads
of the settings, plan and audit head, the audit entry insert and the head update, with their
parameters), and the baseline then runs exactly those statements with those parameters
through the plain driver (sqlite3 or psycopg), in one transaction (BEGIN IMMEDIATE ... COMMIT
on SQLite), on a third copy of the same database (same tables, indexes, triggers and rows)
with the same settings. The service's figure is taken on the first copy, recording the same
contact with nothing capturing it, so that the capture's own cost is charged to no one. What
the service spends beyond the baseline is the app's own work: Python, hashing, its checks.

SQLite runs twice: with the app's settings (WAL, synchronous=FULL), and with fsync free
(synchronous=OFF on both sides) so that the app's overhead is not hidden by the disk.
PostgreSQL runs when --postgres or PRACTICE_ACTION_TEST_POSTGRES_URL names a server role that
may create databases. Budget (issue 18): the service's p50 within 2 times the baseline's.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import practice_size  # bench/, the script's own folder
from conftest import valid_profile
from counter_helpers import add_clinician, adopt_cap
from counter_race import race
from sqlalchemy import event

from practice_action import paths
from practice_action.domain.enums import ContactType, StaffRole
from practice_action.domain.records import StaffMember
from practice_action.services import counter, practice, registers, staff
from practice_action.services.context import Actor, Context
from practice_action.services.demo import DEMO_PINS
from practice_action.services.health import open_context
from practice_action.store.raw import Raw

CLINICIANS = 10
CAP = 60


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return p50 * 1000, p99 * 1000


def on_practice(locations: paths.Locations, records: int) -> tuple[Context, Actor, list[int]]:
    """A copy of a practice of some size, ready for ``records`` contacts: the highest cap the
    plan allows (60) adopted by a partner, every clinician put on today's counter, and a
    receptionist signed in; one contact recorded to warm the rule. The clinicians are listed
    once for each contact they have room for."""
    ctx = open_context(locations)
    partner = signed_in(ctx, "Dr Asha Mistry")
    manager = signed_in(ctx, "Karen Holt")
    desk = signed_in(ctx, "Jade Barker")
    on_duty = {c.clinician_id for c in counter.board(ctx).clinicians}
    for clinician in registers.list_records(ctx, registers.CLINICIANS, include_retired=False):
        if clinician.id not in on_duty:
            assert clinician.id is not None
            counter.add_to_today(ctx, manager, clinician.id)
    adopt_cap(ctx, partner, 60)
    board = counter.board(ctx)
    counter.record_contact(ctx, desk, board.clinicians[-1].clinician_id, ContactType.TELEPHONE)
    room = [c.clinician_id for c in counter.board(ctx).clinicians for _ in range(c.left or 0)]
    if len(room) < records:
        raise SystemExit(
            f"the practice has room for {len(room)} contacts today, not {records}: "
            "ask for fewer with --records"
        )
    return ctx, desk, spread(room)


def spread(room: list[int]) -> list[int]:
    """One contact for each clinician in turn, as a desk's day goes, until their room is used."""
    left: dict[int, int] = {}
    for cid in room:
        left[cid] = left.get(cid, 0) + 1
    order: list[int] = []
    while left:
        for cid in list(left):
            order.append(cid)
            left[cid] -= 1
            if not left[cid]:
                del left[cid]
    return order


def signed_in(ctx: Context, name: str) -> Actor:
    member = next(m for m in staff.list_staff(ctx) if m.name == name)
    assert member.id is not None
    return staff.sign_in(ctx, member.id, DEMO_PINS[name]).actor


def prepare(locations: paths.Locations) -> tuple[Context, Actor, list[int]]:
    ctx = open_context(locations)
    manager = practice.first_run_setup(ctx, valid_profile(), "Bench Manager", "482913").actor
    member = staff.add_staff(ctx, manager, StaffMember("Dr Bench", StaffRole.PARTNER), "573028")
    partner = Actor(member.name, member.role, member.id)
    ids = [add_clinician(ctx, manager, f"Dr Bench {i}") for i in range(CLINICIANS)]
    adopt_cap(ctx, partner, CAP)
    desk = Actor("Desk", StaffRole.RECEPTIONIST, None)
    # The desk's first contact of the day works the cap rule out (in an ORM session); every
    # later one finds it worked out. Recorded here, it is in the baseline's copy too.
    counter.record_contact(ctx, desk, ids[-1], ContactType.TELEPHONE)
    return ctx, desk, ids


def interleaved(
    timed: Iterator[float], captured: Iterator[float], baseline: Iterator[float], records: int
) -> tuple[list[float], list[float]]:
    """One step of each in turn, so that both timed sides see the same machine at the same
    moments: the service timed, the service captured (untimed), the baseline replaying it."""
    a, b = [], []
    for _ in range(records):
        a.append(next(timed))
        next(captured)
        b.append(next(baseline))
    return a, b


class Captured:
    """Every statement the service sends while it records one contact, in order: those of
    store/raw.py's hot path and those SQLAlchemy sends (BEGIN IMMEDIATE, any ORM reads)."""

    def __init__(self, ctx: Context) -> None:
        global _capturing
        self.statements: list[tuple[str, Any]] = []
        self.on = False
        _capturing = self

        def seen(_c: Any, _cur: Any, statement: str, parameters: Any, _x: Any, many: bool) -> None:
            if self.on and not many:
                self.statements.append((statement, parameters))

        event.listen(ctx.store.engine, "before_cursor_execute", seen)


_capturing: Captured | None = None


_REAL_RAW = (Raw.one, Raw.run)


def _capture_raw(on: bool) -> None:
    """Raw's statements noted for the baseline (on) or sent as the app sends them (off): the
    copy whose timing counts runs the app's own methods, with nothing in between."""
    real_one, real_run = _REAL_RAW
    if not on:
        Raw.one, Raw.run = real_one, real_run  # type: ignore[method-assign]
        return

    def note(raw: Raw, text: str, params: Any) -> None:
        if _capturing is not None and _capturing.on:
            _capturing.statements.append((raw.sql(text), tuple(params)))

    def one(raw: Raw, text: str, params: Any = ()) -> Any:
        note(raw, text, params)
        return real_one(raw, text, params)

    def run(raw: Raw, text: str, params: Any = ()) -> None:
        note(raw, text, params)
        real_run(raw, text, params)

    Raw.one, Raw.run = one, run  # type: ignore[method-assign]


def time_service(ctx: Context, actor: Actor, ids: list[int], records: int) -> Iterator[float]:
    """The service recording each contact, timed, with nothing capturing its statements."""
    _capture_raw(False)
    for i in range(records):
        start = time.perf_counter()
        counter.record_contact(ctx, actor, ids[i % len(ids)], ContactType.FACE_TO_FACE)
        elapsed = time.perf_counter() - start
        yield elapsed


def capture_service(
    ctx: Context, actor: Actor, ids: list[int], records: int, captured: Captured
) -> Iterator[float]:
    """The service recording the same contacts on another copy, its statements captured for
    the baseline (not timed)."""
    for i in range(records):
        captured.statements = []
        captured.on = True
        _capture_raw(True)
        try:
            counter.record_contact(ctx, actor, ids[i % len(ids)], ContactType.FACE_TO_FACE)
        finally:
            captured.on = False
            _capture_raw(False)
        yield 0.0


def raw_sqlite(path: Path, captured: Captured, records: int, synchronous: str) -> Iterator[float]:
    """The service's own statements for each contact, replayed with the sqlite3 module."""
    db = sqlite3.connect(path, isolation_level=None, timeout=30)
    db.execute("PRAGMA busy_timeout = 30000")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute(f"PRAGMA synchronous = {synchronous}")
    for _ in range(records):
        statements = list(captured.statements)
        start = time.perf_counter()
        for statement, params in statements:
            db.execute(statement, params).fetchall()
        if statements and not statements[0][0].startswith("BEGIN"):
            raise RuntimeError("the service's transaction did not begin as expected")
        db.execute("COMMIT")
        yield time.perf_counter() - start
    db.close()


def raw_postgres(url: str, captured: Captured, records: int) -> Iterator[float]:
    """The service's own statements for each contact, replayed with psycopg (and the server
    time it reads on its cursor directly: SELECT CURRENT_TIMESTAMP)."""
    import psycopg

    with psycopg.connect(url) as db:
        for _ in range(records):
            statements = list(captured.statements)
            start = time.perf_counter()
            db.execute("SELECT CURRENT_TIMESTAMP").fetchall()
            for statement, params in statements:
                cursor = db.execute(statement, params or None)
                if cursor.description:
                    cursor.fetchall()
            db.commit()
            yield time.perf_counter() - start


def scratch_pg(server: str, template: str | None = None) -> tuple[str, Callable[[], None]]:
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(server).set(drivername="postgresql")
    name = f"pa_bench_{uuid.uuid4().hex[:10]}"
    conninfo = admin.render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as db:
        if template is None:
            db.execute(f'CREATE DATABASE "{name}"')
        else:
            db.execute(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(template).database}"')

    def drop() -> None:
        with psycopg.connect(conninfo, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return admin.set(database=name).render_as_string(hide_password=False), drop


def report(label: str, service: list[float], raw: list[float], size: str) -> None:
    s50, s99 = percentiles(service)
    r50, r99 = percentiles(raw)
    print(f"{label:<12} {'service':>10} {'same SQL raw':>12} {'ratio':>7}")
    print(f"{'p50 (ms)':<12} {s50:>10.2f} {r50:>12.2f} {s50 / r50:>7.2f}")
    print(f"{'p99 (ms)':<12} {s99:>10.2f} {r99:>12.2f} {s99 / r99:>7.2f}")
    met = s50 <= 2 * r50
    print(
        f"budget: service p50 {'within' if met else 'OVER'} 2x the baseline "
        "(the same statements, raw)\n"
    )
    SUMMARY.append(
        f"{'contact ' + label:<19} {size:<10} {r50:>9.2f} ms {s50:>6.2f} ms {s50 / r50:>6.2f}"
        f"  2x      {'yes' if met else 'NO'}"
    )


def _warm_rule(ctx: Context) -> None:
    """The day's cap rule worked out on this copy, as its first contact of the day would: every
    contact timed or captured then takes the hot path, as a desk's do all day."""
    from practice_action.domain.calendar import local_today
    from practice_action.services.plan import contacts_cap_in

    with ctx.store.read() as session:
        contacts_cap_in(session, local_today(ctx.clock))


def _copy_sqlite(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as old, sqlite3.connect(target) as new:
        old.backup(new)
    old.close()
    new.close()


def sqlite_run(
    folder: Path, size: str, records: int, synchronous: str
) -> tuple[list[float], list[float]]:
    locations = practice_size.sqlite_copy(size, folder / "service")
    ctx, actor, ids = on_practice(locations, records)
    ctx.store.dispose()  # the file is whole on disk: copy it for the capture and the baseline
    assert locations.sqlite_path is not None
    captured_at = paths.resolve(folder / "captured")
    assert captured_at.sqlite_path is not None
    _copy_sqlite(locations.sqlite_path, captured_at.sqlite_path)
    copy = folder / "baseline.sqlite3"
    _copy_sqlite(locations.sqlite_path, copy)
    capture_ctx = open_context(captured_at)
    _warm_rule(capture_ctx)

    for store in (ctx.store, capture_ctx.store):

        @event.listens_for(store.engine, "connect")
        def _sync(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute(f"PRAGMA synchronous = {synchronous}")

    captured = Captured(capture_ctx)
    try:
        timings = interleaved(
            time_service(ctx, actor, ids, records),
            capture_service(capture_ctx, actor, ids, records, captured),
            raw_sqlite(copy, captured, records, synchronous),
            records,
        )
    finally:
        ctx.store.dispose()
        capture_ctx.store.dispose()
    # The baseline did the same work: the same rows in all three files, and the same audit
    # head as the copy whose statements it ran (the timed copy's head has its own times).
    rows = "SELECT (SELECT count(*) FROM contact), (SELECT count(*) FROM audit_entry)"
    head = "SELECT hash FROM audit_head"
    found = []
    for path in (locations.sqlite_path, captured_at.sqlite_path, copy):
        with sqlite3.connect(path) as db:
            found.append((db.execute(rows).fetchone(), db.execute(head).fetchone()))
        db.close()
    (timed_rows, _), captured_rows, baseline_rows = found
    if not (timed_rows == captured_rows[0] and captured_rows == baseline_rows):
        raise RuntimeError("the baseline did not write what the service wrote")
    print(f"statements per contact (both sides): {len(captured.statements)} and COMMIT")
    return timings


def postgres_run(
    root: Path, server: str, size: str, records: int
) -> tuple[list[float], list[float]]:
    locations, drop = practice_size.postgres_copy(size, server, root / f"pg-{size}")
    drops: list[Callable[[], None]] = []
    try:
        ctx, actor, ids = on_practice(locations, records)
        ctx.store.dispose()  # nobody connected: the database can be a template
        capture_url, drop_capture = scratch_pg(server, template=locations.database_url)
        drops.append(drop_capture)
        raw_url, drop_raw = scratch_pg(server, template=locations.database_url)
        drops.append(drop_raw)
        ctx = open_context(locations)
        capture_ctx = open_context(paths.resolve(root / f"pg-{size}-captured", capture_url))
        _warm_rule(ctx)
        _warm_rule(capture_ctx)
        captured = Captured(capture_ctx)
        try:
            timings = interleaved(
                time_service(ctx, actor, ids, records),
                capture_service(capture_ctx, actor, ids, records, captured),
                raw_postgres(raw_url, captured, records),
                records,
            )
        finally:
            ctx.store.dispose()
            capture_ctx.store.dispose()
        return timings
    finally:
        drop()
        for each in drops:
            each()


SUMMARY: list[str] = []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    practice_size.add_size_argument(parser)
    parser.add_argument("--records", type=int, default=300)
    parser.add_argument("--postgres", default=practice_size.postgres_server())
    parser.add_argument("--no-race", action="store_true", help="leave out the race figures")
    args = parser.parse_args()
    records = args.records
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        for size in practice_size.sizes(args.size):
            for synchronous in ("FULL", "OFF"):
                print(
                    f"{size}: recording {records} contacts, one transaction each "
                    f"(SQLite: WAL, synchronous={synchronous} on both sides)"
                )
                folder = root / f"{size}-{synchronous.lower()}"
                service, raw = sqlite_run(folder, size, records, synchronous)
                report(f"SQLite {synchronous}", service, raw, size)
            if args.postgres:
                print(f"{size}: recording {records} contacts on PostgreSQL")
                service, raw = postgres_run(root, args.postgres, size, records)
                report("PostgreSQL", service, raw, size)
        if not args.no_race:
            races(root, args.postgres)
    return practice_size.table(
        "benchmark           size       baseline p50  app p50   ratio  budget  met", SUMMARY
    )


def races(root: Path, server: str | None) -> None:
    race_dir = root / "race"
    race_locations = paths.resolve(race_dir)
    race_ctx, _, race_ids = prepare(race_locations)
    race_ctx.store.dispose()
    started = time.perf_counter()
    result = race(race_dir, race_locations.database_url, race_ids[0])
    print(
        f"SQLite race: 8 processes x 50 attempts on one clinician (cap {CAP}): "
        f"{result.recorded} recorded, {result.refused} refused, {len(result.errors)} errors, "
        f"{time.perf_counter() - started:.1f} s in all\n"
    )
    if not server:
        print("PostgreSQL: skipped (no --postgres URL)")
        return
    race_url, drop_race = scratch_pg(server)
    try:
        race_locations = paths.resolve(root / "pg-race", race_url)
        race_ctx, _, race_ids = prepare(race_locations)
        race_ctx.store.dispose()
        started = time.perf_counter()
        result = race(root / "pg-race", race_url, race_ids[0])
        print(
            f"PostgreSQL race: 8 processes x 50 attempts on one clinician "
            f"(cap {CAP}): {result.recorded} recorded, {result.refused} refused, "
            f"{len(result.errors)} errors, "
            f"{time.perf_counter() - started:.1f} s in all"
        )
    finally:
        drop_race()


if __name__ == "__main__":
    sys.exit(main())
