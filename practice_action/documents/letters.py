"""The letters a plan calls for: PDF bytes from the dataclasses in ``model``.

Each function checks its input first (``completeness``), so a letter with a hole in it is
never produced. The wording is ours; the BMA's action titles are quoted with attribution.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from practice_action.documents import completeness
from practice_action.documents.model import (
    AdoptedActionItem,
    DataSharingWithdrawal,
    Letter,
    Letterhead,
    ReferralLetterTemplate,
    ServiceChangesNotification,
    Signer,
    VoluntaryServicesNotice,
)
from practice_action.documents.pages import (
    ADDRESS_PLAY,
    BODY_WIDTH,
    WINDOW_LEFT,
    WINDOW_TOP,
    WINDOW_WIDTH,
    LetterFrame,
    ScaledImage,
    build_letter,
    from_top,
)
from practice_action.documents.style import (
    DARK,
    GREY,
    NHS_BLUE,
    PALE,
    WARM,
    esc,
    fonts,
    paragraphs,
    plain,
    plural,
    style,
    uk_date,
)
from practice_action.domain.records import PostalAddress

BODY = style("body", 10.5, leading=14, after=7)
SUBJECT = style("subject", 11.5, bold=True, after=8, color=DARK, keep_with_next=True)
CELL = style("cell", 9.5, leading=12)
CELL_HEAD = style("cell-head", 9.5, bold=True, leading=12, color=colors.white)
SMALL = style("small", 8.5, leading=11, color=GREY)
SIGN_NAME = style("sign-name", 10.5, bold=True, leading=14)


def _p(markup: str, paragraph_style: object = BODY) -> Paragraph:
    return Paragraph(markup, paragraph_style)  # type: ignore[arg-type]


def _one_line(address: PostalAddress) -> str:
    return ", ".join(address.lines())


def _table(header: list[str], rows: list[list[str]], widths: list[float]) -> Table:
    data = [[_p(esc(h), CELL_HEAD) for h in header]]
    data += [[_p(cell, CELL) for cell in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    regular, _ = fonts()
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts()[0]),
                ("BACKGROUND", (0, 0), (-1, 0), NHS_BLUE),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, PALE]),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, -1), (-1, -1), 0.6, NHS_BLUE),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("FONTNAME", (0, 0), (-1, -1), regular),
            ]
        )
    )
    return table


def _closing(
    head: Letterhead, signer: Signer, cc: list[PostalAddress], last: Paragraph
) -> list[Flowable]:
    """The last paragraph travels with the signature, so a page never holds a signature alone."""
    block: list[Flowable] = [last, Spacer(1, 3 * mm), _p("Yours faithfully,"), Spacer(1, 2 * mm)]
    if signer.signature:
        block.append(ScaledImage(signer.signature))
    else:
        block.append(Spacer(1, 14 * mm))
    block += [
        _p(esc(signer.name), SIGN_NAME),
        _p(esc(signer.role), style("sign-role", 10.5, leading=14)),
        _p(f"for and on behalf of the partners, {esc(head.practice.name)}", BODY),
    ]
    if cc:  # the cc travels with the signature: a page never holds a cc alone
        lines = "<br/>".join(esc(_one_line(address)) for address in cc)
        block += [Spacer(1, 4 * mm), _p(f"<b>cc</b>&nbsp;&nbsp;{lines}", SMALL)]
    return [KeepTogether(block)]


def _frame(
    head: Letterhead, recipient: PostalAddress, reference: str, dated_text: str, what: str
) -> LetterFrame:
    return LetterFrame(
        letterhead=head,
        recipient_lines=recipient.lines(),
        references=[("Our ref", esc(reference)), ("Date", esc(dated_text))],
        running_head=f"{head.practice.name} · {what} · Our ref {reference} · continued",
    )


def voluntary_services_notice(letter: VoluntaryServicesNotice) -> bytes:
    completeness.require(completeness.check_letter(letter))
    practice = esc(letter.letterhead.practice.name)
    rows = [
        [
            esc(item.name),
            uk_date(item.served_on),
            plural(item.notice_days, "day"),
            uk_date(item.last_day),
        ]
        for item in letter.services
    ]
    several = len(letter.services) > 1
    them = "them" if several else "it"
    services_word = "these services" if several else "this service"
    if letter.recipient_kind == "trust":
        why = (
            f"The practice has done this work for patients of the trust, at the trust's request. "
            f"It is not part of our GP contract: work a hospital asks of its own patients, such "
            f"as blood tests before or after its clinics, is the trust's own under the NHS "
            f"Standard Contract, and we ask you to make your own arrangements for {them}."
        )
    else:
        why = (
            f"{'These services are' if several else 'This service is'} not part of our GP "
            f"contract. The practice has provided {them} without an agreement that pays for "
            f"the work, and we ask you, as commissioner, to arrange {them} elsewhere."
        )
    story: list[Flowable] = [
        _p("Notice to end voluntary services", SUBJECT),
        _p(f"{esc(letter.salutation)},"),
        _p(
            f"The partners of {practice} give notice that the practice will stop providing the "
            f"{'services' if several else 'service'} listed below. {why}"
        ),
        _p(
            "This letter is our formal notice. "
            + (
                "Each service continues until the last day shown, which allows the notice "
                "period that applies to it locally."
                if several
                else "The service continues until the last day shown, which allows the notice "
                "period that applies to it locally."
            )
        ),
        _table(
            ["Service", "Notice served", "Notice period", "Last day provided"],
            rows,
            [BODY_WIDTH * 0.38, BODY_WIDTH * 0.22, BODY_WIDTH * 0.16, BODY_WIDTH * 0.24],
        ),
        Spacer(1, 5 * mm),
        _p(
            "We are taking this step as part of the collective action that GP partners in "
            f"England voted for in 2024. We remain willing to discuss how {services_word} "
            f"could continue under a properly funded agreement, and we ask you to tell us how "
            f"patients who need {them} will be cared for after "
            f"{'the last days above' if several else 'the last day above'}."
        ),
        *_closing(
            letter.letterhead,
            letter.signer,
            list(letter.cc),
            _p("Please acknowledge this notice in writing, quoting our reference."),
        ),
    ]
    frame = _frame(
        letter.letterhead,
        letter.recipient,
        letter.reference,
        uk_date(letter.dated),
        "Notice on voluntary services",
    )
    return build_letter(
        frame, story, title=f"Notice on voluntary services: {letter.recipient.name}"
    )


def data_sharing_withdrawal(letter: DataSharingWithdrawal) -> bytes:
    completeness.require(completeness.check_letter(letter))
    practice = esc(letter.letterhead.practice.name)
    ends = uk_date(letter.permission_ends)
    signed = f", signed on {uk_date(letter.signed_on)}" if letter.signed_on else ""
    story: list[Flowable] = [
        _p(f"Withdrawal of permission to share data: {esc(letter.agreement)}", SUBJECT),
        _p(f"{esc(letter.salutation)},"),
        _p(
            f"We write about the data sharing agreement <b>{esc(letter.agreement)}</b>{signed}, "
            f"under which {practice} shares data from its patient records with "
            f"{esc(letter.recipient.name)}. As we understand it, the data is used only for a "
            f"secondary purpose, not for the direct care of our patients: "
            f"{esc(letter.purpose)}."
        ),
        _p(
            f"The partners have decided to withdraw the practice's permission for this sharing. "
            f"<b>Permission ends on {ends}.</b> From that date please take no further data from "
            "our records under this agreement, and tell us in writing what will happen to the "
            "data you already hold."
        ),
        _p(
            "This letter does not affect any sharing of information for the direct care of our "
            "patients, which continues as before."
        ),
        _p(
            "We are taking this step as part of the collective action that GP partners in "
            "England voted for in 2024. A copy of this letter goes to our Integrated Care Board."
        ),
        *_closing(
            letter.letterhead,
            letter.signer,
            [letter.copy_to],
            _p(
                "Please confirm in writing that you have received this letter, quoting our reference."
            ),
        ),
    ]
    frame = _frame(
        letter.letterhead,
        letter.recipient,
        letter.reference,
        uk_date(letter.dated),
        "Withdrawal of data-sharing permission",
    )
    return build_letter(
        frame, story, title=f"Withdrawal of data-sharing permission: {letter.agreement}"
    )


def action_source(action: AdoptedActionItem) -> str:
    """Where an adopted action comes from, as the notification of service changes says it."""
    if action.attribution:
        return f"Quoted from {action.attribution}"
    if action.in_our_words_from:
        return f"{_short_publisher(action.in_our_words_from)} action (in our words)"
    return "The practice's own action"


def _short_publisher(publisher: str) -> str:
    """The BMA's committee is the BMA to an ICB; any other publisher by its own name."""
    return "BMA" if publisher.split()[:1] == ["BMA"] else publisher


