"""Benchmark: recording a contact through the service layer, beside the raw driver running
the very same statements, in the same run; then the concurrency proof's figures.

    python bench/bench_counter.py [--records 400] [--postgres URL]

The baseline: while the service records contact i, every statement it sends to the database is
captured (the guarded day-counter update, the contact insert, the reads of the settings, plan
and audit head, the audit entry insert and the head update, with their parameters). The
baseline then runs exactly those statements with those parameters through the plain driver
(sqlite3 or psycopg), in one transaction (BEGIN IMMEDIATE ... COMMIT on SQLite), on a copy of
the same database (same tables, indexes, triggers and rows) with the same settings. What the
service spends beyond it is the app's own work: Python, SQLAlchemy's session, hashing.

SQLite runs twice: with the app's settings (WAL, synchronous=FULL), and with fsync free
(synchronous=OFF on both sides) so that the app's overhead is not hidden by the disk.
PostgreSQL runs when --postgres or PRACTICE_ACTION_TEST_POSTGRES_URL names a server role that
may create databases. Budget (issue 18): the service's p50 within 2 times the baseline's.
"""

from __future__ import annotations

import argparse
import os
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

from conftest import valid_profile
from counter_helpers import add_clinician, adopt_cap
from counter_race import race
from sqlalchemy import event

from practice_action import paths
from practice_action.domain.enums import ContactType, StaffRole
from practice_action.domain.records import StaffMember
from practice_action.services import counter, practice, staff
from practice_action.services.context import Actor, Context
from practice_action.services.health import open_context
from practice_action.store.raw import Raw

CLINICIANS = 10
CAP = 60


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return p50 * 1000, p99 * 1000


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
    first: Iterator[float], second: Iterator[float], records: int
) -> tuple[list[float], list[float]]:
    """One step of each in turn, so that both see the same machine at the same moments."""
    a, b = [], []
    for _ in range(records):
        a.append(next(first))
        b.append(next(second))
    return a, b


class Captured:
    """Every statement the service sends while it records one contact, in order: those of
    store/raw.py's hot path and those SQLAlchemy sends (BEGIN IMMEDIATE, any ORM reads)."""

    def __init__(self, ctx: Context) -> None:
        global _capturing
        self.statements: list[tuple[str, Any]] = []
        self.on = False
        _capturing = self
        _patch_raw()

        def seen(_c: Any, _cur: Any, statement: str, parameters: Any, _x: Any, many: bool) -> None:
            if self.on and not many:
                self.statements.append((statement, parameters))

        event.listen(ctx.store.engine, "before_cursor_execute", seen)


_capturing: Captured | None = None


def _patch_raw() -> None:
    if getattr(Raw, "_bench_patched", False):
        return
    real_one, real_run = Raw.one, Raw.run

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
    Raw._bench_patched = True  # type: ignore[attr-defined]


def time_service(
    ctx: Context, actor: Actor, ids: list[int], records: int, captured: Captured
) -> Iterator[float]:
    for i in range(records):
        captured.statements = []
        captured.on = True
        start = time.perf_counter()
        counter.record_contact(ctx, actor, ids[i % len(ids)], ContactType.FACE_TO_FACE)
        elapsed = time.perf_counter() - start
        captured.on = False
        yield elapsed


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


def report(label: str, service: list[float], raw: list[float]) -> None:
    s50, s99 = percentiles(service)
    r50, r99 = percentiles(raw)
    print(f"{label:<12} {'service':>10} {'same SQL raw':>12} {'ratio':>7}")
    print(f"{'p50 (ms)':<12} {s50:>10.2f} {r50:>12.2f} {s50 / r50:>7.2f}")
    print(f"{'p99 (ms)':<12} {s99:>10.2f} {r99:>12.2f} {s99 / r99:>7.2f}")
    verdict = "within" if s50 <= 2 * r50 else "OVER"
    print(f"budget: service p50 {verdict} 2x the baseline (the same statements, raw)\n")


def sqlite_run(folder: Path, records: int, synchronous: str) -> tuple[list[float], list[float]]:
    locations = paths.resolve(folder / "service")
    ctx, actor, ids = prepare(locations)
    ctx.store.dispose()  # the file is whole on disk: copy it for the baseline
    copy = folder / "baseline.sqlite3"
    with sqlite3.connect(locations.sqlite_path) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    source.close()
    target.close()

    @event.listens_for(ctx.store.engine, "connect")
    def _sync(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA synchronous = {synchronous}")

    captured = Captured(ctx)
    try:
        timings = interleaved(
            time_service(ctx, actor, ids, records, captured),
            raw_sqlite(copy, captured, records, synchronous),
            records,
        )
    finally:
        ctx.store.dispose()
    # The baseline did the same work: the same rows in both files, the same audit head.
    rows = "SELECT (SELECT count(*) FROM contact), (SELECT count(*) FROM audit_entry), hash FROM audit_head"
    with sqlite3.connect(locations.sqlite_path) as a, sqlite3.connect(copy) as b:
        same = a.execute(rows).fetchone() == b.execute(rows).fetchone()
    a.close()
    b.close()
    if not same:
        raise RuntimeError("the baseline did not write what the service wrote")
    print(f"statements per contact (both sides): {len(captured.statements)} and COMMIT")
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=400)
    parser.add_argument("--postgres", default=os.environ.get("PRACTICE_ACTION_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    records = min(args.records, CLINICIANS * CAP)
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        for synchronous in ("FULL", "OFF"):
            print(
                f"Recording {records} contacts, one transaction each "
                f"(SQLite: WAL, synchronous={synchronous} on both sides)"
            )
            service, raw = sqlite_run(root / synchronous.lower(), records, synchronous)
            report(f"SQLite {synchronous}", service, raw)
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
        if args.postgres:
            url, drop = scratch_pg(args.postgres)
            drop_raw: Callable[[], None] = lambda: None  # noqa: E731
            try:
                pg_locations = paths.resolve(root / "pg", url)
                ctx, actor, ids = prepare(pg_locations)
                ctx.store.dispose()  # nobody connected: the database can be a template
                raw_url, drop_raw = scratch_pg(args.postgres, template=url)
                captured = Captured(ctx)
                service, raw = interleaved(
                    time_service(ctx, actor, ids, records, captured),
                    raw_postgres(raw_url, captured, records),
                    records,
                )
                ctx.store.dispose()
                report("PostgreSQL", service, raw)
                race_url, drop_race = scratch_pg(args.postgres)
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
            finally:
                drop()
                drop_raw()
        else:
            print("PostgreSQL: skipped (no --postgres URL)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
