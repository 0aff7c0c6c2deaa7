"""The letters a plan calls for: PDF bytes from the dataclasses in ``model``.

Each function checks its input first (``completeness``), so a letter with a hole in it is
never produced. The wording is ours; the BMA's action titles are quoted with attribution.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

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
    ServiceNoticeItem,
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
)
from practice_action.documents.times import uk_date
from practice_action.domain import wording
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


def _words(
    kind: str, overrides: tuple[tuple[str, str], ...], values: dict[str, str]
) -> Callable[[str], str]:
    """The markup of each paragraph: the practice's words or the shipped ones, filled in."""
    chosen = dict(overrides)

    def paragraph(key: str) -> str:
        return wording.fill(wording.chosen(kind, chosen, key), values, _spaced)

    return paragraph


def _spaced(text: str) -> str:
    """``esc`` for a piece of a sentence: the spaces at its ends are kept."""
    return " ".join(esc(part) for part in text.split(" "))


def _common_fields(head: Letterhead, recipient: PostalAddress) -> dict[str, str]:
    practice = head.practice
    return {
        "practice": esc(practice.name),
        "recipient": esc(recipient.name),
        "icb": esc(practice.icb.name),
        "lmc": esc(practice.lmc.name),
    }


def _terms(items: tuple[ServiceNoticeItem, ...]) -> str:
    under = [item for item in items if item.termination_clause.strip()]
    parts = [
        f"for {esc(item.name)}, {esc(item.termination_clause.strip())}, with "
        f"{plural(item.notice_days, 'day')}' notice"
        for item in under
    ]
    if len(parts) > 1:
        return "; ".join(parts[:-1]) + "; and " + parts[-1]
    return parts[0] if parts else ""


def voluntary_services_notice(letter: VoluntaryServicesNotice) -> bytes:
    completeness.require(completeness.check_letter(letter))
    rows = []
    for item in letter.services:
        name = esc(item.name)
        if item.termination_clause.strip():
            name += (
                "<br/><font size=8.5 color='#4C6272'>Local agreement: "
                f"{esc(item.termination_clause.strip())}</font>"
            )
        rows.append(
            [name, uk_date(item.served_on), plural(item.notice_days, "day"), uk_date(item.last_day)]
        )
    several = len(letter.services) > 1
    values = _common_fields(letter.letterhead, letter.recipient) | {
        "services": "services" if several else "service",
        "it": "them" if several else "it",
        "is_are": "are" if several else "is",
        "this_service": "these services" if several else "this service",
        "each_service": "Each service" if several else "The service",
        "last_day": "the last days above" if several else "the last day above",
        "terms": _terms(letter.services),
    }
    words = _words(letter.kind, letter.wording, values)
    under = sum(1 for item in letter.services if item.termination_clause.strip())
    if letter.recipient_kind == "trust":
        why = "why_trust"
    elif under == 0:
        why = "why_no_agreement"
    elif under == len(letter.services):
        why = "why_agreement"
    else:
        why = "why_mixed"
    story: list[Flowable] = [
        _p("Notice to end voluntary services", SUBJECT),
        _p(f"{esc(letter.salutation)},"),
        _p(f"{words('opening')} {words(why)}"),
        _p(words("formal")),
        _table(
            ["Service", "Notice served", "Notice period", "Last day provided"],
            rows,
            [BODY_WIDTH * 0.38, BODY_WIDTH * 0.22, BODY_WIDTH * 0.16, BODY_WIDTH * 0.24],
        ),
        Spacer(1, 5 * mm),
        _p(words("after")),
        *_closing(letter.letterhead, letter.signer, list(letter.cc), _p(words("closing"))),
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


def _same_party(one: PostalAddress, other: PostalAddress) -> bool:
    return (one.name.strip().casefold(), one.postcode.replace(" ", "").upper()) == (
        other.name.strip().casefold(),
        other.postcode.replace(" ", "").upper(),
    )


def data_sharing_withdrawal(letter: DataSharingWithdrawal) -> bytes:
    completeness.require(completeness.check_letter(letter))
    agreement = f"<b>{esc(letter.agreement)}</b>"
    if letter.signed_on:
        agreement += f", signed on {uk_date(letter.signed_on)}"
    values = _common_fields(letter.letterhead, letter.recipient) | {
        "agreement": agreement,
        "purpose": esc(letter.purpose),
        "lawful_basis": esc(letter.lawful_basis),
        "permission_ends": f"<b>{uk_date(letter.permission_ends)}</b>",
    }
    words = _words(letter.kind, letter.wording, values)
    to_icb = _same_party(letter.recipient, letter.copy_to)
    story: list[Flowable] = [
        _p(f"Withdrawal of permission to share data: {esc(letter.agreement)}", SUBJECT),
        _p(f"{esc(letter.salutation)},"),
        _p(words("about" if letter.purpose_recorded else "about_unrecorded")),
    ]
    if letter.lawful_basis.strip():
        story.append(_p(words("lawful_basis")))
    story += [
        _p(words("withdraw")),
        _p(words("direct_care")),
        _p(words("context_icb" if to_icb else "context")),
        *_closing(
            letter.letterhead,
            letter.signer,
            [] if to_icb else [letter.copy_to],
            _p(words("closing")),
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
        "Every one of them keeps within the practice's GP contract."
        if not any(a.contract_conflict for a in letter.actions)
        else "Where the contract bears on an action, the table says so."
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
    values = _common_fields(letter.letterhead, letter.recipient) | {
        "timing": timing,
        "contract": within,
    }
    words = _words(letter.kind, letter.wording, values)
    practice = esc(letter.letterhead.practice.name)
    story: list[Flowable] = [
        _p(f"Changes to services at {practice}", SUBJECT),
        _p(f"{esc(letter.salutation)},"),
        _p(words("opening")),
        # Which actions are quoted and which are in our words follows the plan itself.
        _p(_wording_note(letter.actions), SMALL),
        _table(
            ["", "Action", "From"],
            rows,
            [BODY_WIDTH * 0.06, BODY_WIDTH * 0.70, BODY_WIDTH * 0.24],
        ),
        Spacer(1, 5 * mm),
        *_ending_lists(letter),
        _p(words("patients")),
        *_closing(letter.letterhead, letter.signer, [letter.copy_to], _p(words("closing"))),
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
