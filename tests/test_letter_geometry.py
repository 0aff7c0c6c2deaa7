"""Where things land on the page, read back from the PDF: the address inside the envelope
window with room for the sheet to move, and running heads inside the margins."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm

from practice_action.documents import letters
from practice_action.documents.pages import window_lines
from practice_action.documents.sample import sample_pack
from practice_action.domain.records import PostalAddress

PAGE_HEIGHT = 297 * mm
# The DL window: 90 x 35 mm, 20 mm from the left, its top 50 mm down; 3 mm of play inside.
BOX_LEFT, BOX_RIGHT = 23 * mm, 107 * mm
BOX_TOP, BOX_BOTTOM = PAGE_HEIGHT - 53 * mm, PAGE_HEIGHT - 82 * mm


def _placed(content: bytes, page: int = 0) -> list[tuple[str, float, float, float]]:
    """Each piece of text on a page: (text, x, baseline y, font size in points)."""
    found: list[tuple[str, float, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            x = tm[4] * cm[0] + cm[4]
            y = tm[5] * cm[3] + cm[5]
            found.append((text.strip(), x, y, size * abs(tm[3]) * abs(cm[3])))

    PdfReader(io.BytesIO(content)).pages[page].extract_text(visitor_text=visit)
    return found


def _width(text: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from practice_action.documents.style import fonts

    return stringWidth(text, fonts()[0], size)


@pytest.mark.parametrize("count", [3, 4, 5, 6, 7, 8])
def test_the_address_sits_inside_the_window_with_its_margins(count: int) -> None:
    """Name, street lines and postcode: 3 to 6 lines as typed, 7 and 8 joined down to six."""
    letter = sample_pack().service_notices[0]
    street = "\n".join(f"{n} Mill Lane" for n in range(1, count - 1))
    recipient = PostalAddress("Soar Valley Hospitals NHS Trust", street, "LE1 5WW")
    content = letters.voluntary_services_notice(replace(letter, recipient=recipient))
    lines = window_lines(recipient.lines())
    assert len(lines) == min(count, 6)
    placed = {t: (x, y, s) for t, x, y, s in _placed(content) if t in lines}
    assert set(placed) == set(lines), "every address line printed on page 1"
    for text, (x, y, size) in placed.items():
        assert x >= BOX_LEFT - 0.01 and x + _width(text, size) <= BOX_RIGHT, text
        assert y + size * 0.8 <= BOX_TOP + 0.01, text  # cap height inside the top margin
        assert y - size * 0.25 >= BOX_BOTTOM, text  # descenders inside the bottom margin
    tops = sorted(placed.values(), key=lambda v: -v[1])
    assert tops[0][1] + tops[0][2] >= BOX_TOP - 6  # the first line at the window's top
    assert lines[-1] == "LE1 5WW"


def test_a_long_practice_name_never_runs_the_running_head_past_the_margin() -> None:
    letter = sample_pack().service_notices[0]
    practice = replace(letter.letterhead.practice, name="The Very Long Named " * 6 + "Practice")
    services = tuple(replace(letter.services[0], name=f"Service {n}") for n in range(40))
    content = letters.voluntary_services_notice(
        replace(letter, letterhead=replace(letter.letterhead, practice=practice), services=services)
    )
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) >= 2
    for text, x, y, size in _placed(content, 1):
        if y > PAGE_HEIGHT - 20 * mm:  # the running head
            assert x >= 20 * mm - 0.01 and x + _width(text, size) <= 190 * mm + 0.01, text


@pytest.mark.parametrize("count", range(1, 9))
def test_no_page_holds_only_the_signature_or_the_cc(count: int) -> None:
    from letters_helpers import pdf_text

    letter = sample_pack().service_notices[0]
    services = tuple(replace(letter.services[0], name=f"Service {n}") for n in range(count))
    content = letters.voluntary_services_notice(
        replace(letter, services=services, cc=(letter.recipient,))
    )
    reader = PdfReader(io.BytesIO(content))
    last = " ".join(reader.pages[-1].extract_text().split())
    if len(reader.pages) > 1:
        # the last page holds the closing paragraph with the signature and cc, not them alone
        assert "Please acknowledge this notice" in last
    assert "Yours faithfully" in last and "cc" in last
    assert "Yours faithfully" in pdf_text(content)


def test_the_referral_template_never_leaves_the_signature_lines_alone() -> None:
    template = sample_pack().referral_template
    assert template is not None
    for extra in range(0, 8):
        wording = (
            template.wording
            + "\n\n"
            + "\n\n".join(
                "A further paragraph of the practice's wording for the letter."
                for _ in range(extra)
            )
        )
        content = letters.referral_letter_template(replace(template, wording=wording))
        pages = PdfReader(io.BytesIO(content)).pages
        last = " ".join(pages[-1].extract_text().split())
        assert "Yours sincerely" in last
        if len(pages) > 1:
            assert "Current medication" in last, extra
