"""Peak memory: a partner's session that visits every screen, beside a bare PySide6 window.

Run: python bench/bench_memory.py [--size demo|five-year|both]
     (Linux or macOS: it reads the peak resident size)

Each figure comes from a fresh process, offscreen. The bare one makes a QApplication and
shows an empty QMainWindow. Practice Action's opens a copy of the practice of that size
(bench/practice_size.py: the demo, or the five-year practice), signs a partner in
through the real sign-in window, shows every section of the main window in turn, opens the
action plan wizard and closes it, then locks the desk and unlocks it with the PIN three
times (a desk does so all day). As the desktop does when it starts on a SQLite file, the
desk checks the whole database and takes the day's backup behind its window after sign-in; the
figures are taken once both are done. It reports the resident size after every screen and
after the locks (/proc/self/statm: what the desk holds), and the process's peak (ru_maxrss),
which includes each PIN check's moment of Argon2 working memory (7 MiB, freed at once).
The Letters preview is drawn, as the app draws it, by a process of its own
(documents/apart.py); that process's size is printed in the notes, not added to the desk's.

Budget (issues 8 and 18): under 150 MB, resident and peak.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUDGET_MB = 150.0


def resident_mb(pid: int | str = "self") -> float:
    """The resident size now (Linux), not the peak."""
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)
    except OSError:
        return float("nan")


def peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # bytes or KiB


def bare_child() -> None:
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.show()
    app.processEvents()
    window.grab()
    print(f"peak {peak_mb():.1f}")
    window.close()


def app_child(data_dir: str) -> None:
    # The desktop's own order: the screens' package first (as `practice-action` does on its
    # way to the sign-in window), then the database layer.
    from practice_action.ui.app import make_app  # isort: skip

    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication, QDialog

    from practice_action import paths
    from practice_action.domain.enums import StaffRole
    from practice_action.services import staff
    from practice_action.services.demo import DEMO_PINS
    from practice_action.ui.desk import Desk
    from practice_action.ui.modal import answered_by
    from practice_action.ui.signin import SignInDialog

    app = make_app()
    locations = paths.resolve(data_dir)
    from practice_action.services.health import open_context

    ctx = open_context(locations)
    partner = next(m for m in staff.list_staff(ctx) if m.role is StaffRole.PARTNER)

    def settle() -> None:
        for _ in range(5):  # as the event loop does, objects given to deleteLater included
            app.processEvents()
            app.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    def sign_in(dialog: QDialog) -> int:
        assert isinstance(dialog, SignInDialog)
        dialog.show()
        settle()
        dialog.screen.select_staff(partner.id)
        dialog.screen.pin.setText(DEMO_PINS[partner.name])
        dialog.screen.submit()
        return dialog.result()

    def look_and_close(dialog: QDialog) -> int:
        dialog.show()
        settle()
        dialog.grab()
        dialog.reject()
        return dialog.result()

    # As the desktop starts on a SQLite file: the whole-file check and the day's backup run
    # behind the window once the partner has signed in; the figures are taken after them.
    desk = Desk(ctx, locations, checked=False)
    with answered_by(sign_in):
        if not desk.start(first_run=False):
            raise SystemExit("the partner could not sign in to the demo practice")
    window = desk.window
    assert window is not None
    while desk.working_behind:
        settle()
        time.sleep(0.02)
    visited = []
    for row, key in enumerate(window.section_keys()):
        window.sidebar.setCurrentRow(row)
        settle()
        window.grab()
        visited.append(key)
        section = window.stack.widget(row)
        run_wizard = getattr(section, "run_wizard", None)
        if key == "plan" and callable(run_wizard):
            with answered_by(look_and_close):
                run_wizard()
            visited.append("plan wizard")
    settle()
    print(f"visited {', '.join(visited)}")
    from practice_action.documents import apart

    helper = apart.drawer().helper_pid()
    if helper is not None:
        print(f"the Letters preview drawn by a process of its own, {resident_mb(helper):.1f} MB")
    print(f"screens {peak_mb():.1f}")
    print(f"resident-screens {resident_mb():.1f}")
    # A desk locks when left idle and is unlocked with a PIN many times a day.
    for _ in range(3):
        desk.lock()
        settle()
        screen = desk.lock_screen
        assert screen is not None
        screen.pin.setText(DEMO_PINS[partner.name])
        screen.submit()
        settle()
        if desk.is_locked:
            raise SystemExit("the partner could not unlock the desk")
    settle()
    print(f"resident-locks {resident_mb():.1f}")
    print(f"peak {peak_mb():.1f}")
    desk.close()
    ctx.store.dispose()
    QApplication.processEvents()


def measure(arguments: list[str], env: dict[str, str]) -> tuple[float, str, dict[str, float]]:
    done = subprocess.run(
        [sys.executable, __file__, *arguments], env=env, capture_output=True, text=True
    )
    lines = done.stdout.splitlines()
    peaks = [line for line in lines if line.startswith("peak ")]
    if done.returncode != 0 or not peaks:
        raise SystemExit(
            f"{arguments} failed (exit {done.returncode}):\n{done.stdout}{done.stderr}"
        )
    resident = {
        line.split()[0].removeprefix("resident-"): float(line.split()[1])
        for line in lines
        if line.startswith("resident-")
    }
    notes = "; ".join(
        line for line in lines if not line.startswith(("peak ", "screens ", "resident-"))
    )
    screens = [line for line in lines if line.startswith("screens ")]
    if screens:
        notes += f"; peak {screens[-1].split()[1]} MB before the first lock"
    return float(peaks[-1].split()[1]), notes, resident


def main() -> int:
    import argparse

    import practice_size  # bench/, the script's own folder

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    practice_size.add_size_argument(parser)
    args = parser.parse_args()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("PRACTICE_ACTION_DATABASE_URL", None)
    summary: list[str] = []
    failed = False
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as scratch:
        for size in practice_size.sizes(args.size):
            data_dir = practice_size.sqlite_copy(size, Path(scratch) / size).data_dir
            run_env = dict(env, PRACTICE_ACTION_DATA_DIR=str(data_dir))
            bare, _, _ = measure(["--child", "bare"], run_env)
            ours, notes, resident = measure(["--child", "app", str(data_dir)], run_env)
            after = max(resident.values())
            print(f"{size}: memory, fresh process each, offscreen:")
            print(f"  bare QApplication + empty QMainWindow (peak)  {bare:6.1f} MB")
            print("  Practice Action, a partner visiting every screen, then locking and")
            print(f"  unlocking the desk three times: peak          {ours:6.1f} MB")
            print(
                f"  resident after every screen {resident.get('screens', 0):.1f} MB, "
                f"after the locks {resident.get('locks', 0):.1f} MB"
            )
            print(f"  ({notes})\n")
            for label, figure in (("resident, every screen", after), ("peak, every screen", ours)):
                met = figure < BUDGET_MB
                failed = failed or not met
                summary.append(
                    f"{'memory ' + label:<28} {size:<10} {bare:>6.1f} MB {figure:>6.1f} MB "
                    f"{figure / bare:>6.2f}  <150 MB  {'yes' if met else 'NO'}"
                )
    practice_size.table(
        "benchmark                    size       baseline   app       ratio  budget  met", summary
    )
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--child":
        if sys.argv[2] == "bare":
            bare_child()
        else:
            app_child(sys.argv[3])
    else:
        sys.exit(main())
