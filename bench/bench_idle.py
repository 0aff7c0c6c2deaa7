"""Benchmark: CPU used by an idle signed-in desk beside an idle bare QApplication.

    python bench/bench_idle.py [--size demo|five-year|both] [--seconds 40]

Each figure comes from a fresh process, offscreen, and is the process's own CPU time (user
and system, every thread: ``getrusage(RUSAGE_SELF)``) over the same period.

- The baseline: a bare QApplication showing one empty QMainWindow, its event loop running.
- The app: on a copy of the practice of that size (bench/practice_size.py) a receptionist
  signs in through the real sign-in window, as the app's start does (``ui.app.make_app``, a
  ``Desk``); the main window opens on the counter with everything a desk runs: the counter's
  live feed, the desk's presence and standing checks, the idle-lock watcher. The day's
  backup that the first sign-in starts is let finish, then a few seconds more, before the
  period begins; nobody touches the desk during it.

Budget (issue 18): under 0.5% of one core.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUDGET = 0.005
SETTLE_S = 5.0


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child(mode: str, data_dir: str, seconds: float) -> None:
    from PySide6.QtCore import QTimer

    if mode == "bare":
        from PySide6.QtWidgets import QApplication, QMainWindow

        app = QApplication(sys.argv[:1])
        window = QMainWindow()
        window.show()
        busy = lambda: False  # noqa: E731
    else:
        from practice_action.ui.app import make_app  # isort: skip

        from signed_desk import sign_in

        from practice_action import paths
        from practice_action.services.health import open_context

        app = make_app()
        locations = paths.resolve(data_dir)
        ctx = open_context(locations)
        desk = sign_in(ctx, locations, "Jade Barker")
        assert desk.window is not None
        desk.window.show_section("counter")
        busy = lambda: desk.working_behind  # noqa: E731
    marks: dict[str, float] = {}

    def finish() -> None:
        print(f"cpu {cpu() - marks['cpu']:.4f} {time.monotonic() - marks['wall']:.3f}")
        app.quit()

    def begin() -> None:
        if busy():
            QTimer.singleShot(500, begin)
            return
        marks["cpu"], marks["wall"] = cpu(), time.monotonic()
        QTimer.singleShot(int(seconds * 1000), finish)

    QTimer.singleShot(int(SETTLE_S * 1000), begin)
    app.exec()
    os._exit(0)  # the measurement is out; no need to wait for threads to wind down


def run(mode: str, data_dir: str, seconds: float) -> tuple[float, float]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("PRACTICE_ACTION_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, __file__, "--child", mode, data_dir, str(seconds)],
        capture_output=True,
        text=True,
        env=env,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("cpu ")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"{mode} failed (exit {done.returncode}):\n{done.stdout}{done.stderr}")
    _, used, wall = lines[-1].split()
    return float(used), float(wall)


def main() -> int:
    import practice_size  # bench/, the script's own folder

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    practice_size.add_size_argument(parser)
    parser.add_argument("--seconds", type=float, default=40.0)
    args = parser.parse_args()
    summary: list[str] = []
    failed = False
    with tempfile.TemporaryDirectory(prefix="bench-idle-") as scratch:
        for size in practice_size.sizes(args.size):
            data = practice_size.sqlite_copy(size, Path(scratch) / size).data_dir
            bare, bare_wall = run("bare", str(data), args.seconds)
            ours, our_wall = run("desk", str(data), args.seconds)
            bare_share, our_share = bare / bare_wall, ours / our_wall
            print(
                f"{size}: CPU over {args.seconds:.0f} s idle: bare QApplication {bare:.3f} s "
                f"({bare_share:.2%} of a core); signed-in desk {ours:.3f} s ({our_share:.2%})"
            )
            met = our_share < BUDGET
            failed = failed or not met
            ratio = f"{our_share / bare_share:>6.1f}" if bare_share >= 1e-4 else "     -"
            summary.append(
                f"{'idle CPU, signed in':<24} {size:<10} {bare_share:>7.2%} {our_share:>8.2%} "
                f"{ratio}  <0.5%   {'yes' if met else 'NO'}"
            )
    practice_size.table(
        "benchmark                size       baseline   app     ratio  budget  met", summary
    )
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) >= 5 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], float(sys.argv[4]))
    else:
        sys.exit(main())
