"""Small dialogs of the counter: a reason (undo, urgent override) and adding someone for today."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from practice_action.domain.records import Clinician

NO_PATIENT_DETAILS = "Do not type the patient's name or any detail that identifies them."


class ReasonDialog(QDialog):
    """Pick or type a short reason. OK stays disabled until there is one."""

    def __init__(
        self, title: str, question: str, choices: list[str], parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        label = QLabel(question)
        self.question = label
        label.setWordWrap(True)
        layout.addWidget(label)
        self.reason = QComboBox()
        self.reason.setEditable(True)
        self.reason.addItems(choices)
        self.reason.setCurrentIndex(-1)
        self.reason.lineEdit().setPlaceholderText("Choose or type a reason")
        self.reason.setAccessibleName("Reason")
        layout.addWidget(self.reason)
        hint = QLabel(NO_PATIENT_DETAILS)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        layout.addWidget(hint)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.reason.currentTextChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(len(self.text().strip()) >= 3)

    def text(self) -> str:
        return self.reason.currentText()


class AddForTodayDialog(QDialog):
    """Put a clinician on today's counter: someone from the register, or a new locum."""

    def __init__(self, off_duty: list[Clinician], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Add a clinician for today")
        self.setMinimumWidth(440)
        form = QFormLayout(self)
        self.existing = QComboBox()
        for clinician in off_duty:
            self.existing.addItem(f"{clinician.name} ({clinician.role.label})", clinician.id)
        self.existing.addItem("A new locum (type the name below)", None)
        form.addRow("&Clinician:", self.existing)
        self.locum_name = QLineEdit()
        self.locum_name.setPlaceholderText("e.g. Dr Sam Patel")
        form.addRow("New locum's &name:", self.locum_name)
        self.full_day = QRadioButton("&Full day (2 sessions)")
        self.half_day = QRadioButton("&Half day (1 session)")
        self.full_day.setChecked(True)
        form.addRow("Working today:", self.full_day)
        form.addRow("", self.half_day)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.existing.currentIndexChanged.connect(self._update)
        self.locum_name.textChanged.connect(self._update)
        self._update()

    def chosen_id(self) -> int | None:
        return self.existing.currentData()

    def sessions(self) -> int:
        return 2 if self.full_day.isChecked() else 1

    def _update(self) -> None:
        new = self.chosen_id() is None
        self.locum_name.setEnabled(new)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not new or bool(self.locum_name.text().strip()))
