"""Checks for the data the practice types in (DOMAIN.md section 6).

Each ``check_*`` function returns the value tidied to the form we store (upper-cased
postcode, single-spaced phone) or raises ``ValueError`` with a message that says what is
wrong and how to put it right. ``Problems`` gathers those messages per field so a whole
record is checked at once and nothing is saved until all of it is valid.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import time
from typing import TypeVar

from practice_action.domain.errors import ValidationError
from practice_action.domain.names import clean_name, invisible_characters

T = TypeVar("T")

_ODS_PRACTICE = re.compile(r"^[A-Z][0-9]{5}$")
_GP_CODE = re.compile(r"^G[0-9]{7}$")
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][ABD-HJLNP-UW-Z]{2})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_URL = re.compile(r"^(https?://)?([A-Za-z0-9-]+\.)+[A-Za-z]{2,}(/\S*)?$")
# C0 and C1 control characters (tab and newline are allowed in longer text).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

MAX_NAME = 200
MAX_TEXT = 4000


def check_name(value: str, what: str = "Name", max_length: int = MAX_NAME) -> str:
    """A name as stored: NFC, spaces made ordinary; invisible characters refused by name."""
    hidden = invisible_characters(value or "")
    if hidden:
        raise ValueError(
            f"{what} contains a character that does not show ({', '.join(hidden)}): it could "
            "make two names look the same. Type the name again rather than pasting it."
        )
    text = clean_name(value or "")
    if not text:
        raise ValueError(f"{what} is required: type at least one letter.")
    if len(text) > max_length:
        raise ValueError(f"{what} is too long: keep it to {max_length} characters.")
    if _CONTROL.search(text):
        raise ValueError(f"{what} contains a control character: retype it.")
    return text


def check_optional_text(value: str | None, what: str = "Text", max_length: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if len(text) > max_length:
        raise ValueError(f"{what} is too long: keep it to {max_length} characters.")
    if _CONTROL.search(text.replace("\r", "")):
        raise ValueError(f"{what} contains a control character: retype it.")
    return text


def check_ods_code(value: str) -> str:
    raw = (value or "").strip()
    # Upper-casing first would turn look-alikes such as a dotless 'ı' into a real 'I'.
    code = raw.upper() if raw.isascii() else raw
    if not code:
        raise ValueError("ODS code is required: one letter and five digits, e.g. C82040.")
    if _GP_CODE.match(code):
        raise ValueError(
            "That is a GP's own code (G and seven digits); type the practice's ODS code: "
            "one letter and five digits, e.g. C82040."
        )
    if not _ODS_PRACTICE.match(code):
        raise ValueError(
            f"'{value.strip()}' is not a practice ODS code: it should be one letter and "
            "five digits, e.g. C82040 (practices opened since 2003 start with Y)."
        )
    return code


def check_postcode(value: str) -> str:
    raw = (value or "").strip().upper()
    if not raw:
        raise ValueError("Postcode is required, e.g. LE1 6TP.")
    compact = re.sub(r"\s+", "", value.strip())
    # Upper-casing first would turn look-alikes such as the long 'ſ' into a real 'S'.
    compact = compact.upper() if compact.isascii() else compact
    if compact == "GIR0AA":
        return "GIR 0AA"
    match = _POSTCODE.match(compact)
    if not match:
        raise ValueError(
            f"'{value.strip()}' is not a UK postcode: it should look like LE1 6TP or "
            "SW1A 1AA (letters and digits, then a digit and two letters)."
        )
    return f"{match.group(1)} {match.group(2)}"


def check_phone(value: str, *, required: bool = True, allow_short: bool = False) -> str:
    raw = (value or "").strip()
    if not raw:
        if required:
            raise ValueError("Phone number is required, e.g. 0116 123 4567.")
        return ""
    if re.search(r"[^0-9 +()\-]", raw):
        raise ValueError(
            f"'{raw}' has characters a phone number cannot have: use digits and spaces only."
        )
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("+"):
        if not digits.startswith("44") or not 11 <= len(digits) <= 12:
            raise ValueError(f"'{raw}' is not a UK number: +44 then 9 or 10 digits.")
        return raw if " " in raw else f"+44 {digits[2:]}"
    if allow_short and digits.startswith("1") and 3 <= len(digits) <= 6:
        return digits if len(digits) == 3 else raw
    if not digits.startswith("0") or len(digits) not in (10, 11):
        hint = " or a short number such as 111" if allow_short else ""
        raise ValueError(
            f"'{raw}' is not a UK phone number: it should start with 0 and have 10 or 11 "
            f"digits, e.g. 0116 123 4567{hint}."
        )
    return " ".join(raw.split())


def check_email(value: str, *, required: bool = True) -> str:
    text = (value or "").strip()
    if not text:
        if required:
            raise ValueError("Email address is required, e.g. reception.c82040@nhs.net.")
        return ""
    if not _EMAIL.match(text):
        raise ValueError(f"'{text}' is not an email address: it should look like name@nhs.net.")
    return text


def check_website(value: str, *, required: bool = False) -> str:
    text = (value or "").strip()
    if not text:
        if required:
            raise ValueError("Website is required, e.g. www.example-surgery.nhs.uk.")
        return ""
    if not _URL.match(text):
        raise ValueError(
            f"'{text}' is not a web address: it should look like www.example-surgery.nhs.uk."
        )
    return text


def check_int_range(value: int | str, what: str, low: int, high: int) -> int:
    try:
        number = int(str(value).strip().replace(",", ""))
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a whole number from {low:,} to {high:,}.") from None
    if not low <= number <= high:
        raise ValueError(f"{what} must be from {low:,} to {high:,}; {number:,} is outside that.")
    return number


def check_hours(opens: time, closes: time, what: str = "Opening hours") -> tuple[time, time]:
    if closes <= opens:
        raise ValueError(
            f"{what}: closing time {closes:%H:%M} must be after opening time {opens:%H:%M}."
        )
    return opens, closes


def nhs_number_is_valid(value: str) -> bool:
    """Modulus 11 check of a ten-digit NHS number (spaces allowed)."""
    digits = re.sub(r"\s", "", value or "")
    if not re.fullmatch(r"[0-9]{10}", digits):
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def format_nhs_number(value: str) -> str:
    digits = re.sub(r"\s", "", value)
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


class Problems:
    """Collects field problems so that a whole record is checked before anything is saved."""

    def __init__(self) -> None:
        self.found: dict[str, str] = {}

    def check(self, field: str, func: Callable[..., T], *args: object, **kwargs: object) -> T:
        try:
            return func(*args, **kwargs)
        except ValueError as error:
            self.found.setdefault(field, str(error))
            return None  # type: ignore[return-value]

    def add(self, field: str, message: str) -> None:
        self.found.setdefault(field, message)

    def raise_if_any(self) -> None:
        if self.found:
            raise ValidationError(self.found)
