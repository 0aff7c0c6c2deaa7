"""Patient notices: what every format says, large print, website escaping, the SMS rule."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date

import pytest
from pypdf import PdfReader

from practice_action.documents import notices
from practice_action.documents.model import PatientChange, PatientNotice
from practice_action.documents.sample import sample_pack
from practice_action.documents.sms import (
    MAX_LENGTH,
    gsm_problems,
    sms_length,
    sms_parts,
    to_gsm,
)

PDF_FORMATS = [notices.poster, notices.leaflet, notices.large_print]


def sample_notice() -> PatientNotice:
    notice = sample_pack().notice
    assert notice is not None
    return notice


def text_of(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def font_sizes(data: bytes) -> list[float]:
    sizes = []
    for page in PdfReader(io.BytesIO(data)).pages:
        stream = page.get_contents().get_data()
        sizes += [float(size) for size in re.findall(rb"/F[\w+]+ ([\d.]+) Tf", stream)]
    return sizes


def says_everything_a_notice_must(text: str) -> None:
    assert "From 1 October 2026" in text
    assert "From 30 November 2026" in text
    assert "at most 25 patients a day" in text
    assert "We are open as usual" in text and "keep your appointments" in text
    assert "Monday to Friday, 8am to 6:30pm" in text
    assert "111.nhs.uk" in text and "call 111" in text
    assert "999 only in a life-threatening emergency" in text
    assert "Pharmacy First" in text
    for condition in ("Earache", "Impetigo", "Infected insect bites", "Shingles", "Sinusitis"):
        assert condition in text
    assert "Sore throat" in text and "Urinary tract infection" in text
    assert "aged 1 to 17" in text and "women aged 16 to 64" in text and "aged 18 and over" in text
    assert "Midtown Urgent Treatment Centre" in text
    assert "Midtown General Hospital, Infirmary Square, Midtown, LE1 5WW" in text
    assert "Every day, 8am to 10pm" in text
    assert "Midshire Mental Health Crisis Line" in text
    for mark in ("{", "None", "TODO", "XXX"):
        assert mark not in text


@pytest.mark.parametrize("render", PDF_FORMATS, ids=lambda f: f.__name__)
def test_each_pdf_format_says_what_changes_and_how_to_get_help(render: object) -> None:
    says_everything_a_notice_must(text_of(render(sample_notice())))  # type: ignore[operator]


def test_website_text_and_html_say_the_same() -> None:
    notice = sample_notice()
    says_everything_a_notice_must(notices.website_text(notice))
    page = notices.website_html(notice)
    says_everything_a_notice_must(
        page.replace('<a href="https://111.nhs.uk">', "").replace("</a>", "")
    )
    assert page.startswith('<section class="practice-notice">')


def test_poster_is_one_a4_page_or_a_set_of_two_and_leaflet_is_a5() -> None:
    notice = sample_notice()
    poster = PdfReader(io.BytesIO(notices.poster(notice)))
    assert len(poster.pages) in (1, 2)
    assert round(float(poster.pages[0].mediabox.width)) == 595  # A4 portrait, points
    leaflet = PdfReader(io.BytesIO(notices.leaflet(notice)))
    assert round(float(leaflet.pages[0].mediabox.width)) == 420  # A5 portrait


def test_large_print_never_uses_type_smaller_than_18_points() -> None:
    sizes = font_sizes(notices.large_print(sample_notice()))
    assert sizes and min(sizes) >= 18
    assert min(font_sizes(notices.leaflet(sample_notice()))) < 18  # the check can fail


def test_poster_copies_repeat_the_page() -> None:
    one_set = len(PdfReader(io.BytesIO(notices.poster(sample_notice()))).pages)
    data = notices.poster(sample_notice(), copies=5)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 5 * one_set
    assert reader.pages[4 * one_set].extract_text() == reader.pages[0].extract_text()


HOSTILE = 'Smith & Jones <Partners> "Zoë" O\'Brien'


def hostile_notice() -> PatientNotice:
    notice = sample_notice()
    change = PatientChange(
        'Blood tests < 5 "urgent" & others move to the hospital.', date(2026, 10, 1)
    )
    return replace(notice, practice=replace(notice.practice, name=HOSTILE), changes=(change,))


def test_hostile_text_is_printed_as_typed_and_escaped_in_html() -> None:
    notice = hostile_notice()
    for render in PDF_FORMATS:
        text = text_of(render(notice))
        assert HOSTILE in text
        assert 'Blood tests < 5 "urgent" & others move to the hospital.' in text
    page = notices.website_html(notice)
    assert "<Partners>" not in page
    assert "Smith &amp; Jones &lt;Partners&gt; &quot;Zoë&quot; O&#x27;Brien" in page
    assert "Blood tests &lt; 5 &quot;urgent&quot; &amp; others" in page
    assert HOSTILE in notices.website_text(notice)


# ---------------------------------------------------------------- SMS


def test_gsm_checker_names_each_character_that_cannot_be_sent() -> None:
    assert gsm_problems("Open 8am-6:30pm. £5 @ Ünïon? é") != []  # ï is not in the alphabet
    assert gsm_problems("Open 8am-6:30pm. £5 @ Ünion? é [x] €") == []
    problems = gsm_problems("It’s open — call 111 😀 ’")
    assert len(problems) == 3  # each character once
    assert 'type "\'" instead' in problems[0]
    assert "'-' instead" in problems[1]
    assert "leave it out" in problems[2]


def test_extension_characters_count_twice() -> None:
    assert sms_length("abc") == 3
    assert sms_length("€[]{}") == 10
    assert sms_parts("a" * 160) == 1
    assert sms_parts("a" * 161) == 2
    assert sms_parts("a" * 306) == 2
    assert sms_parts("€" * 154) == 3


def test_to_gsm_swaps_lookalikes_and_accents() -> None:
    converted, problems = to_gsm("Zoë’s “surgery” – open…")
    assert converted == 'Zoe\'s "surgery" - open...'
    assert problems == []
    _, problems = to_gsm("Łódź")
    assert len(problems) == 1 and "Ł" in problems[0]


def test_text_message_fits_two_sms_in_the_gsm_alphabet() -> None:
    message = notices.text_message(sample_notice())
    assert sms_length(message) <= MAX_LENGTH
    assert gsm_problems(message) == []
    assert message.startswith("Riverside Medical Practice: From 1 Oct")
    assert message.endswith(": www.riverside-medical.example.nhs.uk")
    assert "open" in message and "appointments go ahead" in message
    assert "111" in message and "999 for life-threatening emergencies only" in message


def test_text_message_is_shortened_sensibly_when_long() -> None:
    notice = sample_notice()
    long_name = replace(
        notice.practice, name="The Very Long Named Riverside and Eastgate Medical Group Practice"
    )
    message = notices.text_message(replace(notice, practice=long_name))
    assert sms_length(message) <= MAX_LENGTH
    assert "111" in message and "999" in message and "1 Oct" in message
    # changes are left out before the ending: where to find every change
    assert message.endswith(f"Every change: {notice.practice.website}")
    assert "+1 more" not in message


def test_text_message_uses_the_short_wording_and_converts_accents() -> None:
    notice = sample_notice()
    change = replace(notice.changes[0], sms="each clinician sees at most 25 patients a day")
    named = replace(notice.practice, name="Zoë’s Surgery")
    message = notices.text_message(replace(notice, practice=named, changes=(change,)))
    assert message.startswith("Zoe's Surgery: From 1 October 2026: each clinician sees at most 25")
    assert notices.ACCENTS_NOTE in message  # 'Zoë' is spelt 'Zoe': the message says why
    assert sms_length(message) <= MAX_LENGTH


def test_text_message_refuses_when_it_cannot_fit() -> None:
    notice = sample_notice()
    huge = replace(notice.practice, name="Riverside " * 25)
    with pytest.raises(notices.SmsTooLong, match="306"):
        notices.text_message(replace(notice, practice=huge))


def test_text_message_refuses_characters_with_no_stand_in() -> None:
    notice = sample_notice()
    named = replace(notice.practice, name="Łódź Surgery")
    with pytest.raises(notices.SmsTooLong, match="latin capital letter l with stroke"):
        notices.text_message(replace(notice, practice=named))


def test_a_service_address_typed_on_several_lines_stays_readable_in_every_format() -> None:
    """The set-up screen stores an address one line per line; a website pasting the text or
    the HTML, and a phone showing the text message, must not run the lines together."""
    notice = sample_notice()
    utc = replace(
        notice.local_services[0], address="Midtown General Hospital\nInfirmary Square\nMidtown"
    )
    notice = replace(notice, local_services=(utc, *notice.local_services[1:]))

    text = notices.website_text(notice)
    assert "  Midtown General Hospital\n  Infirmary Square\n  Midtown, LE1 5WW\n" in text
    page = notices.website_html(notice)
    assert "Midtown General Hospital<br>Infirmary Square<br>Midtown, LE1 5WW<br>" in page
    assert "Hospital\n" not in page
    # a poster runs a service's details on after its name, the lines joined with commas
    assert "Midtown General Hospital, Infirmary Square, Midtown, LE1 5WW" in text_of(
        notices.poster(notice)
    )
    # Short names, so that the fullest message (the service's address included) fits.
    short = replace(notice.changes[0], sms="25 patients a day each")
    small = replace(utc, name="Midtown UTC", address="The Hospital\nMidtown", hours="24 hours")
    message = notices.text_message(
        replace(
            notice,
            practice=replace(notice.practice, name="Oak Surgery", website="oak.example"),
            changes=(short,),
            local_services=(small, *notice.local_services[1:]),
        )
    )
    assert "Or visit Midtown UTC, The Hospital, Midtown (24 hours)." in message
    assert "\n" not in message


def test_a_text_message_too_short_for_every_change_says_there_are_more() -> None:
    notice = sample_notice()
    many = tuple(
        replace(notice.changes[0], sms=f"service number {n} moves to the hospital")
        for n in range(1, 6)
    )
    message = notices.text_message(replace(notice, changes=many))
    assert sms_length(message) <= MAX_LENGTH
    named = sum(f"service number {n} " in message for n in range(1, 6))
    assert named < 5
    left = 5 - named
    assert f"and {left} other change{'s' if left > 1 else ''}" in message
