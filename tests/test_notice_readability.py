"""Notices people can read: type never below each format's least size, 111 and 999 on the
first page of every notice, for the sample practice and for one with many changes."""

from __future__ import annotations

import io

import pytest
from letters_helpers import with_many_changes
from pypdf import PdfReader
from reportlab.lib.units import mm

from practice_action.documents import notices
from practice_action.documents.model import PatientNotice
from practice_action.documents.sample import sample_pack


def _sample() -> PatientNotice:
    notice = sample_pack().notice
    assert notice is not None
    return notice


def _many_changes(count: int = 12) -> PatientNotice:
    return with_many_changes(_sample(), count)


def _sizes_and_text(data: bytes) -> list[tuple[list[float], str]]:
    """Per page: the size of every piece of body text (furniture at the foot left out)."""
    out = []
    for page in PdfReader(io.BytesIO(data)).pages:
        sizes: list[float] = []

        def visit(
            text: str,
            cm: list[float],
            tm: list[float],
            font: object,
            size: float,
            sizes: list[float] = sizes,
        ) -> None:
            y = tm[5] * cm[3] + cm[5]
            if text.strip() and y > 16 * mm:
                sizes.append(round(size * abs(tm[3] or 1) * abs(cm[3] or 1), 2))

        text = page.extract_text(visitor_text=visit)
        out.append((sizes, " ".join(text.split())))
    return out


FORMATS = [
    ("poster", notices.poster),
    ("leaflet", notices.leaflet),
    ("large_print", notices.large_print),
]


@pytest.mark.parametrize("make", [_sample, _many_changes], ids=["sample", "many-changes"])
@pytest.mark.parametrize(("kind", "draw"), FORMATS, ids=[k for k, _ in FORMATS])
def test_type_is_never_below_the_least_size_and_111_999_lead_page_one(kind, draw, make) -> None:
    pages = _sizes_and_text(draw(make()))
    least = notices.MINIMUM_BODY[kind]
    every = [size for sizes, _ in pages for size in sizes]
    assert every and min(every) >= least - 0.01, (kind, min(every))
    first = pages[0][1]
    assert "111.nhs.uk" in first and "call 111" in first
    assert "999 only in a life-threatening emergency" in first


def test_too_much_for_one_poster_makes_a_set_of_two_each_one_page() -> None:
    data = notices.poster(_many_changes(2))
    pages = _sizes_and_text(data)
    assert len(pages) == 2
    assert "What is changing" in pages[0][1] and "Pharmacy First" not in pages[0][1]
    assert "Pharmacy First" in pages[1][1] and "What is changing" not in pages[1][1]
    assert "call 111" in pages[1][1]


def test_the_check_can_fail_a_leaflet_is_not_large_print() -> None:
    pages = _sizes_and_text(notices.leaflet(_sample()))
    assert min(s for sizes, _ in pages for s in sizes) < notices.MINIMUM_BODY["large_print"]


def _readable(prose: list[str]) -> tuple[float, float]:
    import textstat

    text = " ".join(prose)
    return textstat.flesch_kincaid_grade(text), textstat.flesch_reading_ease(text)


def test_patient_prose_reads_at_grade_6_for_the_demo_practice(ctx) -> None:
    from letters_helpers import make_demo

    from practice_action.services import documents as service

    people = make_demo(ctx)
    notice = next(
        d.inputs
        for d in service.documents_for_plan(ctx, people["Dr Asha Mistry"])
        if d.kind == "poster"
    )
    grade, ease = _readable(notices.patient_prose(notice))
    assert grade <= 6 and ease >= 70, (grade, ease)


@pytest.mark.parametrize("make", [_sample, _many_changes], ids=["sample", "many-changes"])
def test_patient_prose_reads_at_grade_6_with_few_or_many_changes(make) -> None:
    grade, ease = _readable(notices.patient_prose(make()))
    assert grade <= 6 and ease >= 70, (grade, ease)


def test_the_readability_check_can_fail() -> None:
    hard = [
        "Notwithstanding contractual considerations, the practice's multidisciplinary "
        "clinicians will henceforth prioritise uncomplicated presentations accordingly."
    ]
    grade, ease = _readable(hard)
    assert grade > 6 and ease < 70