def _wording_note(actions: Sequence[AdoptedActionItem]) -> str:
    quoted = [a.attribution for a in actions if a.attribution]
    ours = any(not a.attribution and a.in_our_words_from for a in actions)
    whose = "the BMA's" if all(q.startswith("BMA") for q in quoted) else "its publisher's"
    if quoted and not ours:
        return (
            f"Each action is given in {whose} own words, as a quotation, so that you "
            "can see exactly which one the practice has adopted; the wording is addressed to "
            "GP practices, not to you."
        )
    if ours and not quoted:
        return (
            "Each action is given in our words, with the name of its publisher, so that you "
            "can see which one the practice has adopted."
        )
    if quoted:
        return (
            f"An action in quotation marks is given in {whose} own words, so that you "
            "can see exactly which one the practice has adopted (the wording is addressed to "
            "GP practices, not to you); one marked “in our words” is our summary of "
            "the publisher's action."
        )
    return "Each action is one the practice has added itself, in its own words."


def service_changes_notification(letter: ServiceChangesNotification) -> bytes:
    completeness.require(completeness.check_letter(letter))
    practice = esc(letter.letterhead.practice.name)
    rows = []
    for number, action in enumerate(letter.actions, start=1):
        cell = f"“{esc(action.title)}”" if action.attribution else esc(action.title)
        source = esc(action_source(action))
        cell += f"<br/><font size=8 color='#4C6272'>{source}</font>"
        if action.note:
            cell += f"<br/><font size=8.5>{esc(action.note)}</font>"
        if action.contract_conflict:
            cell += (
                "<br/><font size=8.5 color='#8A1538'><b>The GP contract:</b> "
                f"{esc(action.contract_conflict)}</font>"
            )
        rows.append([str(number), cell, uk_date(action.effective_from)])
    within = (
        " Every one of them keeps within the practice's GP contract."
        if not any(a.contract_conflict for a in letter.actions)
        else " Where the contract bears on an action, the table says so."
    )
    begun = [a for a in letter.actions if a.effective_from <= letter.dated]
    if not begun:
        timing = "None of these changes has started yet: each begins on the date shown."
    elif len(begun) == len(letter.actions):
        timing = (
            "All of these changes have already begun, on the dates shown; this letter "
            "confirms them in writing."
        )
    else:
        timing = (
            f"{len(begun)} of these changes {'has' if len(begun) == 1 else 'have'} already "
            "begun, on the dates shown; the others begin on theirs."
        )
    story: list[Flowable] = [
        _p(f"Changes to services at {practice}", SUBJECT),
        _p(f"{esc(letter.salutation)},"),
        _p(
            f"We write to tell you of changes to the way {practice} works. The partners have "
            "adopted the actions below from the collective action agreed by GP partners in "
            f"England. {timing}{within}"
        ),
        _p(_wording_note(letter.actions), SMALL),
        _table(
            ["", "Action", "From"],
            rows,
            [BODY_WIDTH * 0.06, BODY_WIDTH * 0.70, BODY_WIDTH * 0.24],
        ),
        Spacer(1, 5 * mm),
        *_ending_lists(letter),
        _p(
            "The practice stays open through its core hours and patients' booked appointments "
            "go ahead. We are telling our patients what is changing and how to get help, "
            "including NHS 111, Pharmacy First and local urgent care services."
        ),
        *_closing(
            letter.letterhead,
            letter.signer,
            [letter.copy_to],
            _p(
                "We will keep a record of the effect of these changes and will tell you of any "
                "further change. If you would like to discuss them, please contact the practice, "
                "quoting our reference."
            ),
        ),
    ]
    frame = _frame(
        letter.letterhead,
        letter.recipient,
        letter.reference,
        uk_date(letter.dated),
        "Notification of service changes",
    )
    return build_letter(frame, story, title="Notification of service changes")


