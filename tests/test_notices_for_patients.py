"""Notices people can read: the practice's Pharmacy First pharmacy named, the text message's
ending, one time style in every document, the large-print footer, and the poster set."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import time

import pytest
from letters_helpers import make_demo, with_many_changes
from pypdf import PdfReader

from practice_action.documents import notices
from practice_action.documents.model import PatientNotice
from practice_action.documents.sample import sample_pack
from practice_action.documents.sms import MAX_LENGTH, gsm_problems, sms_length
from practice_action.documents.times import OTHER_STYLES, clock, hours_doubts, nhs_hours
from practice_action.domain.enums import ServiceKind
from practice_action.domain.records import LocalService
from practice_action.services import documents as service
from practice_action.services.context import Context

PHARMACY = LocalService(
    "Mill Lane Pharmacy",
    ServiceKind.PHARMACY_FIRST,
    address="14 Mill Lane\nMidtown",
    postcode="LE2 7LY",
    phone="0116 496 0456",
    hours="Mon-Fri 08:30-18:30, Sat 09:00-13:00",
)


PATIENT_FORMATS = [
    notices.poster,
    notices.leaflet,
    notices.large_print,
    notices.website_html,
    notices.website_text,
    notices.text_message,
]


def _sample() -> PatientNotice:
    notice = sample_pack().notice
    assert notice is not None
    return replace(notice, local_services=(*notice.local_services, PHARMACY))


def _many_changes() -> PatientNotice:
    """Twelve more changes and six more local services, hours typed every which way."""
    notice = with_many_changes(_sample(), 12)
    more = tuple(
        LocalService(
            f"Outlying Clinic {n}",
            ServiceKind.OTHER if n % 2 else ServiceKind.WALK_IN,
            address=f"{n} Long Road\nFar Village\nMidshire",
            postcode="LE9 9ZZ",
            phone=f"0116 496 07{n:02d}",
            hours="Mon-Thurs 0800-2000; Sat-Sun 10.00-16.00; bank holidays 12:00 to 24:00",
        )
        for n in range(6)
    )
    return replace(notice, local_services=notice.local_services + more)


def _pages(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


# ---------------------------------------------------------------- the Pharmacy First pharmacy


@pytest.mark.parametrize("draw", [notices.poster, notices.leaflet, notices.large_print])
def test_every_pdf_notice_names_the_practices_pharmacy_with_address_and_hours(draw) -> None:
    text = " ".join(_pages(draw(_sample())))
    assert "Mill Lane Pharmacy" in text
    assert "14 Mill Lane" in text and "LE2 7LY" in text and "0116 496 0456" in text
    assert "Monday to Friday 8:30am to 6:30pm, Saturday 9am to 1pm" in text


def test_the_website_names_the_pharmacy_too_and_none_is_named_when_none_is_known() -> None:
    html_text = notices.website_html(_sample())
    assert "<h3>A Pharmacy First pharmacy near us</h3>" in html_text
    assert "<strong>Mill Lane Pharmacy</strong><br>14 Mill Lane<br>Midtown, LE2 7LY" in html_text
    plain = notices.website_text(_sample())
    assert "A Pharmacy First pharmacy near us\nMill Lane Pharmacy\n  14 Mill Lane\n" in plain
    assert "  Open: Monday to Friday 8:30am to 6:30pm, Saturday 9am to 1pm\n" in plain
    without = sample_pack().notice
    assert without is not None
    assert "near us" not in notices.website_text(without)


# ---------------------------------------------------------------- the text message's ending


@pytest.mark.parametrize("make", [_sample, _many_changes], ids=["sample", "many-changes"])
def test_the_text_message_ends_with_the_practices_website(make) -> None:
    notice = make()
    message = notices.text_message(notice)
    assert sms_length(message) <= MAX_LENGTH and gsm_problems(message) == []
    website = notice.practice.website
    assert message.endswith(f": {website}"), message
    if len(notice.changes) > 2:  # not every change fits: it says where they all are
        assert message.endswith(f"Every change: {website}")


def test_without_a_website_the_text_message_ends_with_the_phone() -> None:
    notice = _many_changes()
    notice = replace(notice, practice=replace(notice.practice, website=""))
    message = notices.text_message(notice)
    assert message.endswith(f"Every change: call {notice.practice.phone}")
    few = replace(notice, changes=notice.changes[:1])
    assert notices.text_message(few).endswith(f"More: call {notice.practice.phone}")


def test_the_text_message_says_when_accents_were_left_out() -> None:
    notice = _sample()
    welsh = replace(notice, practice=replace(notice.practice, name="Meddygfa Tŷ'r Felin"))
    message = notices.text_message(welsh)
    assert message.startswith("Meddygfa Ty'r Felin: ")
    assert notices.ACCENTS_NOTE in message
    assert message.index(notices.ACCENTS_NOTE) < message.index(notice.practice.website)
    assert message.endswith(notice.practice.website)
    # é is in the phone alphabet, so nothing is left out and nothing is said
    french = replace(notice, practice=replace(notice.practice, name="Café Surgery"))
    assert notices.ACCENTS_NOTE not in notices.text_message(french)
    assert notices.ACCENTS_NOTE not in notices.text_message(notice)


# ---------------------------------------------------------------- one time style


def test_times_and_days_are_written_the_nhs_way() -> None:
    assert nhs_hours("Mon-Fri 08:30-18:30, Sat 09:00-13:00") == (
        "Monday to Friday 8:30am to 6:30pm, Saturday 9am to 1pm"
    )
    assert nhs_hours("08:00-22:00 every day") == "8am to 10pm every day"
    assert nhs_hours("Sat-Sun 0900-1700") == "Saturday and Sunday 9am to 5pm"
    assert nhs_hours("8.00am - 12.00pm, 12:00 to 24:00") == "8am to midday, midday to midnight"
    assert nhs_hours("Phone 0116 496 0321, 24 hours") == "Phone 0116 496 0321, 24 hours"
    assert [clock(time(0, 0)), clock(time(12, 0)), clock(time(18, 30))] == [
        "midnight",
        "midday",
        "6:30pm",
    ]


# Hours as a practice types them -> as every notice prints them. A closing time earlier than
# the opening is read as pm when that is later the same day; four-digit numbers are times only
# where hours are meant; what could still be read two ways is printed exactly as typed.
TYPED_HOURS = [
    (
        "Mon-Fri 8:30-6:30, Sat 9:00-1:00",
        "Monday to Friday 8:30am to 6:30pm, Saturday 9am to 1pm",
    ),
    ("Sat 10:00-4:00", "Saturday 10am to 4pm"),
    ("Mon-Fri 8-6:30", "Monday to Friday 8am to 6:30pm"),
    ("Mon-Fri 8:00 to 6:30", "Monday to Friday 8am to 6:30pm"),
    ("Mon-Fri 8-6", "Monday to Friday 8am to 6pm"),
    ("12:00-6:00", "midday to 6pm"),
    ("8am-6", "8am to 6pm"),
    ("ext 2000-2100", "ext 2000-2100"),
    ("Tel 0116 496 2000-2100", "Tel 0116 496 2000-2100"),
    ("Reception ext 2000", "Reception ext 2000"),
    ("Sat-Sun 0900-1700", "Saturday and Sunday 9am to 5pm"),
    ("0800-2000 every day", "8am to 8pm every day"),
    ("Mon-Fri 0800-1300, 1400-1830", "Monday to Friday 8am to 1pm, 2pm to 6:30pm"),
    ("Mon-Fri 08:30-18:30", "Monday to Friday 8:30am to 6:30pm"),
    ("18:30-08:00", "6:30pm to 8am"),
    ("22:00-6:00", "10pm to 6am"),
    ("10pm-8am", "10pm to 8am"),
    ("until 18:30", "until 6:30pm"),
    ("aged 2-5", "aged 2-5"),
    # could be read two ways: printed exactly as typed, and Set-up says so
    ("Sat 1:00-5:00", "Saturday 1:00-5:00"),
    ("18:30-8:00", "18:30-8:00"),
    ("08:00-06:30", "08:00-06:30"),
    ("open until 6:30", "open until 6:30"),
    ("Sun 1-5pm", "Sunday 1-5pm"),
]


@pytest.mark.parametrize(("typed", "printed"), TYPED_HOURS, ids=[t for t, _ in TYPED_HOURS])
def test_hours_typed_are_printed_as_a_patient_would_read_them(typed, printed) -> None:
    assert nhs_hours(typed) == printed


def test_hours_that_can_be_read_two_ways_are_named_with_how_they_print() -> None:
    assert [(d.typed, d.printed) for d in hours_doubts("Mon-Fri 8:30-6:30, Sat 9:00-1:00")] == [
        ("8:30-6:30", "8:30am to 6:30pm"),
        ("9:00-1:00", "9am to 1pm"),
    ]
    (doubt,) = hours_doubts("Sat 1:00-5:00")
    assert doubt.left_as_typed and doubt.typed == "1:00-5:00"
    for plain in ("Mon-Fri 08:30-18:30, Sat 09:00-13:00", "ext 2000-2100", "8am to 6:30pm"):
        assert hours_doubts(plain) == [], plain


def test_the_style_check_can_fail() -> None:
    for other in ("08:00-22:00", "Mon-Fri 8am to 6pm", "8am-6pm", "open until 18:30", "Sat"):
        assert OTHER_STYLES.search(other), other
    assert not OTHER_STYLES.search("Monday to Friday, 8am to 6:30pm; Saturday, midday to 4pm")


def _document_texts(documents: list[service.PlannedDocument]) -> dict[str, str]:
    out = {}
    for document in documents:
        content = service.render(document)
        out[document.key] = (
            " ".join(_pages(content)) if document.is_pdf else content.decode("utf-8")
        )
    return out


@pytest.mark.parametrize("extra", [0, 6], ids=["demo", "demo-with-six-more-services"])
def test_every_document_of_the_demo_practice_writes_times_one_way(ctx: Context, extra) -> None:
    from practice_action.services import registers

    people = make_demo(ctx)
    for number in range(extra):  # hours typed every which way at Set-up
        registers.save_record(
            ctx,
            people["Karen Holt"],
            registers.LOCAL_SERVICES,
            replace(_many_changes().local_services[-1 - number], name=f"Far Clinic {number}"),
        )
    planned = service.documents_for_plan(ctx, people["Dr Asha Mistry"])
    texts = _document_texts([d for d in planned if not d.gaps])
    assert len(texts) >= 12
    # the demo's register types its hours as "Mon-Fri 08:00-20:00": printed the NHS way
    assert (
        "Monday to Friday 8am to 8pm, Saturday and Sunday 9am to 5pm"
        in texts["patient_notice:website_text"]
    )
    if extra:
        website = texts["patient_notice:website_text"]
        assert "Far Clinic 5" in website and "Monday to Thursday 8am to 8pm" in website
    for key, text in texts.items():
        assert not OTHER_STYLES.search(text), (key, OTHER_STYLES.findall(text))


@pytest.mark.parametrize("draw", PATIENT_FORMATS)
def test_every_notice_of_a_practice_with_many_changes_writes_times_one_way(draw) -> None:
    content = draw(_many_changes())
    text = " ".join(_pages(content)) if isinstance(content, bytes) else content
    if draw is not notices.poster and draw is not notices.text_message:  # these have no room
        assert "Monday to Thursday 8am to 8pm; Saturday and Sunday 10am to 4pm" in text
    assert not OTHER_STYLES.search(text), OTHER_STYLES.findall(text)


# ---------------------------------------------------------------- large print: footer, phone


def _pieces(data: bytes) -> list[list[tuple[str, float, float, float]]]:
    """Per page, each piece of text drawn: (text, x, baseline y, size), in points."""
    out = []
    for page in PdfReader(io.BytesIO(data)).pages:
        found: list[tuple[str, float, float, float]] = []

        def visit(text, cm, tm, font, size, found=found) -> None:
            if text.strip():
                scale = abs(tm[3] or 1) * abs(cm[3] or 1)
                x = tm[4] * cm[0] + cm[4]
                y = tm[5] * cm[3] + cm[5]
                found.append((text.replace("\xa0", " ").strip(), x, y, size * scale))

        page.extract_text(visitor_text=visit)
        out.append(found)
    return out


@pytest.mark.parametrize("length", [36, 48, 64, 80])
def test_the_large_print_footer_never_prints_the_name_over_the_page_number(length) -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from practice_action.documents.style import fonts

    words = "Riverside Eastgate Mill Lane Medical Group Health Centre Surgery Partners Oak Ash"
    name = words[:length]
    notice = _sample()
    notice = replace(notice, practice=replace(notice.practice, name=name))
    regular = fonts()[0]
    pages = _pieces(notices.large_print(notice))
    assert len(pages) > 1
    for number, pieces in enumerate(pages, start=1):
        label = next(p for p in pieces if p[0] == f"Page {number} of {len(pages)}")
        _, label_x, label_y, size = label
        footer = [p for p in pieces if p[2] < 30 * 2.835 and p is not label and p[3] == size]
        lines = sorted(footer, key=lambda p: -p[2])  # top line first
        assert " ".join(p[0] for p in lines) == name.strip()  # every word, in order
        for text, x, y, piece_size in footer:
            right = x + stringWidth(text, regular, piece_size)
            same_band = abs(y - label_y) < piece_size
            assert not same_band or right < label_x - piece_size / 2, (text, right, label_x)
        top = max(y + s for _, _, y, s in footer)
        body = [p for p in pieces if p not in footer and p is not label and p[3] >= 18]
        assert min(y for _, _, y, _ in body) - 0.3 * 18 > top  # the text stops above it


def test_the_large_print_never_breaks_a_phone_number_across_lines() -> None:
    notice = _sample()
    numbers = [notice.practice.phone, *(s.phone for s in notice.local_services if s.phone)]
    pieces = [p[0] for page in _pieces(notices.large_print(notice)) for p in page]
    for number in numbers:
        assert any(number in text for text in pieces), number
        parts = number.split()
        for cut in range(1, len(parts)):  # no line ends inside it, none starts inside it
            start, rest = " ".join(parts[:cut]), " ".join(parts[cut:])
            assert not any(text.endswith(start) for text in pieces), (number, start)
            assert not any(text.startswith(rest) for text in pieces), (number, rest)


# ---------------------------------------------------------------- the two-poster set


def _demo_notice(ctx: Context) -> PatientNotice:
    people = make_demo(ctx)
    notice = next(
        d.inputs
        for d in service.documents_for_plan(ctx, people["Dr Asha Mistry"])
        if d.kind == "poster"
    )
    assert isinstance(notice, PatientNotice)
    return notice


def _check_poster_set(data: bytes) -> list[str]:
    pages = _pieces(data)
    assert len(pages) == 2  # what changes; how to get help
    texts = _pages(data)
    for pieces, text in zip(pages, texts, strict=True):
        body = [size for _, _, y, size in pieces if y > 16 * 2.835]
        assert min(body) >= notices.MINIMUM_BODY["poster"] - 0.01  # never shrunk
        assert "call 111" in text and "999 only in a life-threatening emergency" in text
        assert "Page 1 of" not in text  # each a poster of its own, not one run over two
    assert "What is changing" in texts[0] and "Pharmacy First" not in texts[0]
    assert texts[1].startswith("How to get help") and "What is changing" not in texts[1]
    return texts


def test_the_demo_poster_is_a_set_of_two_each_one_page_with_everything(ctx: Context) -> None:
    notice = _demo_notice(ctx)
    changes, helping = _check_poster_set(notices.poster(notice))
    shown = [c for c in notice.changes if " ".join(c.what.split()[:6]) in changes]
    assert shown[:2] == list(notice.changes[:2]) or len(shown) >= 2  # the soonest come first
    if len(shown) < len(notice.changes):  # no room: the poster says where the rest are
        assert "More changes from" in changes and "ask reception for a leaflet" in changes
    leaflet = " ".join(_pages(notices.leaflet(notice)))
    for change in notice.changes:  # and the leaflet holds every one
        assert " ".join(change.what.split()[:6]) in leaflet
    assert "more local service" not in helping
    for local in notice.local_services:
        if local.kind is not ServiceKind.NHS_111:
            assert local.name in helping, local.name
    assert "Near us: Wigston Fold Pharmacy" in helping


def test_a_poster_with_many_changes_points_to_the_rest(ctx: Context) -> None:
    notice = _many_changes()
    changes, helping = _check_poster_set(notices.poster(notice))
    website = notice.practice.website
    assert "More changes from" in changes and f"see {website}" in changes
    assert "more local services:" in helping and f"see {website}" in helping
    assert "Midtown Urgent Treatment Centre" in helping  # urgent care and the crisis line
    assert "Midshire Mental Health Crisis Line" in helping  # are the last to be left out
    assert "Mill Lane Pharmacy" in helping


# ---------------------------------------------------------------- one name for who patients see


def _notice_text(draw, notice: PatientNotice) -> str:
    content = draw(notice)
    return " ".join(_pages(content)) if isinstance(content, bytes) else content


def test_every_notice_and_the_text_message_say_doctor_and_nurse_never_clinician(
    ctx: Context,
) -> None:
    people = make_demo(ctx)
    demo = next(
        d.inputs
        for d in service.documents_for_plan(ctx, people["Dr Asha Mistry"])
        if d.kind == "poster"
    )
    for notice in (demo, _sample()):
        for draw in PATIENT_FORMATS:
            text = _notice_text(draw, notice)
            assert "clinician" not in text.casefold(), (draw.__name__, text)
        message = notices.text_message(notice)
        assert "ach doctor and nurse will see at most 25 patients a day" in message, message
        assert "Each doctor and nurse will see at most 25" in _notice_text(notices.poster, notice)
