"""Benchmark: CPU used by an idle counter screen (live feed running) beside an idle bare
QApplication, each for the same period in its own process, in the same run.

    python bench/bench_idle.py [--seconds 20]

The counter's live feed reads one number from the database a few times a second; the point
is that an idle desk costs next to nothing.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r"""
import os, resource, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
mode, data_dir, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
app = QApplication([])
if mode == "bare":
    window = QMainWindow()
else:
    from practice_action import paths
    from practice_action.domain.enums import StaffRole
    from practice_action.services.context import Actor
    from practice_action.services.health import open_context
    from practice_action.ui.counter_screen import CounterScreen
    ctx = open_context(paths.resolve(data_dir))
    window = CounterScreen(ctx, Actor("Jade Barker", StaffRole.RECEPTIONIST))
window.show()
def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
marks = {}
QTimer.singleShot(2000, lambda: marks.setdefault("start", cpu()))
def finish():
    used = cpu() - marks["start"]
    print(f"{used:.4f}")
    if mode != "bare":
        window.stop()
    app.quit()
QTimer.singleShot(int(2000 + seconds * 1000), finish)
app.exec()
"""


def run(mode: str, data_dir: str, seconds: float) -> float:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, mode, data_dir, str(seconds)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        data = str(Path(scratch) / "demo")
        env = dict(os.environ)
        subprocess.run(
            [sys.executable, "-m", "practice_action", "--data-dir", data, "demo"],
            check=True,
            capture_output=True,
            env=env,
        )
        bare = run("bare", data, args.seconds)
        counter = run("counter", data, args.seconds)
    print(f"CPU time over {args.seconds:.0f} s idle   counter screen   bare QApplication")
    print(f"{'seconds':<27} {counter:>14.3f} {bare:>19.3f}")
    print(f"{'share of one core':<27} {counter / args.seconds:>13.2%} {bare / args.seconds:>18.2%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
