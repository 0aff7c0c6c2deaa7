"""Worker for the concurrency proof: many processes record contacts on one clinician at once.

Run by ``tests/test_counter_concurrency.py`` and by ``bench/bench_counter.py`` in separate
processes (multiprocessing, spawn), each with its own connection pool, all released together
by a barrier so their attempts interleave as much as the machine allows.
"""

from __future__ import annotations

import multiprocessing as mp
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class RaceResult:
    recorded: int
    refused: int
    errors: tuple[str, ...]
    seconds: float


def _worker(
    data_dir: str, url: str, clinician_id: int, attempts: int, barrier: Any, queue: Any
) -> None:
    import time

    from practice_action import paths
    from practice_action.services import counter
    from practice_action.services.context import Actor
    from practice_action.services.health import open_context

    ctx = open_context(paths.resolve(Path(data_dir), url), migrate_now=False)
    actor = Actor("Desk worker", None)
    recorded = refused = 0
    errors: list[str] = []
    barrier.wait()
    start = time.perf_counter()
    for _ in range(attempts):
        try:
            counter.record_contact(ctx, actor, clinician_id)
            recorded += 1
        except counter.AtCap:
            refused += 1
        except Exception as error:
            errors.append(f"{type(error).__name__}: {error}")
    elapsed = time.perf_counter() - start
    ctx.store.dispose()
    queue.put((recorded, refused, errors, elapsed))


def race(
    data_dir: Path, url: str, clinician_id: int, *, processes: int = 8, attempts: int = 50
) -> RaceResult:
    spawn = mp.get_context("spawn")
    barrier = spawn.Barrier(processes)
    queue = spawn.Queue()
    workers = [
        spawn.Process(
            target=_worker,
            args=(str(data_dir), url, clinician_id, attempts, barrier, queue),
        )
        for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=300) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    return RaceResult(
        recorded=sum(r[0] for r in results),
        refused=sum(r[1] for r in results),
        errors=tuple(e for r in results for e in r[2]),
        seconds=max(r[3] for r in results),
    )
