"""Page furniture shared by the letters: letterhead, window address, running head, page x of y.

The recipient's address sits where a DL window envelope shows it when an A4 sheet is
folded in three: a window 90 x 35 mm, 20 mm from the left edge and 50 mm down the page.
The text keeps 3 mm clear of each edge of the window, for the sheet moving in the envelope,
and holds at most six lines.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph

from practice_action.documents import draft, record
from practice_action.documents.model import Letterhead
from practice_action.documents.style import DARK, GREY, NHS_BLUE, esc, fonts, plain, style
from practice_action.domain.errors import PracticeActionError

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT = 20 * mm
RIGHT = 20 * mm
BODY_WIDTH = PAGE_WIDTH - LEFT - RIGHT

WINDOW_LEFT = 20 * mm
WINDOW_TOP = 50 * mm
WINDOW_WIDTH = 90 * mm
WINDOW_HEIGHT = 35 * mm
ADDRESS_PLAY = 3 * mm  # the sheet moves in the envelope: keep this clear on every side
MAX_ADDRESS_LINES = 6

FIRST_BODY_TOP = 97 * mm
LATER_BODY_TOP = 24 * mm
BOTTOM = 20 * mm


def from_top(distance: float) -> float:
    """reportlab measures up from the bottom; people measure down from the top."""
    return PAGE_HEIGHT - distance


class NumberedCanvas(Canvas):
    """Holds every page back until the end so that each can say 'Page x of y'."""

    def __init__(
        self,
        *args: object,
        footer_left: str = "",
        footer_size: float = 8,
        margin: float = LEFT,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._footer_left = footer_left
        self._footer_size = footer_size
        self._margin = margin
        self._held: list[dict[str, object]] = []

    def showPage(self) -> None:
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        # a viewer shows the document's title, not its file name (read aloud, too)
        self.setViewerPreference("DisplayDocTitle", "true")
        total = len(self._held)
        for number, state in enumerate(self._held, start=1):
            self.__dict__.update(state)
            self._footer(number, total)
            record.stamp_page(self, self._margin)
            draft.stamp_page(self, first=number == 1)
            super().showPage()
        super().save()

    def _footer(self, number: int, total: int) -> None:
        regular, _ = fonts()
        self.saveState()
        self.setFont(regular, self._footer_size)
        self.setFillColor(GREY)
        width = self._pagesize[0]
        lines = footer_lines(self._footer_left, self._footer_size, width, self._margin, total)
        leading = self._footer_size * FOOTER_LEADING
        for row, line in enumerate(reversed(lines)):  # the last line on the footer's baseline
            self.drawString(self._margin, FOOTER_BASELINE + row * leading, line)
        self.drawRightString(width - self._margin, FOOTER_BASELINE, f"Page {number} of {total}")
        self.restoreState()


FOOTER_BASELINE = 10 * mm
FOOTER_LEADING = 1.2


def footer_lines(
    text: str, size: float, page_width: float, margin: float, total: int = 99
) -> list[str]:
    """The footer's left-hand text in lines that stop short of 'Page x of y', so that a long
    practice name wraps upwards instead of printing over the page number."""
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfbase.pdfmetrics import stringWidth

    regular, _ = fonts()
    label = stringWidth(f"Page {total} of {total}", regular, size)
    room = page_width - 2 * margin - label - 2 * size
    return simpleSplit(plain(text), regular, size, room) or [""]


def footer_top(text: str, size: float, page_width: float, margin: float) -> float:
    """How far up from the page's foot the footer reaches (its top line's capitals)."""
    lines = footer_lines(text, size, page_width, margin)
    return FOOTER_BASELINE + (len(lines) - 1) * size * FOOTER_LEADING + size


def draw_image(
    canvas: Canvas, data: bytes, x: float, top: float, max_width: float, max_height: float
) -> float:
    """Draw an image scaled to fit the box, top-left anchored; its drawn width."""
    reader = ImageReader(io.BytesIO(data))
    width, height = reader.getSize()
    scale = min(max_width / width, max_height / height)
    drawn_w, drawn_h = width * scale, height * scale
    canvas.drawImage(reader, x, top - drawn_h, drawn_w, drawn_h, mask="auto")
    return drawn_w


class ScaledImage(Flowable):
    """An image (a logo, a scanned signature) scaled to fit a box, keeping its shape."""

    def __init__(self, data: bytes, max_width: float = 50 * mm, max_height: float = 16 * mm):
        super().__init__()
        reader = ImageReader(io.BytesIO(data))
        width, height = reader.getSize()
        scale = min(max_width / width, max_height / height)
        self._data = data
        self.width, self.height = width * scale, height * scale

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        draw_image(self.canv, self._data, 0, self.height, self.width, self.height)


def _letterhead(canvas: Canvas, head: Letterhead) -> None:
    practice = head.practice
    name_style = style("lh-name", 15, bold=True, color=NHS_BLUE, align=TA_RIGHT, leading=18)
    detail_style = style("lh-detail", 8.5, color=DARK, align=TA_RIGHT, leading=11)
    top = from_top(12 * mm)
    logo_width = 0.0
    if head.logo:
        logo_width = draw_image(canvas, head.logo, LEFT, top, 55 * mm, 26 * mm) + 6 * mm
    width = BODY_WIDTH - logo_width
    address = [line.strip() for line in practice.address.splitlines() if line.strip()] + [
        practice.postcode
    ]
    details = [
        esc(", ".join(address)),
        f"Telephone {esc(practice.phone)} &nbsp;·&nbsp; {esc(practice.email)}",
    ]
    if practice.website:
        details.append(esc(practice.website))
    details.append(f"ODS code {esc(practice.ods_code)}")
    name = Paragraph(esc(practice.name), name_style)
    _, name_height = name.wrap(width, 30 * mm)
    name.drawOn(canvas, PAGE_WIDTH - RIGHT - width, top - name_height)
    block = Paragraph("<br/>".join(details), detail_style)
    _, block_height = block.wrap(width, 30 * mm)
    block.drawOn(canvas, PAGE_WIDTH - RIGHT - width, top - name_height - 2 - block_height)
    canvas.saveState()
    canvas.setStrokeColor(NHS_BLUE)
    canvas.setLineWidth(1.2)
    line_y = from_top(45 * mm)
    canvas.line(LEFT, line_y, PAGE_WIDTH - RIGHT, line_y)
    canvas.restoreState()


class AddressTooLong(PracticeActionError):
    """The recipient's address cannot be printed inside the envelope window."""


