"""Patient notices: A4 poster, A5 leaflet, large-print A4, website text and a text message.

Every format says the same things, in this order: what changes and from when; that the
practice is open and appointments go ahead; how to get help (NHS 111, 999 for
life-threatening emergencies only, Pharmacy First and its seven conditions, the practice's
local services with address and hours). The wording is ours, in plain English.
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass, replace
from functools import partial

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from practice_action.documents import completeness, draft, record
from practice_action.documents.model import PatientChange, PatientNotice
from practice_action.documents.pages import LANGUAGE, NumberedCanvas, ScaledImage, footer_top
from practice_action.documents.sms import MAX_LENGTH, dropped_accents, sms_length, to_gsm
from practice_action.documents.style import (
    NHS_BLUE,
    PALE,
    WARM,
    esc,
    fonts,
    style,
)
from practice_action.documents.times import clock, nhs_hours, uk_date
from practice_action.domain.enums import ServiceKind
from practice_action.domain.errors import PracticeActionError
from practice_action.domain.records import DayHours, LocalService, PracticeProfile

PHARMACY_FIRST_CONDITIONS = (
    ("Earache", "children and young people aged 1 to 17"),
    ("Impetigo", "aged 1 and over"),
    ("Infected insect bites", "aged 1 and over"),
    ("Shingles", "aged 18 and over"),
    ("Sinusitis", "aged 12 and over"),
    ("Sore throat", "aged 5 and over"),
    ("Urinary tract infection (uncomplicated)", "women aged 16 to 64"),
)

NHS_111_TEXT = (
    "For urgent help when you cannot wait for an appointment: go to 111.nhs.uk or call 111, "
    "day or night. It is free."
)
EMERGENCY_TEXT = (
    "Call 999 only in a life-threatening emergency. For example: chest pain, bad bleeding, "
    "not able to breathe, or signs of a stroke."
)
PHARMACY_TEXT = (
    "You can see a pharmacist with no need to book. They can check and treat these seven "
    "common illnesses:"
)
WHY_TEXT = (
    "Our GPs are taking part in action agreed by GPs across England. It keeps the number of "
    "patients each of us sees in a day at a safe level."
)


class SmsTooLong(PracticeActionError):
    """The text message cannot be made short enough, or has characters a phone cannot show."""


# ---------------------------------------------------------------- words shared by every format


def opening_hours_text(hours: tuple[DayHours, ...]) -> str:
    """'Monday to Friday, 8am to 6:30pm', or each day's hours where they differ."""
    if not hours:
        return "Monday to Friday, 8am to 6:30pm"
    ordered = sorted(hours, key=lambda h: h.day.index)
    spans = {(h.opens, h.closes) for h in ordered}
    indices = [h.day.index for h in ordered]
    if len(spans) == 1 and indices == list(range(indices[0], indices[0] + len(indices))):
        opens, closes = spans.pop()
        days = (
            ordered[0].day.label
            if len(ordered) == 1
            else f"{ordered[0].day.label} to {ordered[-1].day.label}"
        )
        return f"{days}, {clock(opens)} to {clock(closes)}"
    return "; ".join(f"{h.day.label} {clock(h.opens)} to {clock(h.closes)}" for h in ordered)


def patient_prose(notice: PatientNotice) -> list[str]:
    """Every sentence a notice tells patients in running text (lists and addresses apart)."""
    return [
        open_text(notice.practice),
        NHS_111_TEXT,
        EMERGENCY_TEXT,
        *(change.what for change in ordered_changes(notice)),
        WHY_TEXT,
        PHARMACY_TEXT,
    ]


def open_text(practice: PracticeProfile) -> str:
    return (
        f"We are open as usual: {opening_hours_text(practice.opening_hours)}. "
        "Please keep your appointments: they will go ahead."
    )


def ordered_changes(notice: PatientNotice) -> list[PatientChange]:
    return sorted(notice.changes, key=lambda c: c.starts)


