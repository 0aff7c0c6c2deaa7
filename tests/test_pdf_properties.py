"""Documents others can take further: language, a title the viewer shows, a real subject and
every font embedded, for each kind of PDF."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from letters_helpers import make_demo
from pypdf import PdfReader

from practice_action.domain.calendar import local_today
from practice_action.services import documents as service
from practice_action.services import reports
from practice_action.services.context import Context


def _fonts(reader: PdfReader) -> list[tuple[str, bool]]:
    """Each font a page uses (forms included), and whether its file is embedded."""
    found = []

    def walk(resources: object) -> None:
        resources = resources.get_object() if resources is not None else None  # type: ignore[union-attr]
        if not resources:
            return
        for font in (resources.get("/Font") or {}).values():  # type: ignore[union-attr]
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found.append((str(font.get("/BaseFont")), embedded))
        for xobject in (resources.get("/XObject") or {}).values():  # type: ignore[union-attr]
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                walk(xobject.get("/Resources"))

    for page in reader.pages:
        walk(page.get("/Resources"))
    return found


def _check(content: bytes, what: str) -> None:
    reader = PdfReader(io.BytesIO(content))
    root = reader.trailer["/Root"].get_object()
    assert root.get("/Lang") == "en-GB", what
    prefs = root["/ViewerPreferences"].get_object()
    assert prefs.get("/DisplayDocTitle") in (True, "true"), what
    info = reader.metadata
    assert info is not None and info.title and info.subject, what
    assert "unspecified" not in info.subject.casefold(), what
    fonts = _fonts(reader)
    assert fonts and all(embedded for _, embedded in fonts), (what, fonts)


def test_every_generated_pdf_has_language_title_subject_and_embedded_fonts(ctx: Context) -> None:
    people = make_demo(ctx)
    made = service.generate(ctx, people["Dr Asha Mistry"])
    pdfs = [g for g in made if g.entry.media_type == "application/pdf"]
    assert {g.entry.kind for g in pdfs} >= {"poster", "leaflet", "large_print"}
    for generated in pdfs:
        _check(generated.content, generated.entry.title)


def test_the_report_summary_too(ctx: Context) -> None:
    from practice_action.documents.report_pdf import report_summary

    people = make_demo(ctx)
    today = local_today(ctx.clock)
    _check(
        report_summary(
            reports.build(ctx, people["Dr Asha Mistry"], today - timedelta(days=6), today)
        ),
        "report",
    )


def test_the_check_can_fail_on_a_bare_pdf() -> None:
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(100, 100, "bare")
    canvas.save()
    with pytest.raises(AssertionError):
        _check(buffer.getvalue(), "bare")
