"""The Letters screen makes what is ready and lists the rest with their own missing details;
the referral template is saved as a Word document. All by clicks."""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from letters_helpers import save_as
from pytestqt.qtbot import QtBot
from sqlalchemy import select, update
from test_ui_letters import _screen as shown_screen
from ui_people_helpers import click, click_row

from practice_action.services import documents as letters
from practice_action.services.context import Context
from practice_action.store.models import LocalServiceRow
from practice_action.ui.letters_screen import LettersScreen
from practice_action.ui.modal import answered_by

PARTNER = "Dr Asha Mistry"
NOTICES = {"poster", "leaflet", "large_print", "website_html", "website_text", "sms"}


def _screen(qtbot: QtBot, ctx: Context, who: str = PARTNER) -> LettersScreen:
    screen = shown_screen(qtbot, ctx, who)
    qtbot.waitExposed(screen)
    return screen


def _row_of(screen: LettersScreen, kind: str) -> int:
    model = screen.table.view.model()
    for row in range(model.rowCount()):
        screen.table.view.selectRow(row)
        status = screen.current()
        if status is not None and status.document.kind == kind:
            return row
    raise AssertionError(kind)


def test_generate_all_makes_the_ready_documents_and_lists_each_other_with_its_gaps(
    qtbot: QtBot, ctx: Context
) -> None:
    screen = _screen(qtbot, ctx)
    with ctx.store.write() as session:  # a detail only the patient notices print
        name = session.execute(
            select(LocalServiceRow.name).where(LocalServiceRow.kind == "urgent_treatment_centre")
        ).scalar_one()
        session.execute(
            update(LocalServiceRow).where(LocalServiceRow.name == name).values(hours="")
        )
    screen.refresh()
    assert screen.generate_all_button.isEnabled()  # the letters are ready, the notices not
    assert screen.outcome.isHidden()

    click(screen.generate_all_button)

    text = screen.outcome.text()
    assert not screen.outcome.isHidden()
    made = [s for s in screen.statuses() if s.latest is not None]
    waiting = [s for s in screen.statuses() if s.latest is None]
    assert {s.document.kind for s in waiting} == NOTICES
    assert made and all(s.document.kind not in NOTICES for s in made)
    assert f"Made {len(made)} documents" in text
    assert f"Not made yet: {len(waiting)} documents" in text
    for status in waiting:  # each with its own missing detail and where to give it
        assert status.document.title in text
    # the same missing detail, said once for the documents waiting for it
    assert text.count(f"{name}: its opening hours: fill it in at") == 1
    states = {s.document.kind: s.state for s in screen.statuses()}
    assert states["poster"] == "Not yet generated"
    assert states["service_changes_notification"] == "Generated"
    assert screen.problem.isHidden()


def test_generate_all_with_nothing_missing_makes_everything(qtbot: QtBot, ctx: Context) -> None:
    screen = _screen(qtbot, ctx)
    click(screen.generate_all_button)
    assert all(s.state == "Generated" for s in screen.statuses())
    assert screen.outcome.text().startswith(f"<b>Made {len(screen.statuses())} documents</b>")
    assert "Not made yet" not in screen.outcome.text()


def test_the_referral_template_is_saved_as_a_word_document(
    qtbot: QtBot, ctx: Context, tmp_path: Path
) -> None:
    screen = _screen(qtbot, ctx, "Karen Holt")  # a practice manager loads the template
    assert screen.word_button.isHidden()  # offered only for the referral template
    row = _row_of(screen, "referral_letter_template")
    screen.table.view.selectRow(0)
    click_row(screen.table.view, row)
    assert screen.current().document.kind == "referral_letter_template"  # type: ignore[union-attr]
    assert not screen.word_button.isHidden() and screen.word_button.isEnabled()
    target = tmp_path / "chosen.docx"
    with answered_by(save_as("referral-letter-template.docx", target)):
        click(screen.word_button)
    assert screen.problem.isHidden(), screen.problem.text()

    document = Document(io.BytesIO(target.read_bytes()))
    practice = letters.documents_for_plan(ctx, screen.actor)[0].inputs.letterhead.practice  # type: ignore[union-attr]
    assert document.paragraphs[0].text.startswith(practice.name)  # the letterhead
    assert practice.phone in document.paragraphs[0].text
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    for field in ("«Patient telephone»", "«Referrer GMC number»", "«Patient NHS number»"):
        assert field in cells
    assert document.core_properties.title == "Professional referral letter (template)"

    click_row(screen.table.view, 0)  # another document: no Word copy offered
    assert screen.word_button.isHidden()
