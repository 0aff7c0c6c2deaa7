"""The sign-in screen: choose your name, type your PIN, press Enter.

The same screen starts the app (inside ``SignInDialog``) and unlocks a locked desk (placed
over the main window by the desk). The PIN never leaves the field except to be checked by
``services.staff.sign_in``; it is cleared after every attempt and never logged.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import QRegularExpression, Signal
from PySide6.QtGui import QFont, QKeyEvent, QRegularExpressionValidator, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from practice_action import APP_NAME
from practice_action.domain.errors import PracticeActionError
from practice_action.domain.staff_member import StaffMember
from practice_action.services.context import Context

if TYPE_CHECKING:
    from practice_action.services.staff import SignedIn

_PIN_PATTERN = QRegularExpression(r"[0-9]{0,12}")


class SignInSource(ABC):
    """Where the sign-in screen finds the practice's name and its staff, and checks a PIN.

    The services are imported only when called: at start-up the screen may be fed by a
    lighter source while the database layer loads (ui/early_start.py).
    """

    @abstractmethod
    def practice_name(self) -> str: ...

    @abstractmethod
    def staff(self) -> list[StaffMember]: ...

    @abstractmethod
    def sign_in(self, staff_id: int, pin: str) -> SignedIn: ...


class ContextSource(SignInSource):
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def practice_name(self) -> str:
        from practice_action.services import practice

        try:
            return practice.get_profile(self.ctx).name
        except PracticeActionError:
            return ""

    def staff(self) -> list[StaffMember]:
        from practice_action.services import staff

        return staff.list_staff(self.ctx)

    def sign_in(self, staff_id: int, pin: str) -> SignedIn:
        from practice_action.services import staff

        return staff.sign_in(self.ctx, staff_id, pin)


def as_source(where: Context | SignInSource) -> SignInSource:
    return where if isinstance(where, SignInSource) else ContextSource(where)


class _NameList(QListWidget):
    """Enter on a name goes on to the PIN box (and goes no further, to no default button)."""

    chosen = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        keys = QtCore.Qt.Key
        if event.key() in (keys.Key_Return, keys.Key_Enter):
            self.chosen.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class _Message(QLabel):
    """The screen's message, which a person can select and copy once it says something."""

    def setText(self, text: str) -> None:
        if (
            text
            and not self.textInteractionFlags()
            & QtCore.Qt.TextInteractionFlag.TextSelectableByMouse
        ):
            # Set with the first message, not when the screen is made: the flag's enum would
            # make Qt's whole namespace (about 25 ms) before the window is up.
            self.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        super().setText(text)


