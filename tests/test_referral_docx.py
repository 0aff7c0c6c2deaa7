"""The referral template as a Word document, opened back with python-docx."""

from __future__ import annotations

import io

from docx import Document

from practice_action.documents.referral_docx import field_names, referral_template_docx
from practice_action.documents.sample import sample_pack


def test_the_word_template_has_the_letterhead_wording_and_every_field() -> None:
    template = sample_pack().referral_template
    assert template is not None
    document = Document(io.BytesIO(referral_template_docx(template)))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    practice = template.letterhead.practice
    assert practice.name in text and practice.ods_code in text and practice.phone in text
    first = template.wording.split("\n\n")[0].strip()[:40]
    assert first in text
    for field in field_names():
        assert field in cells, field
    assert "«Referrer GMC number»" in cells and "«Patient telephone»" in cells
    assert document.core_properties.title == "Professional referral letter (template)"
    assert "[" not in text + "".join(cells)  # no unfilled placeholder of the plan's wording
