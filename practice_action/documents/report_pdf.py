"""The report's PDF summary: a few pages a practice can send to its LMC or ICB.

A pure function from a ``domain.reports.Report`` to PDF bytes. Every piece of text that came
from a person (names, safety log entries) is escaped before it reaches a Paragraph.
"""

from __future__ import annotations

import io
from functools import partial

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from practice_action.documents import record
from practice_action.documents.pages import LANGUAGE, NumberedCanvas
from practice_action.documents.style import (
    DARK,
    GREY,
    NHS_BLUE,
    PALE,
    esc,
    fonts,
    plain,
    style,
)
from practice_action.documents.times import uk_date
from practice_action.domain.calendar import LONDON
from practice_action.domain.enums import ContactType, DivertDestination
from practice_action.domain.reports import RATE_BASIS, Report

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
WIDTH = PAGE_WIDTH - 2 * MARGIN

TITLE = style("rp-title", 17, bold=True, color=NHS_BLUE, after=2)
SUBTITLE = style("rp-sub", 10, color=GREY, after=8)
HEADING = style("rp-h", 12.5, bold=True, color=NHS_BLUE, before=10, after=4, keep_with_next=True)
BODY = style("rp-body", 10, after=4)
SMALL = style("rp-small", 8.5, color=GREY, after=3)
CELL = style("rp-cell", 8.5, leading=10.5)
CELL_BOLD = style("rp-cell-b", 8.5, bold=True, leading=10.5)
NUMBER = style("rp-num", 8.5, leading=10.5, align=TA_RIGHT)
NUMBER_BOLD = style("rp-num-b", 8.5, bold=True, leading=10.5, align=TA_RIGHT)
FIGURE = style("rp-fig", 17, bold=True, color=DARK, leading=20)
FIGURE_LABEL = style("rp-fig-l", 8, color=GREY, leading=10)


def _p(markup: str, paragraph_style: object = BODY) -> Paragraph:
    return Paragraph(markup, paragraph_style)  # type: ignore[arg-type]


def _table(
    header: list[str], rows: list[list[object]], widths: list[float], numeric_from: int = 1
) -> Table:
    data: list[list[object]] = [
        [_p(esc(h), CELL_BOLD if i < numeric_from else NUMBER_BOLD) for i, h in enumerate(header)]
    ]
    for row in rows:
        data.append(
            [
                c if isinstance(c, Flowable) else _p(esc(c), CELL if i < numeric_from else NUMBER)
                for i, c in enumerate(row)
            ]
        )
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    commands: list[tuple[object, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), fonts()[0]),
        ("BACKGROUND", (0, 0), (-1, 0), PALE),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, NHS_BLUE),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#CCCCCC")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    table.setStyle(TableStyle(commands))
    return table


