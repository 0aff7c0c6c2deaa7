"""The first-run wizard: the practice's details and its first practice manager.

Each page checks its own fields with the domain's validators before Next is allowed, and
shows every problem beside its field. Finish saves the practice and the manager together
(``services.practice.first_run_setup``); after ``accept`` the wizard's ``signed_in`` holds
the new manager, signed in.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum
from html import escape

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QGuiApplication, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from practice_action import APP_NAME
from practice_action.domain import records, validators
from practice_action.domain.errors import PracticeActionError, ValidationError
from practice_action.domain.records import PracticeProfile
from practice_action.services import practice
from practice_action.services.context import Context
from practice_action.services.staff import SignedIn
from practice_action.ui.forms import FieldForm, hours_text, problem_label, set_problem
from practice_action.ui.practice_forms import (
    CommissionersForm,
    HoursForm,
    PracticeDetailsForm,
    blank_profile,
)


class PageId(IntEnum):
    WELCOME = 0
    PRACTICE = 1
    HOURS = 2
    COMMISSIONERS = 3
    MANAGER = 4
    SUMMARY = 5


def _scrolling(form: QWidget) -> QScrollArea:
    """The form at its natural height, top-aligned, scrolling when the window is small."""
    holder = QWidget()
    column = QVBoxLayout(holder)
    column.setContentsMargins(0, 0, 8, 0)
    column.addWidget(form)
    column.addStretch(1)
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    area.setWidget(holder)
    return area


class WelcomePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(f"Welcome to {APP_NAME}")
        self.setSubTitle("Let's set up your practice. It takes about five minutes.")
        text = QLabel(
            f"<p>{APP_NAME} helps your practice take part in the BMA GP Committee's collective "
            "action: it keeps your action plan, counts each clinician's contacts against the "
            "safe limit of 25 a day, and writes the letters and patient notices that go with "
            "them.</p>"
            "<p><b>Have these to hand:</b></p><ul>"
            "<li>your practice's <b>ODS code</b> (one letter and five digits, e.g. C82040);</li>"
            "<li>the practice's address, phone number, email and registered list size;</li>"
            "<li>the name and postal address of your <b>ICB</b> (Integrated Care Board) and "
            "of your <b>LMC</b> (Local Medical Committee), for letters;</li>"
            "<li>the name of the first practice manager, who will choose a PIN.</li></ul>"
            "<p>You can change any of this later under Set-up.</p>"
        )
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addStretch(1)


class ProfilePage(QWizardPage):
    """A page holding part of the profile; Next runs the profile's checks on its fields."""

    def __init__(self, title: str, subtitle: str, form: FieldForm) -> None:
        super().__init__()
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.form = form
        self._checked = False  # after a refused Next, problems follow each edit
        form.edited.connect(self._recheck)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(_scrolling(form))

    def _problems(self) -> dict[str, str]:
        wizard = self.wizard()
        if not isinstance(wizard, FirstRunWizard):
            return {}
        try:
            records.validate_profile(wizard.profile())
        except ValidationError as error:
            return {k: m for k, m in error.problems.items() if k in self.form.fields()}
        return {}

    def _recheck(self) -> None:
        """Once Next has been refused, each message appears or goes as the fields are
        edited, without waiting for Next again (the keyboard stays where it is)."""
        if self._checked:
            self.form.show_problems(self._problems(), focus=False)

    def initializePage(self) -> None:
        fields = self.form.ordered_fields()
        if fields:
            self.form.editor(fields[0]).setFocus()

    def validatePage(self) -> bool:
        mine = self._problems()
        if mine:
            self._checked = True
            self.form.show_problems(mine)
            return False
        self.form.clear_problems()
        return True


class ManagerPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("The first practice manager")
        self.setSubTitle(
            "This person signs in first and can then add the other staff. "
            "The PIN tells the app who is at a desk the computer has already unlocked."
        )
        self.form = FieldForm()
        self.name_edit = QLineEdit()
        self.pin_edit = QLineEdit()
        self.pin_again = QLineEdit()
        digits = QRegularExpression(r"[0-9]{0,12}")
        for edit in (self.pin_edit, self.pin_again):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setValidator(QRegularExpressionValidator(digits, edit))
            edit.setInputMethodHints(
                Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhSensitiveData
            )
            edit.setMaximumWidth(180)
            edit.textChanged.connect(self.completeChanged)
        self.name_edit.textChanged.connect(self.completeChanged)
        self.form.add_row("manager_name", "Na&me", self.name_edit)
        self.form.add_row(
            "pin",
            "&PIN",
            self.pin_edit,
            "6 to 12 digits; not one digit repeated and not a run such as 123456.",
        )
        self.form.add_row("pin_again", "PIN a&gain", self.pin_again)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addStretch(1)

    def initializePage(self) -> None:
        self.name_edit.setFocus()

    def isComplete(self) -> bool:
        return bool(
            self.name_edit.text().strip() and self.pin_edit.text() and self.pin_again.text()
        )

    def problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        try:
            validators.check_name(self.name_edit.text(), "Practice manager's name")
        except ValueError as error:
            found["manager_name"] = str(error)
        try:
            records.check_pin(self.pin_edit.text())
        except ValueError as error:
            found["pin"] = str(error)
        if "pin" not in found and self.pin_again.text() != self.pin_edit.text():
            found["pin_again"] = "The two PINs are different: type the same PIN in both boxes."
        return found

    def validatePage(self) -> bool:
        found = self.problems()
        if found:
            if "pin" in found or "pin_again" in found:
                self.pin_edit.clear()
                self.pin_again.clear()
            self.form.show_problems(found)
            return False
        self.form.clear_problems()
        return True


class SummaryPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Check and finish")
        self.setSubTitle("Go Back to change anything. Finish saves the practice and signs you in.")
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error = problem_label()
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QScrollArea.Shape.NoFrame)
        area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the focus goes to Finish
        area.setWidget(self.summary)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.error)
        layout.addWidget(area, 1)

    def initializePage(self) -> None:
        wizard = self.wizard()
        assert isinstance(wizard, FirstRunWizard)
        set_problem(self.error, "")
        self.summary.setText(summary_html(wizard.profile(), wizard.manager_page.name_edit.text()))

    def validatePage(self) -> bool:
        wizard = self.wizard()
        assert isinstance(wizard, FirstRunWizard)
        return wizard.finish()


def summary_html(profile: PracticeProfile, manager: str) -> str:
    def row(label: str, value: str) -> str:
        shown = escape(value).replace("\n", "<br>") if value.strip() else "<i>(none)</i>"
        return f"<tr><td><b>{escape(label)}</b>&nbsp;&nbsp;</td><td>{shown}</td></tr>"

    def address(a: records.PostalAddress) -> str:
        return "\n".join(line for line in a.lines() if line.strip())

    rows = [
        row("Practice", profile.name),
        row("ODS code", profile.ods_code.upper()),
        row("Address", f"{profile.address}\n{profile.postcode.upper()}"),
        row("Phone", profile.phone),
        row("Email", profile.email),
        row("Website", profile.website),
        row("Registered list size", f"{profile.list_size:,}"),
        row("Opening hours", hours_text(profile.opening_hours)),
        row("ICB", address(profile.icb)),
        row("LMC", address(profile.lmc)),
        row("First practice manager", manager),
    ]
    return "<table cellspacing='4'>" + "".join(rows) + "</table>"


class FirstRunWizard(QWizard):
    """Shown on first start, when the database has no practice yet."""

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.signed_in: SignedIn | None = None
        self.setWindowTitle(f"Set up {APP_NAME}")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, False)
        self.setMinimumSize(640, 480)
        self._fit_to_screen(800, 660)

        self.details_form = PracticeDetailsForm()
        self.hours_form = HoursForm()
        self.commissioners_form = CommissionersForm()
        self.manager_page = ManagerPage()
        self.summary_page = SummaryPage()
        self.pages_by_id: dict[PageId, QWizardPage] = {
            PageId.WELCOME: WelcomePage(),
            PageId.PRACTICE: ProfilePage(
                "Your practice",
                "As it should appear on letters and notices.",
                self.details_form,
            ),
            PageId.HOURS: ProfilePage(
                "Opening hours",
                "Core hours are 08:00 to 18:30, Monday to Friday. Untick a day you are closed.",
                self.hours_form,
            ),
            PageId.COMMISSIONERS: ProfilePage(
                "Your ICB and LMC",
                "Letters about service changes go to the ICB, with a copy to the LMC.",
                self.commissioners_form,
            ),
            PageId.MANAGER: self.manager_page,
            PageId.SUMMARY: self.summary_page,
        }
        for page_id, page in self.pages_by_id.items():
            self.setPage(int(page_id), page)
        self.setStartId(int(PageId.WELCOME))

    def _fit_to_screen(self, width: int, height: int) -> None:
        """No taller than the screen leaves free (a laptop, or large text): the pages scroll."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            room = screen.availableGeometry()
            width = max(self.minimumWidth(), min(width, room.width()))
            height = max(self.minimumHeight(), min(height, room.height() - 40))
        self.resize(width, height)

    def page_for(self, page_id: PageId) -> QWizardPage:
        return self.pages_by_id[page_id]

    def profile(self) -> PracticeProfile:
        profile = blank_profile()
        for form in (self.details_form, self.hours_form, self.commissioners_form):
            profile = form.apply(profile)
        return profile

    def finish(self) -> bool:
        """Save everything at once; True (and ``signed_in`` set) when it worked."""
        try:
            self.signed_in = practice.first_run_setup(
                self.ctx,
                self.profile(),
                self.manager_page.name_edit.text(),
                self.manager_page.pin_edit.text(),
            )
        except ValidationError as error:
            set_problem(self.summary_page.error, self._route_problems(error.problems))
            return False
        except PracticeActionError as error:
            set_problem(self.summary_page.error, str(error))
            return False
        return True

    def _route_problems(self, problems: Mapping[str, str]) -> str:
        """Show problems on their own pages too; return a line for the summary page."""
        forms = (
            self.details_form,
            self.hours_form,
            self.commissioners_form,
            self.manager_page.form,
        )
        for form in forms:
            mine = {k: m for k, m in problems.items() if k in form.fields()}
            if mine:
                form.show_problems(mine, focus=False)
        return "Not saved. " + " ".join(problems.values()) + " Go Back to put it right."
