"""Marking a preview as a draft: a diagonal stamp on every page, and a line on text files.

A practice manager may read the letters before a partner signs them. What they see must
never pass for the real thing if it is printed or saved, so each page carries the stamp
and the first page a band saying who must sign it.
"""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas

from practice_action.documents.style import fonts

STAMP = "DRAFT"
DRAFT_LINE = "DRAFT: not signed, not for sending. A partner generates the final version."


def _stamp_page(width: float, height: float, first: bool) -> bytes:
    regular, bold = fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height))
    canvas.saveState()
    canvas.setFillColor(colors.Color(0.70, 0.15, 0.12, alpha=0.22))
    canvas.translate(width / 2, height / 2)
    canvas.rotate(52)
    size = min(width, height) / 4.2
    canvas.setFont(bold, size)
    canvas.drawCentredString(0, -size / 3, STAMP)
    canvas.restoreState()
    if first:
        canvas.setFillColor(colors.Color(0.70, 0.15, 0.12))
        canvas.rect(0, height - 16, width, 16, stroke=0, fill=1)
        canvas.setFillColor(colors.white)
        canvas.setFont(regular, 8.5)
        canvas.drawCentredString(width / 2, height - 11.5, DRAFT_LINE)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def mark_pdf(pdf: bytes) -> bytes:
    """The same document with the draft stamp over every page."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for number, page in enumerate(writer.pages):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        stamp = PdfReader(io.BytesIO(_stamp_page(width, height, number == 0))).pages[0]
        page.merge_page(stamp)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def mark_text(text: str, *, html: bool = False) -> str:
    if html:
        return f'<p style="color:#b3261e;font-weight:bold">{DRAFT_LINE}</p>\n{text}'
    return f"{DRAFT_LINE}\n\n{text}"
