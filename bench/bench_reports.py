"""How long the whole-year report takes on SQLite, beside a raw grouped count of the same rows.

Builds a year of a ten-clinician practice (about 60,000 contacts, with urgent overrides,
undone contacts and diversions) with bulk inserts into a fresh SQLite file under a temporary
folder, then times ``services.reports.build`` for the year and a bare ``sqlite3``
``SELECT ... GROUP BY`` over the contact table. Prints both; asserts nothing.

    python bench/bench_reports.py [--runs 5] [--size demo|five-year|both]

Then, on the cached practices (bench/practice_size.py), the year to today on the demo and on the
five-year practice: ``services.reports.build`` beside the three statements it sends to the
database (contacts grouped by clinician and day with a count of each type, the day counters,
diversions grouped), run raw with sqlite3, so that what the report adds in Python shows.
Budget (issue 18): the year report on the five-year practice under 0.3 s.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import practice_size  # bench/, the script's own folder
from sqlalchemy import insert

from practice_action import paths
from practice_action.domain.calendar import LONDON, is_working_day
from practice_action.domain.enums import ClinicianRole, ContactType, DivertDestination, Weekday
from practice_action.domain.enums import Session as Part
from practice_action.domain.records import Clinician, PostalAddress, PracticeProfile
from practice_action.services import practice, registers, reports
from practice_action.services.health import open_context
from practice_action.store.counter_models import ClinicianDay, Contact, Diversion

YEAR_START = date(2025, 4, 1)
YEAR_END = date(2026, 3, 31)
CAP = 25


def _profile() -> PracticeProfile:
    return PracticeProfile(
        name="Benchmark Surgery",
        ods_code="C82040",
        address="1 High Street\nLeicester",
        postcode="LE1 6TP",
        phone="0116 123 4567",
        email="bench@nhs.net",
        website="",
        list_size=14000,
        icb=PostalAddress("ICB", "1 Road\nLeicester", "LE3 8TB"),
        lmc=PostalAddress("LMC", "2 Road\nLeicester", "LE1 5RA"),
    )


def build_year(folder: Path) -> tuple[object, object, int]:
    ctx = open_context(paths.resolve(folder))
    actor = practice.first_run_setup(ctx, _profile(), "Bench Manager", "482913").actor
    every_day = frozenset((d, p) for d in Weekday for p in Part)
    ids = [
        registers.save_record(
            ctx,
            actor,
            registers.CLINICIANS,
            Clinician(f"Dr Bench {n:02d}", ClinicianRole.SALARIED_GP, every_day),
        ).id
        for n in range(10)
    ]
    rng = random.Random(7)
    types = list(ContactType)
    contacts: list[dict[str, object]] = []
    days: list[dict[str, object]] = []
    diversions: list[dict[str, object]] = []
    day = YEAR_START
    while day <= YEAR_END:
        if is_working_day(day):
            opening = datetime(day.year, day.month, day.day, 8, 0, tzinfo=LONDON).astimezone(UTC)
            for cid in ids:
                counted = 0
                for i in range(rng.randint(20, 28)):
                    at = opening + timedelta(minutes=20 * i)
                    urgent = counted >= CAP
                    void = not urgent and rng.random() < 0.01
                    contacts.append(
                        {
                            "clinician_id": cid,
                            "day": day,
                            "at": at,
                            "contact_type": rng.choice(types),
                            "counted": not urgent,
                            "urgent": urgent,
                            "urgent_reason": "Duty doctor" if urgent else "",
                            "recorded_by": "bench",
                            "voided_at": at if void else None,
                            "voided_by": "bench" if void else "",
                            "void_reason": "",
                        }
                    )
                    if not urgent and not void:
                        counted += 1
                days.append({"clinician_id": cid, "day": day, "counted": counted, "cap": CAP})
                if counted >= CAP:
                    for _ in range(rng.randint(0, 3)):
                        diversions.append(
                            {
                                "day": day,
                                "at": opening + timedelta(hours=7),
                                "clinician_id": cid,
                                "destination": rng.choice(list(DivertDestination)).value,
                                "local_service_id": None,
                                "note": "",
                                "recorded_by": "bench",
                            }
                        )
        day += timedelta(days=1)
    with ctx.store.write() as session:
        session.execute(insert(Contact), contacts)
        session.execute(insert(ClinicianDay), days)
        session.execute(insert(Diversion), diversions)
    return ctx, actor, len(contacts)


_YEAR_SQL = (
    "SELECT day, clinician_id, sum(CASE WHEN voided_at IS NULL AND urgent THEN 1 ELSE 0 END),"
    " sum(CASE WHEN voided_at IS NULL AND NOT urgent AND counted THEN 1 ELSE 0 END),"
    " sum(CASE WHEN voided_at IS NULL THEN 1 ELSE 0 END),"
    " sum(CASE WHEN voided_at IS NULL THEN 0 ELSE 1 END), "
    + ", ".join(
        f"sum(CASE WHEN voided_at IS NULL AND contact_type = '{t.value}' THEN 1 ELSE 0 END)"
        for t in ContactType
    )
    + " FROM contact WHERE day >= ? AND day <= ? GROUP BY day, clinician_id",
    "SELECT day, clinician_id, counted, cap FROM clinician_day WHERE day >= ? AND day <= ?",
    "SELECT day, clinician_id, destination, count(*) FROM diversion WHERE day >= ? AND day <= ?"
    " GROUP BY day, clinician_id, destination",
)


def on_practices(sizes: tuple[str, ...], runs: int) -> None:
    from practice_action.domain.calendar import local_today
    from practice_action.domain.enums import StaffRole
    from practice_action.services.context import Actor

    for size in sizes:
        locations = practice_size.cached(size)
        ctx = open_context(locations, migrate_now=False)
        actor = Actor("Bench", StaffRole.PARTNER, None)
        end = local_today()
        start = end - timedelta(days=364)
        app, raw = [], []
        for _ in range(runs + 1):  # the first of each warms the disk cache, and is left out
            began = time.perf_counter()
            report = reports.build(ctx, actor, start, end)
            app.append(time.perf_counter() - began)
            began = time.perf_counter()
            with sqlite3.connect(locations.sqlite_path) as db:
                for sql in _YEAR_SQL:
                    db.execute(sql, (start.isoformat(), end.isoformat())).fetchall()
            db.close()
            raw.append(time.perf_counter() - began)
        ctx.store.dispose()
        a, r = statistics.median(app[1:]), statistics.median(raw[1:])
        print(
            f"{size}: year report to today ({report.totals.contacts:,} contacts, "
            f"{len(report.rows):,} rows): services {a * 1000:.0f} ms, the same three "
            f"statements raw {r * 1000:.0f} ms, ratio {a / r:.2f}; budget under 300 ms: "
            f"{'met' if a < 0.3 else 'NOT met'}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    practice_size.add_size_argument(parser)
    args = parser.parse_args()
    on_practices(practice_size.sizes(args.size), args.runs)
    with tempfile.TemporaryDirectory(prefix="pa-bench-") as folder:
        started = time.perf_counter()
        ctx, actor, n = build_year(Path(folder))
        print(f"built {n:,} contacts for 10 clinicians in {time.perf_counter() - started:.1f} s")
        database = paths.resolve(Path(folder)).sqlite_path
        report_times, raw_times = [], []
        for _ in range(args.runs):
            started = time.perf_counter()
            report = reports.build(ctx, actor, YEAR_START, YEAR_END)  # type: ignore[arg-type]
            report_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            with sqlite3.connect(database) as raw:
                raw.execute(
                    "SELECT day, clinician_id, contact_type, count(*) FROM contact "
                    "WHERE day BETWEEN ? AND ? GROUP BY day, clinician_id, contact_type",
                    (YEAR_START.isoformat(), YEAR_END.isoformat()),
                ).fetchall()
            raw.close()
            raw_times.append(time.perf_counter() - started)
        ctx.store.dispose()  # type: ignore[attr-defined]
        print(
            f"report: {report.totals.contacts:,} live contacts, "
            f"{report.totals.total_diverted:,} diverted, {len(report.rows):,} rows"
        )
        print(f"{'':<34}{'median':>10}{'best':>10}")
        print(
            f"{'whole-year report (services)':<34}"
            f"{statistics.median(report_times) * 1000:>8.0f}ms{min(report_times) * 1000:>8.0f}ms"
        )
        print(
            f"{'raw sqlite3 GROUP BY (baseline)':<34}"
            f"{statistics.median(raw_times) * 1000:>8.0f}ms{min(raw_times) * 1000:>8.0f}ms"
        )


if __name__ == "__main__":
    main()