def local_services(notice: PatientNotice) -> list[LocalService]:
    """The practice's own local services, urgent care first, crisis line last."""
    rank = {
        ServiceKind.UTC: 0,
        ServiceKind.WALK_IN: 1,
        ServiceKind.MIU: 2,
        ServiceKind.OTHER: 3,
        ServiceKind.CRISIS_LINE: 4,
    }
    chosen = [
        s
        for s in notice.local_services
        if s.active and s.kind not in (ServiceKind.NHS_111, ServiceKind.PHARMACY_FIRST)
    ]
    return sorted(chosen, key=lambda s: rank.get(s.kind, 3))


def address_lines(service: LocalService) -> list[str]:
    return [line.strip() for line in service.address.splitlines() if line.strip()]


def service_details(service: LocalService) -> list[str]:
    """Address, phone and hours of a local service, each a line; only what is known."""
    # The register keeps an address one line per line: each stays a line of its own here,
    # or a website and a phone would run them together.
    lines = address_lines(service)
    if service.postcode.strip():
        if lines:
            lines[-1] += f", {service.postcode.strip()}"
        else:
            lines.append(service.postcode.strip())
    if service.phone.strip():
        lines.append(f"Phone {service.phone.strip()}")
    if service.hours.strip():
        lines.append(f"Open: {nhs_hours(service.hours.strip())}")
    return lines


def service_sentences(service: LocalService) -> str:
    """The same details as running text, for a poster: 'Address, postcode. Phone .... Open: ...'"""
    postcode = service.postcode.strip()
    place = ", ".join([*address_lines(service), *([postcode] if postcode else [])])
    parts = [place] if place else []
    if service.phone.strip():
        parts.append(f"Phone {service.phone.strip()}")
    if service.hours.strip():
        parts.append(f"Open: {nhs_hours(service.hours.strip())}")
    return ". ".join(part.rstrip(".") for part in parts) + "." if parts else ""


def pharmacies(notice: PatientNotice) -> list[LocalService]:
    """The practice's own Pharmacy First pharmacies, from the register."""
    return [s for s in notice.local_services if s.active and s.kind is ServiceKind.PHARMACY_FIRST]


def pharmacy_heading(notice: PatientNotice) -> str:
    return (
        "A Pharmacy First pharmacy near us"
        if len(pharmacies(notice)) == 1
        else "Pharmacy First pharmacies near us"
    )


def contact_line(practice: PracticeProfile) -> str:
    parts = [practice.name, f"Phone {practice.phone}"]
    if practice.website:
        parts.append(practice.website)
    return " · ".join(parts)


_PHONE = re.compile(r"(Phone|call) (\+?\d[\d ]*\d)")


_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?) (\d[A-Z]{2})\b")


def _whole_phones(escaped: str) -> str:
    """Escaped text with each phone number and postcode held on one line."""
    text = _PHONE.sub(lambda m: f"{m[1]}&nbsp;{m[2].replace(' ', '&nbsp;')}", escaped)
    return _POSTCODE.sub(r"\1&nbsp;\2", text)


def _whole_ranges(escaped: str) -> str:
    """'aged 1 to 17' never broken between its numbers."""
    return re.sub(r"(\d+) to (\d+)", r"\1&nbsp;to&nbsp;\2", escaped)


def _pdf(text: str) -> str:
    return _whole_phones(esc(text))


# ---------------------------------------------------------------- PDF formats


@dataclass(frozen=True)
class Sizes:
    headline: float
    heading: float
    body: float
    small: float
    gap: float  # space between sections, in points

    def scaled(self, factor: float) -> Sizes:
        return Sizes(
            *(
                value * factor
                for value in (self.headline, self.heading, self.body, self.small, self.gap)
            )
        )


# The least each format may print, never shrunk to fit: a poster is read from a door, a
# leaflet in the hand (clear-print guidance asks for 12 pt at the least).
POSTER = Sizes(headline=34, heading=22, body=16, small=16, gap=14)
LEAFLET = Sizes(headline=20, heading=15, body=12, small=12, gap=8)
LARGE_PRINT = Sizes(headline=32, heading=24, body=18, small=18, gap=16)
MINIMUM_BODY = {"poster": 16.0, "leaflet": 12.0, "large_print": 18.0}


