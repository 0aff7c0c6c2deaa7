"""Printing never holds up the window and makes small jobs: a letter through Qt's PDF
output and through a real CUPS queue (a PDF printer, set up by .ci/run), straight as PDF and
as pages drawn at no more than 300 dpi; the window keeps answering while it prints, Cancel
stops it, and a second Print waits for the first."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest
from letters_helpers import make_demo, pdf_pages
from PySide6.QtCore import QElapsedTimer, Qt, QTimer
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo
from pytestqt.qtbot import QtBot

from practice_action.services.context import Context
from practice_action.ui import printing
from practice_action.ui.letters_screen import LettersScreen

KEY = "service_changes_notification"  # the demo's notification to the ICB: 3 pages
QUEUE = os.environ.get("PRACTICE_ACTION_TEST_PRINTER", "PracticePDF")
CUPS_OUT = Path(os.environ.get("PRACTICE_ACTION_TEST_PRINTER_OUT", "/var/spool/cups-pdf"))
PAGES = 3
FEW_MB = PAGES * 1536 * 1024  # a few MB: at most 1.5 MB a page


class Heartbeat:
    """Counts the window's event loop turning: the longest gap is how long it was busy."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.clock.start()
        self.last = 0
        self.longest = 0
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._beat)
        self.timer.start()

    def _beat(self) -> None:
        now = self.clock.elapsed()
        self.longest = max(self.longest, now - self.last)
        self.last = now

    def stop(self) -> int:
        self.timer.stop()
        return self.longest


@pytest.fixture
def screen(qtbot: QtBot, ctx: Context) -> LettersScreen:
    people = make_demo(ctx)
    widget = LettersScreen(ctx, people["Dr Asha Mistry"])
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    assert widget.select_key(KEY)
    widget.generate_button.click()
    qtbot.waitUntil(lambda: widget.preview_pages() == PAGES)
    return widget


def _print(qtbot: QtBot, screen: LettersScreen, printer: QPrinter) -> tuple[float, int]:
    """Start printing, wait for the end; (seconds taken, longest the window was busy, ms)."""
    beat = Heartbeat()
    started = time.monotonic()
    assert screen.print_to(printer)
    assert screen.print_job is not None and screen.print_progress.isVisible()
    assert not screen.print_button.isEnabled()  # a second press cannot start a second job
    qtbot.waitUntil(lambda: screen.print_job is None, timeout=60_000)
    return time.monotonic() - started, beat.stop()


def _newest_cups_pdf(after: float) -> Path:
    """The file the PDF printer wrote for the last job, once the queue has finished it."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        waiting = subprocess.run(["lpstat", "-o", QUEUE], capture_output=True, text=True)
        if not waiting.stdout.strip():
            break
        time.sleep(0.2)
    files = [p for p in CUPS_OUT.rglob("*.pdf") if p.stat().st_mtime >= after]
    assert files, f"nothing came out of the CUPS queue {QUEUE} into {CUPS_OUT}"
    return max(files, key=lambda p: p.stat().st_mtime)


def _cups_printer() -> QPrinter:
    assert QUEUE in QPrinterInfo.availablePrinterNames(), (
        f"no print queue {QUEUE}: .ci/run sets up CUPS with a PDF printer for this test"
    )
    printer = QPrinter(QPrinterInfo.printerInfo(QUEUE), QPrinter.PrinterMode.HighResolution)
    printer.setDocName("letter test")
    return printer


def test_qt_pdf_output_gets_the_pdf_itself(qtbot, screen: LettersScreen, tmp_path: Path) -> None:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    seconds, busy = _print(qtbot, screen, printer)
    assert screen.printed_how == "pdf file"
    assert out.read_bytes() == screen.content and pdf_pages(out.read_bytes()) == PAGES
    assert out.stat().st_size < FEW_MB
    assert screen.current().state == "Printed"  # type: ignore[union-attr]
    print(f"Qt PDF output: {out.stat().st_size} bytes, {seconds:.2f} s, window busy {busy} ms")


def test_a_cups_queue_gets_the_pdf_itself(qtbot, screen: LettersScreen) -> None:
    started = time.time() - 1
    seconds, busy = _print(qtbot, screen, _cups_printer())
    assert screen.printed_how == "pdf to queue"
    out = _newest_cups_pdf(started)
    assert pdf_pages(out.read_bytes()) == PAGES
    assert out.stat().st_size < FEW_MB
    assert busy < 1000, f"the window was busy for {busy} ms"
    assert screen.current().state == "Printed"  # type: ignore[union-attr]
    print(f"CUPS, PDF to queue: {out.stat().st_size} bytes, {seconds:.2f} s, busy {busy} ms")


def test_pages_drawn_for_a_printer_are_at_most_300_dpi(
    qtbot, screen: LettersScreen, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(printing, "_takes_pdf_by_lp", lambda: False)  # as on Windows
    printer = _cups_printer()
    assert printer.resolution() > 300  # high resolution asked for
    started = time.time() - 1
    seconds, busy = _print(qtbot, screen, printer)
    assert screen.printed_how == "pages at 300 dpi"
    out = _newest_cups_pdf(started)
    assert pdf_pages(out.read_bytes()) == PAGES
    assert out.stat().st_size < FEW_MB, f"{out.stat().st_size} bytes"
    assert busy < 1000, f"the window was busy for {busy} ms"
    print(f"CUPS, pages at 300 dpi: {out.stat().st_size} bytes, {seconds:.2f} s, busy {busy} ms")


def test_cancel_stops_printing_and_records_nothing(
    qtbot, screen: LettersScreen, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(printing, "_takes_pdf_by_lp", lambda: False)
    monkeypatch.setattr(printing.PrintJob, "_print", _waits_for_cancel)
    assert screen.print_to(_cups_printer())
    assert screen.cancel_print_button.isVisible()
    qtbot.mouseClick(screen.cancel_print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.print_job is None, timeout=10_000)
    assert screen.current().state == "Generated"  # type: ignore[union-attr]
    assert "cancelled" in screen.problem.text()
    assert screen.print_button.isEnabled()


def _waits_for_cancel(job: printing.PrintJob) -> bool:
    while not job.cancelled:
        time.sleep(0.01)
    return False
