"""Patient identifiers kept out of free text that ends up in the permanent record.

The reasons, notes and safety-log text a desk types are kept for good (the audit trail is a
hash chain: nothing can be taken out of it without breaking it). So they must never hold an
NHS number, a postcode, a date of birth or a telephone number. These checks find them; the
services refuse the text and say what to write instead.
"""

from __future__ import annotations

import re
from datetime import date

from practice_action.domain.validators import nhs_number_is_valid

# Ten digits, with or without spaces or dashes between them (943 476 5919, 943-476-5919).
_TEN_DIGITS = re.compile(r"(?<![\d])(\d(?:[ \t-]?\d){9})(?![\d])")
_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?) ?(\d[A-Z]{2})\b", re.IGNORECASE)
_PHONE = re.compile(r"(?<![\d+])(?:\+44[ \t-]?\(?0?\)?|\(?0)(?:\d[ \t\-()]?){8,10}\d(?![\d])")
_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_MONTH_ABBREVIATIONS = (
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
)
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_WORDED_DATE = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)? ({_MONTHS}) (\d{{4}})\b", re.IGNORECASE)

WHAT_TO_WRITE = (
    "No patient details here: write what happened without names, NHS numbers, addresses, "
    "dates of birth or phone numbers (for example 'chest pain, sent to A&E by the duty doctor')."
)


def _looks_like_birth(year: int, month: int, day: int, today: date) -> bool:
    if year < 100:
        year += 1900 if year > today.year % 100 else 2000
    try:
        when = date(year, month, day)
    except ValueError:
        return False
    return date(1900, 1, 1) <= when < date(today.year, 1, 1)


def patient_identifiers(text: str, today: date) -> list[str]:
    """What in ``text`` looks like a patient identifier, each in a few words ('an NHS number')."""
    found: list[str] = []
    for match in _TEN_DIGITS.finditer(text):
        if nhs_number_is_valid(re.sub(r"\D", "", match.group(1))):
            found.append("an NHS number")
    if _POSTCODE.search(text):
        found.append("a postcode")
    if _PHONE.search(text):
        found.append("a telephone number")
    dates = [(int(y), int(m), int(d)) for d, m, y in _NUMERIC_DATE.findall(text)] + [
        (int(y), int(m), int(d)) for y, m, d in _ISO_DATE.findall(text)
    ]
    for day, month, year in _WORDED_DATE.findall(text):
        dates.append((int(year), _MONTH_ABBREVIATIONS.index(month[:3].lower()) + 1, int(day)))
    if any(_looks_like_birth(y, m, d, today) for y, m, d in dates):
        found.append("a date of birth")
    return list(dict.fromkeys(found))


def refuse_identifiers(text: str, what: str, today: date) -> str:
    """``text`` unchanged, or a ValueError naming what it holds and what to write instead."""
    found = patient_identifiers(text, today)
    if found:
        listed = (
            " and ".join(found) if len(found) < 3 else ", ".join(found[:-1]) + " and " + found[-1]
        )
        raise ValueError(f"{what} holds what looks like {listed}. {WHAT_TO_WRITE}")
    return text
