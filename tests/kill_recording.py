"""SIGKILL while recording: desks killed at random moments must lose no acknowledged contact.

A worker process records contacts for one clinician as fast as it can, writing ``ACK <id>``
to its standard output once each ``record_contact`` has returned (the moment a desk would tell
the receptionist it is recorded). The runner kills it with SIGKILL after a random delay, many
times over, then checks that every acknowledged contact is stored and the audit trail still
verifies. Run by ``tests/test_faults.py`` (30 kills per database) and by
``bench/bench_kills.py`` (100, printing the counts).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class KillCounts:
    kills: int
    acknowledged: int
    stored: int
    lost: int
    audit_intact: bool

    def line(self) -> str:
        return (
            f"kills {self.kills}, acknowledged {self.acknowledged}, stored {self.stored}, "
            f"lost {self.lost}, audit trail {'intact' if self.audit_intact else 'BROKEN'}"
        )


def _worker(data_dir: str, url: str, clinician_id: int) -> None:
    from practice_action import paths
    from practice_action.domain.enums import StaffRole
    from practice_action.services import counter
    from practice_action.services.context import Actor
    from practice_action.services.health import open_context

    ctx = open_context(paths.resolve(Path(data_dir), url or None), migrate_now=False)
    desk = Actor("Desk under test", StaffRole.RECEPTIONIST)
    print("READY", flush=True)
    while True:
        recorded = counter.record_contact(ctx, desk, clinician_id)
        print(f"ACK {recorded.contact_id}", flush=True)


def run_kills(
    data_dir: Path, url: str, clinician_id: int, *, kills: int, seed: int = 13
) -> KillCounts:
    """Kill a recording worker ``kills`` times at random moments; count what survived."""
    from sqlalchemy import select

    from practice_action import paths
    from practice_action.services import audit
    from practice_action.services.health import open_context
    from practice_action.store.counter_models import Contact

    rng = random.Random(seed)
    env = {**os.environ}
    env.pop("PRACTICE_ACTION_DATABASE_URL", None)
    acknowledged: set[int] = set()
    for _ in range(kills):
        worker = subprocess.Popen(
            [sys.executable, __file__, "worker", str(data_dir), url, str(clinician_id)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert worker.stdout is not None
        first = worker.stdout.readline()
        if first.strip() != "READY":
            worker.kill()
            raise AssertionError(f"the worker did not start: {first}{worker.stderr.read()}")
        time.sleep(rng.uniform(0.01, 0.35))
        worker.send_signal(signal.SIGKILL)
        out, _ = worker.communicate(timeout=60)
        for line in out.splitlines():
            if line.startswith("ACK ") and line[4:].strip().isdigit():
                acknowledged.add(int(line[4:]))
    ctx = open_context(paths.resolve(data_dir, url or None))
    try:
        with ctx.store.read() as session:
            stored = set(session.scalars(select(Contact.id)).all())
        intact = audit.verify(ctx).intact
    finally:
        ctx.store.dispose()
    return KillCounts(kills, len(acknowledged), len(stored), len(acknowledged - stored), intact)


if __name__ == "__main__" and len(sys.argv) == 5 and sys.argv[1] == "worker":
    _worker(sys.argv[2], sys.argv[3], int(sys.argv[4]))
