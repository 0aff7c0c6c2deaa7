"""The combined evidence report: what an LMC or PCN sends on, with charts.

A pure function from ``domain.evidence_combine.Combined`` to PDF bytes. Practice names come
from the files and are escaped like any other text before they reach a Paragraph.
"""

from __future__ import annotations

import io
from datetime import date
from functools import partial

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageTemplate, Spacer

from practice_action.documents.pages import NumberedCanvas
from practice_action.documents.report_pdf import (
    BODY,
    HEADING,
    MARGIN,
    SMALL,
    SUBTITLE,
    TITLE,
    WIDTH,
    _p,
    _table,
    a4_document,
    body_frame,
)
from practice_action.documents.style import DARK, GREY, NHS_BLUE, esc, fonts
from practice_action.documents.times import uk_date
from practice_action.domain.enums import DivertDestination
from practice_action.domain.evidence_combine import Combined, Totals
from practice_action.domain.safety_event import HarmLevel, SafetyCategory

PAGE_WIDTH, PAGE_HEIGHT = A4
AMBER = colors.HexColor("#ED8B00")

HOW = (
    "Contacts per 1,000 patients per working day: the contacts recorded on working days "
    "(Monday to Friday, not bank holidays) on which a practice's counter recorded at least one "
    "contact, divided by those days and by the list size in thousands; over several practices, "
    "each practice's days are weighted by its list size. A day on which a practice did not use "
    "the counter is left out rather than counted as a day with no patients.",
    "Clinician-days at the cap: days on which a clinician's contacts counted against the cap "
    "reached the cap in force for them; the share is of all clinician-days in the files.",
    "Diverted per 1,000: patients diverted over the period per 1,000 registered patients.",
    "Each file was made by a practice from its own records in Practice Action and checked "
    "before it was combined (its checksum, its format version, and that no two files for one "
    "practice share a day). The files hold no patient details, no names of clinicians or staff "
    "and no text anyone typed: safety concerns appear by category, date and level of harm only.",
)


