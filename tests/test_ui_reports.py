"""The Reports screen and the safety concern form, driven as a person would."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from report_helpers import SUMMER_1, SUMMER_2, build_small_practice

from practice_action.domain.calendar import LONDON
from practice_action.domain.reports import ConcernKind, Period
from practice_action.services import safety
from practice_action.services.context import Actor, Context
from practice_action.ui.modal import answered_by
from practice_action.ui.reports_screen import ReportsScreen, sections
from practice_action.ui.safety_dialog import SafetyDialog, open_safety_dialog


def _screen(qtbot: QtBot, ctx: Context, actor: Actor) -> ReportsScreen:
    screen = ReportsScreen(ctx, actor)
    qtbot.addWidget(screen)
    return screen


def _on(ctx: Context, day: date) -> None:
    moment = datetime(day.year, day.month, day.day, 12, 0, tzinfo=LONDON)
    ctx.clock = lambda: moment


def test_the_section_is_declared() -> None:
    (section,) = sections()
    assert (section.key, section.title, section.shortcut, section.order) == (
        "reports",
        "Reports",
        "Ctrl+4",
        40,
    )


def test_last_month_answers_where_patients_went(
    qtbot: QtBot, ctx: Context, manager: Actor, partner: Actor
) -> None:
    build_small_practice(ctx, manager, partner)
    _on(ctx, date(2026, 8, 12))
    screen = _screen(qtbot, ctx, partner)
    assert screen.current_period() is Period.THIS_MONTH  # what the screen opens on
    screen.period.setCurrentIndex(list(Period).index(Period.LAST_MONTH))  # the second click
    assert screen.chosen() == (date(2026, 7, 1), date(2026, 7, 31))
    assert not screen.start.isEnabled()
    assert "2 patients were diverted: NHS 111 1, Pharmacy First 1." in screen.summary.text()
    assert [c.clinician for c in screen.clinician_rows()][:2] == ["Dr Amy Ash", "Dr Ben Birch"]
    assert screen.charts.destinations.title() == "Where patients were diverted (2)"
    assert [(b.label, b.value) for b in screen.charts.destinations.bars()] == [
        ("NHS 111", 1),
        ("Pharmacy First", 1),
    ]
    assert len(screen.charts.per_day.series()) == 3  # cap, busiest, average
    assert screen.charts.per_day.series()[-1].name == "Cap"  # drawn on top
    assert screen.charts.per_day.period() == (date(2026, 7, 1), date(2026, 7, 31))


def test_the_period_picker_moves_the_dates(
    qtbot: QtBot, ctx: Context, manager: Actor, partner: Actor
) -> None:
    build_small_practice(ctx, manager, partner)
    _on(ctx, date(2026, 7, 8))  # a Wednesday
    screen = _screen(qtbot, ctx, partner)
    screen.period.setCurrentIndex(list(Period).index(Period.LAST_WEEK))
    assert screen.chosen() == (date(2026, 6, 29), date(2026, 7, 5))
    assert screen.report is not None and screen.report.totals.contacts == 8
    screen.period.setCurrentIndex(list(Period).index(Period.THIS_WEEK))
    assert screen.chosen() == (date(2026, 7, 6), date(2026, 7, 8))
    assert screen.report.totals.contacts == 0
    assert "No patients were recorded as diverted" in screen.summary.text()

    screen.period.setCurrentIndex(list(Period).index(Period.CUSTOM))
    assert screen.start.isEnabled() and screen.end.isEnabled()
    screen.set_custom(SUMMER_2, SUMMER_2)
    assert screen.report.totals.contacts == 1
    assert [r.clinician for r in screen.by_day.visible_records()] == [
        "Dr Ben Birch",
        "No clinician named",
    ]
    # a period that ends before it starts is explained, not shown
    screen.end.setDate(screen.start.date().addDays(-3))
    assert "before it starts" in screen.message.text()


def test_export_csv_and_pdf(
    qtbot: QtBot, ctx: Context, manager: Actor, partner: Actor, tmp_path: Path
) -> None:
    build_small_practice(ctx, manager, partner)
    screen = _screen(qtbot, ctx, partner)
    screen.set_custom(SUMMER_1, SUMMER_2)

    dialog = screen.choose_csv_file()
    target = tmp_path / "july.csv"
    with qtbot.waitSignal(dialog.fileSelected):
        dialog.selectFile(str(target))
        dialog.accept()
    rows = list(csv.DictReader(io.StringIO(target.read_text("utf-8-sig"))))
    assert rows[-1]["day"] == "TOTAL" and rows[-1]["diverted"] == "2"
    assert "Wrote the report" in screen.message.text()

    dialog = screen.choose_pdf_file()
    pdf = tmp_path / "july.pdf"
    with qtbot.waitSignal(dialog.fileSelected):
        dialog.selectFile(str(pdf))
        dialog.accept()
    text = " ".join(PdfReader(pdf).pages[0].extract_text().split())
    assert "2 patients were diverted" in text
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".csv", ".pdf")) == [
        "july.csv",
        "july.pdf",
    ]

    assert not screen.export_csv(tmp_path / "no-such-folder" / "x.csv")
    assert "could not be written" in screen.message.text()


def test_a_receptionist_records_a_concern_from_the_form(
    qtbot: QtBot, ctx: Context, manager: Actor, receptionist: Actor
) -> None:
    _on(ctx, SUMMER_1)
    seen: list[str] = []

    def answer(dialog: QDialog) -> int:
        assert isinstance(dialog, SafetyDialog)
        dialog.accept()  # empty: refused, the form stays open and says why
        seen.append(dialog.form.problem("what_happened"))
        assert dialog.result() != QDialog.DialogCode.Accepted
        dialog.near_miss.setChecked(True)
        dialog.what.setPlainText("Caller told to ring back tomorrow; should have gone to 111")
        dialog.action.setPlainText("Spoken to the team")
        dialog.accept()
        return dialog.result()

    with answered_by(answer):
        saved = open_safety_dialog(ctx, receptionist, None)
    assert seen and "what happened" in seen[0].lower()
    assert saved is not None and saved.kind is ConcernKind.NEAR_MISS
    assert saved.recorded_by == receptionist.label
    (entry,) = safety.list_period(ctx, manager, SUMMER_1, SUMMER_1)
    assert entry.action_taken == "Spoken to the team"


def test_the_form_says_not_to_identify_patients(qtbot: QtBot, ctx: Context, manager: Actor) -> None:
    dialog = SafetyDialog(ctx, manager)
    qtbot.addWidget(dialog)
    hints = [label.text() for label in dialog.findChildren(type(dialog.form.general))]
    assert any("Do not include the patient's name" in h for h in hints)


def test_cancelling_records_nothing(qtbot: QtBot, ctx: Context, manager: Actor) -> None:
    with answered_by(lambda dialog: QDialog.DialogCode.Rejected.value):
        assert open_safety_dialog(ctx, manager, None) is None


def test_a_safety_log_entry_is_corrected_from_the_reports_screen(
    qtbot: QtBot, ctx: Context, manager: Actor, partner: Actor
) -> None:
    from practice_action.domain.reports import SafetyEntry
    from practice_action.services import audit

    _on(ctx, date(2026, 7, 8))
    first = safety.record(
        ctx,
        partner,
        SafetyEntry(None, date(2026, 7, 6), ConcernKind.CONCERN, "Call back was late."),
    )
    screen = _screen(qtbot, ctx, partner)
    screen.period.setCurrentIndex(list(Period).index(Period.THIS_MONTH))
    (shown,) = screen.safety_table.visible_records()
    assert shown.id == first.id

    def correct(dialog: QDialog) -> int:
        assert isinstance(dialog, SafetyDialog)
        assert dialog.windowTitle() == "Correct a safety log entry"
        assert dialog.what.toPlainText() == "Call back was late."
        dialog.what.setPlainText("Call back was 40 minutes late; the patient was safe.")
        dialog.accept()
        return dialog.result()

    with answered_by(correct):
        screen.safety_table.activated.emit(shown)
    (after,) = safety.list_period(ctx, partner, date(2026, 7, 1), date(2026, 7, 31))
    assert after.id == first.id
    assert after.what_happened == "Call back was 40 minutes late; the patient was safe."
    assert "corrected" in screen.message.text()
    assert next(e.kind for e in audit.list_entries(ctx, partner)).startswith("safety.")


def test_saving_the_report_over_the_practices_database_is_refused(
    qtbot: QtBot, ctx: Context, manager: Actor, partner: Actor, locations
) -> None:
    build_small_practice(ctx, manager, partner)
    screen = _screen(qtbot, ctx, partner)
    screen.set_custom(SUMMER_1, SUMMER_2)
    database = locations.sqlite_path
    before = database.read_bytes()[:4096]
    dialog = screen.choose_csv_file()
    from PySide6.QtWidgets import QFileDialog

    # The person answers "Replace" to the dialog's own question: it is not asked here.
    dialog.setOption(QFileDialog.Option.DontConfirmOverwrite, True)
    with qtbot.waitSignal(dialog.fileSelected, timeout=10_000):
        dialog.selectFile(str(database))  # the name typed by mistake, the overwrite accepted
        dialog.accept()
    said = screen.message.text()
    assert "could not be written" in said
    assert "the practice's own database or one of its backups" in said
    assert database.read_bytes()[:4096] == before
    assert not list(database.parent.glob("*.partial"))
