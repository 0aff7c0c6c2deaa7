"""Remake the README's screenshots from a fresh demo practice.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

Everything happens in temporary data folders (the real one is never touched), offscreen, on a
1366x768 screen, with the app's own windows signed in as the demo practice's staff. The clock
is fixed (a Thursday morning in November 2026), so the pictures only change when the screens
do. Each picture has a fixed file name; the README links to them. Pages of a letter and of the
patient poster are drawn with pdftoppm (poppler-utils) when it is installed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

WIDTH, HEIGHT = 1366, 768
# A Thursday (every demo clinician but the Friday locum is on duty) late in the month, so
# that Reports' "This month" holds the demo's three weeks of history.
FIXED_NOW = datetime(2026, 11, 26, 10, 40, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent


def _offscreen(scratch: Path) -> None:
    """An offscreen screen of 1366x768 at 96 dpi: set before Qt is first imported."""
    config = scratch / "screen.json"
    screen = {"name": "laptop", "x": 0, "y": 0, "width": WIDTH, "height": HEIGHT}
    screen |= {"logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}
    config.write_text(json.dumps({"screens": [screen]}), encoding="utf-8")
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"


def fixed_clock() -> datetime:
    return FIXED_NOW


class Shooter:
    """Saves widgets as PNGs in the output folder and remembers what it wrote."""

    def __init__(self, out: Path) -> None:
        from PySide6.QtWidgets import QApplication

        from practice_action.ui.app import make_app

        self.out = out
        self.app: QApplication = make_app(["screenshots"])
        self.written: list[Path] = []

    def wait(self, ms: int) -> None:
        """Let the event loop run for ``ms`` (timers, layouts, page rendering)."""
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def wait_until(self, test: Callable[[], bool], timeout_ms: int = 5000) -> bool:
        from PySide6.QtCore import QEventLoop, QTimer

        if test():
            return True
        loop = QEventLoop()
        poll = QTimer()
        poll.setInterval(50)
        poll.timeout.connect(lambda: loop.quit() if test() else None)
        QTimer.singleShot(timeout_ms, loop.quit)
        poll.start()
        loop.exec()
        poll.stop()
        return test()

    def shoot(self, widget, name: str) -> Path:  # widget: QWidget
        self.app.processEvents()
        path = self.out / f"{name}.png"
        image = widget.grab().toImage()
        if not image.save(str(path), "PNG", 0):  # 0: the smallest PNG Qt can write
            raise OSError(f"Could not write {path}")
        self.written.append(path)
        print(f"  {path.name}")
        return path

    def pdf_page(self, pdf: bytes, name: str, scratch: Path) -> Path | None:
        tool = shutil.which("pdftoppm")
        if tool is None:
            print(f"  (skipped {name}.png: pdftoppm is missing; install poppler-utils)")
            return None
        source = scratch / f"{name}.pdf"
        source.write_bytes(pdf)
        stem = self.out / name
        subprocess.run(
            [tool, "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(source), str(stem)],
            check=True,
        )
        path = stem.with_suffix(".png")
        self.written.append(path)
        print(f"  {path.name}")
        return path


def _open(data_dir: Path):  # -> Context
    from practice_action.paths import resolve
    from practice_action.services.health import open_context

    locations = resolve(data_dir)
    return locations, open_context(locations, clock=fixed_clock)


def _actor(ctx, name: str):  # -> Actor
    from practice_action.services import demo, staff

    member = next(m for m in staff.list_staff(ctx) if m.name == name)
    assert member.id is not None
    return staff.sign_in(ctx, member.id, demo.DEMO_PINS[name]).actor


def first_run(shots: Shooter, scratch: Path) -> None:
    """The set-up wizard on an empty data folder: welcome, then the practice's details."""
    from practice_action.services import demo
    from practice_action.ui.setup_wizard import FirstRunWizard, PageId

    _, ctx = _open(scratch / "empty")
    try:
        wizard = FirstRunWizard(ctx)
        wizard.show()
        shots.wait(100)
        shots.shoot(wizard, "setup-wizard-welcome")
        wizard.details_form.load(demo.PRACTICE)
        wizard.next()
        assert wizard.currentId() == int(PageId.PRACTICE)
        shots.wait(100)
        shots.shoot(wizard, "setup-wizard-practice")
        wizard.close()
        wizard.deleteLater()
    finally:
        ctx.store.dispose()


