"""How long the documents take: the whole pack, and 1,000 notice pages beside raw reportlab.

Run: python bench/bench_documents.py
Budgets (issue 6): the pack under a second; the batch within 1.5 times raw reportlab
drawing the same text on the same number of pages, measured in the same run.
"""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from practice_action.documents import notices
from practice_action.documents.model import PatientNotice
from practice_action.documents.pack import render_pack
from practice_action.documents.sample import sample_pack
from practice_action.documents.style import NHS_BLUE, fonts

PAGES = 1000
TRIALS = 5


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def best_and_median(work: Callable[[], object]) -> tuple[float, float]:
    runs = [timed(work) for _ in range(TRIALS)]
    return min(runs), statistics.median(runs)


def raw_pages(text: str, pages: int) -> bytes:
    """The notice's words drawn straight on a canvas: no layout engine, same font and size."""
    regular, bold = fonts()
    width, height = A4
    margin = 14 * mm
    lines = []
    for paragraph in text.splitlines():
        lines += simpleSplit(paragraph, regular, 12, width - 2 * margin) or [""]
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    for _ in range(pages):
        canvas.setFillColor(NHS_BLUE)
        canvas.rect(margin, height - margin - 60, width - 2 * margin, 60, stroke=0, fill=1)
        canvas.setFillColorRGB(1, 1, 1)
        canvas.setFont(bold, 28)
        canvas.drawString(margin + 10, height - margin - 40, lines[0])
        canvas.setFillColorRGB(0, 0, 0)
        canvas.setFont(regular, 12)
        y = height - margin - 80
        for line in lines[1:]:
            canvas.drawString(margin, y, line)
            y -= 15
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def redrawn_pages(notice: PatientNotice, pages: int) -> bytes:
    """For comparison only: the notice laid out once but redrawn on every page, no form."""
    placed = notices._layout_one_page(notice, A4, 14 * mm)
    assert placed is not None
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    for _ in range(pages):
        notices._draw_placed(canvas, placed)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def demo_pack() -> tuple[int, float, float]:
    """The demo practice's own pack, from its plan through the services: (documents, time to
    draw them all, time to generate and register them all as a partner)."""
    import tempfile

    from practice_action import paths
    from practice_action.services import demo, documents, staff
    from practice_action.services.health import open_context

    with tempfile.TemporaryDirectory() as scratch:
        ctx = open_context(paths.resolve(scratch))
        try:
            demo.create_demo(ctx)
            planned = documents.documents_for_plan(ctx)
            drawn = timed(lambda: [documents.render(d) for d in planned])
            partner_id = next(m.id for m in staff.list_staff(ctx) if m.name == "Dr Asha Mistry")
            assert partner_id is not None
            partner = staff.sign_in(ctx, partner_id, demo.DEMO_PINS["Dr Asha Mistry"]).actor
            generated = timed(lambda: documents.generate(ctx, partner))
        finally:
            ctx.store.dispose()
    return len(planned), drawn, generated


def main() -> None:
    count, drawn, generated = demo_pack()
    print(
        f"Demo practice's pack ({count} documents): drawn in {drawn:.3f} s; generated and "
        f"registered as a partner in {generated:.3f} s  (budget < 1 s)"
    )
    pack = sample_pack()
    notice = pack.notice
    assert notice is not None
    cold = timed(lambda: render_pack(pack))
    pack_best, pack_median = best_and_median(lambda: render_pack(pack))
    documents = render_pack(pack)
    text = notices.website_text(notice)

    batch_best, batch_median = best_and_median(lambda: notices.poster(notice, copies=PAGES))
    raw_best, raw_median = best_and_median(lambda: raw_pages(text, PAGES))
    redraw_best, redraw_median = best_and_median(lambda: redrawn_pages(notice, PAGES))
    ratio = batch_median / raw_median

    print(
        f"Whole pack ({len(documents)} documents): first {cold:.3f} s, "
        f"best {pack_best:.3f} s, median {pack_median:.3f} s  (budget < 1 s)"
    )
    print(f"{PAGES:,} notice pages          best {batch_best:.3f} s  median {batch_median:.3f} s")
    print(f"{PAGES:,} raw canvas pages      best {raw_best:.3f} s  median {raw_median:.3f} s")
    print(f"Ratio notice / raw (median): {ratio:.2f}  (budget <= 1.5)")
    print(
        f"(for reference: the notice redrawn on every page without a form: best "
        f"{redraw_best:.3f} s, median {redraw_median:.3f} s, ratio {redraw_median / raw_median:.2f})"
    )
    print("Pack within budget:", "yes" if pack_median < 1 else "NO")
    print("Batch within budget:", "yes" if ratio <= 1.5 else "NO")


if __name__ == "__main__":
    main()
