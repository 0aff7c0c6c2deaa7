"""Fault run: desks killed with SIGKILL at random moments while recording, 100 times.

    python bench/bench_kills.py [--kills 100] [--postgres URL]

Each kill starts a fresh desk process that records contacts as fast as it can, telling its
parent each one it has acknowledged, and kills it after a random 10-350 ms. Afterwards every
acknowledged contact must be in the database and the audit trail must verify. Prints the counts
(kills, acknowledged, stored, lost) for SQLite, and for PostgreSQL when --postgres or
PRACTICE_ACTION_TEST_POSTGRES_URL names a server role that may create databases. Exits 1 when
anything acknowledged was lost. There is no baseline: the figure that matters is "lost 0".
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from conftest import MANAGER_PIN, valid_profile
from counter_helpers import add_clinician
from kill_recording import KillCounts, run_kills

from practice_action import paths
from practice_action.services import practice
from practice_action.services.health import open_context


def _one(locations: paths.Locations, kills: int) -> KillCounts:
    ctx = open_context(locations)
    try:
        manager = practice.first_run_setup(ctx, valid_profile(), "Maria Okafor", MANAGER_PIN).actor
        clinician = add_clinician(ctx, manager, "Dr Ann Lee")
    finally:
        ctx.store.dispose()
    url = "" if locations.is_sqlite else locations.database_url
    return run_kills(locations.data_dir, url, clinician, kills=kills)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--postgres", default=os.environ.get("PRACTICE_ACTION_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    lost = 0
    with tempfile.TemporaryDirectory() as folder:
        counts = _one(paths.resolve(Path(folder) / "sqlite"), args.kills)
        print(f"SQLite:     {counts.line()}")
        lost += counts.lost
        if args.postgres:
            import psycopg
            from sqlalchemy.engine import make_url

            admin = make_url(args.postgres).set(drivername="postgresql")
            conninfo = admin.render_as_string(hide_password=False)
            name = f"pa_kills_{uuid.uuid4().hex[:12]}"
            with psycopg.connect(conninfo, autocommit=True) as connection:
                connection.execute(f'CREATE DATABASE "{name}"')
            try:
                url = admin.set(database=name).render_as_string(hide_password=False)
                counts = _one(paths.resolve(Path(folder) / "pg", url), args.kills)
                print(f"PostgreSQL: {counts.line()}")
                lost += counts.lost
            finally:
                with psycopg.connect(conninfo, autocommit=True) as connection:
                    connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
