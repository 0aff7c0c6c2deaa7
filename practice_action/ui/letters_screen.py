"""The "Letters" section: the documents the plan calls for, their state, and their preview.

Each letter and patient notice of the current plan is listed with its state (not yet
generated, generated, printed, sent). Choosing one shows it on the right: the registered
copy once a partner has generated it, otherwise a draft stamped DRAFT. A partner generates,
prints and marks as sent; a practice manager reads drafts. Anything missing is listed in
words, each with where to fill it in.
"""

from __future__ import annotations

import difflib
import html
import re
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QDate, QIODevice, Qt
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QApplication,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from practice_action.domain.calendar import local_today
from practice_action.domain.errors import PracticeActionError
from practice_action.domain.words import plural
from practice_action.services import documents as letters_service
from practice_action.services.context import Actor, Context
from practice_action.services.documents import DocumentStatus, LettersOverview
from practice_action.services.permissions import Permission, allowed
from practice_action.ui.forms import problem_label, set_problem
from practice_action.ui.modal import run_modal
from practice_action.ui.printing import PrintJob
from practice_action.ui.sections import Section, section
from practice_action.ui.tables import Column, FilteredTable
from practice_action.ui.wording_dialog import WordingDialog

if TYPE_CHECKING:
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPdfWidgets import QPdfView


def _reference(status: DocumentStatus) -> str:
    return status.latest.reference if status.latest else ""