def _rate(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def _short(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _key_figures(t: Totals) -> Flowable:
    rows = [
        ["Practices", f"{t.practices:,}"],
        ["Registered patients", f"{t.list_size:,}"],
        ["Contacts recorded", f"{t.contacts:,}"],
        ["Contacts per 1,000 patients per working day", _rate(t.contacts_per_1000_per_day)],
        [
            "Clinician-days at the cap",
            f"{t.at_cap:,} of {t.clinician_days:,} ({_share(t.share_at_cap)})",
        ],
        ["Urgent cases seen over the cap", f"{t.urgent:,}"],
        ["Patients diverted", f"{t.diverted:,} ({_rate(t.diverted_per_1000)} per 1,000)"],
        ["Safety concerns logged", f"{len(t.safety):,}"],
    ]
    return _table(["All practices", "Figure"], rows, [110 * mm, 50 * mm])


def _chart_font() -> str:
    return fonts()[0]


def _weekly_chart(result: Combined, title: str, values: list[float], colour: object) -> Drawing:
    height = 62 * mm
    drawing = Drawing(WIDTH, height)
    drawing.add(String(0, height - 10, title, fontName=fonts()[1], fontSize=9, fillColor=DARK))
    chart = VerticalBarChart()
    chart.x, chart.y = 28, 22
    chart.width, chart.height = WIDTH - 40, height - 44
    chart.data = [values or [0]]
    chart.bars[0].fillColor = colour
    chart.bars[0].strokeColor = None
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = _chart_font()
    chart.valueAxis.labels.fontSize = 7
    weeks = [w.monday for w in result.weeks]
    step = max(1, len(weeks) // 12)
    chart.categoryAxis.categoryNames = [
        f"{m.day} {m:%b}" if i % step == 0 else "" for i, m in enumerate(weeks)
    ] or [""]
    chart.categoryAxis.labels.fontName = _chart_font()
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.angle = 0
    drawing.add(chart)
    drawing.add(
        String(0, 4, "Weeks starting Monday", fontName=_chart_font(), fontSize=7, fillColor=GREY)
    )
    return drawing


def _destination_chart(t: Totals) -> Drawing:
    order = sorted(
        (d for d in DivertDestination if t.diverted_to.get(d, 0)), key=lambda d: t.diverted_to[d]
    )
    height = (len(order) * 8 + 22) * mm
    drawing = Drawing(WIDTH, height)
    drawing.add(
        String(
            0,
            height - 10,
            "Patients diverted, by destination",
            fontName=fonts()[1],
            fontSize=9,
            fillColor=DARK,
        )
    )
    chart = HorizontalBarChart()
    chart.x, chart.y = 110, 16
    chart.width, chart.height = WIDTH - 130, height - 34
    chart.data = [[t.diverted_to.get(d, 0) for d in order] or [0]]
    chart.bars[0].fillColor = NHS_BLUE
    chart.bars[0].strokeColor = None
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = _chart_font()
    chart.valueAxis.labels.fontSize = 7
    chart.categoryAxis.categoryNames = [d.label for d in order] or ["None"]
    chart.categoryAxis.labels.fontName = _chart_font()
    chart.categoryAxis.labels.fontSize = 8
    drawing.add(chart)
    return drawing


def _story(result: Combined) -> list[Flowable]:
    t = result.overall
    story: list[Flowable] = [
        _p("Collective action across practices", TITLE),
        _p(esc(f"{uk_date(result.start)} to {uk_date(result.end)}"), SUBTITLE),
        _p(esc(result.said()), BODY),
        _key_figures(t),
        Spacer(1, 4),
    ]
    if result.weeks:
        story.append(_p("Week by week", HEADING))
        story.append(
            _weekly_chart(
                result,
                "Contacts per 1,000 patients per working day",
                [w.totals.contacts_per_1000_per_day or 0 for w in result.weeks],
                NHS_BLUE,
            )
        )
        story.append(
            _weekly_chart(
                result,
                "Share of clinician-days at the cap (%)",
                [(w.totals.share_at_cap or 0) * 100 for w in result.weeks],
                AMBER,
            )
        )
        rows: list[list[object]] = [
            [
                _short(w.monday),
                f"{w.totals.practices:,}",
                f"{w.totals.contacts:,}",
                _rate(w.totals.contacts_per_1000_per_day),
                f"{w.totals.at_cap:,} ({_share(w.totals.share_at_cap)})",
                f"{w.totals.urgent:,}",
                f"{w.totals.diverted:,}",
                f"{len(w.totals.safety):,}",
            ]
            for w in result.weeks
        ]
        story.append(
            _table(
                [
                    "Week of",
                    "Practices",
                    "Contacts",
                    "Per 1,000 a day",
                    "At cap",
                    "Urgent",
                    "Diverted",
                    "Safety",
                ],
                rows,
                [26 * mm, 18 * mm, 22 * mm, 24 * mm, 28 * mm, 18 * mm, 20 * mm, WIDTH - 156 * mm],
            )
        )

    story.append(_p("Where patients were diverted", HEADING))
    if t.diverted:
        story.append(_destination_chart(t))
        story.append(
            _table(
                ["Destination", "Patients", "Share"],
                [
                    [
                        d.label,
                        f"{t.diverted_to.get(d, 0):,}",
                        f"{t.diverted_to.get(d, 0) / t.diverted:.0%}",
                    ]
                    for d in DivertDestination
                    if t.diverted_to.get(d, 0)
                ],
                [80 * mm, 30 * mm, 25 * mm],
            )
        )
    else:
        story.append(_p("No patients were recorded as diverted."))

    story.append(_p("Safety concerns, by category and level of harm", HEADING))
    if t.safety:
        by_both: dict[tuple[SafetyCategory, HarmLevel], int] = {}
        for s in t.safety:
            by_both[(s.category, s.harm)] = by_both.get((s.category, s.harm), 0) + 1
        harms = [h for h in HarmLevel if any(k[1] is h for k in by_both)]
        header = ["Category", *[h.label for h in harms], "All"]
        safety_rows: list[list[object]] = []
        for c in SafetyCategory:
            counts = [by_both.get((c, h), 0) for h in harms]
            if sum(counts):
                safety_rows.append([c.label, *[f"{n:,}" for n in counts], f"{sum(counts):,}"])
        rest = (WIDTH - 60 * mm) / (len(harms) + 1)
        story.append(_table(header, safety_rows, [60 * mm] + [rest] * (len(harms) + 1)))
    else:
        story.append(_p("No safety concerns were logged."))

    story.append(_p("Actions adopted", HEADING))
    if result.actions:
        story.append(
            _table(
                ["Action", "Practices", "Earliest start"],
                [[a.title, f"{a.practices:,}", uk_date(a.earliest)] for a in result.actions],
                [WIDTH - 60 * mm, 25 * mm, 35 * mm],
            )
        )
    else:
        story.append(_p("No practice recorded an adopted action."))

    story.append(_p("By practice", HEADING))
    practice_rows: list[list[object]] = []
    for p in result.practices:
        pt = p.totals
        practice_rows.append(
            [
                f"{p.name} ({p.ods_code}), {_short(p.start)} to {_short(p.end)}",
                f"{p.list_size:,}",
                _rate(pt.contacts_per_1000_per_day),
                f"{pt.at_cap:,} ({_share(pt.share_at_cap)})",
                _rate(pt.diverted_per_1000),
                f"{pt.urgent:,}",
                f"{len(pt.safety):,}",
            ]
        )
    story.append(
        _table(
            [
                "Practice and period",
                "List size",
                "Contacts per 1,000 a day",
                "Days at cap",
                "Diverted per 1,000",
                "Urgent",
                "Safety",
            ],
            practice_rows,
            [WIDTH - 112 * mm, 16 * mm, 22 * mm, 22 * mm, 20 * mm, 16 * mm, 16 * mm],
        )
    )
    story.append(_p("Actions adopted by each practice, and since when", HEADING))
    story.append(
        _table(
            ["Practice", "Actions adopted, from (to)"],
            [
                [
                    f"{p.name} ({p.ods_code})",
                    "; ".join(
                        f"{a.title} from {_short(a.start)}"
                        + (f" to {_short(a.end)}" if a.end else "")
                        for a in p.actions
                    )
                    or "None recorded",
                ]
                for p in result.practices
            ],
            [55 * mm, WIDTH - 55 * mm],
            numeric_from=99,
        )
    )
    story.append(_p("How the figures are made", HEADING))
    story.extend(_p(esc(line), SMALL) for line in HOW)
    story.append(_p(esc("Files combined: " + ", ".join(result.files)), SMALL))
    return story


def combined_report(result: Combined) -> bytes:
    """The combined report of ``result`` as PDF bytes."""
    buffer = io.BytesIO()
    doc = a4_document(
        buffer,
        title="Collective action across practices",
        author="Practice Action",
        subject=result.said(),
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[body_frame(running_head=False)])])
    footer = "Collective action across practices · combined from practices' evidence files"
    doc.build(
        _story(result), canvasmaker=partial(NumberedCanvas, footer_left=footer, margin=MARGIN)
    )
    return buffer.getvalue()


__all__ = ["combined_report"]
