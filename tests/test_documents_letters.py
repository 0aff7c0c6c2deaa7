"""Letters: what the PDF says, where the address sits, page numbering, user text as typed."""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm

from practice_action.documents import letters
from practice_action.documents.model import ServiceNoticeItem, Signer
from practice_action.documents.pack import render_pack
from practice_action.documents.sample import ICB, LMC, sample_pack
from practice_action.documents.style import BOLD, REGULAR, esc, fonts
from practice_action.domain.records import PostalAddress
from practice_action.paths import resource

PLACEHOLDERS = ("{", "}", "None", "TODO", "XXX")
HOSTILE_PRACTICE = 'Smith & Jones <Partners> "The Surgery" O\'Brien'
HOSTILE_SIGNER = "Dr Zoë Ñúñez-O'Connor & <Partner>"
HOSTILE_AGREEMENT = 'Data <b>bold</b> & "Co" Agreement'


def page_texts(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def text_of(data: bytes) -> str:
    return " ".join(page_texts(data))


def assert_no_placeholder(text: str) -> None:
    for mark in PLACEHOLDERS:
        assert mark not in text, f"unfilled placeholder {mark!r} in: {text[:200]}"


def test_voluntary_services_notice_names_each_service_with_its_dates() -> None:
    letter = sample_pack(today=date(2026, 12, 1)).service_notices[0]
    text = text_of(letters.voluntary_services_notice(letter))
    assert "NHS Midshire Integrated Care Board" in text
    assert "LE1 6TP" in text
    assert "Our ref RMP/VS/2026-01" in text or ("Our ref" in text and "RMP/VS/2026-01" in text)
    assert "1 December 2026" in text
    for item in letter.services:
        assert item.name in text
        assert f"{item.notice_days} days" in text
    assert "1 March 2027" in text  # 1 December 2026 + 90 days
    assert "31 December 2026" in text  # + 30 days
    assert "Dr Amelia Okafor" in text and "GP partner" in text
    assert "Page 1 of 1" in text
    assert_no_placeholder(text)


def test_notice_to_second_commissioner_carries_cc_to_icb() -> None:
    letter = sample_pack().service_notices[1]
    text = text_of(letters.voluntary_services_notice(letter))
    assert "Midshire Community Health Services NHS Trust" in text
    assert "Anticoagulation (warfarin) monitoring" in text
    assert "cc NHS Midshire Integrated Care Board" in text


def test_withdrawal_names_agreement_purpose_end_date_and_copies_the_icb() -> None:
    letter = sample_pack(today=date(2026, 11, 1)).withdrawals[0]
    text = text_of(letters.data_sharing_withdrawal(letter))
    assert "Midshire Population Health Analytics Ltd" in text
    assert "Midshire Population Health Management Data Agreement" in text
    assert "population health analysis and service planning for the ICB" in text
    assert "Permission ends on 1 December 2026" in text
    assert "signed on 11 April 2022" in text
    assert f"cc {ICB.name}" in text
    assert_no_placeholder(text)


def test_service_changes_lists_actions_with_dates_and_copies_the_lmc() -> None:
    letter = sample_pack().service_changes
    assert letter is not None
    text = text_of(letters.service_changes_notification(letter))
    assert ICB.name in text
    assert "safe maximum of 25" in text
    assert "Freeze sign-up to any new data sharing agreements" in text
    assert "1 October 2026" in text and "1 September 2026" in text
    assert "Quoted from BMA GP Committee England" in text
    assert f"cc {LMC.name}" in text
    assert_no_placeholder(text)


def test_referral_template_is_marked_as_a_template_with_spaces_to_complete() -> None:
    template = sample_pack().referral_template
    assert template is not None
    text = text_of(letters.referral_letter_template(template))
    assert "TEMPLATE" in text
    assert "Patient's name" in text and "NHS number" in text
    assert "in place of a local referral form" in text
    assert "Riverside Medical Practice" in text
    assert_no_placeholder(text)


def test_hostile_and_accented_text_prints_exactly_as_typed() -> None:
    pack = sample_pack()
    letter = pack.withdrawals[0]
    practice = replace(letter.letterhead.practice, name=HOSTILE_PRACTICE)
    letter = replace(
        letter,
        letterhead=replace(letter.letterhead, practice=practice),
        signer=Signer(HOSTILE_SIGNER, "Partner & Caldicott guardian"),
        agreement=HOSTILE_AGREEMENT,
        recipient=PostalAddress("Société Générale d'Études <Ltd>", "1 Rue & Co", "LE1 6TP"),
        purpose='research on "outcomes" > 5 years & <more>',
    )
    text = text_of(letters.data_sharing_withdrawal(letter))
    for typed in (
        HOSTILE_PRACTICE,
        HOSTILE_SIGNER,
        HOSTILE_AGREEMENT,
        "Société Générale d'Études <Ltd>",
        "Partner & Caldicott guardian",
        'research on "outcomes" > 5 years & <more>',
    ):
        assert typed in text
    assert "&amp;" not in text and "&lt;" not in text and "&#39;" not in text


def test_a_long_letter_numbers_every_page_x_of_y() -> None:
    letter = sample_pack().service_notices[0]
    served = date(2026, 9, 1)
    many = tuple(
        ServiceNoticeItem(
            f"Voluntary service number {n}", served, 30 + n, served + timedelta(days=30 + n)
        )
        for n in range(1, 41)
    )
    pages = page_texts(letters.voluntary_services_notice(replace(letter, services=many)))
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
    assert "continued" in pages[1]  # the running head of later pages
    joined = " ".join(pages)
    assert all(f"Voluntary service number {n} " in joined for n in range(1, 41))
    assert "Dr Amelia Okafor" in pages[-1]


def _first_line_position(data: bytes, wanted: str) -> tuple[float, float]:
    """(x from the left, y from the top) in mm of the first text run containing ``wanted``."""
    page = PdfReader(io.BytesIO(data)).pages[0]
    height = float(page.mediabox.height)
    found: list[tuple[float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if wanted in text and not found:
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append((x / mm, (height - y) / mm))

    page.extract_text(visitor_text=visit)
    assert found, f"{wanted!r} not on page 1"
    return found[0]


def test_recipient_address_sits_in_the_dl_window() -> None:
    letter = sample_pack().service_changes
    assert letter is not None
    data = letters.service_changes_notification(letter)
    x, top = _first_line_position(data, ICB.name)
    assert 18 <= x <= 26
    assert 50 <= top <= 60
    x_post, top_post = _first_line_position(data, ICB.postcode)
    assert 18 <= x_post <= 26
    assert top_post <= 90  # the whole address is inside the 35-40 mm high window


def test_signature_image_and_logo_are_drawn() -> None:
    letter = sample_pack().service_notices[0]
    reader = PdfReader(io.BytesIO(letters.voluntary_services_notice(letter)))
    assert len(reader.pages[0].images) == 2
    plain = replace(
        letter, signer=Signer("Dr Amelia Okafor"), letterhead=replace(letter.letterhead, logo=None)
    )
    reader = PdfReader(io.BytesIO(letters.voluntary_services_notice(plain)))
    assert len(reader.pages[0].images) == 0


def test_the_whole_pack_has_every_document_and_no_hole() -> None:
    files = render_pack(sample_pack())
    assert len([name for name in files if name.startswith("notice-voluntary-services")]) == 2
    assert len([name for name in files if name.startswith("withdrawal-data-sharing")]) == 2
    for name, data in files.items():
        text = text_of(data) if name.endswith(".pdf") else data.decode("utf-8")
        assert_no_placeholder(text)
        if name.startswith("referral"):
            continue  # the template's date is left for the clinician to write
        if name.endswith("text-message.txt"):  # a text gives the short date to keep its length
            assert re.search(r"\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b", text)
            continue
        assert re.search(
            r"\b\d{1,2} (January|February|March|April|May|June|July|August|"
            r"September|October|November|December) \d{4}\b",
            text,
        ), name


@pytest.mark.parametrize("index", [0, 1])
def test_letters_use_the_bundled_font(index: int) -> None:
    letter = sample_pack().service_notices[index]
    reader = PdfReader(io.BytesIO(letters.voluntary_services_notice(letter)))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = {str(fonts[key].get_object()["/BaseFont"]) for key in fonts}
    assert any("DejaVuSans" in name for name in names)


def _printed_characters() -> set[str]:
    """Every non-ASCII character the app itself can print: in its code and its menus."""
    root = Path(letters.__file__).resolve().parents[1]
    texts = [p.read_text(encoding="utf-8") for p in root.rglob("*.py")]
    texts += [p.read_text(encoding="utf-8") for p in resource("menus").rglob("*.toml")]
    return {ch for text in texts for ch in text if ord(ch) > 127}


NAMES = "Siân Llŷr Ẃyn · Łukasz Wójcik · Ioana Șerban · Zoë Brontë · Νίκος · Ольга · Nguyễn"


def test_the_bundled_font_draws_every_character_the_app_prints_and_common_names() -> None:
    from reportlab.pdfbase import pdfmetrics

    regular, bold = fonts()
    assert (regular, bold) == (REGULAR, BOLD)  # the bundled font, not the fallback
    wanted = _printed_characters() | set(unicodedata.normalize("NFC", NAMES)) - {" "}
    for name in (regular, bold):
        face = pdfmetrics.getFont(name).face
        missing = sorted(ch for ch in wanted if ord(ch) not in face.charToGlyph)
        assert missing == [], f"{name} lacks {missing}"


def test_names_typed_with_separate_accents_print_as_single_letters() -> None:
    typed = unicodedata.normalize("NFD", "Siân Llŷr")
    assert len(typed) > len("Siân Llŷr")
    assert esc(typed) == "Siân Llŷr"


def test_running_heads_and_footers_join_separately_typed_accents() -> None:
    typed = unicodedata.normalize("NFD", "Llŷr")
    pack = sample_pack()
    first = pack.service_notices[0]
    practice = replace(first.letterhead.practice, name=f"{typed} Surgery")
    letter = replace(first, letterhead=replace(first.letterhead, practice=practice))
    text = " ".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(letters.voluntary_services_notice(letter))).pages
    )
    assert "Llŷr Surgery" in text and typed not in text
