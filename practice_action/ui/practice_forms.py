"""The practice profile's forms, shared by the first-run wizard and the Set-up section.

Each form reads its part of a ``PracticeProfile`` (``load``) and writes it back into one
(``apply``), so the wizard's pages and the profile tab validate the same record the same way.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QLineEdit, QSpinBox, QWidget

from practice_action.domain.records import PracticeProfile
from practice_action.ui.forms import (
    AddressEditor,
    FieldForm,
    OpeningHoursEditor,
    align_labels,
    plain_text_edit,
)


def blank_profile() -> PracticeProfile:
    return PracticeProfile(name="", ods_code="", address="", postcode="", phone="", email="")


class PracticeDetailsForm(FieldForm):
    """Name, ODS code, address, phone, email, website and list size."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("e.g. Riverside Medical Centre")
        self.ods_edit = QLineEdit()
        self.ods_edit.setMaxLength(12)
        self.ods_edit.setMaximumWidth(140)
        self.ods_edit.setPlaceholderText("e.g. C82040")
        self.address_edit = plain_text_edit(3)
        self.address_edit.setPlaceholderText("Street and town, one per line")
        self.postcode_edit = QLineEdit()
        self.postcode_edit.setMaximumWidth(140)
        self.postcode_edit.setPlaceholderText("e.g. LE1 6TP")
        self.phone_edit = QLineEdit()
        self.phone_edit.setPlaceholderText("e.g. 0116 123 4567")
        self.email_edit = QLineEdit()
        self.email_edit.setPlaceholderText("e.g. reception.c82040@nhs.net")
        self.website_edit = QLineEdit()
        self.website_edit.setPlaceholderText("e.g. www.riverside-surgery.nhs.uk (optional)")
        self.list_size = QSpinBox()
        self.list_size.setRange(0, 999_999)
        self.list_size.setGroupSeparatorShown(True)
        self.list_size.setLocale(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
        self.list_size.setMaximumWidth(140)
        self.add_row("name", "Practic&e name", self.name_edit)
        self.add_row(
            "ods_code",
            "&ODS code",
            self.ods_edit,
            "The practice's code: one letter and five digits. Not a GP's own G code.",
        )
        self.add_row("address", "&Address", self.address_edit)
        self.add_row("postcode", "Pos&tcode", self.postcode_edit)
        self.add_row("phone", "Phone numbe&r", self.phone_edit)
        self.add_row("email", "E&mail", self.email_edit)
        self.add_row("website", "&Website", self.website_edit)
        self.add_row(
            "list_size",
            "Registered list si&ze",
            self.list_size,
            "How many patients are registered with the practice.",
        )

    def load(self, profile: PracticeProfile) -> None:
        self.name_edit.setText(profile.name)
        self.ods_edit.setText(profile.ods_code)
        self.address_edit.setPlainText(profile.address)
        self.postcode_edit.setText(profile.postcode)
        self.phone_edit.setText(profile.phone)
        self.email_edit.setText(profile.email)
        self.website_edit.setText(profile.website)
        self.list_size.setValue(profile.list_size)

    def apply(self, profile: PracticeProfile) -> PracticeProfile:
        return replace(
            profile,
            name=self.name_edit.text(),
            ods_code=self.ods_edit.text(),
            address=self.address_edit.toPlainText(),
            postcode=self.postcode_edit.text(),
            phone=self.phone_edit.text(),
            email=self.email_edit.text(),
            website=self.website_edit.text(),
            list_size=self.list_size.value(),
        )


class HoursForm(FieldForm):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hours = OpeningHoursEditor()
        self.add_row("opening_hours", "Open&ing hours", self.hours)

    def load(self, profile: PracticeProfile) -> None:
        self.hours.set_value(profile.opening_hours)

    def apply(self, profile: PracticeProfile) -> PracticeProfile:
        return replace(profile, opening_hours=self.hours.value())


class CommissionersForm(FieldForm):
    """The ICB and the LMC, as the letters will address them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.add_heading("Integrated Care Board (ICB)")
        self.icb = self.add_form(AddressEditor("icb", "ICB"))
        self.add_heading("Local Medical Committee (LMC)")
        self.lmc = self.add_form(AddressEditor("lmc", "LMC"))
        align_labels(self.icb, self.lmc)

    def load(self, profile: PracticeProfile) -> None:
        self.icb.set_value(profile.icb)
        self.lmc.set_value(profile.lmc)

    def apply(self, profile: PracticeProfile) -> PracticeProfile:
        return replace(profile, icb=self.icb.value(), lmc=self.lmc.value())
