"""How long the documents take: the whole pack, and each kind of document beside a plain canvas.

Run: python bench/bench_documents.py

- The pack: the demo practice's documents drawn, and generated and registered as a partner.
- Like for like (the budgeted figure): the poster and each kind of letter, made one document
  at a time as the app makes them (``notices.poster``, ``letters.voluntary_services_notice``,
  ``letters.data_sharing_withdrawal``: the layout worked out and every page drawn), DOCS
  times; the baseline is a plain reportlab canvas making the same number of documents with
  the same words on the same number of pages: the app's own PDF is read once (pdftotext
  -bbox-layout) for each paragraph's words, place, width and size, and the baseline wraps
  each paragraph (``simpleSplit``) and draws its lines in the app's font at that size and
  place on every page of every document, with a coloured band on the first page. It draws
  no tables' rules, images or tagged structure, so it does a little less than the app. The
  ratio is the app's median over the baseline's.
- For reference, not budgeted: a print run of 1,000 posters, which the app draws once as a form
  and places on each page, beside the plain canvas redrawing the poster's words on each page.

Budgets (issue 6): the pack under a second; each document like for like within 1.5 times the
plain canvas, measured in the same run.
"""

from __future__ import annotations

import io
import re
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from practice_action.documents import letters, notices
from practice_action.documents.pack import render_pack
from practice_action.documents.sample import sample_pack
from practice_action.documents.style import NHS_BLUE, fonts

PAGES = 1000
TRIALS = 5
DOCS = 50


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


@dataclass(frozen=True)
class Block:
    """A paragraph as the app's PDF shows it: its words, where it starts, its width, its size."""

    words: str
    x: float
    top: float
    width: float
    size: float
    leading: float


def page_blocks(pdf: bytes) -> list[list[Block]]:
    """Each page's paragraphs with their place and size, read from a PDF (pdftotext)."""
    found = subprocess.run(
        ["pdftotext", "-bbox-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    pages = []
    number = re.compile(r'(\w+)="([\d.]+)"')
    for page in found.split("<page ")[1:]:
        blocks = []
        for block in page.split("<block ")[1:]:
            box = {k: float(v) for k, v in number.findall(block.split(">", 1)[0])}
            lines = [
                {k: float(v) for k, v in number.findall(line.split(">", 1)[0])}
                for line in block.split("<line ")[1:]
            ]
            words = " ".join(re.findall(r"<word [^>]*>([^<]*)</word>", block))
            size = lines[0]["yMax"] - lines[0]["yMin"]
            leading = (lines[1]["yMin"] - lines[0]["yMin"]) if len(lines) > 1 else size * 1.2
            width = box["xMax"] - box["xMin"] + size  # a word's slack, so lines break alike
            blocks.append(Block(words, box["xMin"], box["yMin"], width, size, leading))
        pages.append(blocks)
    return pages


def plain_document(pages: list[list[Block]]) -> bytes:
    """One document on a plain canvas: every paragraph wrapped (simpleSplit) and drawn at the
    app's size and place, a coloured band across the top of the first page."""
    regular, _ = fonts()
    width, height = A4
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    for number, blocks in enumerate(pages):
        if number == 0:
            canvas.setFillColor(NHS_BLUE)
            canvas.rect(0, height - 30, width, 30, stroke=0, fill=1)
            canvas.setFillColorRGB(0, 0, 0)
        for block in blocks:
            y = height - block.top - block.size * 0.8
            canvas.setFont(regular, block.size)
            for line in simpleSplit(block.words, regular, block.size, block.width):
                canvas.drawString(block.x, y, line)
                y -= block.leading
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def like_for_like() -> list[tuple[str, int, float, float]]:
    """(document, pages, app's median for DOCS documents, plain canvas's median)."""
    pack = sample_pack()
    assert pack.notice is not None
    makers: list[tuple[str, Callable[[], bytes]]] = [
        ("poster", lambda: notices.poster(pack.notice)),  # type: ignore[arg-type]
    ]
    if pack.service_notices:
        first = pack.service_notices[0]
        makers.append(("services letter", lambda: letters.voluntary_services_notice(first)))
    if pack.withdrawals:
        withdrawal = pack.withdrawals[0]
        makers.append(("withdrawal letter", lambda: letters.data_sharing_withdrawal(withdrawal)))
    found = []
    for name, make in makers:
        pages = page_blocks(make())
        _, app = best_and_median(lambda make=make: [make() for _ in range(DOCS)])
        _, plain = best_and_median(lambda pages=pages: [plain_document(pages) for _ in range(DOCS)])
        found.append((name, len(pages), app, plain))
    return found


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


def main() -> int:
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
    ratio = batch_median / raw_median

    print(
        f"Whole pack ({len(documents)} documents): first {cold:.3f} s, "
        f"best {pack_best:.3f} s, median {pack_median:.3f} s  (budget < 1 s)"
    )
    print(f"{PAGES:,} notice pages          best {batch_best:.3f} s  median {batch_median:.3f} s")
    print(f"{PAGES:,} raw canvas pages      best {raw_best:.3f} s  median {raw_median:.3f} s")
    print(f"Ratio print run / raw (median): {ratio:.2f}")
    print("(the print run is for reference: drawn once as a form, not like for like)\n")
    summary = [
        f"{'the pack (' + str(len(documents)) + ' documents)':<26} {'-':>10} "
        f"{pack_median:>8.3f} s {'':>6}  <1 s    {'yes' if pack_median < 1 else 'NO'}"
    ]
    failed = pack_median >= 1
    for name, pages, app, plain in like_for_like():
        ratio = app / plain
        print(
            f"{DOCS} x {name} ({pages} page{'s' if pages > 1 else ''}): app median {app:.3f} s, "
            f"plain canvas {plain:.3f} s, ratio {ratio:.2f}"
        )
        failed = failed or ratio > 1.5
        summary.append(
            f"{str(DOCS) + ' x ' + name:<26} {plain:>8.3f} s {app:>8.3f} s {ratio:>6.2f}  "
            f"<=1.5x  {'yes' if ratio <= 1.5 else 'NO'}"
        )
    import practice_size  # bench/, the script's own folder

    practice_size.table(
        "benchmark                  baseline     app         ratio  budget  met", summary
    )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
