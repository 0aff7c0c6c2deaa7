"""Set-up > Counter: the practice's usual contact type, how long a contact can be undone, and
whether a type chosen at the desk stays chosen for a while after a contact.

Every desk shares these (they are stored in the database): the usual type is what the
counter records when the desk does not choose another, and by default the desk goes back to it
after every contact.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from practice_action.domain.enums import ContactType
from practice_action.domain.errors import PracticeActionError, ValidationError
from practice_action.services import counter
from practice_action.services.context import Actor, Context
from practice_action.ui.forms import plural_suffix


class CounterSettingsTab(QWidget):
    def __init__(self, ctx: Context, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        intro = QLabel(
            "These apply on every desk. The counter records the usual contact type unless "
            "reception picks another (F5-F9 at the desk). After a contact the desk goes back "
            "to the usual type, unless you let a chosen type stay for a few minutes (for a "
            "run of telephone contacts, say)."
        )
        intro.setWordWrap(True)
        self.usual_type = QComboBox()
        for contact_type in ContactType:
            self.usual_type.addItem(contact_type.label, contact_type.value)
        self.undo_minutes = QSpinBox()
        self.undo_minutes.setRange(1, 60)
        plural_suffix(self.undo_minutes, "minute", "minutes")
        self.type_hold = QSpinBox()
        self.type_hold.setRange(0, 60)
        self.type_hold.setSpecialValueText("Back to the usual type after each contact")
        plural_suffix(
            self.type_hold, "minute after the last contact", "minutes after the last contact"
        )
        for field in (self.usual_type, self.undo_minutes, self.type_hold):
            field.setMaximumWidth(360)
        form = QFormLayout()
        form.addRow("&Usual contact type:", self.usual_type)
        form.addRow("A contact can be undone &within:", self.undo_minutes)
        form.addRow("A chosen type s&tays for:", self.type_hold)
        self.save_button = QPushButton("&Save")
        self.save_button.clicked.connect(self.save)
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.load()

    def chosen_type(self) -> ContactType:
        return ContactType(self.usual_type.currentData())

    def load(self) -> None:
        usual, minutes = counter.settings(self.ctx)
        self.usual_type.setCurrentIndex(self.usual_type.findData(usual.value))
        self.undo_minutes.setValue(minutes)
        self.type_hold.setValue(counter.type_hold_minutes(self.ctx))

    def save(self) -> bool:
        try:
            counter.save_settings(
                self.ctx,
                self.actor,
                ContactType(self.usual_type.currentData()),
                self.undo_minutes.value(),
                type_hold_minutes=self.type_hold.value(),
            )
        except ValidationError as error:
            self.message.setText("Not saved: " + " ".join(error.problems.values()))
            return False
        except PracticeActionError as error:
            self.message.setText(f"Not saved: {error}")
            return False
        self.message.setText("Saved. Every desk uses these from its next contact.")
        return True
