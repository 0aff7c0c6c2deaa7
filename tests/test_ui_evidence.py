"""Evidence for the LMC at the screen: the practice's export and the LMC's combining window,
driven by clicks as a person would."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from evidence_helpers import ASH, BIRCH, CEDAR
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QFileDialog, QPushButton, QWidget
from pytestqt.qtbot import QtBot
from report_helpers import SUMMER_1, SUMMER_2, at, build_small_practice

from practice_action.domain import evidence as ev
from practice_action.domain.safety_event import HarmLevel, SafetyCategory
from practice_action.services import safety
from practice_action.services.context import Actor, Context
from practice_action.ui.evidence_dialogs import CombineDialog, EvidenceExportDialog
from practice_action.ui.modal import answered_by
from practice_action.ui.reports_screen import ReportsScreen
from practice_action.ui.safety_dialog import NationalRecordDialog, SafetyDialog
from practice_action.ui.signin import SignInDialog


def click(button: QPushButton) -> None:
    assert button.isVisible() and button.isEnabled(), button.text()
    QTest.mouseClick(button, Qt.MouseButton.LeftButton, pos=button.rect().center())


def file_dialog(owner: QWidget) -> QFileDialog:
    found = [d for d in owner.findChildren(QFileDialog) if d.isVisible()]
    assert len(found) == 1
    return found[0]


def choose(qtbot: QtBot, owner: QWidget, path: Path) -> None:
    """Type the file's name in the file dialog that is open and press Save/Open."""
    dialog = file_dialog(owner)
    with qtbot.waitSignal(dialog.fileSelected):
        dialog.selectFile(str(path))
        dialog.accept()


def test_the_practice_reads_what_the_file_holds_then_saves_it(
    qtbot: QtBot, ctx: Context, manager: Actor, partner: Actor, tmp_path: Path
) -> None:
    build_small_practice(ctx, manager, partner)
    screen = ReportsScreen(ctx, partner)
    qtbot.addWidget(screen)
    screen.show()
    screen.set_custom(SUMMER_1, SUMMER_2)
    target = tmp_path / "for-the-lmc.json"
    seen: list[str] = []

    def answer(dialog: QDialog) -> int:
        assert isinstance(dialog, EvidenceExportDialog)
        dialog.show()
        seen.append(dialog.contents.toPlainText())
        assert not target.exists()  # nothing is written before the practice says so
        click(dialog.save_button)
        choose(qtbot, dialog, target)
        assert dialog.message.text() == f"Saved the evidence file to {target}"
        dialog.reject()
        return QDialog.DialogCode.Rejected.value

    with answered_by(answer):
        click(screen.evidence_button)
    words = seen[0]
    assert "Practice: Riverside Medical Practice (C82040), list size 9,800." in words
    assert "2 days with the counter in use" in words
    assert "Not in the file: any patient detail" in words
    assert "Dr Amy Ash" not in words
    made = ev.read(target.read_bytes(), target.name)
    assert (made.start, made.end, made.contacts) == (SUMMER_1, SUMMER_2, 8)
    assert "\n\n".join(ev.summary(made)) == words  # the file is exactly what was shown
    assert screen.message.text() == f"Saved the evidence file to {target}"


def test_this_month_is_exported_to_yesterday(
    qtbot: QtBot, ctx: Context, manager: Actor, partner: Actor
) -> None:
    build_small_practice(ctx, manager, partner)
    at(ctx, date(2026, 11, 17), 14, 0)  # Tuesday 17 November: the month so far ends today
    screen = ReportsScreen(ctx, partner)
    qtbot.addWidget(screen)
    screen.show()
    assert screen.chosen() == (date(2026, 11, 1), date(2026, 11, 17))
    seen: list[str] = []

    def answer(dialog: QDialog) -> int:
        assert isinstance(dialog, EvidenceExportDialog)
        seen.append(dialog.contents.toPlainText())
        seen.append(dialog.message.text())
        return QDialog.DialogCode.Rejected.value

    with answered_by(answer):
        click(screen.evidence_button)
    assert "Period: Sun 1 Nov 2026 to Mon 16 Nov 2026" in seen[0]
    assert seen[1] == ""
    screen.set_custom(date(2026, 11, 1), date(2026, 11, 17))  # chosen by hand: refused, said why
    with answered_by(answer):
        click(screen.evidence_button)
    assert seen[2] == ""
    assert "the day is not over yet" in seen[3] and "Monday 16 November 2026" in seen[3]


