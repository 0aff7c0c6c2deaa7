"""The PDF summary: its text says what the report says, user text is escaped, pages numbered."""

from __future__ import annotations

import io

from pypdf import PdfReader
from report_helpers import SUMMER_1, SUMMER_2, build_small_practice

from practice_action.documents.report_pdf import report_summary
from practice_action.domain.reports import ConcernKind, SafetyEntry
from practice_action.services import reports, safety
from practice_action.services.context import Actor, Context


def _text(pdf: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def test_the_summary_states_the_figures(ctx: Context, manager: Actor, partner: Actor) -> None:
    build_small_practice(ctx, manager, partner)
    safety.record(
        ctx,
        manager,
        SafetyEntry(
            None, SUMMER_1, ConcernKind.NEAR_MISS, "Reply <b>& delay</b> to 111", "Rota changed"
        ),
    )
    pdf = report_summary(reports.build(ctx, partner, SUMMER_1, SUMMER_2))
    assert pdf.startswith(b"%PDF")
    text, pages = _text(pdf)
    flat = " ".join(text.split())
    assert "Riverside Medical Practice" in flat
    assert "Collective action report Wed 1 Jul 2026 to Thu 2 Jul 2026" in flat
    assert "2 patients were diverted: NHS 111 1, Pharmacy First 1." in flat
    assert "Reply <b>& delay</b> to 111" in flat  # escaped, so printed as typed
    assert "Rota changed" in flat
    assert "Dr Amy Ash" in flat and "Dr Ben Birch" in flat
    assert "0.4 contacts per 1,000 patients per working day" in flat
    assert "2 of 2 working days" in flat
    assert f"Page 1 of {pages}" in flat
    assert f"Page {pages} of {pages}" in flat


def test_a_long_safety_log_runs_onto_numbered_pages(
    ctx: Context, manager: Actor, partner: Actor
) -> None:
    build_small_practice(ctx, manager, partner)
    for n in range(60):
        safety.record(
            ctx,
            manager,
            SafetyEntry(None, SUMMER_2, ConcernKind.CONCERN, f"Entry number {n} " + "words " * 20),
        )
    text, pages = _text(report_summary(reports.build(ctx, partner, SUMMER_1, SUMMER_2)))
    assert pages >= 3
    assert f"Page 2 of {pages}" in text
    assert "Entry number 59" in " ".join(text.split())
