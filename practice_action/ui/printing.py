"""Printing a PDF without holding up the window.

A print job runs on a thread of its own, page by page, so the window keeps answering and a
Cancel between pages is honoured. Where it can, the job hands the PDF itself to the printer:
to a file when the printer is Qt's PDF output, or to a CUPS queue with ``lp`` (CUPS takes PDF
and converts it for the printer), so the job is the document's own few hundred kilobytes.
Otherwise each page is drawn as an image at the printer's resolution, but never above
MAX_DPI: at 300 dpi a letter is sharp, while the 1,200 dpi of a high-resolution printer made
a 2-page letter a 15 MB job that took a quarter of a minute to make.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from PySide6.QtCore import QRect, QSize, Qt, QThread, Signal
from PySide6.QtGui import QPainter
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget

from practice_action.domain.errors import PracticeActionError

MAX_DPI = 300


class PrintJob(QThread):
    """Print ``content`` (PDF bytes) on ``printer``; ``done`` says how it ended."""

    progress = Signal(int, int)  # pages sent, pages in all
    done = Signal(bool, str)  # printed, and if not, why (empty when cancelled)

    def __init__(self, content: bytes, printer: QPrinter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.content = content
        self.printer = printer
        self.how = ""  # "pdf file", "pdf to queue" or "pages at N dpi", once started
        self._cancel = threading.Event()
        self.printed = False
        self.problem = ""

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        try:
            self.printed = self._print()
        except OSError as error:
            self.printed, self.problem = False, f"The printer could not be reached ({error})."
        except (RuntimeError, PracticeActionError) as error:
            self.printed, self.problem = False, str(error)
        self.done.emit(self.printed, "" if self.cancelled else self.problem)

    # ----- the ways of printing ----------------------------------------------------------
    def _print(self) -> bool:
        printer = self.printer
        if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and printer.outputFileName():
            return self._to_pdf_file(Path(printer.outputFileName()))
        queue = printer.printerName()
        if queue and _takes_pdf_by_lp():
            return self._to_queue(queue)
        return self._as_pages()

    def _to_pdf_file(self, target: Path) -> bool:
        self.how = "pdf file"
        from practice_action.services.documents import save_file

        save_file(target, self.content)  # written whole or not at all
        self.progress.emit(1, 1)
        return True

    def _to_queue(self, queue: str) -> bool:
        self.how = "pdf to queue"
        with tempfile.NamedTemporaryFile(suffix=".pdf", delete=False) as handle:
            handle.write(self.content)
            path = handle.name
        try:
            if self.cancelled:
                return False
            title = self.printer.docName() or "Practice Action document"
            done = subprocess.run(
                ["lp", "-d", queue, "-n", str(max(1, self.printer.copyCount())), "-t", title, path],
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
        finally:
            os.unlink(path)
        if done.returncode != 0:
            self.problem = (
                f"The printer {queue} refused the document: "
                f"{(done.stderr or done.stdout).strip() or 'no reason given'}."
            )
            return False
        self.progress.emit(1, 1)
        return True

    def _draw_page(self, document: object, page: int, dpi: int, painter: QPainter) -> bool:
        """Draw one page in strips (rendering a whole page at 300 dpi is one long call that
        holds up the window); False if cancelled part way."""
        from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions

        assert isinstance(document, QPdfDocument)
        points = document.pagePointSize(page)
        size = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
        target = painter.viewport()
        fitted = size.scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
        scale_x = fitted.width() / size.width()
        scale_y = fitted.height() / size.height()
        for band in _band_rects(size.width(), size.height(), BANDS):
            if self.cancelled:
                return False
            options = QPdfDocumentRenderOptions()
            options.setScaledSize(size)
            options.setScaledClipRect(band)
            image = document.render(page, band.size(), options)
            painter.drawImage(
                QRect(
                    target.x() + round(band.x() * scale_x),
                    target.y() + round(band.y() * scale_y),
                    round(band.width() * scale_x),
                    round(band.height() * scale_y) + 1,
                ),
                image,
            )
            self.msleep(1)  # let the window have its turn
        return True

    def _as_pages(self) -> bool:
        from PySide6.QtPdf import QPdfDocument

        printer = self.printer
        dpi = min(printer.resolution(), MAX_DPI)
        printer.setResolution(dpi)
        self.how = f"pages at {dpi} dpi"
        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / "document.pdf"
            source.write_bytes(self.content)
            document = QPdfDocument()
            if document.load(str(source)) != QPdfDocument.Error.None_:
                self.problem = "The document could not be read for printing."
                return False
            pages = document.pageCount()
            painter = QPainter()
            if not painter.begin(printer):
                self.problem = "The printer could not be started: check it and try again."
                return False
            try:
                for page in range(pages):
                    if self.cancelled:
                        printer.abort()
                        return False
                    if page:
                        printer.newPage()
                    if not self._draw_page(document, page, dpi, painter):
                        printer.abort()
                        return False
                    self.progress.emit(page + 1, pages)
            finally:
                painter.end()
                document.close()
        return not self.cancelled


BANDS = 16  # a page is drawn in strips: each a short call, so the window is never kept waiting


def _band_rects(width: int, height: int, bands: int) -> list[QRect]:
    step = -(-height // bands)
    return [QRect(0, y, width, min(step, height - y)) for y in range(0, height, step)]


def _takes_pdf_by_lp() -> bool:
    """True where printers are CUPS queues reached with ``lp`` (Linux, macOS)."""
    return sys.platform != "win32" and shutil.which("lp") is not None