def _band(notice: PatientNotice, sizes: Sizes, width: float) -> Table:
    """The blue band at the top: headline and practice name, logo on the left if given."""
    title = Paragraph(
        esc(notice.headline),
        style(
            "n-head", sizes.headline, bold=True, color=colors.white, leading=sizes.headline * 1.15
        ),
    )
    name = Paragraph(
        esc(notice.practice.name),
        style("n-name", max(sizes.body, sizes.heading * 0.8), color=colors.white, before=4),
    )
    text = [title, name] if notice.practice.name else [title]
    if notice.logo:
        logo_size = sizes.headline * 2.2
        cells = [[ScaledImage(notice.logo, logo_size, logo_size), text]]
        widths = [logo_size + 10, width - logo_size - 10]
    else:
        cells = [[text]]
        widths = [width]
    band = Table(cells, colWidths=widths)
    band.setStyle(
        TableStyle(
            [
                ("FONTSIZE", (0, 0), (-1, -1), sizes.body),
                ("FONTNAME", (0, 0), (-1, -1), fonts()[0]),
                ("BACKGROUND", (0, 0), (-1, -1), NHS_BLUE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), sizes.gap * 0.8),
                ("RIGHTPADDING", (0, 0), (-1, -1), sizes.gap * 0.8),
                ("TOPPADDING", (0, 0), (-1, -1), sizes.gap * 0.8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), sizes.gap),
            ]
        )
    )
    return band


def _boxed(
    flowables: list[Flowable], width: float, background: colors.Color, pad: float, size: float
) -> Table:
    box = Table([[flowables]], colWidths=[width])
    box.setStyle(
        TableStyle(
            [
                ("FONTSIZE", (0, 0), (-1, -1), size),
                ("FONTNAME", (0, 0), (-1, -1), fonts()[0]),
                ("BACKGROUND", (0, 0), (-1, -1), background),
                ("LEFTPADDING", (0, 0), (-1, -1), pad),
                ("RIGHTPADDING", (0, 0), (-1, -1), pad),
                ("TOPPADDING", (0, 0), (-1, -1), pad * 0.7),
                ("BOTTOMPADDING", (0, 0), (-1, -1), pad * 0.9),
            ]
        )
    )
    return box


def notice_story(
    notice: PatientNotice,
    sizes: Sizes,
    width: float,
    part: str = "all",
    keep: int | None = None,
    compact: bool = False,
) -> list[Flowable]:
    """The notice as flowables, at the given sizes, for a column ``width`` points wide.

    ``part`` is "all", or for a two-poster set "changes" (what changes) or "help" (how to get
    help); every part starts with 111 and 999. ``keep`` is how many changes (in "changes") or
    local services (in "help") are printed in full, the others pointed to in one line; all
    of them when None. ``compact`` writes each local service as running text (a poster).
    """
    heading = style(
        "n-h2",
        sizes.heading,
        bold=True,
        color=NHS_BLUE,
        before=sizes.gap * 0.7,
        after=sizes.gap * 0.3,
        keep_with_next=True,
    )
    body = style("n-body", sizes.body, leading=sizes.body * 1.2, after=sizes.body * 0.3)
    strong = style(
        "n-strong", sizes.body, bold=True, leading=sizes.body * 1.3, after=sizes.body * 0.2
    )
    small = style("n-small", sizes.small, leading=sizes.small * 1.2)
    pad = sizes.gap * 0.8
    contact = Paragraph(_pdf(contact_line(notice.practice)), strong)

    if part == "help":  # the second poster of a set: its own title, straight to the help
        # the practice is named at the foot, in the contact line
        helping = replace(
            notice,
            headline="How to get help",
            practice=replace(notice.practice, name=""),
            logo=None,
        )
        story: list[Flowable] = [_band(helping, sizes, width)]
        story.append(Spacer(1, sizes.gap * 0.6))
        story.append(_urgent_box(sizes, width, body, pad))
        story.append(Spacer(1, sizes.gap * 0.5))  # two boxes of one colour: a gap between
        story += _help_part(
            notice, sizes, width, heading, body, small, pad, keep, compact, headed=False
        )
        story += [Spacer(1, sizes.gap * 0.5), contact]
        return story
    story = [_band(notice, sizes, width), Spacer(1, sizes.gap)]
    story.append(
        _boxed(
            [
                Paragraph(
                    esc(open_text(notice.practice)),
                    style("n-open", sizes.body * 1.1, bold=True, leading=sizes.body * 1.45),
                )
            ],
            width,
            WARM,
            pad,
            sizes.body,
        )
    )
    # 111 and 999 come before anything else the patient reads, so they are on every first page.
    story.append(Spacer(1, sizes.gap * 0.6))
    story.append(_urgent_box(sizes, width, body, pad))
    story += _changes_part(notice, heading, body, keep if part == "changes" else None)
    if part != "changes":
        story += _help_part(notice, sizes, width, heading, body, small, pad, None, compact)
    story += [Spacer(1, sizes.gap * 0.5), contact]
    return story


