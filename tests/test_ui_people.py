"""The Staff and Audit trail screens: add, change and new PIN; filters, details, verify, CSV."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from conftest import drop_audit_guards
from PySide6.QtWidgets import QDialog, QFileDialog
from sqlalchemy import update

from practice_action.domain.enums import StaffRole
from practice_action.domain.errors import PermissionDenied
from practice_action.domain.records import StaffMember
from practice_action.services import staff
from practice_action.services.context import Actor, Context
from practice_action.store.models import AuditEntry
from practice_action.ui.people_screens import AuditScreen, StaffDialog, StaffScreen, sections

RECEPTIONIST_PIN = "640375"


def staff_rows(screen: StaffScreen) -> list[tuple[str, str, str]]:
    model = screen.table.model
    return [tuple(model.data(model.index(r, c)) for c in range(3)) for r in range(model.rowCount())]


def fill_staff(dialog: StaffDialog, name: str, role: StaffRole, pin: str = "", again: str = ""):
    dialog.name.setText(name)
    dialog.role.setCurrentIndex(dialog.role.findData(role.value))
    dialog.pin.setText(pin)
    dialog.pin_again.setText(again)


def test_sections_are_declared_with_their_permissions_and_shortcuts():
    found = {s.key: s for s in sections()}
    assert found["staff"].shortcut == "Ctrl+6" and found["staff"].order == 60
    assert found["audit"].shortcut == "Ctrl+7" and found["audit"].order == 70
    assert found["staff"].permission.name == "MANAGE_STAFF"
    assert found["audit"].permission.name == "VIEW_AUDIT"


def test_staff_list_shows_name_role_and_whether_they_can_sign_in(
    qtbot, ctx: Context, manager: Actor, receptionist: Actor
):
    leaver = staff.add_staff(
        ctx, manager, StaffMember("Ann Leaver", StaffRole.RECEPTIONIST), "918273"
    )
    staff.update_staff(ctx, manager, replace(leaver, active=False))
    screen = StaffScreen(ctx, manager)
    qtbot.addWidget(screen)
    rows = staff_rows(screen)
    assert ("Jo Brennan", "Receptionist", "Yes") in rows
    assert ("Maria Okafor", "Practice manager", "Yes") in rows
    assert ("Ann Leaver", "Receptionist", "No (left)") in rows
    assert not screen.edit_button.isEnabled()


def test_add_a_person_then_they_can_sign_in(qtbot, ctx: Context, manager: Actor):
    screen = StaffScreen(ctx, manager)
    qtbot.addWidget(screen)
    dialog = screen.add_person()
    assert dialog.isVisible()
    fill_staff(dialog, "Priya Shah", StaffRole.PARTNER, "135792", "135792")
    with qtbot.waitSignal(dialog.finished):
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert ("Priya Shah", "Partner", "Yes") in staff_rows(screen)
    assert screen.table.current_record().name == "Priya Shah"
    assert "Added Priya Shah" in screen.status.text()
    assert dialog.pin.text() == "" and dialog.pin_again.text() == ""
    signed = staff.sign_in(ctx, screen.table.current_record().id, "135792")
    assert signed.actor.role is StaffRole.PARTNER


def test_bad_input_is_refused_beside_the_fields(qtbot, ctx: Context, manager: Actor):
    screen = StaffScreen(ctx, manager)
    qtbot.addWidget(screen)
    dialog = screen.add_person()
    fill_staff(dialog, "", StaffRole.RECEPTIONIST, "123", "123")
    assert dialog.save() is False
    assert dialog.isVisible()
    assert dialog.form.problem("name")
    assert "at least 6 digits" in dialog.form.problem("pin")

    fill_staff(dialog, "Priya Shah", StaffRole.RECEPTIONIST, "135792", "135793")
    assert dialog.save() is False
    assert "differ" in dialog.form.problem("pin_again")
    assert dialog.form.problem("name") == ""

    fill_staff(dialog, "Priya Shah", StaffRole.RECEPTIONIST, "111111", "111111")
    assert dialog.save() is False
    assert "too easy" in dialog.form.problem("pin")
    assert [m.name for m in staff.list_staff(ctx)] == ["Maria Okafor"]


def test_change_a_person_and_retire_them(qtbot, ctx: Context, manager: Actor, receptionist: Actor):
    screen = StaffScreen(ctx, manager)
    qtbot.addWidget(screen)
    assert screen.select("Jo Brennan")
    dialog = screen.edit_person()
    assert dialog is not None and dialog.name.text() == "Jo Brennan"
    assert dialog.active.isChecked()
    dialog.name.setText("Jo Brennan-Smith")
    dialog.active.setChecked(False)
    with qtbot.waitSignal(dialog.finished):
        assert dialog.save()
    assert ("Jo Brennan-Smith", "Receptionist", "No (left)") in staff_rows(screen)
    assert "Jo Brennan-Smith" not in [m.name for m in staff.list_staff(ctx)]


def test_the_last_manager_cannot_be_demoted_and_the_screen_says_why(
    qtbot, ctx: Context, manager: Actor
):
    screen = StaffScreen(ctx, manager)
    qtbot.addWidget(screen)
    screen.select("Maria Okafor")
    dialog = screen.edit_person()
    dialog.role.setCurrentIndex(dialog.role.findData(StaffRole.RECEPTIONIST.value))
    assert dialog.save() is False
    assert "last active manager" in dialog.form.problem("role")
    assert staff.list_staff(ctx)[0].role is StaffRole.PRACTICE_MANAGER


def test_new_pin_for_a_person(qtbot, ctx: Context, manager: Actor, receptionist: Actor):
    screen = StaffScreen(ctx, manager)
    qtbot.addWidget(screen)
    screen.select("Jo Brennan")
    dialog = screen.reset_pin()
    dialog.pin.setText("135")
    dialog.pin_again.setText("135")
    assert dialog.save() is False
    assert "at least 6 digits" in dialog.form.problem("pin")
    dialog.pin.setText("246813")
    dialog.pin_again.setText("246813")
    with qtbot.waitSignal(dialog.finished):
        assert dialog.save()
    assert "new PIN" in screen.status.text()
    assert staff.sign_in(ctx, receptionist.staff_id, "246813").actor == receptionist
    with pytest.raises(staff.SignInRefused):
        staff.sign_in(ctx, receptionist.staff_id, RECEPTIONIST_PIN)


def test_a_receptionist_is_refused_by_the_services_behind_the_screens(
    qtbot, ctx: Context, manager: Actor, receptionist: Actor
):
    with pytest.raises(PermissionDenied):
        AuditScreen(ctx, receptionist)
    screen = StaffScreen(ctx, receptionist)  # the list of names is not secret
    qtbot.addWidget(screen)
    dialog = screen.add_person()
    fill_staff(dialog, "Sneaky Pete", StaffRole.PARTNER, "135792", "135792")
    assert dialog.save() is False
    assert "may not manage staff accounts" in dialog.form.general_problem()
    assert dialog.result() != QDialog.DialogCode.Accepted


# Audit trail


@pytest.fixture
def history(ctx: Context, manager: Actor) -> Context:
    """Entries on three days: 3 March (staff added), 5 March (sign-ins), then the set-up day."""

    def at(day: int, hour: int) -> None:
        moment = datetime(2025, 3, day, hour, 0, tzinfo=UTC)
        ctx.clock = lambda: moment

    at(3, 10)
    jo = staff.add_staff(ctx, manager, StaffMember("Jo Brennan", StaffRole.RECEPTIONIST), "640375")
    at(5, 9)
    staff.sign_in(ctx, jo.id, "640375")
    with pytest.raises(staff.SignInRefused):
        staff.sign_in(ctx, jo.id, "999111")
    at(5, 11)
    staff.update_staff(ctx, manager, replace(jo, role=StaffRole.PARTNER))
    return ctx


def shown(screen: AuditScreen) -> list[str]:
    return [e.kind for e in screen.entries_shown()]


def test_audit_lists_newest_first_and_filters(qtbot, history: Context, manager: Actor):
    screen = AuditScreen(history, manager)
    qtbot.addWidget(screen)
    seqs = [e.seq for e in screen.table.visible_records()]  # in the order on screen
    assert seqs == sorted(seqs, reverse=True) and len(seqs) == 6
    assert shown(screen)[0] == "staff.edit"

    screen.set_filters(start=date(2025, 3, 5), end=date(2025, 3, 5))
    assert shown(screen) == ["staff.edit", "signin.failed", "signin.ok"]

    screen.set_filters(kind_prefix="signin.")
    assert shown(screen) == ["signin.failed", "signin.ok"]

    people = [screen.person.itemText(i) for i in range(screen.person.count())]
    assert people[0] == "Everyone"
    jo = next(p for p in people if p.startswith("Jo Brennan"))
    screen.set_filters(person=jo)
    assert shown(screen) == ["signin.failed", "signin.ok"]
    assert all(e.actor == jo for e in screen.entries_shown())

    kinds = [screen.kind.itemText(i) for i in range(screen.kind.count())]
    assert "Signing in, out and locks" in kinds and "Staff accounts" in kinds

    screen.set_filters(start=date(2025, 3, 6), end=date(2025, 3, 4))
    assert shown(screen) == []
    assert "before the 'From' date" in screen.count.text()

    screen.clear_filters()
    assert len(shown(screen)) == 6


def test_audit_details_show_before_and_after(qtbot, history: Context, manager: Actor):
    screen = AuditScreen(history, manager)
    qtbot.addWidget(screen)
    assert screen.table.select(lambda e: e.kind == "staff.edit")
    text = screen.details.toPlainText()
    assert "Changed staff account Jo Brennan" in text
    assert "receptionist" in text and "partner" in text
    assert "Person changed" in text  # the kind in words
    assert "1 field changed; only it is shown." in text
    assert screen.table.select(lambda e: e.kind == "signin.ok")
    assert "no values were changed" in screen.details.toPlainText()


def test_verify_chain_says_intact_then_names_the_tampered_entry(
    qtbot, history: Context, manager: Actor
):
    screen = AuditScreen(history, manager)
    qtbot.addWidget(screen)
    screen.verify_button.click()
    qtbot.waitUntil(lambda: not screen.verifying, timeout=10_000)
    assert "intact" in screen.result.text()
    assert "all 6 entries" in screen.result.text()
    with history.store.write() as session:
        drop_audit_guards(session)
        session.execute(
            update(AuditEntry).where(AuditEntry.seq == 4).values(summary="Nothing happened")
        )
    screen.verify_button.click()
    qtbot.waitUntil(lambda: not screen.verifying, timeout=10_000)
    assert "broken at entry 4" in screen.result.text()


def test_the_window_keeps_answering_while_the_chain_is_checked(
    qtbot, history: Context, manager: Actor, monkeypatch
):
    import threading
    import time

    from PySide6.QtCore import Qt, QTimer

    from practice_action.services import audit

    began = threading.Event()
    real = audit.verify

    def slow(ctx, progress=None):  # as a trail of a million entries takes seconds
        began.set()
        time.sleep(1.5)
        return real(ctx, progress=progress)

    monkeypatch.setattr(audit, "verify", slow)
    screen = AuditScreen(history, manager)
    qtbot.addWidget(screen)
    screen.show()
    ticks: list[int] = []
    timer = QTimer()
    timer.setInterval(50)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    qtbot.mouseClick(screen.verify_button, Qt.MouseButton.LeftButton)
    assert began.wait(5)
    assert not screen.verify_button.isEnabled() and screen.busy.isVisible()
    assert "Checking" in screen.result.text()
    qtbot.waitUntil(lambda: len(ticks) >= 10, timeout=1_400)  # while the check still sleeps
    assert screen.verifying
    qtbot.waitUntil(lambda: not screen.verifying, timeout=10_000)
    timer.stop()
    assert "intact" in screen.result.text()
    assert screen.verify_button.isEnabled() and not screen.busy.isVisible()


def test_closing_the_screen_stops_the_check_and_waits_for_it(
    qtbot, history: Context, manager: Actor, monkeypatch
):
    import time

    from practice_action.services import audit

    monkeypatch.setattr(audit, "_PROGRESS_EVERY", 1)
    real = audit.verify

    def slow(ctx, progress=None):  # a second an entry: the whole trail would take six
        def step(done: int, total: int) -> bool:
            time.sleep(1)
            return progress(done, total)

        return real(ctx, progress=step)

    monkeypatch.setattr(audit, "verify", slow)
    screen = AuditScreen(history, manager)
    qtbot.addWidget(screen)
    screen.show()
    screen.verify_button.click()
    started = time.monotonic()
    screen.close()
    assert time.monotonic() - started < 3  # stopped at the next entry, not after all six
    assert not screen.verifying
    assert "stopped before the end" in screen.result.text()


def test_verify_shows_how_far_it_has_got_and_stop_checking_stops_it(
    qtbot, history: Context, manager: Actor, monkeypatch
):
    import threading

    from PySide6.QtCore import Qt

    from practice_action.services import audit

    monkeypatch.setattr(audit, "_PROGRESS_EVERY", 1)
    real = audit.verify
    second = threading.Event()
    carry_on = threading.Event()

    def held(ctx, progress=None):  # the check waits at its second entry until told
        def step(done: int, total: int) -> bool:
            if done == 2:
                second.set()
                carry_on.wait(10)
            return progress(done, total)

        return real(ctx, progress=step)

    monkeypatch.setattr(audit, "verify", held)
    screen = AuditScreen(history, manager)
    qtbot.addWidget(screen)
    screen.show()
    assert not screen.cancel_button.isVisible()
    qtbot.mouseClick(screen.verify_button, Qt.MouseButton.LeftButton)
    assert second.wait(5)
    qtbot.waitUntil(lambda: screen.busy.value() == 1, timeout=5_000)
    assert screen.busy.maximum() == 6  # entries written
    assert "1 of 6" in screen.result.text()
    assert screen.cancel_button.isVisible() and not screen.verify_button.isEnabled()
    qtbot.mouseClick(screen.cancel_button, Qt.MouseButton.LeftButton)
    carry_on.set()
    qtbot.waitUntil(lambda: not screen.verifying, timeout=5_000)
    assert "stopped before the end" in screen.result.text()
    assert "intact" not in screen.result.text()
    assert not screen.cancel_button.isVisible() and not screen.busy.isVisible()
    assert screen.verify_button.isEnabled()

    monkeypatch.setattr(audit, "verify", real)  # and checked again, to the end
    qtbot.mouseClick(screen.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not screen.verifying, timeout=10_000)
    assert "all 6 entries" in screen.result.text()


def test_export_csv_writes_the_filtered_entries(qtbot, history: Context, manager: Actor, tmp_path):
    screen = AuditScreen(history, manager)
    qtbot.addWidget(screen)
    screen.set_filters(kind_prefix="signin.")
    target = tmp_path / "out" / "audit.csv"
    target.parent.mkdir()
    dialog = screen.choose_csv_file()
    assert isinstance(dialog, QFileDialog) and dialog.isVisible()
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.fileSelected):
        dialog.selectFile(str(target))
        dialog.accept()
    with open(target, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:5] == ["seq", "time (UK)", "who", "kind", "what"]
    assert [r[3] for r in rows[1:]] == ["signin.failed", "signin.ok"]
    assert rows[2][1] == "2025-03-05 09:00:00"  # 09:00 UTC is 09:00 in London in March
    assert "Wrote 2 entries" in screen.result.text()
    assert list(target.parent.iterdir()) == [target], "no partial file is left behind"


def test_export_to_a_folder_that_does_not_exist_is_explained(
    qtbot, history: Context, manager: Actor, tmp_path
):
    screen = AuditScreen(history, manager)
    qtbot.addWidget(screen)
    assert screen.export_csv(tmp_path / "missing" / "audit.csv") is False
    assert "could not be written" in screen.result.text()
