"""Marking a preview as a draft: a diagonal stamp on every page, and a line on text files.

A practice manager may read the letters before a partner signs them. What they see must
never pass for the real thing if it is printed or saved, so each page carries the stamp
and the first page a band saying who must sign it.

The stamp is drawn while the document is drawn, not laid over it afterwards: inside
``with drafting():`` every canvas that finishes a page (``stamp_page``) stamps it. That keeps
a PDF library off the desktop's path: reportlab alone draws drafts and finals.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas

from practice_action.documents.style import fonts

STAMP = "DRAFT"
DRAFT_LINE = "DRAFT: not signed, not for sending. A partner generates the final version."

_drafting: ContextVar[bool] = ContextVar("drafting", default=False)


@contextmanager
def drafting() -> Iterator[None]:
    """Every page drawn inside this block is stamped DRAFT."""
    token = _drafting.set(True)
    try:
        yield
    finally:
        _drafting.reset(token)


def stamp_page(canvas: Canvas, first: bool) -> None:
    """Stamp the page being drawn, if a draft is being drawn; call just before it ends."""
    if not _drafting.get():
        return
    regular, bold = fonts()
    width, height = float(canvas._pagesize[0]), float(canvas._pagesize[1])
    canvas.saveState()
    canvas.setFillColor(colors.Color(0.70, 0.15, 0.12, alpha=0.22))
    canvas.translate(width / 2, height / 2)
    canvas.rotate(52)
    size = min(width, height) / 4.2
    canvas.setFont(bold, size)
    canvas.drawCentredString(0, -size / 3, STAMP)
    canvas.restoreState()
    if first:
        canvas.saveState()
        canvas.setFillColor(colors.Color(0.70, 0.15, 0.12))
        canvas.rect(0, height - 16, width, 16, stroke=0, fill=1)
        canvas.setFillColor(colors.white)
        canvas.setFont(regular, 8.5)
        canvas.drawCentredString(width / 2, height - 11.5, DRAFT_LINE)
        canvas.restoreState()


def mark_text(text: str, *, html: bool = False) -> str:
    if html:
        return f'<p style="color:#b3261e;font-weight:bold">{DRAFT_LINE}</p>\n{text}'
    return f"{DRAFT_LINE}\n\n{text}"
