"""Start-up: Practice Action from launch to the sign-in window, beside a bare PySide6 window.

Run: python bench/bench_startup.py [--runs N] [--bundle dist/PracticeAction]

Each launch is a fresh process, offscreen. The bare figure is a process that makes a
QApplication and shows an empty QMainWindow; Practice Action's is the app opening the demo
practice up to its sign-in window. Both stop the clock the same way: when the window has
painted and a zero timer has fired after it (the event loop is free to take input), the
process prints the wall-clock time and closes. The app does this when
PRACTICE_ACTION_STARTUP_PROBE is set (practice_action/ui/app.py).

Budget (issue 8): the app's median within 2.5 times the bare median, measured in the same run.
With --bundle, the built program is launched instead of this Python's ``-m practice_action``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUDGET_RATIO = 2.5
PROBE_ENV = "PRACTICE_ACTION_STARTUP_PROBE"

BARE_WINDOW = """
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv[:1])
window = QMainWindow()

def report():
    print(f"shown at {time.time():.6f}", flush=True)
    window.close()

class Probe(QObject):
    def eventFilter(self, watched, event):
        if watched is window and event.type() == QEvent.Type.Paint:
            app.removeEventFilter(self)
            QTimer.singleShot(0, report)
        return False

probe = Probe()
app.installEventFilter(probe)
window.show()
app.exec()
"""


def launch(command: list[str], env: dict[str, str]) -> float:
    """Seconds from starting the process to the moment it says its window is up."""
    start = time.time()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    stamps = [line for line in done.stdout.splitlines() if " at " in line]
    if done.returncode != 0 or not stamps:
        raise SystemExit(
            f"{' '.join(command)} did not report its window (exit {done.returncode}):\n"
            f"{done.stdout}\n{done.stderr}"
        )
    return float(stamps[-1].rsplit(" at ", 1)[1]) - start


def app_command(bundle: Path | None, data_dir: Path) -> list[str]:
    if bundle is None:
        return [sys.executable, "-m", "practice_action", "--data-dir", str(data_dir)]
    return [str(bundle / "PracticeAction"), "--data-dir", str(data_dir)]


def make_demo(bundle: Path | None, data_dir: Path, env: dict[str, str]) -> None:
    if bundle is None:
        command = [sys.executable, "-m", "practice_action", "--data-dir", str(data_dir), "demo"]
    else:
        command = [str(bundle / "practice-action"), "--data-dir", str(data_dir), "demo"]
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=300)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="launches of each (default 7)")
    parser.add_argument("--bundle", type=Path, help="a built dist/PracticeAction folder")
    args = parser.parse_args()

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("PRACTICE_ACTION_DATABASE_URL", None)
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as scratch:
        data_dir = Path(scratch) / "demo"
        env["PRACTICE_ACTION_DATA_DIR"] = str(data_dir)
        make_demo(args.bundle, data_dir, env)
        bare_command = [sys.executable, "-c", BARE_WINDOW]
        app_env = dict(env, **{PROBE_ENV: "1"})
        app = app_command(args.bundle, data_dir)

        # One launch of each first, not counted: it fills the operating system's file cache.
        launch(bare_command, env)
        launch(app, app_env)
        bare: list[float] = []
        ours: list[float] = []
        for _ in range(args.runs):  # interleaved, so that a busy moment hits both alike
            bare.append(launch(bare_command, env))
            ours.append(launch(app, app_env))

    bare_median = statistics.median(bare)
    ours_median = statistics.median(ours)
    ratio = ours_median / bare_median
    what = (
        f"bundle {args.bundle}"
        if args.bundle
        else f"python -m practice_action ({sys.version.split()[0]})"
    )
    print(f"Start-up to a usable window, {args.runs} launches each, median (min-max), {what}:")
    print(f"  bare QApplication + empty QMainWindow  {_figures(bare)}")
    print(f"  Practice Action to the sign-in window  {_figures(ours)}")
    verdict = "within" if ratio <= BUDGET_RATIO else "OVER"
    print(f"  ratio {ratio:.2f} ({verdict} the budget of {BUDGET_RATIO})")
    return 0 if ratio <= BUDGET_RATIO else 1


def _figures(runs: list[float]) -> str:
    return f"{statistics.median(runs):6.3f} s  ({min(runs):.3f}-{max(runs):.3f})"


if __name__ == "__main__":
    sys.exit(main())
