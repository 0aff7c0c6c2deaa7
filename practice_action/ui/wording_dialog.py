"""The letters' wording in the practice's own words: choose a letter and a paragraph, change
it, see it filled in at once, save it, or go back to the shipped words in one step.

Only a partner may change the wording (they sign the letters); anyone else who drafts letters
sees it, read-only. Every field is checked as it is typed and again by the service on saving.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from practice_action.domain import wording
from practice_action.domain.errors import PracticeActionError, ValidationError
from practice_action.services import wording as service
from practice_action.services.context import Actor, Context
from practice_action.services.permissions import Permission, allowed
from practice_action.ui.forms import problem_label, set_problem
from practice_action.ui.modal import run_modal


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class WordingDialog(QDialog):
    changed = Signal()  # a paragraph was saved or put back: previews must be drawn again

    def __init__(self, ctx: Context, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.can_change = allowed(actor, Permission.SIGN_LETTERS)
        self.setWindowTitle("The wording of the letters")
        self.letters: list[service.LetterWordingView] = []
        # Typed and not yet saved, by letter and paragraph: moving to another paragraph keeps
        # them, and closing asks first.
        self.drafts: dict[tuple[str, str], str] = {}

        self.letter_combo = QComboBox()
        self.letter_combo.setAccessibleName("Letter")
        letter_label = QLabel("&Letter")
        letter_label.setBuddy(self.letter_combo)
        self.paragraph_list = QListWidget()
        self.paragraph_list.setAccessibleName("Paragraphs")
        self.paragraph_list.setWordWrap(True)
        self.paragraph_list.setSpacing(2)
        paragraph_label = QLabel("Pa&ragraphs")
        paragraph_label.setBuddy(self.paragraph_list)

        self.used_when = QLabel()
        self.used_when.setWordWrap(True)
        self.text_edit = QPlainTextEdit()
        self.text_edit.setAccessibleName("Wording of the paragraph")
        self.text_edit.setTabChangesFocus(True)
        text_label = QLabel("&Wording")
        text_label.setBuddy(self.text_edit)
        self.fields = QLabel()
        self.fields.setWordWrap(True)
        self.fields.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem = problem_label()
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        self.preview.setAccessibleName("Preview of the paragraph")
        self.preview.setStyleSheet("background: #ffffff; border: 1px solid #aeb7bd; padding: 6px;")
        self.status = QLabel()
        self.status.setWordWrap(True)

        self.save_button = QPushButton("&Save paragraph")
        self.save_button.setShortcut(QKeySequence.StandardKey.Save)
        self.save_button.clicked.connect(self.save)
        self.back_button = QPushButton("&Back to the shipped wording")
        self.back_button.clicked.connect(self.back_to_shipped)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.close_asking)

        left = QVBoxLayout()
        left.addWidget(letter_label)
        left.addWidget(self.letter_combo)
        left.addWidget(paragraph_label)
        left.addWidget(self.paragraph_list, 1)
        right = QVBoxLayout()
        right.addWidget(self.used_when)
        right.addWidget(text_label)
        right.addWidget(self.text_edit, 1)
        right.addWidget(self.fields)
        right.addWidget(self.problem)
        right.addWidget(QLabel("<b>As the letter will read</b> (fields filled with examples)"))
        right.addWidget(self.preview)
        right.addWidget(self.status)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        right.addLayout(buttons)
        body = QHBoxLayout()
        body.addLayout(left, 2)
        body.addLayout(right, 3)
        layout = QVBoxLayout(self)
        if not self.can_change:
            note = QLabel("Only a partner can change the wording: they sign the letters.")
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addLayout(body, 1)
        layout.addWidget(close)
        self.text_edit.setReadOnly(not self.can_change)
        self.save_button.setVisible(self.can_change)
        self.back_button.setVisible(self.can_change)

        self.letter_combo.currentIndexChanged.connect(self._show_letter)
        self.paragraph_list.currentRowChanged.connect(self._show_paragraph)
        self.text_edit.textChanged.connect(self._check)
        screen = self.screen().availableGeometry()
        self.resize(min(960, screen.width() - 40), min(600, screen.height() - 60))
        self.reload()

    # --- what is shown ----------------------------------------------------------------------

    def reload(self, kind: str = "", key: str = "") -> None:
        self.letters = service.letter_wordings(self.ctx, self.actor)
        self.letter_combo.blockSignals(True)
        self.letter_combo.clear()
        for letter in self.letters:
            self.letter_combo.addItem(letter.title, letter.kind)
        self.letter_combo.blockSignals(False)
        index = max(0, self.letter_combo.findData(kind)) if kind else 0
        self.letter_combo.setCurrentIndex(index)
        self._show_letter(key)

    def letter(self) -> service.LetterWordingView:
        return self.letters[max(0, self.letter_combo.currentIndex())]

    def paragraph(self) -> service.ParagraphView | None:
        row = self.paragraph_list.currentRow()
        paragraphs = self.letter().paragraphs
        return paragraphs[row] if 0 <= row < len(paragraphs) else None

    def _show_letter(self, key: object = "") -> None:
        self.paragraph_list.blockSignals(True)
        self.paragraph_list.clear()
        chosen = 0
        for row, paragraph in enumerate(self.letter().paragraphs):
            item = QListWidgetItem(self._item_text(paragraph))
            item.setToolTip(paragraph.text)
            self.paragraph_list.addItem(item)
            if paragraph.key == key:
                chosen = row
        self.paragraph_list.blockSignals(False)
        self.paragraph_list.setCurrentRow(chosen)
        self._show_paragraph()

    def _item_text(self, paragraph: service.ParagraphView) -> str:
        own = " (the practice's words)" if paragraph.is_own else ""
        unsaved = " (not saved)" if (paragraph.kind, paragraph.key) in self.drafts else ""
        return f"{paragraph.used_when}{own}{unsaved}"

    def _show_paragraph(self, *_: object) -> None:
        paragraph = self.paragraph()
        if paragraph is None:
            return
        self.used_when.setText(f"<b>Printed:</b> {_html(paragraph.used_when)}")
        self.text_edit.blockSignals(True)
        self.text_edit.setPlainText(
            self.drafts.get((paragraph.kind, paragraph.key), paragraph.text)
        )
        self.text_edit.blockSignals(False)
        self.fields.setText(
            "<b>Fields it can use:</b> "
            + "; ".join(
                f"{{{name}}} {_html(wording.FIELD_MEANINGS[name])}" for name in paragraph.fields
            )
        )
        if paragraph.is_own:
            when = paragraph.changed_at.strftime("%d/%m/%Y") if paragraph.changed_at else ""
            self.status.setText(
                f"The practice's own words, changed by {paragraph.changed_by} {when}."
            )
        else:
            self.status.setText("The shipped wording.")
        self.back_button.setEnabled(paragraph.is_own)
        self._check()

    def _check(self) -> None:
        """The field check and the preview, as each key is typed."""
        paragraph = self.paragraph()
        if paragraph is None:
            return
        text = self.text_edit.toPlainText()
        draft = (paragraph.kind, paragraph.key)
        if " ".join(text.split()) != " ".join(paragraph.text.split()):
            self.drafts[draft] = text
        else:
            self.drafts.pop(draft, None)
        item = self.paragraph_list.currentItem()
        if item is not None:
            item.setText(self._item_text(paragraph))
        try:
            clean = wording.check(paragraph.kind, paragraph.key, text)
        except ValidationError as error:
            set_problem(self.problem, " ".join(error.problems.values()))
            self.preview.setText("")
            self.save_button.setEnabled(False)
            return
        set_problem(self.problem, "")
        self.preview.setText(wording.fill(clean, wording.FIELD_EXAMPLES, _html))
        self.save_button.setEnabled(clean != " ".join(paragraph.text.split()))

    # --- changing it --------------------------------------------------------------------------

    def save(self) -> bool:
        text = self.text_edit.toPlainText()
        return self._change(
            lambda p: service.change_paragraph(self.ctx, self.actor, p.kind, p.key, text)
        )

    def back_to_shipped(self) -> bool:
        return self._change(lambda p: service.back_to_shipped(self.ctx, self.actor, p.kind, p.key))

    def _change(self, call: Callable[[service.ParagraphView], object]) -> bool:
        """Run one change through the service; show why if refused, else show the result."""
        paragraph = self.paragraph()
        if paragraph is None:
            return False
        try:
            call(paragraph)
        except ValidationError as error:
            set_problem(self.problem, " ".join(error.problems.values()))
            return False
        except PracticeActionError as error:
            set_problem(self.problem, str(error))
            return False
        self.drafts.pop((paragraph.kind, paragraph.key), None)
        self.reload(paragraph.kind, paragraph.key)
        self.changed.emit()
        return True

    def close_asking(self) -> bool:
        """Close, as a person does (Close, Escape, the window's cross); with paragraphs typed
        and not saved, only once they say so. A desk that locks calls ``reject`` instead, which
        never asks: nothing may show over the lock."""
        if self.drafts:
            count = len(self.drafts)
            box = QMessageBox(
                QMessageBox.Icon.Question,
                "Close without saving?",
                f"{count} paragraph{' has' if count == 1 else 's have'} changes that are not "
                "saved. Close and lose them?",
                parent=self,
            )
            lose = box.addButton("Close without saving", QMessageBox.ButtonRole.DestructiveRole)
            box.addButton("Keep editing", QMessageBox.ButtonRole.RejectRole)
            run_modal(box)
            if box.clickedButton() is not lose:
                return False
            self.drafts.clear()
        self.reject()
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close_asking()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.isVisible() and self.drafts and not self.close_asking():
            event.ignore()
            return
        super().closeEvent(event)