class SentDialog(QDialog):
    """Asks for the day a document was sent."""

    def __init__(self, today: date, earliest: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Mark as sent")
        self.date_edit = QDateEdit(QDate(today.year, today.month, today.day))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("ddd d MMM yyyy")
        self.date_edit.setMaximumDate(QDate(today.year, today.month, today.day))
        self.date_edit.setMinimumDate(QDate(earliest.year, earliest.month, earliest.day))
        self.date_edit.setAccessibleName("Day sent")
        form = QFormLayout(self)
        form.addRow(QLabel("On which day was it posted, emailed or put up?"))
        form.addRow("Sent on", self.date_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def day(self) -> date:
        return self.date_edit.date().toPython()  # type: ignore[no-any-return]


def _boxed_label(name: str, background: str, border: str) -> QLabel:
    """A wrapping rich-text box on a coloured ground (what is missing; what was made)."""
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setStyleSheet(
        f"QLabel#{name} {{ background: {background}; border: 1px solid {border}; padding: 6px; }}"
    )
    return label


class LettersScreen(QWidget):
    def __init__(self, ctx: Context, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        self.can_sign = allowed(actor, Permission.SIGN_LETTERS)
        self.content: bytes = b""  # what the preview shows now
        self.content_is_draft = False
        self._pdf_document: QPdfDocument | None = None
        self._pdf_view: QPdfView | None = None
        self._preview_parked = False  # the PDF was let go while hidden; load it when shown
        self._parked_at = 0  # and where the reader was in it
        self._pdf_buffer: QBuffer | None = None

        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.missing = _boxed_label("missing", "#fff4e5", "#b3261e")
        self.problem = problem_label()
        # what the last "Generate all" made, and each document it left with its own gaps
        self.outcome = _boxed_label("outcome", "#eef7ee", "#2e7d32")
        self.outcome.hide()

        self.table = FilteredTable(
            [
                Column("Document", lambda s: s.document.title),
                Column("State", lambda s: s.state),
                Column("Our ref", _reference),
                Column("To", lambda s: s.document.recipient),
            ],
            placeholder="Filter the documents…",
        )
        self.table.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # keep the plan's order
        self.table.selection_changed.connect(lambda _record: self.show_preview())

        self.generate_button = QPushButton("Ge&nerate")
        self.generate_button.setToolTip("Make the final, signed document and record it")
        self.generate_button.clicked.connect(self.generate_selected)
        self.generate_all_button = QPushButton("Generate &all")
        self.generate_all_button.setToolTip(
            "Make every document that has all it needs; the others are listed with what "
            "each still needs"
        )
        self.generate_all_button.clicked.connect(self.generate_all)
        self.print_button = QPushButton("&Print…")
        self.print_button.setToolTip(
            "Print the final version and record it. Generate the document first."
        )
        self.print_button.clicked.connect(self.print_selected)
        self.save_button = QPushButton("&Save as…")
        self.save_button.setToolTip("Save the document shown as a file (a PDF for letters)")
        self.save_button.clicked.connect(self.save_selected)
        self.sent_button = QPushButton("Mark as s&ent…")
        self.sent_button.setToolTip(
            "Record the day it was posted, emailed or put up. Generate the document first."
        )
        self.sent_button.clicked.connect(self.mark_sent_selected)
        self.word_button = QPushButton("Save as Wor&d…")
        self.word_button.setToolTip(
            "Save the referral letter template as a Word document with named fields, to "
            "load into the clinical system's letter writer"
        )
        self.word_button.clicked.connect(self.save_word_selected)

        self.wording_button = QPushButton("&Wording…")
        self.wording_button.setToolTip("The letters' wording, paragraph by paragraph")
        self.wording_button.clicked.connect(self.open_wording)
        self.print_job: PrintJob | None = None
        self.printed_how = ""  # how the last job went to the printer (see ui/printing.py)
        self.print_progress = QProgressBar()
        self.print_progress.setAccessibleName("Printing progress")
        self.print_progress.setTextVisible(True)
        self.print_progress.hide()
        self.cancel_print_button = QPushButton("Cancel printing")
        self.cancel_print_button.clicked.connect(self.cancel_printing)
        self.cancel_print_button.hide()
        for button in (
            self.generate_button,
            self.generate_all_button,
            self.print_button,
            self.sent_button,
        ):
            button.setVisible(self.can_sign)
        buttons = QHBoxLayout()
        for button in (
            self.generate_button,
            self.generate_all_button,
            self.print_button,
            self.save_button,
            self.word_button,
            self.sent_button,
            self.wording_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        printing = QHBoxLayout()
        printing.addWidget(self.print_progress, 1)
        printing.addWidget(self.cancel_print_button)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addLayout(buttons)
        left_layout.addLayout(printing)

        self.preview_title = QLabel()
        self.preview_title.setWordWrap(True)
        self.preview_title.setTextFormat(Qt.TextFormat.RichText)
        self.sms_count = QLabel()
        self.sms_count.setObjectName("sms-count")
        self.text_view = QPlainTextEdit()
        self.text_view.setReadOnly(True)
        self.text_view.setAccessibleName("Document text")
        self.nothing = QLabel("Choose a document in the list to see it here.")
        self.nothing.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.nothing.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.nothing)
        self.stack.addWidget(self.text_view)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.preview_title)
        right_layout.addWidget(self.sms_count)
        right_layout.addWidget(self.stack, 1)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        # Half each: the list's long names would otherwise squeeze the page until its words
        # cannot be read on a laptop screen.
        splitter.setSizes([1000, 1000])
        self.splitter = splitter

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.missing)
        layout.addWidget(self.problem)
        layout.addWidget(self.outcome)
        layout.addWidget(splitter, 1)
        self.refresh()

    # --- the list ------------------------------------------------------------------------

    def refresh(self) -> None:
        try:
            overview = letters_service.overview(self.ctx, self.actor)
        except PracticeActionError as error:
            set_problem(self.problem, str(error))
            return
        self.overview = overview
        self.heading.setText(self._heading_text(overview))
        if overview.missing:
            items = "".join(
                f"<li><b>{html.escape(item.what)}</b>: fill it in at "
                f"<i>{html.escape(item.where)}</i></li>"
                for item in overview.missing
            )
            self.missing.setText(
                f"<b>{len(overview.missing)} detail"
                f"{' is' if len(overview.missing) == 1 else 's are'} missing</b>, so the "
                f"documents that need them cannot be made yet:<ul>{items}</ul>"
            )
        self.missing.setVisible(bool(overview.missing))
        self.table.set_rows(list(overview.documents))
        self.table.view.setColumnWidth(0, min(self.table.view.columnWidth(0), 300))
        if self.table.current_record() is None and overview.documents:
            self.table.view.selectRow(0)
        self.show_preview()
        self._update_buttons()

    def _heading_text(self, overview: LettersOverview) -> str:
        if not overview.has_plan:
            return (
                "<b>No action plan yet.</b> The letters and notices come from the plan: "
                "make it at <i>Action plan</i> first."
            )
        if not overview.documents:
            return "<b>The plan needs no letters or notices yet.</b>"
        done = sum(1 for s in overview.documents if s.latest and not s.out_of_date)
        signer = (
            f"Letters are signed by <b>{html.escape(overview.signer)}</b>."
            if overview.signer
            else "<b>No partner to sign the letters.</b>"
        )
        who = (
            "Generate makes the final version and records it in the correspondence register."
            if self.can_sign
            else "You may read drafts; a partner generates, prints and signs the letters."
        )
        return (
            f"<b>{plural(len(overview.documents), 'document')}</b> for the plan, {done} generated. "
            f"{signer} {who}"
        )

    def focus_first(self) -> None:
        """Start in the list of documents: the arrow keys then choose one to preview."""
        self.table.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def statuses(self) -> list[DocumentStatus]:
        return list(self.overview.documents)

    def select_key(self, key: str) -> bool:
        return self.table.select(lambda s: s.document.key == key)

    def current(self) -> DocumentStatus | None:
        record = self.table.current_record()
        return record if isinstance(record, DocumentStatus) else None

    def open_wording(self) -> WordingDialog:
        """The wording editor; a saved change redraws the preview here at once."""
        dialog = WordingDialog(self.ctx, self.actor, self)
        dialog.changed.connect(self._wording_changed)
        dialog.open()
        return dialog

    def _wording_changed(self) -> None:
        """Draw the list and the preview again, keeping the document the person was on."""
        status = self.current()
        self.refresh()
        if status is not None:
            self.select_key(status.document.key)

    def _update_buttons(self) -> None:
        status = self.current()
        registered = status is not None and status.latest is not None
        self.print_button.setEnabled(
            registered and not status.out_of_date and self.print_job is None  # type: ignore[union-attr]
        )
        self.sent_button.setEnabled(registered and not status.out_of_date)  # type: ignore[union-attr]
        self.generate_button.setEnabled(status is not None and not status.document.gaps)
        self.generate_all_button.setEnabled(
            any(not s.document.gaps for s in self.overview.documents)
        )
        self.save_button.setEnabled(bool(self.content))
        is_template = status is not None and status.document.kind == "referral_letter_template"
        self.word_button.setVisible(is_template)
        self.word_button.setEnabled(is_template and not status.document.gaps)  # type: ignore[union-attr]

    # --- the preview ---------------------------------------------------------------------

    def show_preview(self) -> None:
        status = self.current()
        self.content, self.content_is_draft = b"", False
        self.sms_count.setVisible(False)
        if status is None:
            self.preview_title.setText("")
            self.stack.setCurrentWidget(self.nothing)
            self._update_buttons_safely()
            return
        document = status.document
        try:
            if status.latest is not None and not status.out_of_date:
                self.content = letters_service.reproduce(self.ctx, self.actor, status.latest.id)
                label = f"{html.escape(status.latest.reference)}, {html.escape(status.state)}"
            elif document.gaps:
                self.preview_title.setText(f"<b>{html.escape(document.title)}</b>")
                self.nothing.setText(
                    "This document cannot be made yet: "
                    + "; ".join(str(item) for item in document.gaps)
                    + "."
                )
                self.stack.setCurrentWidget(self.nothing)
                self._update_buttons_safely()
                return
            else:
                self.content = letters_service.preview_draft(
                    self.ctx, self.actor, document.key
                ).content
                self.content_is_draft = True
                label = "DRAFT: not yet generated"
                if status.latest is not None:  # generated, but what it prints has changed
                    old = letters_service.reproduce(self.ctx, self.actor, status.latest.id)
                    changes = what_changed(old, self.content, document.is_pdf)
                    label = (
                        f"DRAFT: {html.escape(status.latest.reference)} is out of date. "
                        + (
                            "Changed since: " + "; ".join(html.escape(c) for c in changes)
                            if changes
                            else "Its wording has changed since."
                        )
                        + " Generate it again."
                    )
        except PracticeActionError as error:
            set_problem(self.problem, str(error))
            self.stack.setCurrentWidget(self.nothing)
            self._update_buttons_safely()
            return
        self.preview_title.setText(f"<b>{html.escape(document.title)}</b> · {label}")
        if document.is_pdf:
            self._show_pdf(self.content)
        else:
            text = self.content.decode("utf-8")
            self.text_view.setPlainText(text)
            self.stack.setCurrentWidget(self.text_view)
            if document.kind == "sms":
                body = text.split("\n\n", 1)[1] if self.content_is_draft else text
                length, parts = letters_service.sms_counts(body)
                self.sms_count.setText(
                    f"Text message: {length} characters, {parts} SMS "
                    f"(two SMS hold {letters_service.SMS_MAX})."
                )
                self.sms_count.setVisible(True)
        self._update_buttons_safely()

    def _update_buttons_safely(self) -> None:
        if hasattr(self, "overview"):
            self._update_buttons()

    def _show_pdf(self, content: bytes) -> None:
        from PySide6.QtPdf import QPdfDocument
        from PySide6.QtPdfWidgets import QPdfView

        if self._pdf_view is None:
            self._pdf_document = QPdfDocument(self)
            self._pdf_view = QPdfView(self)
            self._pdf_view.setDocument(self._pdf_document)
            self._pdf_view.setPageMode(QPdfView.PageMode.MultiPage)
            self._pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
            self._pdf_view.setAccessibleName("Document preview")
            self.stack.addWidget(self._pdf_view)
        assert self._pdf_document is not None
        self._pdf_document.close()
        buffer = QBuffer(self)
        buffer.setData(QByteArray(content))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._pdf_document.load(buffer)
        if self._pdf_buffer is not None:
            self._pdf_buffer.deleteLater()
        self._pdf_buffer = buffer
        self.stack.setCurrentWidget(self._pdf_view)

    def stop(self) -> None:
        """Before the screen goes (sign-out, quit): let a print job finish, never cut it."""
        job = self.print_job
        if job is not None and job.isRunning():
            job.wait(60_000)
            QApplication.processEvents()  # its "done", so a finished print is recorded

    def hideEvent(self, event: QHideEvent) -> None:
        """Let the preview's page images (megabytes each) go while another section is shown.

        Minimising the window hides it too (a spontaneous hide): then the preview stays, as
        the person is coming straight back. The place in the document is kept either way.
        """
        view, document = self._pdf_view, self._pdf_document
        if (
            not event.spontaneous()
            and view is not None
            and document is not None
            and document.pageCount()
        ):
            self._parked_at = view.verticalScrollBar().value()
            document.close()
            self._preview_parked = True
        super().hideEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._preview_parked:
            self._preview_parked = False
            if self.content and self.stack.currentWidget() is self._pdf_view:
                self._show_pdf(self.content)
                assert self._pdf_view is not None
                self._pdf_view.verticalScrollBar().setValue(self._parked_at)

    def preview_pages(self) -> int:
        return self._pdf_document.pageCount() if self._pdf_document is not None else 0

    # --- what a partner does -------------------------------------------------------------

    def _run(self, work: object) -> bool:
        try:
            work()  # type: ignore[operator]
        except PracticeActionError as error:
            set_problem(self.problem, str(error))
            return False
        set_problem(self.problem, "")
        return True

    def generate_selected(self) -> None:
        status = self.current()
        if status is None:
            set_problem(self.problem, "Choose a document in the list first, then Generate.")
            return
        key = status.document.key
        if self._run(lambda: letters_service.generate(self.ctx, self.actor, [key])):
            self.refresh()
            self.select_key(key)

    def generate_all(self) -> None:
        """Make every document that has what it needs; list each other with its own gaps."""
        runs: list[letters_service.ReadyRun] = []
        if not self._run(lambda: runs.append(letters_service.generate_ready(self.ctx, self.actor))):
            return
        key = self.current().document.key if self.current() is not None else None  # type: ignore[union-attr]
        self.refresh()
        if key is not None:
            self.select_key(key)
        self.outcome.setText(outcome_text(runs[0]))
        self.outcome.show()

    def _registered(self) -> DocumentStatus | None:
        status = self.current()
        if status is None or status.latest is None or status.out_of_date:
            set_problem(
                self.problem,
                "Generate this document first: only the final version is printed or sent.",
            )
            return None
        return status

    def print_to(self, printer: QPrinter) -> bool:
        """Print the document shown on ``printer``; recorded as printed once the printer has
        it. A PDF prints on a thread of its own (``print_job``), with progress and Cancel, so
        the window keeps working; True when the printing started (or, for text, was done)."""
        status = self._registered()
        if status is None or status.latest is None:
            return False
        if self.print_job is not None:
            set_problem(self.problem, "A document is printing: wait for it, or cancel it.")
            return False
        entry_id, key = status.latest.id, status.document.key
        if status.document.is_pdf:
            self._start_print_job(printer, entry_id, key)
            return True
        else:
            from PySide6.QtGui import QTextDocument

            text = QTextDocument()
            if status.document.media_type == letters_service.HTML:
                text.setHtml(self.content.decode("utf-8"))
            else:
                text.setPlainText(self.content.decode("utf-8"))
            text.print_(printer)
        if self._run(lambda: letters_service.mark_printed(self.ctx, self.actor, entry_id)):
            self.refresh()
            self.select_key(key)
            return True
        return False

    def _start_print_job(self, printer: QPrinter, entry_id: int, key: str) -> None:
        job = PrintJob(self.content, printer, self)
        self.print_job = job
        self.print_progress.setRange(0, 0)  # busy until the first page is out
        self.print_progress.setFormat("Printing…")
        self.print_progress.show()
        self.cancel_print_button.show()
        self.print_button.setEnabled(False)  # one job at a time: a second press waits
        job.progress.connect(self._print_progress)
        job.done.connect(lambda printed, why: self._print_done(job, printed, why, entry_id, key))
        job.start()

    def _print_progress(self, sent: int, pages: int) -> None:
        self.print_progress.setRange(0, pages)
        self.print_progress.setValue(sent)
        self.print_progress.setFormat(f"Printing: page {sent} of {pages}")

    def cancel_printing(self) -> None:
        if self.print_job is not None:
            self.print_job.cancel()
            self.print_progress.setFormat("Cancelling…")

    def _print_done(self, job: PrintJob, printed: bool, why: str, entry_id: int, key: str) -> None:
        job.wait()
        self.print_job = None
        self.print_progress.hide()
        self.cancel_print_button.hide()
        self.printed_how = job.how
        job.deleteLater()
        if printed and self._run(
            lambda: letters_service.mark_printed(self.ctx, self.actor, entry_id)
        ):
            self.refresh()
            self.select_key(key)
            return
        self._update_buttons_safely()
        if not printed:
            set_problem(
                self.problem,
                why or "Printing was cancelled: nothing was recorded as printed.",
            )

    def print_selected(self) -> None:
        if self._registered() is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print")
        if run_modal(dialog) == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def save_to(self, path: Path) -> Path:
        """Save what the preview shows (a draft is saved stamped DRAFT)."""
        return letters_service.save_file(path, self.content)

    def save_selected(self) -> None:
        status = self.current()
        if status is None or not self.content:
            set_problem(self.problem, "Choose a document that can be made, then save it.")
            return
        name = status.document.file_name
        if self.content_is_draft:
            name = f"DRAFT-{name}"
        self._save_through_dialog("Save the document", name, self.save_to)

    def _save_through_dialog(
        self, title: str, name: str, save: Callable[[Path], Path], name_filter: str = ""
    ) -> None:
        """Ask where, offering ``name``, then ``save`` there; a refusal is shown, not raised."""
        dialog = QFileDialog(self, title)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        if name_filter:
            dialog.setNameFilter(name_filter)
            dialog.setDefaultSuffix(Path(name).suffix.lstrip("."))
        dialog.selectFile(name)
        if run_modal(dialog) != QDialog.DialogCode.Accepted or not dialog.selectedFiles():
            return
        try:
            save(Path(dialog.selectedFiles()[0]))
        except PracticeActionError as error:
            set_problem(self.problem, str(error))
            return
        except OSError as error:
            set_problem(
                self.problem, f"The file could not be saved ({error}): choose another folder."
            )
            return
        set_problem(self.problem, "")

    def save_word_to(self, path: Path) -> Path:
        """Save the referral letter template as a Word document at ``path``."""
        content = letters_service.referral_template_word(self.ctx, self.actor)
        return letters_service.save_file(path, content)

    def save_word_selected(self) -> None:
        self._save_through_dialog(
            "Save the referral template as a Word document",
            letters_service.WORD_FILE_NAME,
            self.save_word_to,
            "Word document (*.docx)",
        )

    def mark_sent_on(self, day: date) -> bool:
        status = self._registered()
        if status is None or status.latest is None:
            return False
        entry_id, key = status.latest.id, status.document.key
        if self._run(lambda: letters_service.mark_sent(self.ctx, self.actor, entry_id, day)):
            self.refresh()
            self.select_key(key)
            return True
        return False

    def mark_sent_selected(self) -> None:
        status = self._registered()
        if status is None or status.latest is None:
            return
        dialog = SentDialog(local_today(self.ctx.clock), status.latest.dated, self)
        if run_modal(dialog) == QDialog.DialogCode.Accepted:
            self.mark_sent_on(dialog.day())


def outcome_text(run: letters_service.ReadyRun) -> str:
    """'Made 7 documents.' and each document not made, with the details it still needs."""
    made = f"<b>Made {plural(len(run.made), 'document')}</b>, each in the correspondence register."
    if not run.made:
        made = "<b>No document was made.</b>"
    if not run.waiting:
        return made
    # documents waiting for the same details are listed together, the details said once
    groups: dict[tuple[object, ...], list[str]] = {}
    for document in run.waiting:
        groups.setdefault(tuple(document.gaps), []).append(document.title)
    items = "".join(
        "<li>"
        + ", ".join(f"<b>{html.escape(title)}</b>" for title in titles)
        + ": "
        + "; ".join(html.escape(str(gap)) for gap in gaps)
        + "</li>"
        for gaps, titles in groups.items()
    )
    return (
        f"{made} Not made yet: {plural(len(run.waiting), 'document')}, each waiting for "
        f"its own missing details:<ul>{items}</ul>"
    )


_DATE = re.compile(r"\b\d{1,2} [A-Z][a-z]+ \d{4}\b")
_REFERENCE = re.compile(r"\b[A-Z0-9]+/[A-Z]+/\d{4}/\d+\b")


def _lines(content: bytes, is_pdf: bool) -> list[str]:
    if not is_pdf:
        text = content.decode("utf-8", errors="replace")
        text = re.sub(r"<[^>]+>", "\n", text)
        return [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    from PySide6.QtPdf import QPdfDocument

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(content)
        document = QPdfDocument()
        document.load(str(path))
        lines = [
            " ".join(line.split())
            for page in range(document.pageCount())
            for line in document.getAllText(page).text().splitlines()
            if line.strip()
        ]
        document.close()
    return lines


def _plain(line: str) -> str:
    """A line without what changes every time (the date, the reference, the DRAFT stamp)."""
    text = _REFERENCE.sub("", _DATE.sub("", line)).strip()
    return "" if re.fullmatch(r"[A-Z0-9/ ]*", text) else text  # a piece of a reference


def what_changed(old: bytes, new: bytes, is_pdf: bool, most: int = 3) -> list[str]:
    """The first few lines that differ between the document as generated and as it would be
    now, in words: 'now "…" (was "…")'."""
    before = [line for line in _lines(old, is_pdf) if _plain(line)]
    after = [line for line in _lines(new, is_pdf) if _plain(line)]
    matcher = difflib.SequenceMatcher(a=[_plain(x) for x in before], b=[_plain(x) for x in after])
    found: list[str] = []

    def cut(text: str) -> str:
        return text if len(text) <= 80 else text[:77] + "…"

    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        was = " ".join(before[a1:a2])
        now = " ".join(after[b1:b2])
        if "DRAFT" in now:
            continue  # the draft's own stamp and note, not a change to the document
        if op == "replace":
            found.append(f"now “{cut(now)}” (was “{cut(was)}”)")
        elif op == "insert":
            found.append(f"added “{cut(now)}”")
        else:
            found.append(f"no longer “{cut(was)}”")
        if len(found) >= most:
            break
    return found


def sections() -> list[Section]:
    """This module's sections, as declared in ui/sections.py."""
    return [section("letters")]