def test_an_lmc_combines_files_from_the_sign_in_window(
    qtbot: QtBot, ctx: Context, manager: Actor, tmp_path: Path
) -> None:
    paths = []
    for name, f in (("ash.json", ASH), ("birch.json", BIRCH), ("cedar.json", CEDAR)):
        paths.append(tmp_path / name)
        paths[-1].write_bytes(ev.to_bytes(f))
    pdf = tmp_path / "lmc-report.pdf"
    sign_in = SignInDialog(ctx)
    qtbot.addWidget(sign_in)
    sign_in.show()
    shown: list[str] = []

    def answer(dialog: QDialog) -> int:
        assert isinstance(dialog, CombineDialog)
        dialog.show()
        assert not dialog.pdf_button.isEnabled()  # nothing to save yet
        click(dialog.add_button)
        chooser = file_dialog(dialog)
        with qtbot.waitSignal(chooser.filesSelected):
            chooser.selectFile(" ".join(f'"{p}"' for p in paths))
            chooser.accept()
        assert dialog.paths() == paths
        click(dialog.combine_button)
        shown.append(dialog.message.text())
        shown.append(dialog.figures.toPlainText())
        click(dialog.pdf_button)
        choose(qtbot, dialog, pdf)
        dialog.reject()
        return QDialog.DialogCode.Rejected.value

    with answered_by(answer):
        click(sign_in.combine_button)
    said, figures = shown
    assert said == (
        "Combined 3 evidence files from 3 practices (10,000 registered patients), "
        "2 Nov 2026 to 15 Nov 2026."
    )
    assert "14.2 per 1,000 patients per working day" in figures
    assert "3 of 8 clinician-days at the cap (37.5%)" in figures
    assert "Birch Lane Practice" in figures
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert "Cedar Health Centre (C33333)" in text


def test_the_window_names_a_refused_file_and_offers_nothing_to_save(
    qtbot: QtBot, tmp_path: Path
) -> None:
    good, edited = tmp_path / "ash.json", tmp_path / "birch-edited.json"
    good.write_bytes(ev.to_bytes(ASH))
    data = ev.to_bytes(BIRCH)
    assert b'"list_size":5000' in data
    edited.write_bytes(data.replace(b'"list_size":5000', b'"list_size":500'))
    dialog = CombineDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.add_files([good, edited])
    click(dialog.combine_button)
    message = dialog.message.text()
    assert message.startswith("Nothing was combined.")
    assert "birch-edited.json: the file has been changed or damaged" in message
    assert not dialog.csv_button.isEnabled() and not dialog.pdf_button.isEnabled()
    dialog.files.setCurrentRow(1)
    click(dialog.remove_button)
    click(dialog.combine_button)
    assert dialog.message.text().startswith("Combined 1 evidence file from 1 practice")
    assert dialog.csv_button.isEnabled()


def test_a_damaged_file_added_after_combining_leaves_message_and_list_in_step(
    qtbot: QtBot, tmp_path: Path
) -> None:
    ash, birch, deep = tmp_path / "ash.json", tmp_path / "birch.json", tmp_path / "deep.json"
    ash.write_bytes(ev.to_bytes(ASH))
    birch.write_bytes(ev.to_bytes(BIRCH))
    deep.write_bytes(b'{"format": "practice-action-evidence", "x": ' + b"[" * 100_000)
    dialog = CombineDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.add_files([ash, birch])
    click(dialog.combine_button)
    assert dialog.message.text().startswith("Combined 2 evidence files")
    dialog.add_files([deep])
    assert dialog.files.count() == 3
    assert dialog.message.text() == "3 files in the list, not combined yet: press Combine."
    assert dialog.figures.toPlainText() == "" and not dialog.pdf_button.isEnabled()
    click(dialog.combine_button)
    message = dialog.message.text()
    assert message.startswith("Nothing was combined.")
    assert "deep.json: the file is damaged" in message and "ash.json" not in message
    assert not dialog.csv_button.isEnabled() and not dialog.pdf_button.isEnabled()
    dialog.files.setCurrentRow(2)
    click(dialog.remove_button)
    assert dialog.message.text() == "2 files in the list, not combined yet: press Combine."


