"""Benchmark: recording a contact through the service layer, beside raw drivers doing the
same guarded update and insert, in the same run; then the concurrency proof's figures.

    python bench/bench_counter.py [--records 400] [--postgres URL]

SQLite runs with the app's settings (WAL, synchronous=FULL). PostgreSQL runs when --postgres
or PRACTICE_ACTION_TEST_POSTGRES_URL names a server role that may create databases.
Budget (issue 5): the service's p50 within 4 times the raw baseline's.
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
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from conftest import valid_profile
from counter_helpers import add_clinician, adopt_cap
from counter_race import race

from practice_action import paths
from practice_action.domain.enums import ContactType, StaffRole
from practice_action.domain.records import StaffMember
from practice_action.services import counter, practice, staff
from practice_action.services.context import Actor, Context
from practice_action.services.health import open_context

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
    return ctx, Actor("Desk", StaffRole.RECEPTIONIST, None), ids


def interleaved(
    first: Iterator[float], second: Iterator[float], records: int
) -> tuple[list[float], list[float]]:
    """One step of each in turn, so that both see the same machine at the same moments."""
    a, b = [], []
    for _ in range(records):
        a.append(next(first))
        b.append(next(second))
    return a, b


def time_service(ctx: Context, actor: Actor, ids: list[int], records: int) -> Iterator[float]:
    for i in range(records):
        start = time.perf_counter()
        counter.record_contact(ctx, actor, ids[i % len(ids)], ContactType.FACE_TO_FACE)
        yield time.perf_counter() - start


def raw_sqlite(path: Path, records: int) -> Iterator[float]:
    """The same guarded update and insert with the sqlite3 module, one transaction each."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    db.executescript(
        "CREATE TABLE day (clinician INTEGER, day TEXT, n INTEGER, UNIQUE (clinician, day));"
        "CREATE TABLE contact (id INTEGER PRIMARY KEY, clinician INTEGER, day TEXT, at TEXT,"
        " type TEXT, recorded_by TEXT);"
    )
    today = date.today().isoformat()
    for i in range(records):
        clinician = i % CLINICIANS
        start = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO day VALUES (?, ?, 0) ON CONFLICT DO NOTHING", (clinician, today))
        changed = db.execute(
            "UPDATE day SET n = n + 1 WHERE clinician = ? AND day = ? AND n < ?",
            (clinician, today, CAP),
        ).rowcount
        if changed == 1:
            db.execute(
                "INSERT INTO contact (clinician, day, at, type, recorded_by) "
                "VALUES (?, ?, datetime('now'), 'face_to_face', 'Desk')",
                (clinician, today),
            )
        db.execute("COMMIT")
        yield time.perf_counter() - start
    db.close()


def raw_postgres(url: str, records: int) -> Iterator[float]:
    import psycopg

    with psycopg.connect(url) as db:
        db.execute(
            "CREATE TABLE day (clinician INTEGER, day DATE, n INTEGER, UNIQUE (clinician, day));"
            "CREATE TABLE contact (id SERIAL PRIMARY KEY, clinician INTEGER, day DATE,"
            " at TIMESTAMPTZ, type TEXT, recorded_by TEXT);"
        )
        db.commit()
        today = date.today()
        for i in range(records):
            clinician = i % CLINICIANS
            start = time.perf_counter()
            db.execute(
                "INSERT INTO day VALUES (%s, %s, 0) ON CONFLICT DO NOTHING", (clinician, today)
            )
            changed = db.execute(
                "UPDATE day SET n = n + 1 WHERE clinician = %s AND day = %s AND n < %s",
                (clinician, today, CAP),
            ).rowcount
            if changed == 1:
                db.execute(
                    "INSERT INTO contact (clinician, day, at, type, recorded_by) "
                    "VALUES (%s, %s, now(), 'face_to_face', 'Desk')",
                    (clinician, today),
                )
            db.commit()
            yield time.perf_counter() - start


def scratch_pg(server: str) -> tuple[str, Callable[[], None]]:
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(server).set(drivername="postgresql")
    name = f"pa_bench_{uuid.uuid4().hex[:10]}"
    conninfo = admin.render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as db:
        db.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(conninfo, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return admin.set(database=name).render_as_string(hide_password=False), drop


def report(label: str, service: list[float], raw: list[float]) -> None:
    s50, s99 = percentiles(service)
    r50, r99 = percentiles(raw)
    print(f"{label:<12} {'service':>10} {'raw driver':>12} {'ratio':>7}")
    print(f"{'p50 (ms)':<12} {s50:>10.2f} {r50:>12.2f} {s50 / r50:>7.2f}")
    print(f"{'p99 (ms)':<12} {s99:>10.2f} {r99:>12.2f} {s99 / r99:>7.2f}")
    verdict = "within" if s50 <= 4 * r50 else "OVER"
    print(f"budget: service p50 {verdict} 4x the raw baseline\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=400)
    parser.add_argument("--postgres", default=os.environ.get("PRACTICE_ACTION_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    records = min(args.records, CLINICIANS * CAP)
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        print(f"Recording {records} contacts, one transaction each (SQLite: WAL, synchronous=FULL)")
        locations = paths.resolve(root / "service")
        ctx, actor, ids = prepare(locations)
        service, raw = interleaved(
            time_service(ctx, actor, ids, records),
            raw_sqlite(root / "raw.sqlite3", records),
            records,
        )
        ctx.store.dispose()
        report("SQLite", service, raw)
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
            raw_url, drop_raw = scratch_pg(args.postgres)
            try:
                pg_locations = paths.resolve(root / "pg", url)
                ctx, actor, ids = prepare(pg_locations)
                service, raw = interleaved(
                    time_service(ctx, actor, ids, records),
                    raw_postgres(raw_url, records),
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
