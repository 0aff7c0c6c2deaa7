"""The Letters screen: generate, preview, print to a PDF file, mark as sent; drafts for managers."""

from __future__ import annotations

from pathlib import Path

from letters_helpers import make_demo, pdf_pages, pdf_text, save_as
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from practice_action.documents.times import uk_date
from practice_action.domain.calendar import local_today
from practice_action.services import documents as letters
from practice_action.services.context import Context
from practice_action.ui.letters_screen import LettersScreen, SentDialog, sections
from practice_action.ui.modal import answered_by

KEY = "service_changes_notification"


def _screen(qtbot: QtBot, ctx: Context, who: str) -> LettersScreen:
    people = make_demo(ctx)
    screen = LettersScreen(ctx, people[who])
    qtbot.addWidget(screen)
    screen.resize(1200, 700)
    screen.show()
    return screen


def test_section_is_declared() -> None:
    (section,) = sections()
    assert (section.key, section.title, section.shortcut, section.order) == (
        "letters",
        "Letters",
        "Ctrl+3",
        30,
    )


def test_partner_generates_previews_prints_and_marks_sent(
    qtbot: QtBot, ctx: Context, tmp_path: Path
) -> None:
    screen = _screen(qtbot, ctx, "Dr Asha Mistry")
    assert len(screen.statuses()) == 13  # with the staff briefing
    assert all(s.state == "Not yet generated" for s in screen.statuses())
    assert screen.select_key(KEY)
    assert screen.content_is_draft and "DRAFT" in pdf_text(screen.content)
    assert not screen.print_button.isEnabled()

    screen.generate_button.click()
    status = screen.current()
    assert status is not None and status.latest is not None
    assert status.state == "Generated" and not screen.content_is_draft
    assert screen.content == letters.reproduce(ctx, screen.actor, status.latest.id)
    qtbot.waitUntil(lambda: screen.preview_pages() == 3)

    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    assert screen.print_to(printer)
    qtbot.waitUntil(lambda: screen.print_job is None)  # it prints on a thread of its own
    assert pdf_pages(printed.read_bytes()) == 3
    assert screen.current().state == "Printed"  # type: ignore[union-attr]

    today = local_today(ctx.clock)

    def answer_sent(dialog: QDialog) -> int:
        assert isinstance(dialog, SentDialog)
        assert dialog.day() == today
        return QDialog.DialogCode.Accepted

    with answered_by(answer_sent):
        screen.sent_button.click()
    assert screen.current().state == f"Sent {uk_date(today)}"  # type: ignore[union-attr]
    table_states = [screen.table.model.data(screen.table.model.index(r, 1)) for r in range(12)]
    assert f"Sent {uk_date(today)}" in table_states


def test_print_goes_through_the_print_dialog(qtbot: QtBot, ctx: Context, tmp_path: Path) -> None:
    screen = _screen(qtbot, ctx, "Dr Asha Mistry")
    screen.select_key("patient_notice:poster")
    screen.generate_button.click()
    # at full size (never shrunk) the demo's poster takes two pages
    qtbot.waitUntil(lambda: screen.preview_pages() == 2)
    out = tmp_path / "poster.pdf"

    def answer_print(dialog: QDialog) -> int:
        assert isinstance(dialog, QPrintDialog)
        dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        dialog.printer().setOutputFileName(str(out))
        return QDialog.DialogCode.Accepted

    with answered_by(answer_print):
        screen.print_button.click()
    qtbot.waitUntil(lambda: screen.print_job is None)
    assert pdf_pages(out.read_bytes()) == 2
    assert screen.current().state == "Printed"  # type: ignore[union-attr]


def test_sms_shows_its_length_and_parts(qtbot: QtBot, ctx: Context) -> None:
    screen = _screen(qtbot, ctx, "Dr Asha Mistry")
    screen.select_key("patient_notice:sms")
    screen.generate_button.click()
    text = screen.text_view.toPlainText().rstrip("\n")
    length, parts = letters.sms_counts(text)
    assert length <= 306
    assert screen.sms_count.text().startswith(f"Text message: {length} characters, {parts} SMS")
    assert not screen.sms_count.isHidden()


def test_manager_reads_and_saves_drafts_only(qtbot: QtBot, ctx: Context, tmp_path: Path) -> None:
    screen = _screen(qtbot, ctx, "Karen Holt")
    for button in (screen.generate_button, screen.print_button, screen.sent_button):
        assert button.isHidden()
    assert screen.select_key(KEY)
    qtbot.waitUntil(lambda: screen.preview_pages() == 3)
    assert screen.content_is_draft
    target = tmp_path / "saved.pdf"
    with answered_by(save_as("DRAFT-notification-service-changes.pdf", target)):
        screen.save_button.click()
    assert "DRAFT" in pdf_text(target.read_bytes())
    screen.generate_selected()  # refused by the service, whatever the screen shows
    assert "may not generate" in screen.problem.text()
    assert letters.register(ctx, screen.actor) == []


def test_missing_details_are_listed_with_where_to_fill_them(qtbot: QtBot, ctx: Context) -> None:
    from sqlalchemy import update

    from practice_action.store.models import Practice

    people = make_demo(ctx)
    with ctx.store.write() as session:
        session.execute(update(Practice).values(icb_address=""))
    screen = LettersScreen(ctx, people["Dr Asha Mistry"])
    qtbot.addWidget(screen)
    assert not screen.missing.isHidden()
    assert "ICB address" in screen.missing.text()
    assert "Set-up &gt; Practice profile &gt; ICB address" in screen.missing.text()
    screen.select_key(KEY)
    assert not screen.generate_button.isEnabled()
    assert "cannot be made yet" in screen.nothing.text()


def test_the_preview_is_let_go_while_hidden_and_back_when_shown(qtbot: QtBot, ctx: Context) -> None:
    screen = _screen(qtbot, ctx, "Dr Asha Mistry")
    assert screen.select_key(KEY)
    qtbot.waitUntil(lambda: screen.preview_pages() == 3)
    shown = screen.content
    bar = screen._pdf_view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum() // 2)  # reading page 2
    place = bar.value()
    screen.hide()  # another section is chosen, or the desk locks
    assert screen.preview_pages() == 0
    screen.show()
    qtbot.waitUntil(lambda: screen.preview_pages() == 3)
    assert screen.content == shown and screen.current() is not None
    qtbot.waitUntil(lambda: bar.value() == place)  # back where the reader was
