"""Evidence for the LMC: the practice's export (with what the file holds, before saving) and
the combining window for a person at an LMC or PCN, which needs no practice or database.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from practice_action.documents.files import write_atomically
from practice_action.domain.errors import PracticeActionError
from practice_action.domain.evidence import EvidenceFile, summary
from practice_action.domain.evidence_combine import Combined
from practice_action.domain.words import plural
from practice_action.services import evidence
from practice_action.services.context import Actor, Context
from practice_action.ui.forms import resize_within_screen

PROBLEM = "color: #b3261e; font-weight: 600;"


def _save_dialog(parent: QWidget, title: str, name: str, filter_: str, suffix: str) -> QFileDialog:
    dialog = QFileDialog(parent, title, name)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setNameFilter(filter_)
    dialog.setDefaultSuffix(suffix)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    return dialog


def _message() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setVisible(False)
    return label


def _say(label: QLabel, text: str, *, problem: bool = False) -> None:
    label.setText(text)
    label.setStyleSheet(PROBLEM if problem else "")
    label.setVisible(bool(text))


class EvidenceExportDialog(QDialog):
    """What the evidence file for the period holds, and a button to save exactly that file."""

    def __init__(
        self, ctx: Context, actor: Actor, start: date, end: date, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        self.saved_to: Path | None = None
        self.setWindowTitle("Export evidence for the LMC")
        resize_within_screen(self, 680, 560)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "This file lets your LMC or PCN add your figures to other practices'. Read what it "
            "holds; nothing else goes in it. Save it, then send it to them as they ask."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.contents = QPlainTextEdit()
        self.contents.setReadOnly(True)
        self.contents.setAccessibleName("What the evidence file holds")
        layout.addWidget(self.contents, 1)
        self.message = _message()
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.save_button = self.buttons.addButton(
            "&Save the file…", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.save_button.clicked.connect(self.choose_file)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.evidence: EvidenceFile | None = None
        try:
            self.evidence = evidence.prepare(ctx, actor, start, end)
        except PracticeActionError as error:
            _say(self.message, str(error), problem=True)
            self.save_button.setEnabled(False)
            return
        self.contents.setPlainText("\n\n".join(summary(self.evidence)))

    def file_name(self) -> str:
        assert self.evidence is not None
        e = self.evidence
        return f"evidence-{e.ods_code}-{e.start.isoformat()}-to-{e.end.isoformat()}.json"

    def choose_file(self) -> QFileDialog:
        dialog = _save_dialog(
            self, "Save the evidence file", self.file_name(), "Evidence files (*.json)", "json"
        )
        dialog.fileSelected.connect(lambda name: self.save(Path(name)))
        dialog.open()
        return dialog

    def save(self, path: Path) -> bool:
        """Write the very file summed up above, and record the export in the audit trail."""
        assert self.evidence is not None
        try:
            self.saved_to = evidence.save(self.ctx, self.actor, self.evidence, path)
        except (PracticeActionError, OSError) as error:
            reason = error.strerror if isinstance(error, OSError) else str(error)
            _say(
                self.message,
                f"The file was not saved ({reason}): {path}. Choose another folder and try again.",
                problem=True,
            )
            return False
        _say(self.message, f"Saved the evidence file to {self.saved_to}")
        return True


class CombineDialog(QDialog):
    """Add practices' evidence files, combine them, save the figures as CSV and a PDF."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result: Combined | None = None
        self.setWindowTitle("Combine practices' evidence files")
        resize_within_screen(self, 760, 620)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "For an LMC or PCN: add the evidence files practices sent you, then press Combine. "
            "A file that was changed, comes from a newer Practice Action, or covers days another "
            "file for the same practice covers is refused by name, and nothing is combined."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        files_label = QLabel("&Files:")
        self.files = QListWidget()
        self.files.setAccessibleName("Evidence files")
        files_label.setBuddy(self.files)
        layout.addWidget(files_label)
        layout.addWidget(self.files, 1)
        row = QHBoxLayout()
        self.add_button = QPushButton("&Add files…")
        self.add_button.clicked.connect(self.choose_files)
        self.remove_button = QPushButton("&Remove")
        self.remove_button.clicked.connect(self.remove_selected)
        self.combine_button = QPushButton("Com&bine")
        self.combine_button.clicked.connect(self.combine)
        for button in (self.add_button, self.remove_button, self.combine_button):
            button.setAutoDefault(False)
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.message = _message()
        layout.addWidget(self.message)
        self.figures = QPlainTextEdit()
        self.figures.setReadOnly(True)
        self.figures.setAccessibleName("Combined figures")
        self.figures.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        layout.addWidget(self.figures, 2)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.csv_button = self.buttons.addButton(
            "Save &CSV…", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.pdf_button = self.buttons.addButton(
            "Save &PDF…", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.csv_button.clicked.connect(self.choose_csv)
        self.pdf_button.clicked.connect(self.choose_pdf)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._set_result(None)

    def paths(self) -> list[Path]:
        return [Path(self.files.item(i).text()) for i in range(self.files.count())]

    def add_files(self, names: Sequence[str | Path]) -> None:
        known = set(self.paths())
        for name in names:
            if Path(name) not in known:
                self.files.addItem(str(Path(name)))
                known.add(Path(name))
        self._list_changed()

    def choose_files(self) -> QFileDialog:
        dialog = QFileDialog(self, "Add evidence files")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.setNameFilter("Evidence files (*.json);;All files (*)")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.filesSelected.connect(self.add_files)
        dialog.open()
        return dialog

    def remove_selected(self) -> None:
        for item in self.files.selectedItems():
            self.files.takeItem(self.files.row(item))
        self._list_changed()

    def _list_changed(self) -> None:
        """The figures shown were for another list: clear them, and say so, so that the
        message never speaks of files that are no longer the ones listed."""
        self._set_result(None)
        n = self.files.count()
        _say(
            self.message,
            f"{plural(n, 'file')} in the list, not combined yet: press Combine." if n else "",
        )

    def combine(self) -> bool:
        if not self.files.count():
            _say(self.message, "Add at least one evidence file first.", problem=True)
            return False
        try:
            result = evidence.combine_files(self.paths())
        except PracticeActionError as error:
            self._set_result(None)
            _say(self.message, str(error), problem=True)
            return False
        self._set_result(result)
        _say(self.message, result.said())
        return True

    def _set_result(self, result: Combined | None) -> None:
        self.result = result
        self.figures.setPlainText("\n".join(evidence.combined_lines(result)) if result else "")
        self.csv_button.setEnabled(result is not None)
        self.pdf_button.setEnabled(result is not None)

    def choose_csv(self) -> QFileDialog:
        dialog = _save_dialog(
            self, "Save the figures as CSV", "combined-evidence.csv", "CSV files (*.csv)", "csv"
        )
        dialog.fileSelected.connect(lambda name: self.save_csv(Path(name)))
        dialog.open()
        return dialog

    def choose_pdf(self) -> QFileDialog:
        dialog = _save_dialog(
            self, "Save the report as PDF", "combined-evidence.pdf", "PDF files (*.pdf)", "pdf"
        )
        dialog.fileSelected.connect(lambda name: self.save_pdf(Path(name)))
        dialog.open()
        return dialog

    def save_csv(self, path: Path) -> bool:
        assert self.result is not None
        return self._write(path, evidence.combined_csv(self.result).encode("utf-8-sig"))

    def save_pdf(self, path: Path) -> bool:
        from practice_action.documents.evidence_pdf import combined_report

        assert self.result is not None
        return self._write(path, combined_report(self.result))

    def _write(self, path: Path, data: bytes) -> bool:
        try:
            written = write_atomically(path, data)
        except OSError as error:
            _say(
                self.message,
                f"The file was not saved ({error.strerror}): {path}. Choose another folder.",
                problem=True,
            )
            return False
        _say(self.message, f"Saved {written}")
        return True


__all__ = ["CombineDialog", "EvidenceExportDialog"]
