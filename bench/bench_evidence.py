"""Combining an LMC's evidence files: 300 practices, twelve months each.

Generates one evidence file per practice (6 to 12 clinicians, each on duty on most working
days, contacts by type, caps, urgent overrides, diversions, safety entries, actions) into a
temporary folder with the app's own writer, then, each in a fresh process so that the peak
memory is its own:

- the baseline: ``json.loads`` of every file and a plain sum of its contacts (what any tool
  must at least do to read the files);
- ``services.evidence.combine_files`` over the same files (checksums, format checks, overlap
  check, every figure per practice, overall and week by week);
- the same, then the CSV and the PDF written.

Prints each time and peak resident memory (ru_maxrss) beside the budgets (under 10 s and
under 500 MB for the combine). Asserts nothing.

    python bench/bench_evidence.py [--practices 300] [--runs 3]
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from practice_action.domain import evidence as ev
from practice_action.domain.calendar import is_working_day
from practice_action.domain.enums import ClinicianRole, ContactType, DivertDestination
from practice_action.domain.safety_event import HarmLevel, SafetyCategory

START = date(2025, 4, 1)
END = date(2026, 3, 31)
BUDGET_SECONDS = 10.0
BUDGET_MB = 500.0


def practice_file(number: int, rng: random.Random) -> ev.EvidenceFile:
    size = rng.randint(3_000, 20_000)
    clinicians = [
        (f"c-{number:04d}{i:02d}{rng.getrandbits(24):06x}", rng.choice(list(ClinicianRole)))
        for i in range(rng.randint(6, 12))
    ]
    rows, diversions, safety = [], [], []
    day = START
    while day <= END:
        if is_working_day(day):
            for pseudonym, role in clinicians:
                if rng.random() > 0.8:
                    continue
                sessions = 2 if rng.random() < 0.75 else 1
                cap = 25 if sessions == 2 else 13
                counted = min(cap, int(rng.gauss(cap * 0.85, 4)))
                urgent = 1 if rng.random() < 0.05 else 0
                counts = {t: 0 for t in ContactType}
                for _ in range(max(0, counted) + urgent):
                    counts[
                        rng.choice(
                            (
                                ContactType.FACE_TO_FACE,
                                ContactType.TELEPHONE,
                                ContactType.TELEPHONE,
                                ContactType.VIDEO,
                                ContactType.ONLINE,
                            )
                        )
                    ] += 1
                rows.append(
                    ev.ClinicianDayEvidence(
                        day,
                        pseudonym,
                        role,
                        sessions,
                        ev.contacts_tuple(counts),
                        max(0, counted),
                        cap,
                        urgent,
                        counted >= cap,
                    )
                )
            for destination in DivertDestination:
                if rng.random() < 0.6:
                    diversions.append(ev.DiversionEvidence(day, destination, rng.randint(1, 9)))
            if rng.random() < 0.02:
                safety.append(
                    ev.SafetyEvidence(
                        day, rng.choice(list(SafetyCategory)), rng.choice(list(HarmLevel))
                    )
                )
        day += timedelta(days=1)
    return ev.EvidenceFile(
        start=START,
        end=END,
        ods_code=f"Y{number:05d}",
        practice_name=f"Benchmark Practice {number}",
        list_size=size,
        made_at=datetime(2026, 4, 2, 9, 0, tzinfo=UTC),
        audit_seq=rng.randint(1, 10**6),
        audit_head=f"{rng.getrandbits(256):064x}",
        clinician_days=tuple(rows),
        diversions=tuple(diversions),
        safety=tuple(safety),
        actions=(ev.ActionEvidence("contacts-cap", "Limit daily contacts", date(2024, 8, 1)),),
        made_with="bench",
    )


def generate(folder: Path, practices: int) -> list[Path]:
    rng = random.Random(19)
    paths = []
    for number in range(1, practices + 1):
        path = folder / f"practice-{number:03d}.json"
        path.write_bytes(ev.to_bytes(practice_file(number, rng)))
        paths.append(path)
    return paths


def child(mode: str, folder: Path) -> None:
    """Run one measurement in this fresh process; print 'seconds peak_mb'."""
    import json

    paths = sorted(folder.glob("practice-*.json"))
    started = time.perf_counter()
    if mode != "baseline":  # the app's modules, loaded before the clock starts (timed apart)
        from practice_action.documents.evidence_pdf import combined_report
        from practice_action.services import evidence
    imported = time.perf_counter() - started
    started = time.perf_counter()
    if mode == "baseline":
        total = 0
        for path in paths:
            data = json.loads(path.read_bytes())
            total += sum(sum(row[4]) for row in data["clinician_days"])
    else:
        result = evidence.combine_files(paths)
        total = result.overall.contacts
        if mode == "combine+files":
            (folder / "out.csv").write_text(evidence.combined_csv(result), encoding="utf-8")
            (folder / "out.pdf").write_bytes(combined_report(result))
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{seconds:.4f} {peak_mb:.1f} {total} {imported:.4f}")


def measure(mode: str, folder: Path) -> tuple[float, float, int, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(folder)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return float(out[0]), float(out[1]), int(out[2]), float(out[3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--practices", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", nargs=2, metavar=("MODE", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    with tempfile.TemporaryDirectory(prefix="bench-evidence-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        paths = generate(folder, args.practices)
        made = time.perf_counter() - started
        size_mb = sum(p.stat().st_size for p in paths) / 1e6
        rows = sum(p.read_bytes().count(b'"c-') for p in paths)
        print(
            f"{args.practices} practices, {START} to {END}: {rows:,} clinician-days, "
            f"{size_mb:.0f} MB of files (written in {made:.1f} s)"
        )
        print(
            f"{'':<34} {'median s':>9} {'peak MB':>8}  {'budget':>17}  {'imports s':>9}  contacts"
        )
        for mode, label, budget in (
            ("baseline", "baseline: json.loads + sum", ""),
            ("combine", "evidence combine", f"< {BUDGET_SECONDS:.0f} s, < {BUDGET_MB:.0f} MB"),
            ("combine+files", "evidence combine + CSV + PDF", ""),
        ):
            runs = [measure(mode, folder) for _ in range(args.runs)]
            seconds = statistics.median(r[0] for r in runs)
            peak = max(r[1] for r in runs)
            imports = statistics.median(r[3] for r in runs)
            print(
                f"{label:<34} {seconds:>9.2f} {peak:>8.0f}  {budget:>17}  {imports:>9.2f}  "
                f"{runs[0][2]:,}"
            )


if __name__ == "__main__":
    main()