def _urgent_box(sizes: Sizes, width: float, body: object, pad: float) -> Table:
    return _boxed(
        [
            Paragraph(f"<b>NHS 111.</b> {esc(NHS_111_TEXT)}", body),  # type: ignore[arg-type]
            Paragraph(f"<b>999 for emergencies only.</b> {esc(EMERGENCY_TEXT)}", body),  # type: ignore[arg-type]
        ],
        width,
        PALE,
        pad,
        sizes.body,
    )


def where_else(notice: PatientNotice) -> str:
    """Where a patient finds what a poster had no room for."""
    website = notice.practice.website.strip()
    return (
        f"see {website}, or ask reception for a leaflet"
        if website
        else "ask reception for a leaflet"
    )


def _changes_part(
    notice: PatientNotice, heading: object, body: object, keep: int | None = None
) -> list[Flowable]:
    out: list[Flowable] = [Paragraph("What is changing", heading)]  # type: ignore[arg-type]
    changes = ordered_changes(notice)
    shown = changes if keep is None else changes[:keep]
    for change in shown:
        out.append(Paragraph(f"<b>From {uk_date(change.starts)}:</b> {esc(change.what)}", body))  # type: ignore[arg-type]
    left = changes[len(shown) :]
    if left:
        first = min(c.starts for c in left)
        out.append(
            Paragraph(  # type: ignore[arg-type]
                f"<b>{'More changes' if shown else 'Changes'} from {uk_date(first)}:</b> "
                f"{esc(where_else(notice))}.",
                body,
            )
        )
    out.append(Paragraph(esc(WHY_TEXT), body))  # type: ignore[arg-type]
    return out


def _kept_services(services: list[LocalService], keep: int | None) -> list[LocalService]:
    """The ``keep`` a poster prints when it has no room for all: urgent care and the crisis
    line before the others; in their usual order."""
    if keep is None or keep >= len(services):
        return services
    first = {ServiceKind.UTC: 0, ServiceKind.CRISIS_LINE: 1}
    chosen = sorted(services, key=lambda s: first.get(s.kind, 2))[:keep]
    return [s for s in services if s in chosen]


