"""Text messages: the GSM 03.38 alphabet, and the length rule for one or two SMS.

A message in the GSM basic alphabet holds 160 characters, or 153 per part when it is
split; two parts therefore hold 306. Characters from the extension table (such as the
euro sign and square brackets) travel as an escape plus the character, so count twice.
Anything outside both tables forces the whole message into UCS-2, which fits 70
characters a part, so we keep to the alphabet instead of hoping.
"""

from __future__ import annotations

import unicodedata

GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("\f^{}\\[~]|€")

SINGLE_SMS = 160
PART_SMS = 153
MAX_PARTS = 2
MAX_LENGTH = PART_SMS * MAX_PARTS  # 306

# Lookalikes people type (or word processors insert) and what the phone network can carry.
_LOOKALIKES = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u2026": "...",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\t": " ",
    "\u00b7": "-",
    "\u2022": "-",
}


def _character_name(char: str) -> str:
    return unicodedata.name(char, f"U+{ord(char):04X}").lower()


def gsm_problems(text: str) -> list[str]:
    """Each character a text message cannot carry, once, with what to type instead."""
    problems = []
    seen: set[str] = set()
    for char in text:
        if char in GSM_BASIC or char in GSM_EXTENSION or char in seen:
            continue
        seen.add(char)
        instead = _LOOKALIKES.get(char) or _plain_letter(char)
        hint = f": type {instead!r} instead" if instead else ": leave it out"
        problems.append(
            f"{char!r} ({_character_name(char)}) cannot be sent in a text message{hint}."
        )
    return problems


def sms_length(text: str) -> int:
    """Length as the network counts it: extension characters take two places."""
    return sum(2 if char in GSM_EXTENSION else 1 for char in text)


def sms_parts(text: str) -> int:
    length = sms_length(text)
    if length <= SINGLE_SMS:
        return 1
    return -(-length // PART_SMS)


def _plain_letter(char: str) -> str:
    """An accented letter without its accent, if that is in the alphabet ('ë' -> 'e')."""
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    if base and base != char and all(c in GSM_BASIC for c in base):
        return base
    return ""


def to_gsm(text: str) -> tuple[str, list[str]]:
    """The text with lookalikes and accents swapped for what the alphabet has.

    Returns the converted text and the problems left: characters with no stand-in.
    """
    out = []
    for char in text:
        if char in GSM_BASIC or char in GSM_EXTENSION:
            out.append(char)
        else:
            out.append(_LOOKALIKES.get(char) or _plain_letter(char) or char)
    converted = "".join(out)
    return converted, gsm_problems(converted)


def dropped_accents(text: str) -> list[str]:
    """The accented letters ``to_gsm`` prints without their accents ('ŷ' becomes 'y'), once
    each in the order met: a message that changes someone's spelling says so."""
    found: list[str] = []
    for char in text:
        if char in GSM_BASIC or char in GSM_EXTENSION or char in _LOOKALIKES or char in found:
            continue
        if _plain_letter(char):
            found.append(char)
    return found
