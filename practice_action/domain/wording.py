"""The wording of each kind of letter, paragraph by paragraph, and the fields it may use.

A partner may put any paragraph in the practice's own words. The shipped wording is the
starting point and stays one step away. A paragraph names what the letter fills in as fields
in braces, ``{practice}``; each paragraph may use only the fields listed for it, and every one
of those always has a value when the letter is drawn, so that a saved wording can never print
a hole. ``check`` refuses anything else before it is saved; ``fill`` refuses it again when
drawing, whatever reached it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from practice_action.domain.errors import ValidationError

MAX_PARAGRAPH = 2000

FIELD_MEANINGS: dict[str, str] = {
    "practice": "the practice's name",
    "recipient": "who the letter goes to",
    "icb": "the ICB's name",
    "lmc": "the LMC's name",
    "services": "'service' or 'services', as the number listed",
    "it": "'it' or 'them', as the number of services",
    "is_are": "'is' or 'are', as the number of services",
    "this_service": "'this service' or 'these services'",
    "each_service": "'The service' or 'Each service', to begin a sentence",
    "last_day": "'the last day above' or 'the last days above'",
    "terms": "each service's termination clause and notice period, from the register",
    "agreement": "the agreement's name, with the date it was signed when known",
    "purpose": "the agreement's purpose, in the register's words",
    "lawful_basis": "the agreement's lawful basis, from the register",
    "permission_ends": "the day permission ends",
    "timing": "whether the changes have begun (written for the letter's date)",
    "contract": "what the letter says about the GP contract",
}

# What each field reads as in the editor's preview, before a letter fills it for real.
FIELD_EXAMPLES: dict[str, str] = {
    "practice": "the practice",
    "recipient": "Soar Valley Hospitals NHS Trust",
    "icb": "the ICB",
    "lmc": "the LMC",
    "services": "service",
    "it": "it",
    "is_are": "is",
    "this_service": "this service",
    "each_service": "The service",
    "last_day": "the last day above",
    "terms": "for Ear irrigation, clause 12.2 of the Ear Care LES 2025/26, with 30 days' notice",
    "agreement": "Population health management analytics, signed on 1 March 2022",
    "purpose": "population health analysis and the planning of services for the ICB",
    "lawful_basis": "UK GDPR Articles 6(1)(e) and 9(2)(h)",
    "permission_ends": "1 December 2026",
    "timing": "All of these changes have already begun, on the dates shown.",
    "contract": "Every one of them keeps within the practice's GP contract.",
}

_COMMON = ("practice", "recipient", "icb", "lmc")
_SERVICES = (*_COMMON, "services", "it", "is_are", "this_service", "each_service", "last_day")
_AGREEMENT = (*_COMMON, "agreement", "permission_ends")


@dataclass(frozen=True)
class ParagraphWording:
    """One paragraph of a letter: when it is printed, its shipped words, the fields it takes."""

    key: str
    used_when: str
    shipped: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class LetterWording:
    kind: str
    title: str
    paragraphs: tuple[ParagraphWording, ...]

    def paragraph(self, key: str) -> ParagraphWording:
        for paragraph in self.paragraphs:
            if paragraph.key == key:
                return paragraph
        raise KeyError(f"{self.kind} has no paragraph {key!r}")


LETTERS: tuple[LetterWording, ...] = (
    LetterWording(
        "voluntary_services_notice",
        "Notice on voluntary services",
        (
            ParagraphWording(
                "opening",
                "Every notice: the first paragraph",
                "The partners of {practice} give notice that the practice will stop providing "
                "the {services} listed below.",
                _SERVICES,
            ),
            ParagraphWording(
                "why_no_agreement",
                "To a commissioner, for services with no agreement",
                "The {services} {is_are} not part of our GP contract. The practice has provided "
                "{it} without an agreement that pays for the work, and we ask you, as "
                "commissioner, to arrange {it} elsewhere.",
                _SERVICES,
            ),
            ParagraphWording(
                "why_agreement",
                "To a commissioner, when every service has a local agreement",
                "The practice provides {this_service} under a local agreement with you (a local "
                "enhanced or locally commissioned service). We give notice under the "
                "agreement's own termination terms: {terms}.",
                (*_SERVICES, "terms"),
            ),
            ParagraphWording(
                "why_mixed",
                "To a commissioner, when some services have a local agreement and some none",
                "Some of these services are provided under a local agreement with you (a local "
                "enhanced or locally commissioned service), and we give notice under its own "
                "termination terms: {terms}. The others are not part of our GP contract: the "
                "practice has provided them without an agreement that pays for the work, and "
                "we ask you, as commissioner, to arrange them elsewhere.",
                (*_SERVICES, "terms"),
            ),
            ParagraphWording(
                "why_trust",
                "To an NHS trust",
                "The practice has done this work for patients of the trust, at the trust's "
                "request. It is not part of our GP contract: work a hospital asks of its own "
                "patients, such as blood tests before or after its clinics, is the trust's own "
                "under the NHS Standard Contract, and we ask you to make your own arrangements "
                "for {it}.",
                _SERVICES,
            ),
            ParagraphWording(
                "formal",
                "Every notice: above the table",
                "This letter is our formal notice. {each_service} continues until the last day "
                "shown, which allows the notice period that applies to it.",
                _SERVICES,
            ),
            ParagraphWording(
                "after",
                "Every notice: below the table",
                "We are taking this step as part of the collective action that GP partners in "
                "England voted for in 2024. We remain willing to discuss how {this_service} "
                "could continue under a properly funded agreement, and we ask you to tell us "
                "how patients who need {it} will be cared for after {last_day}.",
                _SERVICES,
            ),
            ParagraphWording(
                "closing",
                "Every notice: above the signature",
                "Please acknowledge this notice in writing, quoting our reference.",
                _SERVICES,
            ),
        ),
    ),
    LetterWording(
        "data_sharing_withdrawal",
        "Withdrawal of data-sharing permission",
        (
            ParagraphWording(
                "about",
                "When the register gives the agreement's purpose",
                "We write about the data sharing agreement {agreement}, under which {practice} "
                "shares data from its patient records with {recipient}. The agreement uses the "
                "data for {purpose}: a secondary purpose, not the direct care of our patients.",
                (*_AGREEMENT, "purpose"),
            ),
            ParagraphWording(
                "about_unrecorded",
                "When the register does not yet give the agreement's purpose",
                "We write about the data sharing agreement {agreement}, under which {practice} "
                "shares data from its patient records with {recipient}. As we understand it, "
                "the data is used only for a secondary purpose, not for the direct care of our "
                "patients: {purpose}.",
                (*_AGREEMENT, "purpose"),
            ),
            ParagraphWording(
                "lawful_basis",
                "When the register gives the agreement's lawful basis",
                "The agreement gives its lawful basis as {lawful_basis}. Neither the law nor "
                "our GP contract requires the practice to share this data.",
                (*_AGREEMENT, "lawful_basis"),
            ),
            ParagraphWording(
                "withdraw",
                "Every withdrawal",
                "The partners have decided to withdraw the practice's permission for this "
                "sharing. Permission ends on {permission_ends}. From that date please take no "
                "further data from our records under this agreement, and tell us in writing "
                "what will happen to the data you already hold.",
                _AGREEMENT,
            ),
            ParagraphWording(
                "direct_care",
                "Every withdrawal",
                "This letter does not affect any sharing of information for the direct care "
                "of our patients, which continues as before.",
                _AGREEMENT,
            ),
            ParagraphWording(
                "context",
                "To another party than the ICB (the ICB has a copy)",
                "We are taking this step as part of the collective action that GP partners in "
                "England voted for in 2024. A copy of this letter goes to our Integrated Care "
                "Board.",
                _AGREEMENT,
            ),
            ParagraphWording(
                "context_icb",
                "To the ICB itself",
                "We are taking this step as part of the collective action that GP partners in "
                "England voted for in 2024.",
                _AGREEMENT,
            ),
            ParagraphWording(
                "closing",
                "Every withdrawal: above the signature",
                "Please confirm in writing that you have received this letter, quoting our "
                "reference.",
                _AGREEMENT,
            ),
        ),
    ),
    LetterWording(
        "service_changes_notification",
        "Notification of service changes",
        (
            ParagraphWording(
                "opening",
                "The first paragraph",
                "We write to tell you of changes to the way {practice} works. The partners "
                "have adopted the actions below from the collective action agreed by GP "
                "partners in England. {timing} {contract}",
                (*_COMMON, "timing", "contract"),
            ),
            ParagraphWording(
                "quoted",
                "Above the table of actions (small print)",
                "Each action is given in the BMA's own words, as a quotation, so that you can "
                "see exactly which one the practice has adopted; the wording is addressed to "
                "GP practices, not to you.",
                _COMMON,
            ),
            ParagraphWording(
                "patients",
                "Below the table",
                "The practice stays open through its core hours and patients' booked "
                "appointments go ahead. We are telling our patients what is changing and how "
                "to get help, including NHS 111, Pharmacy First and local urgent care services.",
                _COMMON,
            ),
            ParagraphWording(
                "closing",
                "Above the signature",
                "We will keep a record of the effect of these changes and will tell you of any "
                "further change. If you would like to discuss them, please contact the "
                "practice, quoting our reference.",
                _COMMON,
            ),
        ),
    ),
)

BY_KIND: dict[str, LetterWording] = {letter.kind: letter for letter in LETTERS}

_FIELD = re.compile(r"\{([^{}]*)\}")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def find(kind: str, key: str) -> ParagraphWording:
    letter = BY_KIND.get(kind)
    if letter is None:
        raise ValidationError({"kind": f"There is no letter kind '{kind}' to reword."})
    try:
        return letter.paragraph(key)
    except KeyError:
        raise ValidationError(
            {"paragraph": f"The {letter.title.lower()} has no paragraph '{key}'."}
        ) from None


def field_list(paragraph: ParagraphWording) -> str:
    return ", ".join("{" + name + "}" for name in paragraph.fields)


def check(kind: str, key: str, text: str) -> str:
    """The paragraph tidied, or a ``ValidationError`` saying what is wrong and how to fix it."""
    paragraph = find(kind, key)
    tidy = " ".join((text or "").split())
    if not tidy:
        raise ValidationError(
            {
                "text": "A paragraph cannot be empty: write its wording, or press 'Back to the "
                "shipped wording'."
            }
        )
    if len(tidy) > MAX_PARAGRAPH:
        raise ValidationError(
            {"text": f"The paragraph is too long: keep it to {MAX_PARAGRAPH} characters."}
        )
    if _CONTROL.search(text or ""):
        raise ValidationError({"text": "The paragraph contains a control character: retype it."})
    problems = []
    for match in _FIELD.finditer(tidy):
        name = match.group(1).strip()
        if not name:
            problems.append("'{}' names no field: put a field's name between the braces.")
        elif name not in paragraph.fields:
            problems.append(
                f"'{{{name}}}' is not a field this paragraph can fill. "
                f"It can use {field_list(paragraph)}."
            )
    outside = _FIELD.sub("", tidy)
    if "{" in outside or "}" in outside:
        problems.append(
            "A brace is left open or closed on its own: a field is written {like_this}, with "
            "both braces; take out any other brace."
        )
    if problems:
        raise ValidationError({"text": " ".join(dict.fromkeys(problems))})
    return tidy


def fields_in(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(m.group(1).strip() for m in _FIELD.finditer(text)))


def fill(
    template: str,
    values: Mapping[str, str],
    escape: Callable[[str], str],
) -> str:
    """The paragraph as markup: its own words escaped, each field replaced by its value.

    Raises ``ValueError`` for a field with no value, so that a hole is never printed.
    """
    if "{" in _FIELD.sub("", template) or "}" in _FIELD.sub("", template):
        raise ValueError(
            "The wording has a brace that is not a field: change the paragraph at Letters > "
            "Wording, or go back to the shipped wording."
        )
    out: list[str] = []
    position = 0
    for match in _FIELD.finditer(template):
        name = match.group(1).strip()
        value = values.get(name, "")
        if not value.strip():
            raise ValueError(
                f"The wording uses {{{name}}}, which this letter cannot fill: change the "
                "paragraph at Letters > Wording, or go back to the shipped wording."
            )
        out.append(escape(template[position : match.start()]))
        out.append(value)
        position = match.end()
    out.append(escape(template[position:]))
    return "".join(out)


def chosen(kind: str, overrides: Mapping[str, str], key: str) -> str:
    """The practice's words for a paragraph, or the shipped ones."""
    return overrides.get(key) or BY_KIND[kind].paragraph(key).shipped
