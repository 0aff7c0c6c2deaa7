"""The practice's own words: a partner rewords a paragraph of a letter, the fields in it are
checked before saving and never printed unfilled, each change is audited, the letter prints
it at once, and the shipped wording is one step back."""

from __future__ import annotations

import pytest
from letters_helpers import make_demo, pdf_text
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from practice_action.domain import wording
from practice_action.domain.errors import PermissionDenied, ValidationError
from practice_action.services import documents, staff
from practice_action.services import wording as service
from practice_action.services.context import Actor, Context
from practice_action.store.models import AuditEntry, LetterWordingRow
from practice_action.ui.wording_dialog import WordingDialog

KIND = "voluntary_services_notice"
OWN = "Please write to {practice} to say you have this notice, quoting our reference."


def _refused(text: str, key: str = "closing") -> str:
    with pytest.raises(ValidationError) as refused:
        wording.check(KIND, key, text)
    return refused.value.problems["text"]


def test_an_unknown_field_is_refused_with_the_fields_it_may_use() -> None:
    message = _refused("Please write to {surgery}.")
    assert "'{surgery}' is not a field this paragraph can fill" in message
    assert "{practice}" in message and "{recipient}" in message


def test_a_field_of_another_paragraph_is_refused_where_it_cannot_be_filled() -> None:
    # {terms} has a value only where the services have a local agreement.
    assert "'{terms}' is not a field" in _refused("Terms: {terms}.", "formal")
    assert wording.check(KIND, "why_agreement", "Under {terms}.") == "Under {terms}."


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("Write to {practice.", "A brace is left open"),
        ("Write to practice}.", "A brace is left open"),
        ("Write to {}.", "names no field"),
        ("   ", "cannot be empty"),
        ("x" * 2001, "too long"),
    ],
)
def test_broken_wording_is_refused_saying_how_to_put_it_right(text: str, says: str) -> None:
    assert says in _refused(text)


def test_good_wording_is_tidied_and_accepted() -> None:
    assert wording.check(KIND, "closing", f"  {OWN}\n") == OWN


def test_a_field_with_no_value_is_never_printed() -> None:
    with pytest.raises(ValueError, match="cannot fill"):
        wording.fill("To {practice}.", {"practice": ""}, str)
    with pytest.raises(ValueError, match="brace"):
        wording.fill("To {practice} }", {"practice": "Us"}, str)
    assert wording.fill("To {practice} & co", {"practice": "<b>Us</b>"}, lambda t: t.upper()) == (
        "TO <b>Us</b> & CO"
    )


def test_every_shipped_paragraph_passes_its_own_check() -> None:
    for letter in wording.LETTERS:
        for paragraph in letter.paragraphs:
            assert wording.check(letter.kind, paragraph.key, paragraph.shipped)
            assert set(wording.fields_in(paragraph.shipped)) <= set(paragraph.fields)
            assert set(paragraph.fields) <= set(wording.FIELD_MEANINGS)


def _partner_and_manager(ctx: Context) -> tuple[Actor, Actor]:
    people = make_demo(ctx)
    return people["Dr Asha Mistry"], people["Karen Holt"]


def _notice_text(ctx: Context, actor: Actor) -> str:
    planned = documents.documents_for_plan(ctx, actor)
    key = next(d.key for d in planned if d.kind == KIND)
    return pdf_text(documents.preview_draft(ctx, actor, key).content)


def test_a_partner_rewords_a_paragraph_and_the_letter_prints_it_audited(ctx: Context) -> None:
    partner, manager = _partner_and_manager(ctx)
    with pytest.raises(PermissionDenied):
        service.change_paragraph(ctx, manager, KIND, "closing", OWN)
    view = service.change_paragraph(ctx, partner, KIND, "closing", OWN)
    assert view.is_own and view.changed_by == partner.label
    text = _notice_text(ctx, manager)
    assert "Please write to Fernbrook Medical Practice to say you have this notice" in text
    assert "Please acknowledge this notice in writing" not in text
    with ctx.store.read() as session:
        entry = session.execute(
            select(AuditEntry).where(AuditEntry.kind == "letter_wording.change")
        ).scalar_one()
    assert "Please acknowledge" in entry.before and "Please write to {practice}" in entry.after
    assert entry.actor == partner.label


