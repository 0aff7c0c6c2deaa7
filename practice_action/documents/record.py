"""The record reference printed at the foot of every page: which audit head a document saw.

Services read the head of the audit trail when they make a document and draw it inside
``with recording(ref):``; every page then carries "Record ref. 3f2a9c1d" (the first eight hex
characters of the head's hash), so a printed letter, notice or report can be matched to the
point in the trail at which it was made.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

LABEL = "Record ref."
LENGTH = 8

_ref: ContextVar[str] = ContextVar("record_ref", default="")


def short(head_hash: str) -> str:
    """The part of a head hash that is printed."""
    return head_hash[:LENGTH]


@contextmanager
def recording(head_hash: str) -> Iterator[None]:
    """Every page drawn inside this block carries the short form of ``head_hash``."""
    token = _ref.set(short(head_hash))
    try:
        yield
    finally:
        _ref.reset(token)


def current() -> str:
    return _ref.get()


def footnote_text() -> str:
    ref = _ref.get()
    return f"{LABEL} {ref}" if ref else ""


def stamp_page(canvas: Canvas, margin: float) -> None:
    """Draw the reference small, under the footer line, at the left margin."""
    text = footnote_text()
    if not text:
        return
    # reportlab only when drawing: services import this module to set the reference
    from reportlab.lib import colors
    from reportlab.lib.units import mm

    from practice_action.documents.style import fonts

    regular, _ = fonts()
    canvas.saveState()
    canvas.setFont(regular, 6.5)
    canvas.setFillColor(colors.HexColor("#4C6272"))
    canvas.drawString(margin, 5 * mm, text)
    canvas.restoreState()