def _ending_lists(letter: ServiceChangesNotification) -> list[Flowable]:
    """The services that end and the agreements withdrawn, so the ICB has them in one place."""
    out: list[Flowable] = []
    if letter.services_ending:
        several = len(letter.services_ending) > 1
        group: list[Flowable] = [
            _p(
                f"{'These voluntary services end' if several else 'This voluntary service ends'}"
                " (notice has been served separately):"
            ),
            _table(
                ["Service", "Last day provided"],
                [[esc(s.name), uk_date(s.last_day)] for s in letter.services_ending],
                [BODY_WIDTH * 0.70, BODY_WIDTH * 0.30],
            ),
        ]
        out += [KeepTogether(group), Spacer(1, 4 * mm)]
    if letter.agreements_withdrawn:
        several = len(letter.agreements_withdrawn) > 1
        group = [
            _p(
                f"The practice withdraws its permission for "
                f"{'these data sharing agreements' if several else 'this data sharing agreement'}"
                " (the other party has been written to):"
            ),
            _table(
                ["Agreement", "Other party", "Permission ends"],
                [
                    [esc(a.name), esc(a.party), uk_date(a.permission_ends)]
                    for a in letter.agreements_withdrawn
                ],
                [BODY_WIDTH * 0.42, BODY_WIDTH * 0.34, BODY_WIDTH * 0.24],
            ),
        ]
        out += [KeepTogether(group), Spacer(1, 4 * mm)]
    return out