def test_back_to_the_shipped_wording_is_one_step(ctx: Context) -> None:
    partner, _ = _partner_and_manager(ctx)
    service.change_paragraph(ctx, partner, KIND, "closing", OWN)
    back = service.back_to_shipped(ctx, partner, KIND, "closing")
    assert not back.is_own and back.text == back.shipped
    assert "Please acknowledge this notice in writing" in _notice_text(ctx, partner)
    with ctx.store.read() as session:
        assert session.execute(select(LetterWordingRow)).first() is None
        kinds = session.execute(select(AuditEntry.kind).order_by(AuditEntry.seq)).scalars().all()
    assert kinds[-2:] == ["letter_wording.change", "letter_wording.restore"]


def test_saving_broken_wording_changes_nothing(ctx: Context) -> None:
    partner, _ = _partner_and_manager(ctx)
    with pytest.raises(ValidationError):
        service.change_paragraph(ctx, partner, KIND, "closing", "To {surgery}")
    with ctx.store.read() as session:
        assert session.execute(select(LetterWordingRow)).first() is None


def test_a_changed_wording_makes_a_generated_letter_out_of_date(ctx: Context) -> None:
    partner, _ = _partner_and_manager(ctx)
    documents.generate(ctx, partner, kinds=[KIND])
    service.change_paragraph(ctx, partner, KIND, "closing", OWN)
    statuses = [s for s in documents.overview(ctx, partner).documents if s.document.kind == KIND]
    assert statuses and all(s.out_of_date for s in statuses)


# --- the editor, by keys and clicks -------------------------------------------------------


@pytest.fixture
def dialog(qtbot, ctx: Context) -> WordingDialog:
    partner, _ = _partner_and_manager(ctx)
    widget = WordingDialog(ctx, partner)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)
    return widget


