"""Letters of the 2026 round: the request to the ICB's Chief Clinical Information Officer, and
the answer to the ICB's stock reply.

The practice asks its ICB's CCIO to review every data sharing agreement the practice is party
to, and to send for each its lawful basis, its data protection impact assessment and its data
flows; it says which voluntary secondary-use agreements it will stop honouring, and from when.
Written in the practice's own voice; the BMA is not quoted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from practice_action.documents.model import Letterhead, Signer
from practice_action.domain.records import PostalAddress


@dataclass(frozen=True)
class AgreementLine:
    """One agreement in the register, as the letter lists it."""

    name: str
    party: str
    purpose: str
    signed_on: date | None
    stop_honouring: bool
    lawful_basis: str = ""  # as the register gives it; empty when not known
    dpia: str = ""  # what the register says of its DPIA, in words
    required: str = ""  # why the practice must share, when the contract or the law requires it


@dataclass(frozen=True)
class CcioDsaReview:
    letterhead: Letterhead
    recipient: PostalAddress  # the ICB, for the attention of its CCIO
    reference: str
    dated: date
    signer: Signer
    agreements: tuple[AgreementLine, ...]
    stop_from: date | None


@dataclass(frozen=True)
class CcioFollowUp(CcioDsaReview):
    """The answer to an ICB's stock reply: the questions asked again, agreement by agreement,
    to the same ICB about the same agreements (its own reference and date)."""

    first_reference: str  # our first letter, as the register holds it
    first_dated: date
    reply_noted: date  # the day the practice noted the ICB's reply (its plan task)
    copy_to: str = ""  # the LMC, named in the letter
    answer_within_days: int = 28

    @property
    def answer_by(self) -> date:
        return self.dated + timedelta(days=self.answer_within_days)


def ccio_dsa_review(letter: CcioDsaReview) -> bytes:
    """The first letter: the review asked for, every agreement listed."""
    from practice_action.documents.style import esc

    practice = esc(letter.letterhead.practice.name)
    count = len(letter.agreements)
    opening = [
        f"As data controller for our patients' records, {practice} asks the ICB to review "
        "every data sharing agreement to which the practice is a signatory, so that we can "
        "be sure that each is lawful, proportionate and in our patients' interests. Our "
        f"register holds {count} agreement{'s' if count != 1 else ''}:"
    ]
    closing = [
        "For each agreement, please send us in writing: its lawful basis under data "
        "protection law; its data protection impact assessment (DPIA), or confirmation that "
        "none exists; and its data flows, that is what data leaves the practice, to whom, "
        "how often and for what purpose.",
        _honouring(letter.agreements, "will stop"),
    ]
    return _ccio_letter(
        letter,
        "Request for a review of every data sharing agreement",
        opening,
        closing,
        "Please acknowledge this letter, quoting our reference.",
        ("Data sharing review", "Request for a review of data sharing agreements"),
    )


def ccio_dsa_followup(letter: CcioFollowUp) -> bytes:
    """The second letter: the ICB's general reply does not answer; the questions again."""
    from practice_action.documents.style import esc
    from practice_action.documents.times import uk_date

    practice = esc(letter.letterhead.practice.name)
    # Kept to one page with the house's sizes for a register of four agreements: the reply
    # is asked for in the closing paragraph rather than a line of its own.
    opening = [
        f"Thank you for your reply to our letter of {uk_date(letter.first_dated)} (our ref "
        f"{esc(letter.first_reference)}), which we noted on {uk_date(letter.reply_noted)}. It "
        "does not give us what we asked for: a general assurance does not let "
        f"{practice}, as data controller, show that each of the agreements below is lawful. "
        "We ask again:",
    ]
    closing = [
        "Please send us in writing, for each one, its lawful basis under data protection law, "
        "its data protection impact assessment (DPIA) or confirmation that none exists, and "
        "its data flows (what data leaves the practice, to whom, how often and why) by "
        f"<b>{uk_date(letter.answer_by)}</b>, {letter.answer_within_days} days from the date "
        "of this letter, quoting our reference.",
        _honouring(letter.agreements, "stop", brief=True),
    ]
    if letter.copy_to.strip():
        closing.append(f"We are sending a copy of this letter to {esc(letter.copy_to)}.")
    return _ccio_letter(
        letter,
        "Our request for a review of every data sharing agreement: your reply",
        opening,
        closing,
        "",
        ("Data sharing review, follow-up", "Follow-up on the review of data sharing agreements"),
    )


def _honouring(agreements: tuple[AgreementLine, ...], verb: str, *, brief: bool = False) -> str:
    if brief and any(a.stop_honouring for a in agreements):  # the follow-up: said once before
        return (
            f"We {verb} honouring the voluntary agreements marked above, which use our "
            "patients' data for secondary purposes, and sign no new one of that kind. "
            "Agreements that the GP contract or the law requires, and sharing for direct care, "
            "continue as before."
        )
    if any(a.stop_honouring for a in agreements):
        return (
            f"We {verb} honouring the voluntary agreements marked above, which use our "
            "patients' data for secondary purposes rather than their direct care, and we will "
            "sign no new voluntary agreement of that kind. Agreements that the GP contract or "
            "the law requires, and sharing for direct care, continue as before."
        )
    return (
        "We sign no new voluntary agreement for secondary purposes while this review runs. "
        "Agreements that the GP contract or the law requires, and sharing for direct care, "
        "continue as before."
    )