def window_lines(lines: list[str]) -> list[str]:
    """At most six lines: the street lines are joined, two at a time, until the address fits.

    The name stays first and the postcode last, each on its own line, as Royal Mail asks.
    """
    lines = [line.strip() for line in lines if line.strip()]
    if len(lines) <= MAX_ADDRESS_LINES:
        return lines
    name, body, postcode = lines[0], lines[1:-1], lines[-1]
    while len(body) + 2 > MAX_ADDRESS_LINES and len(body) > 1:
        # join the two shortest neighbours, so no joined line runs long
        pairs = [(len(body[i]) + len(body[i + 1]), i) for i in range(len(body) - 1)]
        _, at = min(pairs)
        body[at : at + 2] = [f"{body[at]}, {body[at + 1]}"]
    return [name, *body, postcode]


def _window_address(canvas: Canvas, lines: list[str]) -> None:
    """The address inside the window with ADDRESS_PLAY on every side, top line at the top."""
    shown = window_lines(lines)
    text = "<br/>".join(esc(line) for line in shown)
    width = WINDOW_WIDTH - 2 * ADDRESS_PLAY
    room = WINDOW_HEIGHT - 2 * ADDRESS_PLAY
    for size in (10.5, 10, 9.5, 9):
        block = Paragraph(text, style("window", size, leading=size * 1.2))
        _, height = block.wrap(width, room)
        if height <= room:
            break
    else:
        raise AddressTooLong(
            "The recipient's address does not fit the envelope window even at 9 pt: "
            f"{', '.join(shown)}. Shorten its lines where the address was typed (at most six "
            "lines of about 40 characters each)."
        )
    block.drawOn(canvas, WINDOW_LEFT + ADDRESS_PLAY, from_top(WINDOW_TOP + ADDRESS_PLAY) - height)


