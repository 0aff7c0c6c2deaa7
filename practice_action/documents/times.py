"""One way of writing times and days in every document: the NHS style.

"8am to 6:30pm", "midday", "midnight", "Monday to Friday": never "08:00-18:30" or "Mon-Fri".
Hours typed into the register in another style ("Mon-Fri 08:30-18:30, Sat 09:00-13:00") are
printed in this one; any other words are left exactly as typed.
"""

from __future__ import annotations

import re
from datetime import time

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_SHORT_DAYS = {
    "mon": 0,
    "tue": 1,
    "tues": 1,
    "wed": 2,
    "weds": 2,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "fri": 4,
    "sat": 5,
    "sun": 6,
}


def clock(value: time) -> str:
    """8am, 6:30pm, midday, midnight."""
    if value.hour == 0 and value.minute == 0:
        return "midnight"
    if value.hour == 12 and value.minute == 0:
        return "midday"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


# 08:00, 8:00, 8.30, 0800 (four digits only beside a dash, so a phone number is never read
# as a time), and 8am, 8:30pm, 8.30 pm already in words.
_TWENTY_FOUR = r"(?:[01]?\d|2[0-4])[:.][0-5]\d(?!\s*[ap]\.?m)"
_TWELVE = r"(?:1[0-2]|0?[1-9])(?:[:.][0-5]\d)?\s*[ap]\.?m\.?"
_TIME = rf"(?:{_TWELVE}|{_TWENTY_FOUR})"
_DASH = r"\s*(?:-|–|—|to|until|till)\s*"
_RANGE = re.compile(rf"\b({_TIME}){_DASH}({_TIME})(?![\w:])", re.IGNORECASE)
_FOUR_RANGE = re.compile(
    r"(?<!\d)(?<!\d )\b([01]\d|2[0-4])([0-5]\d)\s*(?:-|–|—)\s*([01]\d|2[0-4])([0-5]\d)\b"
)
_ALONE = re.compile(rf"(?<![\w:.])({_TIME})(?![\w:])", re.IGNORECASE)
_DAY_WORD = (
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
    r"Mon|Tues|Tue|Weds|Wed|Thurs|Thur|Thu|Fri|Sat|Sun)\.?"
)
_DAY_RANGE = re.compile(rf"\b({_DAY_WORD})\s*(?:-|–|—)\s*({_DAY_WORD})(?!\w)")
_SHORT_DAY = re.compile(r"\b(Mon|Tues|Tue|Weds|Wed|Thurs|Thur|Thu|Fri|Sat|Sun)\b\.?")


_PARTS = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?\s*(?:([ap])\.?m\.?)?", re.IGNORECASE)


def _parse(text: str) -> time | None:
    match = _PARTS.fullmatch(text.strip())
    if match is None:
        return None
    hour, minute = int(match[1]), int(match[2] or 0)
    if match[3]:
        hour = hour % 12 + (12 if match[3].lower() == "p" else 0)
    if hour == 24 and minute == 0:
        return time(0, 0)
    return time(hour, minute) if hour < 24 else None


def _words(text: str) -> str:
    parsed = _parse(text)
    return clock(parsed) if parsed is not None else text


def _day(word: str) -> str:
    key = word.rstrip(".").lower()
    if key in _SHORT_DAYS:
        return DAYS[_SHORT_DAYS[key]]
    return word.rstrip(".").capitalize()


def _day_range(match: re.Match[str]) -> str:
    first, last = _day(match.group(1)), _day(match.group(2))
    if DAYS.index(last) - DAYS.index(first) == 1:
        return f"{first} and {last}"
    return f"{first} to {last}"


def nhs_hours(text: str) -> str:
    """Opening hours as typed, with each time, time range and day written the NHS way."""
    out = _FOUR_RANGE.sub(
        lambda m: (
            f"{clock(time(int(m[1]) % 24, int(m[2])))} to {clock(time(int(m[3]) % 24, int(m[4])))}"
        ),
        text,
    )
    out = _RANGE.sub(lambda m: f"{_words(m.group(1))} to {_words(m.group(2))}", out)
    out = _ALONE.sub(lambda m: _words(m.group(1)), out)
    out = _DAY_RANGE.sub(_day_range, out)
    return _SHORT_DAY.sub(lambda m: _day(m.group(1)), out)


# What no document may print: a 24-hour clock time, a time range with a dash, a short day.
OTHER_STYLES = re.compile(
    r"\b(?:[01]?\d|2[0-3]):[0-5]\d\b"
    r"|\b\d{1,2}(?::\d\d)?\s*[ap]m\s*(?:-|–)\s*\d"
    r"|\b(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)\b(?!day)"
    r"|\b\d{1,2}:00\s*[ap]m\b"
    r"|\b12\s*(?:noon|pm|am)\b"
)
