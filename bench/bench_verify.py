"""Benchmark: ``audit verify`` beside a plain streaming check of the same chain, in one run.

    python bench/bench_verify.py [--size demo|five-year|both] [--postgres URL]

Both run in a fresh process of their own on the cached practice (bench/practice_size.py), so
that each one's peak memory (the process's largest resident set, less what the process held
before it started) is its own. The clock runs for the check alone: the app's database is
opened before it starts, as the plain check's driver is loaded before it starts.

The baseline does the same checks by the plainest means: the entries read in the table's
order with the driver (sqlite3, or a psycopg server-side cursor) in batches of 5,000, each
entry's hash worked out again with hashlib over the same canonical JSON, its number and its
link to the one before checked; each counter entry's JSON parsed into a dict as it goes by;
then every contact, diversion and clinician's day count read from its table with the driver
and compared with those dicts. The app's ``audit.verify`` does that, and also checks the
trail against its witnesses (the desks' files, the backups), which the baseline leaves out. Budget (issue 18): within 1.5 times the baseline, and under 100 MB.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable

import practice_size  # bench/, the script's own folder

from practice_action import paths

BATCH = 5000


def plain_check(url: str) -> tuple[int, bool]:
    """The chain checked with the driver, hashlib and json alone."""
    encode = json.JSONEncoder(
        sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False
    ).encode
    sql = (
        "SELECT seq, at, actor, actor_kind, staff_id, kind, summary, before, after, prev_hash,"
        " hash FROM audit_entry ORDER BY id"
    )
    if url.startswith("sqlite"):
        import sqlite3

        db = sqlite3.connect(url.split("///", 1)[1])
        cursor = db.execute(sql)

        def rows():  # type: ignore[no-untyped-def]
            while batch := cursor.fetchmany(BATCH):
                yield from batch

        def iso(at: str) -> str:
            return f"{at[:10]}T{at[11:]}+00:00"

    else:
        import psycopg
        from sqlalchemy.engine import make_url

        plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        db = psycopg.connect(plain)
        cursor = db.cursor(name="plain_check")
        cursor.itersize = BATCH
        cursor.execute(sql)

        def rows():  # type: ignore[no-untyped-def]
            yield from cursor

        from datetime import UTC

        def iso(at):  # type: ignore[no-untyped-def]
            return at.astimezone(UTC).isoformat(timespec="microseconds")

    prev, expected, count = "0" * 64, 1, 0
    # What the trail says the counter's tables hold, kept in plain dicts as the chain goes by.
    contacts: dict[int, list[object]] = {}
    diversions: dict[int, tuple[object, ...]] = {}
    for seq, at, actor, kind_of, staff, kind, summary, before, after, prev_hash, digest in rows():
        payload = encode(
            [seq, iso(at), actor, kind_of, staff, kind, summary, before, after, prev_hash]
        )
        if (
            seq != expected
            or prev_hash != prev
            or hashlib.sha256(payload.encode("utf-8")).hexdigest() != digest
        ):
            return count, False
        prev, expected, count = digest, expected + 1, count + 1
        if kind in ("contact.record", "contact.urgent"):
            data = json.loads(after)
            contacts[data["contact"]] = [
                data["clinician"],
                data["day"],
                data["type"],
                bool(data["counted"]),
                kind == "contact.urgent",
                False,
            ]
        elif kind == "contact.void":
            contacts[json.loads(before)["contact"]][5] = True
        elif kind == "diversion.record":
            data = json.loads(after)
            diversions[data["diversion"]] = (
                data["destination"],
                data.get("clinician"),
                data.get("service"),
            )
    intact = counter_tables_match(db, contacts, diversions)
    db.close()
    return count, intact


def counter_tables_match(
    db: object, contacts: dict[int, list[object]], diversions: dict[int, tuple[object, ...]]
) -> bool:
    """Each contact and diversion the trail recorded is in its table as recorded, and no
    other; each clinician's day count equals the live contacts that count that day."""
    cursor = db.cursor()  # type: ignore[attr-defined]
    cursor.execute(
        "SELECT id, clinician_id, day, contact_type, counted, urgent, voided_at IS NOT NULL"
        " FROM contact ORDER BY id"
    )
    live: dict[tuple[object, str], int] = {}
    seen = 0
    while batch := cursor.fetchmany(BATCH):
        for contact_id, clinician, day, contact_type, counted, urgent, voided in batch:
            stored = [clinician, str(day), contact_type, bool(counted), bool(urgent), bool(voided)]
            if contacts.get(contact_id) != stored:
                return False
            seen += 1
            if counted and not voided:
                key = (clinician, str(day))
                live[key] = live.get(key, 0) + 1
    if seen != len(contacts):
        return False
    cursor.execute("SELECT id, destination, clinician_id, local_service_id FROM diversion")
    rows = cursor.fetchall()
    if len(rows) != len(diversions) or any(diversions.get(r[0]) != tuple(r[1:]) for r in rows):
        return False
    cursor.execute("SELECT clinician_id, day, counted FROM clinician_day")
    stored_counts = {(c, str(d)): n for c, d, n in cursor.fetchall() if n}
    return stored_counts == live


def child(which: str, url: str, data_dir: str) -> None:
    """Run one check and print its time and its own peak memory as JSON. The app's database
    is opened before the clock starts (as the plain check's modules are imported before it)."""
    check: Callable[[], tuple[int, bool]]
    if which == "plain":
        import sqlite3  # noqa: F401  (the driver loaded before the clock starts, as the app's)

        def check() -> tuple[int, bool]:
            return plain_check(url)

    else:
        from practice_action.services import audit
        from practice_action.services.health import open_context

        ctx = open_context(paths.resolve(data_dir, url), migrate_now=False)

        def check() -> tuple[int, bool]:
            found = audit.verify(ctx)
            return found.entries, found.intact

    held = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    entries, intact = check()
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"s": elapsed, "mb": (peak - held) / 1024, "n": entries, "ok": intact}))


def measure(which: str, locations: paths.Locations) -> dict[str, float]:
    done = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            which,
            locations.database_url,
            str(locations.data_dir),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(*sys.argv[2:5])
        return 0
    parser = argparse.ArgumentParser(description=__doc__)
    practice_size.add_size_argument(parser)
    parser.add_argument("--postgres", default=practice_size.postgres_server())
    args = parser.parse_args()
    summary: list[str] = []
    for size in practice_size.sizes(args.size):
        places = [("SQLite", practice_size.cached(size))]
        if args.postgres:
            places.append(("PostgreSQL", practice_size.cached(size, args.postgres)))
        for label, locations in places:
            plain = measure("plain", locations)
            app = measure("app", locations)
            if not (plain["ok"] and app["ok"]):
                raise SystemExit(f"{size} {label}: a check found the chain broken")
            ratio = app["s"] / plain["s"]
            met = ratio <= 1.5 and app["mb"] < 100
            print(
                f"{size} {label}: {int(app['n']):,} entries: plain check {plain['s']:.2f} s "
                f"({plain['mb']:.0f} MB), audit verify {app['s']:.2f} s ({app['mb']:.0f} MB), "
                f"ratio {ratio:.2f}"
            )
            summary.append(
                f"{'audit verify ' + label:<24} {size:<10} {plain['s']:>8.2f} s {app['s']:>7.2f} s"
                f" {ratio:>6.2f}  1.5x, <100 MB  {'yes' if met else 'NO'}  ({app['mb']:.0f} MB)"
            )
    return practice_size.table(
        "benchmark                size       baseline      app    ratio  budget        met", summary
    )


if __name__ == "__main__":
    sys.exit(main())