def fit_line(text: str, font: str, size: float, width: float) -> str:
    """``text`` cut with an ellipsis so that it is no wider than ``width``."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    text = plain(text)
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip(" ·,") + "…"


def _reference_block(canvas: Canvas, rows: list[tuple[str, str]]) -> None:
    """'Our ref' and date to the right of the window, level with its top."""
    label = style("ref-label", 9, bold=True, color=GREY, align=TA_RIGHT)
    value = style("ref-value", 10, align=TA_RIGHT)
    y = from_top(WINDOW_TOP)
    width = 65 * mm
    x = PAGE_WIDTH - RIGHT - width
    for caption, text in rows:
        for para in (Paragraph(esc(caption), label), Paragraph(text, value)):
            _, height = para.wrap(width, 30 * mm)
            para.drawOn(canvas, x, y - height)
            y -= height
        y -= 3 * mm


@dataclass(frozen=True)
class LetterFrame:
    """What the furniture of one letter shows."""

    letterhead: Letterhead
    recipient_lines: list[str]
    references: list[tuple[str, str]]  # (caption, already-escaped value)
    running_head: str  # plain text for the top of page 2 onwards
    on_first_page_extra: Callable[[Canvas], None] | None = None


LANGUAGE = "en-GB"


def build_letter(
    frame: LetterFrame, story: list[Flowable], *, title: str, subject: str = ""
) -> bytes:
    """Lay the story out under the letterhead; the PDF bytes."""
    buffer = io.BytesIO()
    practice = frame.letterhead.practice
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=LEFT,
        rightMargin=RIGHT,
        topMargin=LATER_BODY_TOP,
        bottomMargin=BOTTOM,
        title=title,
        author=practice.name,
        subject=subject or f"{title}, from {practice.name}",
        creator="Practice Action",
        lang=LANGUAGE,
        initialFontName=fonts()[0],
    )
    first_body = Frame(
        LEFT,
        BOTTOM,
        BODY_WIDTH,
        from_top(FIRST_BODY_TOP) - BOTTOM,
        id="first",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    later_body = Frame(
        LEFT,
        BOTTOM,
        BODY_WIDTH,
        from_top(LATER_BODY_TOP) - BOTTOM,
        id="later",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )

    def first_page(canvas: Canvas, _doc: BaseDocTemplate) -> None:
        canvas.saveState()
        _letterhead(canvas, frame.letterhead)
        _window_address(canvas, frame.recipient_lines)
        _reference_block(canvas, frame.references)
        if frame.on_first_page_extra:
            frame.on_first_page_extra(canvas)
        canvas.restoreState()

    def later_page(canvas: Canvas, _doc: BaseDocTemplate) -> None:
        regular, _ = fonts()
        canvas.saveState()
        canvas.setFont(regular, 8.5)
        canvas.setFillColor(GREY)
        canvas.drawString(
            LEFT, from_top(14 * mm), fit_line(frame.running_head, regular, 8.5, BODY_WIDTH)
        )
        canvas.setStrokeColor(NHS_BLUE)
        canvas.setLineWidth(0.6)
        canvas.line(LEFT, from_top(16 * mm), PAGE_WIDTH - RIGHT, from_top(16 * mm))
        canvas.restoreState()

    doc.addPageTemplates(
        [
            PageTemplate(
                id="First", frames=[first_body], onPage=first_page, autoNextPageTemplate="Later"
            ),
            PageTemplate(id="Later", frames=[later_body], onPage=later_page),
        ]
    )
    footer = f"{practice.name} · ODS code {practice.ods_code}"
    doc.build(story, canvasmaker=partial(NumberedCanvas, footer_left=footer))
    return buffer.getvalue()