def test_the_safety_form_takes_the_national_fields_and_lays_an_entry_out_to_copy(
    qtbot: QtBot, ctx: Context, manager: Actor, tmp_path: Path
) -> None:
    at(ctx, date(2026, 11, 17), 15, 0)
    form = SafetyDialog(ctx, manager)
    qtbot.addWidget(form)
    form.show()
    form.what.setPlainText("The caller could not get through and went to the walk-in centre.")
    QTest.keyClicks(form.time, "9:40")
    form.category.setCurrentIndex(form.category.findData(SafetyCategory.ACCESS_DELAY.value))
    form.harm.setCurrentIndex(form.harm.findData(HarmLevel.LOW.value))
    assert form.national_button is None  # only an entry already saved can be copied
    click(form.buttons.button(form.buttons.StandardButton.Save))
    saved = form.saved
    assert saved is not None
    assert (saved.category, saved.harm, saved.time_of_day) == (
        SafetyCategory.ACCESS_DELAY,
        HarmLevel.LOW,
        "09:40",
    )

    again = SafetyDialog(ctx, manager, entry=saved)
    qtbot.addWidget(again)
    again.show()
    assert again.harm.currentData() == HarmLevel.LOW.value
    copied: list[str] = []
    target = tmp_path / "entry.txt"

    def answer(dialog: QDialog) -> int:
        assert isinstance(dialog, NationalRecordDialog)
        dialog.show()
        copied.append(dialog.text.toPlainText())
        click(dialog.save_button)
        choose(qtbot, dialog, target)
        return QDialog.DialogCode.Rejected.value

    assert again.national_button is not None
    with answered_by(answer):
        click(again.national_button)
    text = copied[0]
    assert "When it happened: Tuesday 17 November 2026, 09:40" in text
    assert "Level of physical harm: Low physical harm" in text
    assert "Category (the practice's own): Delay in getting care" in text
    assert "went to the walk-in centre" in text
    assert target.read_text(encoding="utf-8") == text


def test_a_bad_time_is_explained_and_nothing_is_saved(
    qtbot: QtBot, ctx: Context, manager: Actor
) -> None:
    form = SafetyDialog(ctx, manager)
    qtbot.addWidget(form)
    form.show()
    form.what.setPlainText("A near miss at the desk.")
    QTest.keyClicks(form.time, "25:00")
    click(form.buttons.button(form.buttons.StandardButton.Save))
    assert form.saved is None and form.isVisible()
    assert "24-hour clock" in form.form.problem("time_of_day")
    assert safety.list_period(ctx, manager, date(2026, 1, 1), date(2026, 12, 31)) == ()


def test_the_command_line_opens_the_combining_window_without_a_practice(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from practice_action.cli import main

    good = tmp_path / "ash.json"
    good.write_bytes(ev.to_bytes(ASH))
    nowhere = tmp_path / "no-data-folder"
    seen: list[str] = []

    def answer(dialog: QDialog) -> int:
        assert isinstance(dialog, CombineDialog)
        dialog.show()
        click(dialog.combine_button)
        seen.append(dialog.message.text())
        dialog.deleteLater()
        return QDialog.DialogCode.Rejected.value

    with answered_by(answer):
        assert main(["--data-dir", str(nowhere), "evidence", "window", str(good)]) == 0
    assert seen == [
        "Combined 1 evidence file from 1 practice (2,000 registered patients), "
        "2 Nov 2026 to 8 Nov 2026."
    ]
    assert not nowhere.exists()