@contextmanager
def window_for(shots: Shooter, ctx, locations, actor) -> Iterator:  # of MainWindow
    """The main window as ``actor`` sees it; closed afterwards, which stops the counter feed."""
    from practice_action.ui.main_window import MainWindow

    window = MainWindow(ctx, locations, actor)
    window.resize(WIDTH, HEIGHT)
    window.show()
    shots.wait(150)
    try:
        yield window
    finally:
        window.close()
        window.deleteLater()
        shots.wait(50)


def demo_practice(shots: Shooter, scratch: Path) -> None:
    from practice_action.services import counter, demo
    from practice_action.services import documents as letters
    from practice_action.ui.plan_wizard import PlanWizard
    from practice_action.ui.signin import SignInDialog

    locations, ctx = _open(scratch / "demo")
    try:
        print(demo.create_demo(ctx).splitlines()[0])

        signin = SignInDialog(ctx)
        signin.show()
        shots.wait(100)
        shots.shoot(signin, "sign-in")
        signin.close()

        # Reception: the counter, then a patient for the clinician who is already full.
        with window_for(shots, ctx, locations, _actor(ctx, "Jade Barker")) as window:
            screen = window.show_section("counter")
            shots.shoot(window, "counter")
            full = next((c for c in counter.board(ctx).clinicians if c.left == 0), None)
            if full is None:  # nobody full yet at this hour of the demo: fill the first row
                first = counter.board(ctx).clinicians[0]
                for _ in range(first.left or 0):
                    counter.record_contact(ctx, screen.actor, first.clinician_id)
                screen.refresh()
                full = counter.board(ctx).clinician(first.clinician_id)
            screen.record(full.clinician_id)  # refused at the cap: the divert panel opens
            shots.shoot(window, "counter-divert")
            # The same on a small screen: 1024x768 less a taskbar.
            window.resize(1024, 728)
            shots.wait(150)
            shots.shoot(window, "counter-small-screen")

        # The practice manager: set-up, the plan and its wizard, staff.
        manager = _actor(ctx, "Karen Holt")
        with window_for(shots, ctx, locations, manager) as window:
            setup = window.show_section("setup")
            setup.setCurrentIndex(0)
            shots.shoot(window, "setup-profile")
            setup.setCurrentIndex(1)
            shots.shoot(window, "setup-clinicians")
            window.show_section("plan")
            shots.shoot(window, "action-plan")
            wizard = PlanWizard(ctx, manager, window)
            wizard.show()
            shots.wait(150)
            shots.shoot(wizard, "plan-wizard-intro")
            wizard.next()  # the first action of the menu: the limit on daily contacts
            shots.wait(150)
            shots.shoot(wizard, "plan-wizard-cap")
            wizard.reject()
            wizard.deleteLater()
            window.show_section("staff")
            shots.shoot(window, "staff")

        # A partner: generate the pack, then Letters, Reports and the audit trail.
        partner = _actor(ctx, "Dr Asha Mistry")
        pack = letters.generate(ctx, partner)
        notice = next(g for g in pack if g.entry.kind == "voluntary_services_notice")
        with window_for(shots, ctx, locations, partner) as window:
            screen = window.show_section("letters")
            screen.select_key(notice.entry.key)
            shots.wait_until(lambda: screen.preview_pages() > 0)
            shots.wait(800)  # the preview draws its pages after the document has loaded
            shots.shoot(window, "letters")
            window.show_section("reports")
            shots.wait(300)
            shots.shoot(window, "reports")
            window.show_section("audit")
            shots.shoot(window, "audit-trail")

        shots.pdf_page(notice.content, "letter-page", scratch)
        poster = next(g for g in pack if g.entry.kind == "poster")
        shots.pdf_page(poster.content, "poster-page", scratch)
    finally:
        ctx.store.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "docs" / "screenshots",
        help="folder for the PNGs (default: docs/screenshots)",
    )
    args = parser.parse_args(argv)
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="practice-action-shots-") as temp:
        scratch = Path(temp)
        _offscreen(scratch)
        # Whatever the app looks up by default stays in the scratch folder too.
        os.environ["PRACTICE_ACTION_DATA_DIR"] = str(scratch / "default")
        os.environ.pop("PRACTICE_ACTION_DATABASE_URL", None)
        shots = Shooter(out)
        print(f"Screenshots to {out}:")
        first_run(shots, scratch)
        demo_practice(shots, scratch)
        total = sum(p.stat().st_size for p in shots.written)
        print(f"{len(shots.written)} pictures, {total / 1024:.0f} kB in all.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
