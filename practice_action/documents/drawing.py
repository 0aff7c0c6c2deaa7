"""Drawing one planned document from what it is made from: which drawing makes which kind.

Called where the drawing is done: in the desktop app's drawing process (documents/apart.py)
or, for the command line and when that process cannot help, in the calling process itself.
Either way the same function draws, so a document is the same wherever it was drawn.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass


@dataclass(frozen=True)
class Drawing:
    """What to draw: the document's kind and inputs, and how it is to be marked.

    ``head`` is the audit trail's head hash, printed short on every page ("Record ref.");
    a ``draft`` is stamped DRAFT on every page (a text file gets a first line saying so)."""

    kind: str
    inputs: object
    pdf: bool
    html: bool = False
    draft: bool = False
    head: str = ""


def draw(drawing: Drawing) -> bytes:
    """The document's bytes (reportlab, its fonts and the drawing modules load here).

    Refuses (style.UnprintableText) when the font lacks a character of the text."""
    from practice_action.documents import draft, record

    with draft.drafting() if drawing.draft else nullcontext(), record.recording(drawing.head):
        content = _draw(drawing.kind, drawing.inputs, drawing.pdf)
    if drawing.draft and not drawing.pdf:
        text = draft.mark_text(content.decode("utf-8"), html=drawing.html)
        content = text.encode("utf-8")
    return content


def _draw(kind: str, inputs: object, pdf: bool) -> bytes:
    from practice_action.documents import letters, notices, round2026, style
    from practice_action.documents.model import PatientNotice

    if pdf:
        style.require_printable(inputs)
    if isinstance(inputs, round2026.StaffBriefing):
        return round2026.staff_briefing(inputs)
    if isinstance(inputs, round2026.CcioFollowUp):  # a kind of CcioDsaReview: asked first
        return round2026.ccio_dsa_followup(inputs)
    if isinstance(inputs, round2026.CcioDsaReview):
        return round2026.ccio_dsa_review(inputs)
    if isinstance(inputs, PatientNotice):
        if kind == "poster":
            return notices.poster(inputs)
        if kind == "leaflet":
            return notices.leaflet(inputs)
        if kind == "large_print":
            return notices.large_print(inputs)
        if kind == "website_html":
            return notices.website_html(inputs).encode("utf-8")
        if kind == "website_text":
            return notices.website_text(inputs).encode("utf-8")
        return (notices.text_message(inputs) + "\n").encode("utf-8")
    return letters.render_letter(inputs)  # type: ignore[arg-type]