def _help_part(
    notice: PatientNotice,
    sizes: Sizes,
    width: float,
    heading: object,
    body: object,
    small: object,
    pad: float,
    keep: int | None = None,
    compact: bool = False,
    headed: bool = True,
) -> list[Flowable]:
    """Pharmacy First and the local services; ``headed`` False for a poster already titled
    "How to get help", which then prints neither heading."""
    story: list[Flowable] = []
    conditions = [
        [Paragraph(f"<b>{esc(name)}</b>", small), Paragraph(_whole_ranges(esc(ages)), small)]
        for name, ages in PHARMACY_FIRST_CONDITIONS
    ]
    table = Table(conditions, colWidths=[width * 0.42 - pad, width * 0.58 - pad], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTSIZE", (0, 0), (-1, -1), sizes.small),
                ("FONTNAME", (0, 0), (-1, -1), fonts()[0]),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    inside: list[Flowable] = [
        Paragraph(f"<b>Pharmacy First.</b> {esc(PHARMACY_TEXT)}", body),  # type: ignore[arg-type]
        table,
    ]
    near = pharmacies(notice)
    if near:
        inside.append(Spacer(1, sizes.body * 0.4))
        if len(near) == 1:  # 'Near us: Wigston Fold Pharmacy. 3 The Parade, ...'
            inside.append(_service_paragraph(near[0], body, compact, lead="Near us: "))
        else:
            inside.append(Paragraph(f"<b>{esc(pharmacy_heading(notice))}:</b>", body))  # type: ignore[arg-type]
            inside += [_service_paragraph(p, body, compact) for p in near]
    box = _boxed(inside, width, PALE, pad, sizes.body)
    # the heading goes with the box: never left alone at the foot of a page
    title = [Paragraph("Other ways to get help", heading)] if headed else []  # type: ignore[arg-type]
    story.append(KeepTogether([*title, box]))
    every = local_services(notice)
    services = _kept_services(every, keep)
    if every:
        # a help poster is headed "How to get help": its services follow the pharmacy box
        # without a heading of their own, which is the room a third service needs
        lead: Flowable = (
            Paragraph("Local services", heading)  # type: ignore[arg-type]
            if headed
            else Spacer(1, sizes.gap * 0.4)
        )
        for number, service in enumerate(services):  # the heading goes with the first
            first = [lead] if number == 0 else []
            story.append(KeepTogether([*first, _service_paragraph(service, body, compact)]))
        if not services:
            story.append(lead)
        if len(services) < len(every):
            left = len(every) - len(services)
            story.append(
                Paragraph(  # type: ignore[arg-type]
                    f"<b>{left} more local service{'s' if left > 1 else ''}:</b> "
                    f"{esc(where_else(notice))}.",
                    body,
                )
            )
    return story


def _service_paragraph(
    service: LocalService, body: object, compact: bool, lead: str = ""
) -> Paragraph:
    if compact:  # the name leads, the details run on after it
        return Paragraph(
            f"<b>{lead}{esc(service.name)}.</b> {_pdf(service_sentences(service))}",
            body,  # type: ignore[arg-type]
        )
    lines = [f"<b>{lead}{esc(service.name)}</b>"] + [
        _pdf(line) for line in service_details(service)
    ]
    return Paragraph("<br/>".join(lines), body)  # type: ignore[arg-type]


def _flowing_pdf(
    notice: PatientNotice, sizes: Sizes, pagesize: tuple[float, float], margin: float, title: str
) -> bytes:
    buffer = io.BytesIO()
    footer_size = max(8, sizes.small * 0.85) if sizes.small < 18 else sizes.small
    # a long practice name wraps in the footer: the text stops above its top line
    footer = footer_top(notice.practice.name, footer_size, pagesize[0], margin)
    doc = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=max(margin + sizes.small * 1.4, footer + sizes.small * 0.6),
        title=title,
        author=notice.practice.name,
        subject=_subject(notice),
        creator="Practice Action",
        lang=LANGUAGE,
        initialFontName=fonts()[0],
        initialFontSize=sizes.small,
    )
    story = notice_story(notice, sizes, pagesize[0] - 2 * margin)
    maker = partial(
        NumberedCanvas,
        footer_left=notice.practice.name,
        footer_size=footer_size,
        margin=margin,
    )
    doc.build(story, canvasmaker=maker)
    return buffer.getvalue()


def leaflet(notice: PatientNotice) -> bytes:
    """A5, to hand out or leave at reception."""
    completeness.require(completeness.check_notice(notice))
    return _flowing_pdf(notice, LEAFLET, A5, 12 * mm, f"{notice.headline} (leaflet)")