class SignInScreen(QWidget):
    """Emits ``signed_in`` with a ``services.staff.SignedIn`` when a PIN is accepted."""

    signed_in = Signal(object)

    def __init__(
        self,
        where: Context | SignInSource,
        parent: QWidget | None = None,
        *,
        heading: str = "Sign in",
        note: str = "",
        preselect_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.source = as_source(where)
        self.setObjectName("signin-screen")

        card = QFrame()
        card.setObjectName("signin-card")
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card.setMaximumWidth(460)
        card.setStyleSheet(
            "#signin-card { background: palette(base); border: 1px solid palette(mid);"
            " border-radius: 8px; }"
        )

        practice_name = self.source.practice_name()
        title = QLabel(heading)
        title_font = QFont(title.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.6)
        title_font.setBold(True)
        title.setFont(title_font)
        subtitle = QLabel(f"{practice_name} · {APP_NAME}" if practice_name else APP_NAME)
        subtitle.setStyleSheet("color: palette(dark);")
        self.note = QLabel(note)
        self.note.setWordWrap(True)
        self.note.setVisible(bool(note))

        name_label = QLabel("1. Choose your name (or type its first letters)")
        self.names = _NameList()
        self.names.setObjectName("signin-names")
        self.names.setAccessibleName("Your name")
        self.names.setMinimumHeight(160)
        self.names.setAlternatingRowColors(True)
        self.names.setSpacing(2)
        list_font = QFont(self.names.font())
        list_font.setPointSizeF(list_font.pointSizeF() * 1.2)
        self.names.setFont(list_font)
        self.names.chosen.connect(lambda: self.pin.setFocus())
        self.names.itemDoubleClicked.connect(lambda _item: self.pin.setFocus())
        self.names.currentItemChanged.connect(lambda *_: self.message.clear())

        pin_label = QLabel("2. Type your PIN and press Enter")
        self.pin = QLineEdit()
        self.pin.setObjectName("signin-pin")
        self.pin.setAccessibleName("PIN")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setValidator(QRegularExpressionValidator(_PIN_PATTERN, self.pin))
        self.pin.setPlaceholderText("PIN: 6 or more digits")
        self.pin.setMaxLength(12)
        self.pin.returnPressed.connect(self.submit)
        pin_font = QFont(self.pin.font())
        pin_font.setPointSizeF(pin_font.pointSizeF() * 1.4)
        self.pin.setFont(pin_font)

        self.sign_in_button = QPushButton("Sign in")
        self.sign_in_button.setObjectName("signin-button")
        # Enter in the PIN box signs in; no default button, so Enter never submits twice.
        self.sign_in_button.setAutoDefault(False)
        self.sign_in_button.setMinimumHeight(34)
        self.sign_in_button.clicked.connect(self.submit)

        self.message = _Message()
        self.message.setObjectName("signin-message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020; font-weight: bold;")

        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)
        self.buttons.addWidget(self.sign_in_button)

        inner = QVBoxLayout(card)
        inner.setContentsMargins(28, 24, 28, 24)
        inner.setSpacing(8)
        inner.addWidget(title)
        inner.addWidget(subtitle)
        inner.addWidget(self.note)
        inner.addSpacing(8)
        inner.addWidget(name_label)
        inner.addWidget(self.names, 1)
        inner.addSpacing(6)
        inner.addWidget(pin_label)
        inner.addWidget(self.pin)
        inner.addWidget(self.message)
        inner.addLayout(self.buttons)

        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 3)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(row, 6)
        outer.addStretch(1)

        self.reload(preselect_id)

    def reload(self, preselect_id: int | None = None) -> None:
        """Read the active staff again (a manager may have added someone)."""
        self.names.clear()
        # Each row's staff id, in the list's order (kept here rather than as item data,
        # whose role enum would make Qt's whole namespace before the window is up).
        self._ids: list[int | None] = []
        for member in self.source.staff():
            self.names.addItem(QListWidgetItem(f"{member.name}    ({member.role.label})"))
            self._ids.append(member.id)
        if self.names.count() == 0:
            self.message.setText(
                "There are no active staff accounts in this database, so nobody can sign in. "
                "Contact your IT support."
            )
            self.sign_in_button.setEnabled(False)
            return
        self.sign_in_button.setEnabled(True)
        if preselect_id is not None and self.select_staff(preselect_id):
            self.pin.setFocus()
        else:
            self.names.setCurrentRow(0)
            self.names.setFocus()

    def select_staff(self, staff_id: int) -> bool:
        if staff_id not in self._ids:
            return False
        self.names.setCurrentRow(self._ids.index(staff_id))
        return True

    def chosen_id(self) -> int | None:
        row = self.names.currentRow()
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def submit(self) -> None:
        staff_id = self.chosen_id()
        pin = self.pin.text()
        self.pin.clear()
        if staff_id is None:
            self.message.setText("Choose your name in the list first.")
            self.names.setFocus()
            return
        if not pin:
            self.message.setText("Type your PIN, then press Enter.")
            self.pin.setFocus()
            return
        try:
            result = self.source.sign_in(staff_id, pin)
        except PracticeActionError as error:
            self.message.setText(str(error))
            self.pin.setFocus()
            return
        self.message.clear()
        self.signed_in.emit(result)


class SignInDialog(QDialog):
    """The sign-in screen in its own window, used when the app starts."""

    shown = Signal()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.shown.emit()

    def __init__(self, where: Context | SignInSource, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Sign in - {APP_NAME}")
        self.resize(560, 620)
        self.signed_in: SignedIn | None = None
        self.screen = SignInScreen(
            where,
            self,
            heading="Sign in",
            note="Welcome. Choose your name, type your PIN, then press Enter.",
        )
        quit_button = QPushButton("Quit")
        quit_button.setAutoDefault(False)
        quit_button.clicked.connect(self.reject)
        self.screen.buttons.insertWidget(0, quit_button)
        self.combine_button = QPushButton("Combine e&vidence files…")
        self.combine_button.setAutoDefault(False)
        self.combine_button.setToolTip(
            "For an LMC or PCN: add up practices' evidence files (no sign-in needed)"
        )
        self.combine_button.clicked.connect(self.open_combine)
        self.screen.buttons.insertWidget(1, self.combine_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.screen)
        self.screen.signed_in.connect(self._accept)

    def _accept(self, result: SignedIn) -> None:
        self.signed_in = result
        self.accept()

    def open_combine(self) -> None:
        from practice_action.ui.evidence_dialogs import CombineDialog
        from practice_action.ui.modal import run_modal

        run_modal(CombineDialog(self))
