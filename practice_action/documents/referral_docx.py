"""The referral letter template as a Word document, for a clinical system's letter writer.

The practice loads it into its clinical system once; the system fills each «field» from the
patient's record when a clinician writes a referral. Field names are our own plain words in
guillemets, which every letter writer lets the practice map to its own merge fields.
"""

from __future__ import annotations

import io

from practice_action.documents.model import ReferralLetterTemplate
from practice_action.documents.style import paragraphs

# What the clinical system fills in, in the order the letter shows them.
FIELDS = (
    ("Date", "«Date»"),
    ("To", "«Recipient name and address»"),
    ("Patient's name", "«Patient name»"),
    ("Date of birth", "«Patient date of birth»"),
    ("NHS number", "«Patient NHS number»"),
    ("Patient's address", "«Patient address»"),
    ("Patient's telephone", "«Patient telephone»"),
    ("Referred to (service and clinician)", "«Referred to»"),
    ("Urgency", "«Urgency»"),
)
CLINICAL = (
    ("Clinical details", "«Clinical details»"),
    ("Current medication", "«Current medication»"),
    ("Allergies", "«Allergies»"),
)
SIGNATURE = (
    ("Referring clinician", "«Referrer name and role»"),
    ("GMC or professional number", "«Referrer GMC number»"),
)


def referral_template_docx(template: ReferralLetterTemplate) -> bytes:
    """The template's letterhead, wording and merge fields as .docx bytes."""
    from docx import Document  # only when a Word copy is asked for
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    practice = template.letterhead.practice
    document = Document()
    document.core_properties.title = "Professional referral letter (template)"
    document.core_properties.author = practice.name
    document.core_properties.subject = f"Referral letter template of {practice.name}"
    document.core_properties.language = "en-GB"
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)

    head = document.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    name = head.add_run(practice.name)
    name.bold = True
    name.font.size = Pt(15)
    address = [line.strip() for line in practice.address.splitlines() if line.strip()]
    details = [
        ", ".join([*address, practice.postcode]),
        f"Telephone {practice.phone} · {practice.email}",
        *([practice.website] if practice.website else []),
        f"ODS code {practice.ods_code}",
    ]
    for line in details:
        head.add_run("\n" + line).font.size = Pt(9)

    def field_table(rows: tuple[tuple[str, str], ...]) -> None:
        table = document.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, field in rows:
            cells = table.add_row().cells
            cells[0].text = label
            cells[0].paragraphs[0].runs[0].bold = True
            cells[1].text = field

    field_table(FIELDS)
    document.add_paragraph()
    for block in paragraphs(template.wording):
        document.add_paragraph(block.replace("....................", "«Details»"))
    field_table(CLINICAL)
    document.add_paragraph()
    document.add_paragraph("Yours sincerely,")
    field_table(SIGNATURE)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def field_names() -> list[str]:
    return [field for _, field in (*FIELDS, *CLINICAL, *SIGNATURE)]