def large_print(notice: PatientNotice) -> bytes:
    """A4, every word at 18 pt or larger."""
    completeness.require(completeness.check_notice(notice))
    return _flowing_pdf(notice, LARGE_PRINT, A4, 18 * mm, f"{notice.headline} (large print)")


@dataclass(frozen=True)
class _Placed:
    flowable: Flowable
    x: float
    y: float


def _flatten(story: list[Flowable]) -> list[Flowable]:
    """Keep-together groups only matter across pages; one page draws their contents."""
    flat: list[Flowable] = []
    for flowable in story:
        if isinstance(flowable, KeepTogether):
            flat.extend(_flatten(list(flowable._content)))
        else:
            flat.append(flowable)
    return flat


def _layout_one_page(
    notice: PatientNotice,
    pagesize: tuple[float, float],
    margin: float,
    part: str = "all",
    keep: int | None = None,
) -> list[_Placed] | None:
    """Wrap one poster at full size; None if it does not fit one page (never shrunk)."""
    width = pagesize[0] - 2 * margin
    height = pagesize[1] - 2 * margin
    placed: list[_Placed] = []
    y = pagesize[1] - margin
    used = 0.0
    previous_after = 0.0
    for flowable in _flatten(notice_story(notice, POSTER, width, part, keep, compact=True)):
        _, h = flowable.wrap(width, height)
        before = max(flowable.getSpaceBefore(), previous_after) if placed else 0
        used += before + h
        if used > height:
            return None
        y -= before + h
        placed.append(_Placed(flowable, margin, y))
        previous_after = flowable.getSpaceAfter()
    return placed


def _draw_placed(canvas: Canvas, placed: list[_Placed]) -> None:
    for item in placed:
        item.flowable.drawOn(canvas, item.x, item.y)


def _first_fitting(
    notice: PatientNotice, margin: float, part: str, count: int
) -> list[_Placed] | None:
    """The part with as many of its items in full as one page holds."""
    for keep in range(count, -1, -1):
        placed = _layout_one_page(notice, A4, margin, part, keep)
        if placed is not None:
            return placed
    return None


def poster(notice: PatientNotice, copies: int = 1) -> bytes:
    """A4 poster for the door and the waiting room, never shrunk: one page, or when that
    cannot hold it a set of two (what changes; how to get help), each one page. A set with
    no room for every change or local service prints the first in full and says where to
    find the others (the website, the leaflet at reception).

    The layout is worked out and drawn once, then placed on each of ``copies`` pages.
    """
    completeness.require(completeness.check_notice(notice))
    margin = 10 * mm
    one = _layout_one_page(notice, A4, margin)
    if one is not None:
        posters = [one]
    else:  # a two-poster set: what changes, and how to get help, each on its own page
        changes = _first_fitting(notice, margin, "changes", len(notice.changes))
        helping = _first_fitting(notice, margin, "help", len(local_services(notice)))
        if changes is None or helping is None:  # not even the barest fits: run on, full size
            return _flowing_pdf(notice, POSTER, A4, margin, notice.headline)
        posters = [changes, helping]
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, lang=LANGUAGE, initialFontName=fonts()[0])
    _describe(canvas, notice.headline, notice)
    # Drawn once as a form and placed on every page: a print run of many copies costs
    # little more than one, and the file stays small.
    for number, placed in enumerate(posters):
        canvas.beginForm(f"poster{number}")
        _draw_placed(canvas, placed)
        canvas.endForm()
    for copy in range(copies):
        for number in range(len(posters)):
            canvas.doForm(f"poster{number}")
            record.stamp_page(canvas, margin)
            draft.stamp_page(canvas, first=copy == 0 and number == 0)
            canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _subject(notice: PatientNotice) -> str:
    return (
        f"What changes at {notice.practice.name} and how patients can get help, "
        "including NHS 111, 999 and Pharmacy First"
    )