def _ccio_letter(
    letter: CcioDsaReview | CcioFollowUp,
    subject_text: str,
    opening: list[str],
    closing: list[str],
    ask: str,
    names: tuple[str, str],  # running head, PDF title
) -> bytes:
    # reportlab only when drawing: the services import the dataclasses above at start
    from reportlab.lib.units import mm
    from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

    from practice_action.documents.pages import LetterFrame, build_letter
    from practice_action.documents.style import esc, style
    from practice_action.documents.times import uk_date

    body = style("r26-body", 10.5, leading=14, after=2.5 * mm)
    subject = style("r26-subject", 11.5, bold=True, leading=15, after=4 * mm)
    item_style = style("r26-item", 10.5, leading=14, after=1.5 * mm)
    name_style = style("r26-name", 10.5, bold=True, leading=14)
    stopped = "We stop" if isinstance(letter, CcioFollowUp) else "We will stop"

    def _p(markup: str, paragraph_style: Any = body) -> Any:
        return Paragraph(markup, paragraph_style)

    practice = esc(letter.letterhead.practice.name)
    listed = []
    for number, item in enumerate(letter.agreements, start=1):
        signed = f", signed {uk_date(item.signed_on)}" if item.signed_on else ""
        stop = (
            f" <b>{stopped} honouring this agreement from {uk_date(letter.stop_from)}.</b>"
            if item.stop_honouring and letter.stop_from
            else ""
        )
        known = "".join(
            f"; {label} {esc(value)}"
            for label, value in (
                ("lawful basis", item.lawful_basis),
                ("DPIA:", item.dpia),
                ("", item.required),
            )
            if value
        )
        listed.append(
            _p(
                f"{number}. <b>{esc(item.name)}</b>, with {esc(item.party)}{signed}; in our "
                f"register: {esc(item.purpose)}{known}.{stop}",
                item_style,
            )
        )
    story: list[Flowable] = [
        _p("For the attention of the Chief Clinical Information Officer", name_style),
        _p(subject_text, subject),
        _p("Dear Chief Clinical Information Officer,"),
        *(_p(text) for text in opening),
        *listed,
        *(_p(text) for text in closing),
        KeepTogether(
            [
                *([_p(ask)] if ask else []),
                _p("Yours faithfully,"),
                Spacer(1, 10 * mm),
                _p(esc(letter.signer.name), name_style),
                _p(f"{esc(letter.signer.role)}, for and on behalf of the partners, {practice}"),
            ]
        ),
    ]
    head = letter.letterhead
    frame = LetterFrame(
        letterhead=head,
        recipient_lines=letter.recipient.lines(),
        references=[("Our ref", esc(letter.reference)), ("Date", esc(uk_date(letter.dated)))],
        running_head=f"{head.practice.name} · {names[0]} · Our ref {letter.reference} · continued",
    )
    return build_letter(frame, story, title=names[1])


@dataclass(frozen=True)
class BriefingItem:
    """One adopted action as staff need it."""

    title: str
    starts: date
    ends: date | None
    meaning: str
    requirements: tuple[str, ...] = ()


@dataclass(frozen=True)
class StaffBriefing:
    """What the plan means for every clinician and for reception, made again when it changes."""

    practice: str
    dated: date
    plan_version: int
    items: tuple[BriefingItem, ...]
    cap: int | None
    reception_words: str
    urgent_route: str
    reference: str = ""  # set when generated; with the date, not part of what it says


def staff_briefing(briefing: StaffBriefing) -> bytes:
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    from practice_action.documents.pages import LANGUAGE, NumberedCanvas
    from practice_action.documents.style import esc, fonts, style
    from practice_action.documents.times import uk_date

    title = style("sb-title", 16, bold=True, leading=20, after=2 * mm)
    head = style("sb-head", 12, bold=True, leading=15, before=3 * mm, after=1.5 * mm)
    body = style("sb-body", 10.5, leading=14, after=2 * mm)
    story: list[Any] = [
        Paragraph(f"Staff briefing: our collective action plan · {esc(briefing.practice)}", title),
        Paragraph(
            f"For every clinician (partners, salaried GPs, locums, registrars) and for "
            f"reception. Plan version {briefing.plan_version}, as at "
            f"{uk_date(briefing.dated)}{', ref ' + esc(briefing.reference) if briefing.reference else ''}. A new briefing is made whenever the plan changes.",
            body,
        ),
        Paragraph("The actions we have adopted", head),
    ]
    for item in briefing.items:
        until = f" until {uk_date(item.ends)}" if item.ends else ""
        story.append(
            Paragraph(
                f"<b>{esc(item.title)}</b>: from {uk_date(item.starts)}{until}. "
                f"{esc(item.meaning)}",
                body,
            )
        )
        for requirement in item.requirements:
            story.append(Paragraph(f"&#9888; {esc(requirement)}", body))
    if briefing.cap is not None:
        story += [
            Paragraph("The daily limit", head),
            Paragraph(
                f"Each clinician sees at most <b>{briefing.cap}</b> patients a day. Reception "
                "counts every contact at the desk; the counter shows who is full.",
                body,
            ),
            Paragraph("What reception says when a clinician is full", head),
            Paragraph(f"<i>{esc(briefing.reception_words)}</i>", body),
        ]
    story += [
        Paragraph("Anyone clinically urgent", head),
        Paragraph(esc(briefing.urgent_route), body),
        Spacer(1, 2 * mm),
    ]
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title="Staff briefing",
        author=briefing.practice,
        subject=f"Staff briefing on the collective action adopted by {briefing.practice}",
        creator="Practice Action",
        lang=LANGUAGE,
        initialFontName=fonts()[0],
    ).build(
        story,
        canvasmaker=lambda *a, **k: NumberedCanvas(
            *a, footer_left=f"{briefing.practice} · Staff briefing", **k
        ),
    )
    return buffer.getvalue()
