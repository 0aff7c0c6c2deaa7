"""Benchmark: how long each section takes to open, on the demo and the five-year practice.

    python bench/bench_lists.py [--size demo|five-year|both] [--runs 3]

Each section a partner may open (bench/practice_size.py's cached practice, SQLite) is built
by its own factory, shown, and the window's events run until it has painted; the time is from
the call to the painted screen, the median of the runs after a first that warms the caches.
The baseline, in the same run: a plain QTableWidget shown with the audit trail's newest 5,000
entries (the longest list any screen shows) already in memory as text, one item a cell: the
least a screen with that list can do. Budget (issue 18): every section under 0.3 s at both
sizes.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import practice_size  # bench/, the script's own folder
from PySide6.QtWidgets import QApplication, QTableWidget, QTableWidgetItem, QWidget

from practice_action.domain.enums import StaffRole
from practice_action.services import audit
from practice_action.services.context import Actor
from practice_action.services.health import open_context
from practice_action.services.permissions import allowed
from practice_action.ui.sections import all_sections

BUDGET = 0.3


def shown(app: QApplication, make: object) -> float:
    began = time.perf_counter()
    widget = make()  # type: ignore[operator]
    widget.resize(1100, 700)
    widget.show()
    app.processEvents()
    elapsed = time.perf_counter() - began
    if hasattr(widget, "stop"):
        widget.stop()
    widget.close()
    widget.deleteLater()
    app.processEvents()
    return elapsed


def median_of(app: QApplication, make: object, runs: int) -> float:
    times = [shown(app, make) for _ in range(runs + 1)]
    return statistics.median(times[1:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    practice_size.add_size_argument(parser)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    summary: list[str] = []
    partner = Actor("Bench Partner", StaffRole.PARTNER, None)
    for size in practice_size.sizes(args.size):
        ctx = open_context(practice_size.cached(size), migrate_now=False)
        texts = [
            (str(e.seq), e.local_time.strftime("%d/%m/%Y %H:%M:%S"), e.actor, e.kind, e.summary)
            for e in audit.list_entries(ctx, partner)
        ]

        def plain(texts: list[tuple[str, ...]] = texts) -> QWidget:
            table = QTableWidget(len(texts), 5)
            for r, row in enumerate(texts):
                for c, text in enumerate(row):
                    table.setItem(r, c, QTableWidgetItem(text))
            return table

        base = median_of(app, plain, args.runs)
        print(f"{size}: a plain table of {len(texts):,} rows shown in {base * 1000:.0f} ms")
        for section in all_sections():
            if not allowed(partner, section.permission):
                continue

            def make(section: object = section, ctx: object = ctx) -> QWidget:
                return section.factory(ctx, partner, None)  # type: ignore[attr-defined]

            took = median_of(app, make, args.runs)
            met = took < BUDGET
            print(f"  {section.title:<16} {took * 1000:>6.0f} ms  {'' if met else 'OVER 0.3 s'}")
            summary.append(
                f"{'open ' + section.title:<24} {size:<10} {base * 1000:>7.0f} ms "
                f"{took * 1000:>6.0f} ms {took / base:>6.2f}  <0.3 s   {'yes' if met else 'NO'}"
            )
        ctx.store.dispose()
    return practice_size.table(
        "benchmark                size       baseline     app     ratio  budget  met", summary
    )


if __name__ == "__main__":
    sys.exit(main())