def _describe(canvas: Canvas, title: str, notice: PatientNotice) -> None:
    canvas.setViewerPreference("DisplayDocTitle", "true")
    canvas.setSubject(_subject(notice))
    canvas.setTitle(title)
    canvas.setAuthor(notice.practice.name)
    canvas.setCreator("Practice Action")


# ---------------------------------------------------------------- website


def website_html(notice: PatientNotice) -> str:
    """A fragment to paste into the practice website; every piece of user text escaped."""
    completeness.require(completeness.check_notice(notice))

    def e(text: str) -> str:
        return html.escape(text, quote=True)

    link = '<a href="https://111.nhs.uk">111.nhs.uk</a>'
    nhs_111 = e(NHS_111_TEXT).replace("111.nhs.uk", link, 1)
    out = [
        '<section class="practice-notice">',
        f"<h2>{e(notice.headline)}</h2>",
        f"<p><strong>{e(open_text(notice.practice))}</strong></p>",
        "<h3>What is changing</h3>",
        "<ul>",
    ]
    out += [
        f"<li><strong>From {uk_date(c.starts)}:</strong> {e(c.what)}</li>"
        for c in ordered_changes(notice)
    ]
    out += [
        "</ul>",
        f"<p>{e(WHY_TEXT)}</p>",
        "<h3>How to get help</h3>",
        f"<p><strong>NHS 111.</strong> {nhs_111}</p>",
        f"<p><strong>999 for emergencies only.</strong> {e(EMERGENCY_TEXT)}</p>",
        f"<p><strong>Pharmacy First.</strong> {e(PHARMACY_TEXT)}</p>",
        "<ul>",
    ]
    out += [f"<li>{e(name)}: {e(ages)}</li>" for name, ages in PHARMACY_FIRST_CONDITIONS]
    out.append("</ul>")
    near = pharmacies(notice)
    if near:
        out.append(f"<h3>{e(pharmacy_heading(notice))}</h3>")
        for pharmacy in near:
            lines = "<br>".join(e(line) for line in service_details(pharmacy))
            out.append(f"<p><strong>{e(pharmacy.name)}</strong><br>{lines}</p>")
    services = local_services(notice)
    if services:
        out.append("<h3>Local services</h3>")
        for service in services:
            lines = "<br>".join(e(line) for line in service_details(service))
            out.append(f"<p><strong>{e(service.name)}</strong><br>{lines}</p>")
    out += [f"<p>{e(contact_line(notice.practice))}</p>", "</section>"]
    return "\n".join(out) + "\n"


def website_text(notice: PatientNotice) -> str:
    """The same notice as plain text, for a website or newsletter that takes no HTML."""
    completeness.require(completeness.check_notice(notice))
    out = [notice.headline, "", open_text(notice.practice), "", "What is changing"]
    out += [f"- From {uk_date(c.starts)}: {c.what}" for c in ordered_changes(notice)]
    out += [
        "",
        WHY_TEXT,
        "",
        "How to get help",
        f"NHS 111: {NHS_111_TEXT}",
        f"999 for emergencies only: {EMERGENCY_TEXT}",
    ]
    out.append(f"Pharmacy First: {PHARMACY_TEXT}")
    out += [f"- {name}: {ages}" for name, ages in PHARMACY_FIRST_CONDITIONS]
    near = pharmacies(notice)
    if near:
        out += ["", pharmacy_heading(notice)]
        for pharmacy in near:
            out.append(pharmacy.name)
            out += [f"  {line}" for line in service_details(pharmacy)]
    services = local_services(notice)
    if services:
        out += ["", "Local services"]
        for service in services:
            out.append(service.name)
            out += [f"  {line}" for line in service_details(service)]
    out += ["", contact_line(notice.practice)]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- text message


def _short_change(change: PatientChange) -> str:
    text = change.sms.strip() or change.what.strip()
    if not change.sms.strip():
        end = text.find(". ")
        text = text[: end + 1] if end > 0 else text
    return text.rstrip(".")