class _Blank(Flowable):
    """A labelled line for the clinician to write on."""

    def __init__(self, label: str, width: float, lines: int = 1) -> None:
        super().__init__()
        self.label = label
        self.width = width
        self.lines = lines
        self.height = 7 * mm * lines + 1 * mm

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        _, bold = fonts()
        canvas = self.canv
        canvas.setFont(bold, 9.5)
        canvas.setFillColor(DARK)
        label_width = max(55 * mm, canvas.stringWidth(self.label, bold, 9.5) + 4 * mm)
        canvas.drawString(0, self.height - 6 * mm, plain(self.label))
        canvas.setStrokeColor(GREY)
        canvas.setLineWidth(0.5)
        canvas.setDash(1, 2)
        for line in range(self.lines):
            y = self.height - 6.5 * mm - line * 7 * mm
            start = label_width if line == 0 else 0
            canvas.line(start, y, self.width, y)


def referral_letter_template(template: ReferralLetterTemplate) -> bytes:
    completeness.require(completeness.check_referral_template(template))
    banner = Table(
        [
            [
                _p(
                    "<b>TEMPLATE</b> — complete every dotted line before sending. "
                    "Keep patient details to what the referral needs.",
                    style("banner", 9.5, leading=12),
                )
            ]
        ],
        colWidths=[BODY_WIDTH],
    )
    banner.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts()[0]),
                ("BACKGROUND", (0, 0), (-1, -1), WARM),
                ("BOX", (0, 0), (-1, -1), 0.8, DARK),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    story: list[Flowable] = [banner, Spacer(1, 2 * mm)]
    story += [_Blank(label, BODY_WIDTH) for label in template.spaces]
    story.append(Spacer(1, 4 * mm))
    story += [_p(esc(block)) for block in paragraphs(template.wording)]
    story += [
        _Blank("Clinical details", BODY_WIDTH, lines=4),
        # the signature lines travel with the last box: a page never holds them alone
        KeepTogether(
            [
                _Blank("Current medication", BODY_WIDTH, lines=2),
                Spacer(1, 3 * mm),
                _p("Yours sincerely,"),
                _Blank("Signed", BODY_WIDTH),
                _Blank("Name and role", BODY_WIDTH),
            ]
        ),
    ]
    practice = template.letterhead.practice
    blank = "...................................."
    frame = LetterFrame(
        letterhead=template.letterhead,
        recipient_lines=["To (name and address of the service):", "", "", "", ""],
        references=[("Our ref", blank), ("Date", blank)],
        running_head=f"{practice.name} · Professional referral letter · continued",
        on_first_page_extra=_window_lines,
    )
    return build_letter(frame, story, title="Professional referral letter (template)")


def _window_lines(canvas: Canvas) -> None:
    """Dotted lines in the address window of the template, to write the address on."""
    canvas.saveState()
    canvas.setStrokeColor(GREY)
    canvas.setLineWidth(0.5)
    canvas.setDash(1, 2)
    for row in range(1, 5):
        y = from_top(WINDOW_TOP + ADDRESS_PLAY + row * 6.5 * mm)
        canvas.line(WINDOW_LEFT + ADDRESS_PLAY, y, WINDOW_LEFT + WINDOW_WIDTH - ADDRESS_PLAY, y)
    canvas.restoreState()


def render_letter(letter: Letter | ReferralLetterTemplate) -> bytes:
    """Any letter, by its type."""
    if isinstance(letter, VoluntaryServicesNotice):
        return voluntary_services_notice(letter)
    if isinstance(letter, DataSharingWithdrawal):
        return data_sharing_withdrawal(letter)
    if isinstance(letter, ServiceChangesNotification):
        return service_changes_notification(letter)
    return referral_letter_template(letter)