def _choose_closing(dialog: WordingDialog) -> None:
    keys = [p.key for p in dialog.letter().paragraphs]
    row = keys.index("closing")
    item = dialog.paragraph_list.item(row)
    rect = dialog.paragraph_list.visualItemRect(item)
    QTest.mouseClick(dialog.paragraph_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert dialog.paragraph() is not None and dialog.paragraph().key == "closing"


def _retype(dialog: WordingDialog, text: str) -> None:
    dialog.text_edit.setFocus()
    QTest.keyClick(dialog.text_edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(dialog.text_edit, Qt.Key.Key_Delete)
    QTest.keyClicks(dialog.text_edit, text)


def test_the_editor_refuses_an_unknown_field_as_it_is_typed(dialog: WordingDialog) -> None:
    _choose_closing(dialog)
    _retype(dialog, "Write to {surgery}.")
    assert "'{surgery}' is not a field" in dialog.problem.text()
    assert not dialog.save_button.isEnabled()
    assert dialog.preview.text() == ""
    _close_without_saving(dialog)


def _close_without_saving(dialog: WordingDialog) -> None:
    """Escape, and the answer "Close without saving" to the question it asks."""
    from PySide6.QtWidgets import QMessageBox

    from practice_action.ui.modal import answered_by

    def press(box: object) -> int:
        assert isinstance(box, QMessageBox)
        next(b for b in box.buttons() if b.text() == "Close without saving").click()
        return 0

    with answered_by(press):
        QTest.keyClick(dialog.text_edit, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_the_editor_previews_saves_and_goes_back_by_clicks(
    dialog: WordingDialog, ctx: Context
) -> None:
    _choose_closing(dialog)
    _retype(dialog, OWN)
    assert dialog.problem.text() == ""
    assert "Please write to the practice to say you have this notice" in dialog.preview.text()
    changed: list[bool] = []
    dialog.changed.connect(lambda: changed.append(True))
    QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert changed == [True]
    assert "the practice's words" in dialog.paragraph_list.currentItem().text()
    assert "changed by Dr Asha Mistry" in dialog.status.text()
    QTest.mouseClick(dialog.back_button, Qt.MouseButton.LeftButton)
    assert dialog.text_edit.toPlainText().startswith("Please acknowledge this notice")
    assert dialog.status.text() == "The shipped wording."
    assert not dialog.back_button.isEnabled()


def test_a_manager_sees_the_wording_but_cannot_change_it(qtbot, ctx: Context) -> None:
    _, manager = _partner_and_manager(ctx)
    widget = WordingDialog(ctx, manager)
    qtbot.addWidget(widget)
    widget.show()
    assert widget.text_edit.isReadOnly()
    assert not widget.save_button.isVisible() and not widget.back_button.isVisible()
    assert staff.list_staff(ctx)  # the practice is there; nothing was changed


def test_the_letters_preview_shows_a_saved_paragraph_at_once(qtbot, ctx: Context) -> None:
    from practice_action.ui.letters_screen import LettersScreen

    partner, _ = _partner_and_manager(ctx)
    screen = LettersScreen(ctx, partner)
    qtbot.addWidget(screen)
    screen.resize(1200, 700)
    screen.show()
    key = next(s.document.key for s in screen.statuses() if s.document.kind == KIND)
    assert screen.select_key(key)
    assert "Please acknowledge this notice in writing" in pdf_text(screen.content)
    QTest.mouseClick(screen.wording_button, Qt.MouseButton.LeftButton)
    dialog = screen.findChild(WordingDialog)
    assert dialog is not None and dialog.isVisible()
    _choose_closing(dialog)
    _retype(dialog, OWN)
    QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert screen.current() is not None and screen.current().document.key == key
    text = pdf_text(screen.content)
    assert "Please write to Fernbrook Medical Practice to say you have this notice" in text
    dialog.close()


def test_typed_words_are_kept_between_paragraphs_and_closing_asks_first(
    dialog: WordingDialog,
) -> None:
    from PySide6.QtWidgets import QDialog, QMessageBox

    from practice_action.ui.modal import answered_by

    _choose_closing(dialog)
    _retype(dialog, OWN)
    assert dialog.paragraph_list.currentItem().text().endswith("(not saved)")
    first = dialog.paragraph_list.visualItemRect(dialog.paragraph_list.item(0))
    QTest.mouseClick(
        dialog.paragraph_list.viewport(), Qt.MouseButton.LeftButton, pos=first.center()
    )
    _choose_closing(dialog)
    assert dialog.text_edit.toPlainText() == OWN

    asked: list[str] = []

    def answer(choice: str):
        def press(box: QDialog) -> int:
            assert isinstance(box, QMessageBox)
            asked.append(box.text())
            next(b for b in box.buttons() if b.text() == choice).click()
            return 0

        return press

    with answered_by(answer("Keep editing")):
        QTest.keyClick(dialog.text_edit, Qt.Key.Key_Escape)
    assert dialog.isVisible() and "1 paragraph has changes that are not saved" in asked[0]
    with answered_by(answer("Close without saving")):
        QTest.keyClick(dialog.text_edit, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_a_desk_that_locks_closes_the_editor_without_a_question(dialog: WordingDialog) -> None:
    from practice_action.ui.modal import answered_by

    _choose_closing(dialog)
    _retype(dialog, OWN)
    asked: list[object] = []
    with answered_by(lambda box: asked.append(box) or 0):
        dialog.reject()  # what the desk does to every open dialog when it locks
    assert asked == [] and not dialog.isVisible()