def _key_figures(report: Report) -> Table:
    t = report.totals
    rate = report.contacts_per_1000_per_day
    figures = [
        (f"{t.contacts:,}", "contacts recorded"),
        ("–" if rate is None else f"{rate:.1f}", "contacts per 1,000 patients per working day"),
        (f"{t.days_at_cap:,}", "clinician-days at the cap"),
        (f"{t.urgent:,}", "urgent cases seen over the cap"),
        (f"{t.total_diverted:,}", "patients diverted"),
        (f"{len(report.safety):,}", "safety log entries"),
    ]
    cells = [[_p(esc(value), FIGURE), _p(esc(label), FIGURE_LABEL)] for value, label in figures]
    row = [Table([[c[0]], [c[1]]], colWidths=[WIDTH / 6 - 4]) for c in cells]
    for cell in row:  # the default cell font is a standard one that is never embedded
        cell.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), fonts()[0])]))
    table = Table([row], colWidths=[WIDTH / 6] * 6, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts()[0]),
                ("BOX", (0, 0), (-1, -1), 0.6, NHS_BLUE),
                ("INNERGRID", (0, 0), (-1, -1), 0.4, PALE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def _story(report: Report) -> list[Flowable]:
    t = report.totals
    story: list[Flowable] = [
        _p(esc(report.practice_name), style("rp-practice", 11, bold=True, color=GREY)),
        _p("Collective action report", TITLE),
        _p(esc(report.period_text), style("rp-period", 13, bold=True, color=DARK, after=3)),
        _p(
            esc(
                f"ODS code {report.ods_code} · registered patients {report.list_size:,} · "
                f"prepared {uk_date(report.generated_at.astimezone(LONDON).date())} "
                "from the practice's own records in Practice Action"
            ),
            SUBTITLE,
        ),
        _key_figures(report),
        Spacer(1, 6),
        _p(esc(report.diversion_summary()), style("rp-lead", 11, bold=True, before=4, after=4)),
    ]

    story.append(_p("Where patients were diverted", HEADING))
    if t.total_diverted:
        rows: list[list[object]] = [
            [d.label, f"{t.diverted_to(d):,}", f"{t.diverted_to(d) / t.total_diverted:.0%}"]
            for d in sorted(DivertDestination, key=lambda d: -t.diverted_to(d))
            if t.diverted_to(d)
        ]
        rows.append(["All destinations", f"{t.total_diverted:,}", "100%"])
        story.append(
            _table(["Destination", "Patients", "Share"], rows, [80 * mm, 30 * mm, 25 * mm])
        )
    else:
        story.append(_p("No patients were recorded as diverted in this period."))

    story.append(_p("Contacts by type", HEADING))
    type_rows: list[list[object]] = [
        [ct.label, f"{t.of_type(ct):,}"] for ct in ContactType if t.of_type(ct)
    ]
    type_rows.append(["All types", f"{t.contacts:,}"])
    story.append(_table(["Type", "Contacts"], type_rows, [80 * mm, 30 * mm]))
    story.append(
        _p(
            esc(
                f"Counted against the cap: {t.counted:,}. Of a type the practice does not "
                f"count: {t.not_counted:,}. Urgent cases seen over the cap: {t.urgent:,}. "
                f"Recorded in error and undone (not included above): {t.voided:,}."
            ),
            SMALL,
        )
    )

    story.append(_p("By clinician", HEADING))
    header = [
        "Clinician",
        "Days worked",
        "Contacts",
        "Counted",
        "Not counted",
        "Urgent",
        "Days at cap",
        "Diverted",
    ]
    clinician_rows: list[list[object]] = [
        [
            c.clinician,
            c.days_worked,
            c.contacts,
            c.counted,
            c.not_counted,
            c.urgent,
            c.days_at_cap,
            c.total_diverted,
        ]
        for c in report.clinicians
    ]
    clinician_rows.append(
        [
            "Practice",
            "",
            t.contacts,
            t.counted,
            t.not_counted,
            t.urgent,
            t.days_at_cap,
            t.total_diverted,
        ]
    )
    widths = [WIDTH - 7 * 18 * mm] + [18 * mm] * 7
    story.append(_table(header, clinician_rows, widths))

    story.append(_p("Safety log", HEADING))
    if report.safety:
        entry_rows: list[list[object]] = []
        for e in report.safety:
            linked = "; ".join(x for x in (e.clinician_name, e.diversion_text) if x)
            entry_rows.append(
                [
                    uk_date(e.day) + (f" {e.time_of_day}" if e.time_of_day else ""),
                    f"{e.kind.label}. {e.category.label}. Harm: {e.harm.label.lower()}",
                    e.what_happened,
                    e.action_taken or "–",
                    linked or "–",
                ]
            )
        story.append(
            _table(
                ["Date", "Kind, category, harm", "What happened", "Action taken", "Linked to"],
                entry_rows,
                [24 * mm, 30 * mm, 50 * mm, 38 * mm, WIDTH - 142 * mm],
                numeric_from=99,
            )
        )
    else:
        story.append(_p("No safety concerns or near misses were logged in this period."))

    notes = [
        "A contact is one recorded on the practice's counter and not undone. No patient is "
        "identified in these figures.",
        "A day at the cap is a clinician's day on which the contacts counted against the cap "
        "reached the cap in force for them that day.",
        RATE_BASIS + f" In this period: {report.rate_days} of {report.working_days} working days, "
        f"{report.rate_contacts:,} contacts, list size {report.list_size:,}.",
    ]
    story.append(
        KeepTogether(
            [_p("How the figures are counted", HEADING)] + [_p(esc(n), SMALL) for n in notes]
        )
    )
    return story


def a4_document(buffer: io.BytesIO, *, title: str, author: str, subject: str) -> BaseDocTemplate:
    """An A4 document with the reports' margins and fonts (one frame added by the caller)."""
    fonts()
    return BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title,
        author=author,
        subject=subject,
        creator="Practice Action",
        lang=LANGUAGE,
        initialFontName=fonts()[0],
    )


def body_frame(running_head: bool) -> Frame:
    """The page's one frame; a little shorter when a running head sits above it."""
    return Frame(
        MARGIN,
        MARGIN,
        WIDTH,
        PAGE_HEIGHT - 2 * MARGIN - (4 * mm if running_head else 0),
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )


def report_summary(report: Report) -> bytes:
    """The PDF summary of ``report``, ready to send."""
    buffer = io.BytesIO()
    doc = a4_document(
        buffer,
        title=f"Collective action report {report.start.isoformat()} to {report.end.isoformat()}",
        author=report.practice_name,
        subject=f"Contacts, diversions and safety entries at {report.practice_name}, "
        f"{report.period_text}",
    )
    frame = body_frame(running_head=True)
    running = f"{report.practice_name} · report {report.period_text}"

    def on_page(canvas: Canvas, document: BaseDocTemplate) -> None:
        if document.page == 1:
            return
        regular, _ = fonts()
        canvas.saveState()
        canvas.setFont(regular, 8)
        canvas.setFillColor(GREY)
        canvas.drawString(MARGIN, PAGE_HEIGHT - 11 * mm, plain(running))
        canvas.setStrokeColor(NHS_BLUE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, PAGE_HEIGHT - 12.5 * mm, PAGE_WIDTH - MARGIN, PAGE_HEIGHT - 12.5 * mm)
        canvas.restoreState()

    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=on_page)])
    footer = f"{report.practice_name} · ODS code {report.ods_code} · collective action report"
    with record.recording(report.audit_head):
        doc.build(
            _story(report), canvasmaker=partial(NumberedCanvas, footer_left=footer, margin=MARGIN)
        )
    return buffer.getvalue()