def _short_date(change: PatientChange, brief: bool) -> str:
    day = change.starts
    return f"{day.day} {day:%b}" if brief else uk_date(day)


ACCENTS_NOTE = "Accents are left out: a text cannot show them."


def sms_ending(practice: PracticeProfile, every_change: bool) -> str:
    """What every text message ends with: where to read more (every change, when some were
    left out), the practice's website or else its phone."""
    where = practice.website.strip() or f"call {practice.phone.strip()}"
    return f"{'More' if every_change else 'Every change'}: {where}"


def _sms_candidates(notice: PatientNotice) -> list[str]:
    """From the fullest message to the barest; the first that fits is sent. Every one ends
    with the practice's website or phone."""
    practice = notice.practice
    changes = ordered_changes(notice)
    services = [s for s in local_services(notice) if s.kind is not ServiceKind.CRISIS_LINE]
    first = services[0] if services else None

    def changes_text(count: int, brief: bool, say_more: bool) -> str:
        parts = [f"from {_short_date(c, brief)}: {_short_change(c)}" for c in changes[:count]]
        left = len(changes) - count
        if left and count and say_more:  # a change left out is said to be there
            parts.append(f"and {left} other change{'s' if left > 1 else ''}")
        if not parts:  # no room to name any: when they start
            parts.append(f"changes from {_short_date(changes[0], brief)}")
        text = "; ".join(parts)
        return text[0].upper() + text[1:] + "."

    def message(
        count: int, brief: bool, pharmacy: bool, service: str, say_more: bool = True
    ) -> str:
        parts = [
            f"{practice.name}: {changes_text(count, brief, say_more)}",
            "We are open and appointments go ahead.",
            "Urgent help: 111.nhs.uk or call 111. 999 for life-threatening emergencies only.",
        ]
        if pharmacy:
            parts.append("Pharmacies treat 7 common conditions without a GP appointment.")
        if service:
            parts.append(service)
        if dropped_accents(" ".join(parts)):  # "Tŷ'r" goes as "Ty'r": say why
            parts.append(ACCENTS_NOTE)
        parts.append(sms_ending(practice, every_change=count == len(changes)))
        return " ".join(parts)

    service_full = service_short = ""
    if first is not None:
        hours = f" ({nhs_hours(first.hours.strip())})" if first.hours.strip() else ""
        street = ", ".join(address_lines(first))
        place = f", {street}" if street else ""
        service_full = f"Or visit {first.name}{place}{hours}."
        service_short = f"Or visit {first.name}."
    candidates = []
    for count in range(len(changes), 0, -1):
        for pharmacy, service in (
            (True, service_full),
            (True, service_short),
            (True, ""),
            (False, service_short),
            (False, ""),
        ):  # a short date ("1 Oct") before anything is left out
            candidates += [message(count, brief, pharmacy, service) for brief in (False, True)]
    # then the changes named without their count (the ending says where every change is),
    # and at the last, only the day they start
    candidates += [message(count, True, False, "", False) for count in range(len(changes), 0, -1)]
    candidates += [message(0, True, pharmacy, "") for pharmacy in (True, False)]
    return candidates


def text_message(notice: PatientNotice) -> str:
    """A text message of at most two SMS in the GSM alphabet, shortened if it must be.

    Refuses, saying what to change, when even the barest form will not fit or when the
    practice's text has characters no stand-in exists for.
    """
    completeness.require(completeness.check_notice(notice))
    shortest = ""
    for candidate in _sms_candidates(notice):
        converted, problems = to_gsm(candidate)
        if problems:
            raise SmsTooLong(
                "The text message cannot be sent as typed: "
                + " ".join(problems)
                + " Change the practice name at Set-up > Practice profile."
            )
        if sms_length(converted) <= MAX_LENGTH:
            return converted
        shortest = converted
    raise SmsTooLong(
        f"The text message would be {sms_length(shortest)} characters even at its shortest; "
        f"two messages hold {MAX_LENGTH}. Shorten the practice name at Set-up > Practice "
        "profile (the name the text message starts with)."
    )
