"""Every letter, notice and report PDF names the audit head it was made at, on every page."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from letters_helpers import make_demo
from pypdf import PdfReader
from sqlalchemy import select

from practice_action.domain.calendar import local_today
from practice_action.services import audit, reports
from practice_action.services import documents as letters
from practice_action.services.context import Context
from practice_action.store.models import AuditEntry

PARTNER = "Dr Asha Mistry"
REF = re.compile(r"Record ref\. ([0-9a-f]{8})")


def _refs(content: bytes) -> list[str]:
    """The reference on each page, read back from the PDF's text."""
    pages = PdfReader(io.BytesIO(content)).pages
    found = []
    for page in pages:
        match = REF.search(page.extract_text())
        found.append(match.group(1) if match else "")
    return found


def _head(ctx: Context) -> str:
    with ctx.store.read() as session:
        return audit.head_hash(session)


def test_each_generated_pdf_carries_the_head_its_own_register_entry_follows(ctx: Context) -> None:
    people = make_demo(ctx)
    made = letters.generate(ctx, people[PARTNER])
    with ctx.store.read() as session:
        entries = {
            e.after: e.prev_hash
            for e in session.execute(
                select(AuditEntry).where(AuditEntry.kind == "letter.generated")
            ).scalars()
        }
    prev_by_reference = {}
    for after, prev in entries.items():
        match = re.search(r'"reference":"([^"]+)"', after)
        assert match
        prev_by_reference[match.group(1)] = prev
    pdfs = [g for g in made if g.entry.media_type == "application/pdf"]
    assert len(pdfs) >= 7  # four letters, poster, leaflet, large print
    seen = set()
    for generated in pdfs:
        refs = _refs(generated.content)
        expected = prev_by_reference[generated.entry.reference][:8]
        assert refs == [expected] * len(refs), generated.entry.title
        seen.add(expected)
    assert len(seen) == len(pdfs)  # each entry moves the head on: no two share one
    # The last document's reference is the head before its own entry, which is now the head.
    with ctx.store.read() as session:
        last = session.execute(select(AuditEntry).order_by(AuditEntry.seq.desc())).scalars().first()
    assert last is not None and last.hash == _head(ctx)


def test_a_draft_carries_the_head_as_it_stands(ctx: Context) -> None:
    people = make_demo(ctx)
    preview = letters.preview_draft(ctx, people["Karen Holt"], "service_changes_notification")
    assert set(_refs(preview.content)) == {_head(ctx)[:8]}


def test_a_report_summary_carries_the_head_its_figures_were_read_at(ctx: Context) -> None:
    from practice_action.documents.report_pdf import report_summary

    people = make_demo(ctx)
    today = local_today(ctx.clock)
    report = reports.build(ctx, people[PARTNER], today - timedelta(days=6), today)
    refs = _refs(report_summary(report))
    assert refs and set(refs) == {_head(ctx)[:8]}
