"""The Set-up section: the practice profile and the four registers, driven with pytest-qt."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import UTC, date, datetime

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox

from practice_action.domain.enums import (
    ClinicianRole,
    DsaPurpose,
    ServiceKind,
    Session,
    StaffRole,
    Weekday,
)
from practice_action.domain.records import Clinician, PostalAddress, PracticeProfile
from practice_action.paths import resolve
from practice_action.services import practice, registers
from practice_action.services.context import Actor
from practice_action.services.health import open_context
from practice_action.services.permissions import Permission
from practice_action.ui.setup_screens import SetupSection, sections

NOW = datetime(2024, 9, 2, 9, 30, tzinfo=UTC)  # a Monday, during the action


@pytest.fixture
def ctx(tmp_path):
    context = open_context(resolve(tmp_path / "data"), clock=lambda: NOW)
    profile = PracticeProfile(
        name="Riverside Medical Centre",
        ods_code="C82040",
        address="12 River Lane\nLeicester",
        postcode="LE1 6TP",
        phone="0116 123 4567",
        email="reception.c82040@nhs.net",
        list_size=11200,
        icb=PostalAddress("LLR ICB", "County Hall\nGlenfield", "LE3 8TB"),
        lmc=PostalAddress("LLR LMC", "Paget House\nLeicester", "LE2 8PA"),
    )
    context.extra["manager"] = practice.first_run_setup(context, profile, "Priya Shah", "482915")
    yield context
    context.store.dispose()


@pytest.fixture
def manager(ctx) -> Actor:
    return ctx.extra["manager"].actor


@pytest.fixture
def section(qtbot, ctx, manager) -> SetupSection:
    widget = SetupSection(ctx, manager)
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)
    return widget


def audit_count(ctx) -> int:
    from sqlalchemy import func, select

    from practice_action.store.models import AuditEntry

    with ctx.store.read() as session:
        return session.execute(select(func.count()).select_from(AuditEntry)).scalar_one()


def test_the_section_is_listed_for_people_who_may_change_the_set_up():
    (found,) = sections()
    assert (found.key, found.title, found.shortcut, found.order) == (
        "setup",
        "Set-up",
        "Ctrl+5",
        50,
    )
    assert found.permission is Permission.EDIT_SETUP


# ---- practice profile


def test_profile_shows_the_practice_and_saves_a_change(qtbot, section, ctx):
    tab = section.profile_tab
    assert tab.details.name_edit.text() == "Riverside Medical Centre"
    assert tab.commissioners.icb.name_edit.text() == "LLR ICB"
    tab.details.phone_edit.setText("0116 765 4321")
    tab.hours.hours.open_boxes[Weekday.SAT].setChecked(True)
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    saved = practice.get_profile(ctx)
    assert saved.phone == "0116 765 4321"
    assert Weekday.SAT in [h.day for h in saved.opening_hours]
    assert tab.status.text().startswith("Saved at")


def test_profile_refuses_bad_input_and_changes_nothing(qtbot, section, ctx):
    tab = section.profile_tab
    before, entries = practice.get_profile(ctx), audit_count(ctx)
    tab.details.ods_edit.setText("C8204X")
    tab.commissioners.lmc.postcode_edit.setText("LE2 8PC")
    tab.details.name_edit.setText("A new name that must not be saved")
    assert tab.save_button.shortcut() == QKeySequence(QKeySequence.StandardKey.Save)
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert "not a practice ODS code" in tab.form.problem("ods_code")
    assert "not a UK postcode" in tab.form.problem("lmc_postcode")
    assert QApplication.focusWidget() is tab.details.ods_edit
    assert "Not saved" in tab.status.text()
    assert practice.get_profile(ctx) == before
    assert audit_count(ctx) == entries
    qtbot.mouseClick(tab.revert_button, Qt.MouseButton.LeftButton)
    assert tab.details.ods_edit.text() == "C82040"
    assert tab.form.problem("ods_code") == ""


# ---- clinicians


def test_add_a_clinician(qtbot, section, ctx):
    section.setCurrentWidget(section.clinicians)
    tab = section.clinicians
    assert tab.add_button.shortcut() == QKeySequence(QKeySequence.StandardKey.New)
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    dialog = tab.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.name_edit, "Dr Amira Patel")
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findText("Salaried GP"))
    for day in (Weekday.MON, Weekday.TUE):
        for session in Session:
            dialog.sessions.boxes[(day, session)].setChecked(True)
    dialog.sessions.boxes[(Weekday.SAT, Session.AM)].setChecked(True)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    (saved,) = registers.list_records(ctx, registers.CLINICIANS)
    assert saved.name == "Dr Amira Patel" and saved.role is ClinicianRole.SALARIED_GP
    assert saved.sessions_per_week == 5
    assert (Weekday.SAT, Session.AM) in saved.sessions
    assert [r.name for r in tab.records()] == ["Dr Amira Patel"]
    assert tab.table.current_record().id == saved.id
    assert tab.table.model.data(tab.table.model.index(0, 3)) == "Mon am+pm, Tue am+pm, Sat am"


def test_an_empty_clinician_name_is_refused_and_nothing_saved(qtbot, section, ctx):
    tab = section.clinicians
    entries = audit_count(ctx)
    dialog = tab.open_editor()
    dialog.name_edit.setText("   ")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible(), "the dialog stays open to put it right"
    assert "Clinician's name is required" in dialog.form.problem("name")
    assert registers.list_records(ctx, registers.CLINICIANS) == []
    assert audit_count(ctx) == entries
    dialog.reject()


def test_edit_a_clinician_from_the_table_with_enter(qtbot, section, ctx, manager):
    registers.save_record(
        ctx, manager, registers.CLINICIANS, Clinician("Dr Ben Okafor", ClinicianRole.LOCUM_GP)
    )
    tab = section.clinicians
    section.setCurrentWidget(tab)
    tab.refresh()
    assert tab.table.select(lambda r: r.name == "Dr Ben Okafor")
    tab.table.view.setFocus()
    qtbot.keyClick(tab.table.view, Qt.Key.Key_Return)
    dialog = tab.dialog
    assert dialog is not None and dialog.name_edit.text() == "Dr Ben Okafor"
    assert dialog.role_combo.currentText() == "Locum GP"
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findText("GP partner"))
    dialog.sessions.boxes[(Weekday.WED, Session.PM)].setChecked(True)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    (saved,) = registers.list_records(ctx, registers.CLINICIANS)
    assert saved.role is ClinicianRole.GP_PARTNER
    assert saved.sessions == frozenset({(Weekday.WED, Session.PM)})


def test_retire_asks_first_then_bring_back(qtbot, section, ctx, manager):
    for name in ("Dr Ben Okafor", "Dr Amira Patel"):
        registers.save_record(
            ctx, manager, registers.CLINICIANS, Clinician(name, ClinicianRole.GP_PARTNER)
        )
    tab = section.clinicians
    tab.refresh()
    tab.table.select(lambda r: r.name == "Dr Ben Okafor")
    box = tab.retire_or_restore()
    assert box is not None and "Retire Dr Ben Okafor?" in box.text()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    assert all(r.active for r in registers.list_records(ctx, registers.CLINICIANS))

    tab.table.select(lambda r: r.name == "Dr Ben Okafor")
    box = tab.retire_or_restore()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    ben = next(r for r in registers.list_records(ctx, registers.CLINICIANS) if "Ben" in r.name)
    assert not ben.active
    # shown, greyed and marked, because the person just retired it
    assert tab.show_retired.isChecked()
    names = [tab.table.model.data(tab.table.model.index(r, 0)) for r in range(2)]
    assert "Dr Ben Okafor (retired)" in names
    assert tab.retire_button.text() == "&Bring back"
    tab.show_retired.setChecked(False)
    assert [r.name for r in tab.records()] == ["Dr Amira Patel"]

    tab.show_retired.setChecked(True)
    tab.table.select(lambda r: r.name == "Dr Ben Okafor")
    assert tab.retire_or_restore() is None  # bringing back needs no confirmation
    assert all(r.active for r in registers.list_records(ctx, registers.CLINICIANS))


def test_filter_and_sort_the_clinicians(qtbot, section, ctx, manager):
    for name, role in (
        ("Dr Amira Patel", ClinicianRole.SALARIED_GP),
        ("Dr Ben Okafor", ClinicianRole.LOCUM_GP),
        ("Jo Marsh", ClinicianRole.ANP),
        ("Dr Carla Ruiz", ClinicianRole.LOCUM_GP),
    ):
        registers.save_record(ctx, manager, registers.CLINICIANS, Clinician(name, role))
    tab = section.clinicians
    section.setCurrentWidget(tab)
    tab.refresh()
    assert tab.table.find_shortcut.key() == QKeySequence(QKeySequence.StandardKey.Find)
    tab.table.find_shortcut.activated.emit()  # what Ctrl+F does
    assert QApplication.focusWidget() is tab.table.filter_edit
    qtbot.keyClicks(tab.table.filter_edit, "LOCUM")
    assert [r.name for r in tab.records()] == ["Dr Ben Okafor", "Dr Carla Ruiz"]
    tab.table.filter_edit.clear()
    tab.table.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert [r.name for r in tab.records()] == [
        "Jo Marsh",
        "Dr Carla Ruiz",
        "Dr Ben Okafor",
        "Dr Amira Patel",
    ]


def test_a_receptionist_is_told_why_not(qtbot, ctx, manager):
    registers.save_record(
        ctx, manager, registers.CLINICIANS, Clinician("Dr Ben Okafor", ClinicianRole.LOCUM_GP)
    )
    receptionist = Actor("Sam Lee", StaffRole.RECEPTIONIST, staff_id=99)
    widget = SetupSection(ctx, receptionist)
    qtbot.addWidget(widget)
    tab = widget.clinicians
    tab.table.select(lambda r: True)
    assert tab.set_active(tab.table.current_record(), False) is False
    assert tab.message_box is not None and tab.message_box.isVisible()
    assert "may not change the practice set-up" in tab.message_box.text()
    tab.message_box.close()
    assert registers.list_records(ctx, registers.CLINICIANS)[0].active


# ---- local services


def test_local_service_bad_postcode_refused_then_saved(qtbot, section, ctx):
    tab = section.local_services
    dialog = tab.open_editor()
    dialog.name_edit.setText("Leicester Royal Infirmary UTC")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findText("Urgent treatment centre"))
    dialog.address_edit.setPlainText("Infirmary Square\nLeicester")
    dialog.postcode_edit.setText("LE1 5WX1")
    dialog.phone_edit.setText("0116 258 5000")
    dialog.hours_edit.setText("Every day 08:00-22:00")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "not a UK postcode" in dialog.form.problem("postcode")
    assert registers.list_records(ctx, registers.LOCAL_SERVICES) == []

    dialog.postcode_edit.setText("le1 5ww")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    (saved,) = registers.list_records(ctx, registers.LOCAL_SERVICES)
    assert saved.kind is ServiceKind.UTC and saved.postcode == "LE1 5WW"
    row = [tab.table.model.data(tab.table.model.index(0, c)) for c in range(5)]
    assert row == [
        "Leicester Royal Infirmary UTC",
        "Urgent treatment centre",
        "0116 258 5000",
        "Infirmary Square, Leicester, LE1 5WW",
        "Every day 08:00-22:00",
    ]


def test_nhs_111_needs_only_its_short_number(qtbot, section, ctx):
    dialog = section.local_services.open_editor()
    dialog.name_edit.setText("NHS 111")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findText("NHS 111"))
    dialog.phone_edit.setText("111")
    assert dialog.try_save()
    assert registers.list_records(ctx, registers.LOCAL_SERVICES)[0].phone == "111"


# ---- voluntary services


def test_voluntary_service_notice_period_and_commissioner(qtbot, section, ctx):
    tab = section.voluntary_services
    dialog = tab.open_editor()
    # a new service is addressed to the practice's ICB unless changed
    assert dialog.commissioner.value() == practice.get_profile(ctx).icb
    dialog.name_edit.setText("Ear irrigation")
    dialog.notice_days.setValue(30)
    assert "2 October 2024" in dialog.notice_explained.text()  # 2 Sept + 30 days
    dialog.commissioner.postcode_edit.setText("")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "Postcode is required" in dialog.form.problem("commissioner_postcode")
    assert dialog.focusWidget() is dialog.commissioner.postcode_edit
    assert registers.list_records(ctx, registers.VOLUNTARY_SERVICES) == []

    dialog.commissioner.postcode_edit.setText("LE3 8TB")
    dialog.notes_edit.setPlainText("Done by the practice nurse on Tuesdays.")
    assert dialog.try_save()
    (saved,) = registers.list_records(ctx, registers.VOLUNTARY_SERVICES)
    assert (saved.name, saved.notice_days, saved.commissioner.name) == (
        "Ear irrigation",
        30,
        "LLR ICB",
    )
    assert tab.table.model.data(tab.table.model.index(0, 2)) == "30 days"


# ---- data sharing agreements


def test_agreement_with_and_without_a_date_signed(qtbot, section, ctx):
    tab = section.agreements
    dialog = tab.open_editor()
    dialog.name_edit.setText("Population health analytics")
    dialog.party.set_value(PostalAddress("Analytics Unit", "1 Data Street\nLeeds", "LS1 4AP"))
    dialog.purpose_combo.setCurrentIndex(dialog.purpose_combo.findText("Secondary purposes only"))
    assert not dialog.signed_edit.isEnabled()
    assert dialog.try_save()
    (saved,) = registers.list_records(ctx, registers.AGREEMENTS)
    assert saved.purpose is DsaPurpose.SECONDARY and saved.signed_on is None
    assert tab.table.model.data(tab.table.model.index(0, 3)) == "Not known"

    tab.table.select(lambda r: True)
    dialog = tab.open_editor(tab.table.current_record())
    dialog.signed_known.setChecked(True)
    dialog.signed_edit.setDate(QDate(2021, 3, 15))
    dialog.party.name_edit.setText("")
    assert not dialog.try_save()
    assert "Other party name is required" in dialog.form.problem("party_name")
    assert registers.list_records(ctx, registers.AGREEMENTS)[0].signed_on is None
    dialog.party.name_edit.setText("Analytics Unit")
    assert dialog.try_save()
    assert registers.list_records(ctx, registers.AGREEMENTS)[0].signed_on == date(2021, 3, 15)
    assert tab.table.model.data(tab.table.model.index(0, 3)) == "15 March 2021"


def _type_into(qtbot, widget, text: str) -> None:
    widget.setFocus()
    qtbot.keyClicks(widget, text)


def _alt(qtbot, dialog, letter: str) -> None:
    """Alt and the letter, as a person presses them, to go to a field by its label."""
    key = getattr(Qt.Key, f"Key_{letter.upper()}")
    qtbot.keyClick(dialog.focusWidget(), key, Qt.KeyboardModifier.AltModifier)


def _shown(qtbot, dialog) -> None:
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)


def test_a_local_agreement_needs_its_clause_and_patients_are_told_what_to_do(qtbot, section, ctx):
    dialog = section.voluntary_services.open_editor()
    _shown(qtbot, dialog)
    _type_into(qtbot, dialog.name_edit, "Ear irrigation")
    assert not dialog.clause_edit.isEnabled()  # no agreement: no clause to give
    _alt(qtbot, dialog, "t")  # Terms
    assert dialog.focusWidget() is dialog.basis_combo
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Down)
    assert dialog.basis_combo.currentText() == "Local enhanced or locally commissioned service"
    assert dialog.clause_edit.isEnabled()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "termination clause" in dialog.form.problem("termination_clause")
    assert registers.list_records(ctx, registers.VOLUNTARY_SERVICES) == []

    _alt(qtbot, dialog, "c")
    assert dialog.focusWidget() is dialog.clause_edit
    qtbot.keyClicks(dialog.clause_edit, "clause 12.2 of the Ear Care LES")
    _alt(qtbot, dialog, "k")
    assert dialog.focusWidget() is dialog.patient_name_edit
    qtbot.keyClicks(dialog.patient_name_edit, "Ear washing")
    _alt(qtbot, dialog, "h")
    assert dialog.focusWidget() is dialog.instead_phone_edit
    qtbot.keyClicks(dialog.instead_phone_edit, "0116 496 0420")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "where patients should go" in dialog.form.problem("instead")
    _alt(qtbot, dialog, "i")
    assert dialog.focusWidget() is dialog.instead_edit
    qtbot.keyClicks(dialog.instead_edit, "Ask a pharmacist about ear wax")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    (saved,) = registers.list_records(ctx, registers.VOLUNTARY_SERVICES)
    assert (saved.termination_clause, saved.patient_name, saved.instead_phone) == (
        "clause 12.2 of the Ear Care LES",
        "Ear washing",
        "0116 496 0420",
    )
    assert saved.instead == "Ask a pharmacist about ear wax"


def test_a_trust_is_chosen_by_keys_and_cannot_hold_a_local_agreement(qtbot, section, ctx):
    dialog = section.voluntary_services.open_editor()
    _shown(qtbot, dialog)
    _type_into(qtbot, dialog.name_edit, "Phlebotomy")
    _alt(qtbot, dialog, "w")
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Down)
    assert dialog.kind_combo.currentText() == "NHS trust"
    _alt(qtbot, dialog, "t")
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Down)
    _alt(qtbot, dialog, "c")
    assert dialog.focusWidget() is dialog.clause_edit
    qtbot.keyClicks(dialog.clause_edit, "clause 9")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "not by a trust" in dialog.form.problem("basis")
    _alt(qtbot, dialog, "t")
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Up)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    (saved,) = registers.list_records(ctx, registers.VOLUNTARY_SERVICES)
    assert saved.commissioner_kind.value == "trust" and saved.basis.value == "none"


def test_an_agreement_records_its_purpose_lawful_basis_dpia_and_requirement(qtbot, section, ctx):
    dialog = section.agreements.open_editor()
    _shown(qtbot, dialog)
    _type_into(qtbot, dialog.name_edit, "Shared care record")
    dialog.party.set_value(PostalAddress("Care Record Partnership", "1 Data St\nLeeds", "LS1 4AP"))
    _alt(qtbot, dialog, "d")
    assert dialog.focusWidget() is dialog.purpose_text_edit
    qtbot.keyClicks(dialog.purpose_text_edit, "showing the record to the clinicians who treat")
    _alt(qtbot, dialog, "l")
    assert dialog.focusWidget() is dialog.lawful_basis_edit
    qtbot.keyClicks(dialog.lawful_basis_edit, "UK GDPR Article 6(1)(e)")
    _alt(qtbot, dialog, "i")
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Down)
    _alt(qtbot, dialog, "r")
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Down)
    assert dialog.required_combo.currentText() == "The GP contract requires it"
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    (saved,) = registers.list_records(ctx, registers.AGREEMENTS)
    assert saved.purpose_text == "showing the record to the clinicians who treat"
    assert saved.lawful_basis == "UK GDPR Article 6(1)(e)"
    assert saved.dpia.value == "exists" and not saved.can_be_withdrawn
