"""One way of writing times and days in every document: the NHS style.

"8am to 6:30pm", "midday", "midnight", "Monday to Friday": never "08:00-18:30" or "Mon-Fri".
Hours typed into the register in another style ("Mon-Fri 08:30-18:30, Sat 09:00-13:00") are
printed in this one; any other words are left exactly as typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time

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


# A time as typed: 08:00, 8:00, 8.30, 0800, a bare 8 and 8am, 8:30pm, 8.30 pm in words.
_CLOCK = r"(?:[01]\d|2[0-4])[0-5]\d(?!\d)|\d{1,2}(?:[:.][0-5]\d)?(?:\s*[ap]\.?m\b\.?)?"
_DASH = r"\s*(?:-|–|—|to|until|till)\s*"
_EDGE_BEFORE = r"(?<![\w:.£$/])"
_EDGE_AFTER = r"(?![\w:]|[.]\d)"
_TIMES = re.compile(
    rf"{_EDGE_BEFORE}(?P<open>{_CLOCK}){_DASH}(?P<close>{_CLOCK}){_EDGE_AFTER}"
    rf"|{_EDGE_BEFORE}(?P<alone>{_CLOCK}){_EDGE_AFTER}",
    re.IGNORECASE,
)
_DAY_WORD = (
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
    r"Mon|Tues|Tue|Weds|Wed|Thurs|Thur|Thu|Fri|Sat|Sun)\.?"
)
# Where a four-digit number or a bare hour is read as a time: at the start of the text, after a
# day or a word about opening, or straight after hours already read ("0800-1300, 1400-1830").
_HOURS_CONTEXT = re.compile(
    rf"(?:^|\b{_DAY_WORD}|\b(?:days?|daily|weekdays|weekends?|holidays?|open|opens|opening|"
    r"hours|from|between))[\s,:;]*$",
    re.IGNORECASE,
)
_AFTER_HOURS = re.compile(r"^[\s,;&]*(?:and\s+)?$", re.IGNORECASE)
# Never a time: a number after an extension, a phone word or other digits.
_NOT_HOURS = re.compile(
    r"(?:\b(?:ext|extn|extension|tel|telephone|phone|mobile|x|no|number)\.?|\d)[\s:.#-]*$",
    re.IGNORECASE,
)
_DAY_RANGE = re.compile(rf"\b({_DAY_WORD})\s*(?:-|–|—)\s*({_DAY_WORD})(?!\w)")
_SHORT_DAY = re.compile(r"\b(Mon|Tues|Tue|Weds|Wed|Thurs|Thur|Thu|Fri|Sat|Sun)\b\.?")

_FOUR = re.compile(r"(\d\d)(\d\d)")
_PARTS = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?\s*(?:([ap])\.?m\.?)?", re.IGNORECASE)
_DAY_MINUTES = 24 * 60
_MIDDAY = 12 * 60


@dataclass(frozen=True)
class _End:
    """One end of a range as typed, read on the 24-hour clock (24:00 is 1440 minutes)."""

    minutes: int
    certain: bool  # it says am or pm, or it is written the 24-hour way (08:00, 18:00, 0800)
    says_am_pm: bool
    weak: bool  # a four-digit number or a bare hour: a time only where hours are meant


def _end(text: str) -> _End | None:
    text = text.strip()
    four = _FOUR.fullmatch(text)
    if four:
        hour, minute = int(four[1]), int(four[2])
        if hour > 24 or (hour == 24 and minute):
            return None
        return _End(hour * 60 + minute, True, False, True)
    match = _PARTS.fullmatch(text)
    if match is None:
        return None
    hour, minute = int(match[1]), int(match[2] or 0)
    if match[3]:
        if not 1 <= hour <= 12:
            return None
        return _End(
            hour % 12 * 60 + minute + (720 if match[3].lower() == "p" else 0), True, True, False
        )
    if hour > 24 or (hour == 24 and minute):
        return None
    written_24 = hour == 0 or hour >= 12 or match[1].startswith("0")
    return _End(hour * 60 + minute, written_24, False, match[2] is None)


def _range(first: _End, last: _End) -> tuple[int, int, bool] | None:
    """The one reading of a range, and whether the closing time was read as pm; None if the
    range can be read more than one way."""
    start, end = first.minutes, last.minutes
    if first.says_am_pm or last.says_am_pm:  # written the 12-hour way: am or pm where unsaid
        if first.certain and last.certain:
            return (start, end, False) if start != end else None
        readings = [
            (a, b)
            for a in ((start,) if first.certain else (start, start + 720))
            for b in ((end,) if last.certain else (end, end + 720))
            if a < b
        ]
        if len(readings) != 1:
            return None
        return readings[0][0], readings[0][1], readings[0][1] != end
    if end > start:
        # 9:00-13:00, 08:00-12:00 and 9:00-11:00 read as typed; 1:00-5:00 could be afternoon
        if first.certain or last.certain or start >= 7 * 60:
            return start, end, False
        return None
    if end < start:
        if not last.certain and end + 720 > start and start < 13 * 60:
            return start, end + 720, True  # 8:30-6:30 closes at 6:30pm
        if start >= _MIDDAY and end < _MIDDAY and (last.certain or end + 720 <= start):
            return start, end, False  # overnight: 18:30-08:00, 22:00-6:00
    return None


def _lone(value: _End) -> int | None:
    if value.weak or not value.certain:  # 0800 or 8 alone is not a time; 8:30 alone is am or pm
        return None
    return value.minutes


def _at(minutes: int) -> str:
    minutes %= _DAY_MINUTES
    return clock(time(minutes // 60, minutes % 60))


@dataclass(frozen=True)
class Doubt:
    """Hours that could be read two ways: as typed, and as the notices print them."""

    typed: str
    printed: str

    @property
    def left_as_typed(self) -> bool:
        return self.typed == self.printed


def _read(text: str) -> tuple[str, list[Doubt]]:
    doubts: list[Doubt] = []
    hours_end = [-1]  # where the last range read as hours ended

    def one(match: re.Match[str]) -> str:
        typed = match.group(0)
        before = text[: match.start()]
        if match["alone"] is not None:
            value = _end(match["alone"])
            if value is None or value.weak:
                return typed
            minutes = _lone(value)
            if minutes is None:
                doubts.append(Doubt(typed, typed))
                return typed
            return _at(minutes)
        first, last = _end(match["open"]), _end(match["close"])
        if first is None or last is None:
            return typed
        if first.weak or last.weak:
            if _NOT_HOURS.search(before):
                return typed
            after_hours = hours_end[0] >= 0 and _AFTER_HOURS.match(
                text[hours_end[0] : match.start()]
            )
            if first.weak and last.weak and not (_HOURS_CONTEXT.search(before) or after_hours):
                return typed
        reading = _range(first, last)
        if reading is None:
            doubts.append(Doubt(typed, typed))
            return typed
        hours_end[0] = match.end()
        printed = f"{_at(reading[0])} to {_at(reading[1])}"
        if reading[2]:
            doubts.append(Doubt(typed, printed))
        return printed

    return _TIMES.sub(one, text), doubts


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


def hours_doubts(text: str) -> list[Doubt]:
    """The times in ``text`` that could be read two ways, each with how the notices print it:
    a closing time read as pm (8:30-6:30 prints 8:30am to 6:30pm), or, where nothing tells
    which reading is meant, the words exactly as typed."""
    return _read(text)[1]


def nhs_hours(text: str) -> str:
    """Opening hours as typed, with each time, time range and day written the NHS way."""
    out = _DAY_RANGE.sub(_day_range, _read(text)[0])
    return _SHORT_DAY.sub(lambda m: _day(m.group(1)), out)


# What no document may print: a 24-hour clock time, a time range with a dash, a short day.
OTHER_STYLES = re.compile(
    r"\b(?:[01]?\d|2[0-3]):[0-5]\d\b"
    r"|\b\d{1,2}(?::\d\d)?\s*[ap]m\s*(?:-|–)\s*\d"
    r"|\b(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)\b(?!day)"
    r"|\b\d{1,2}:00\s*[ap]m\b"
    r"|\b12\s*(?:noon|pm|am)\b"
)


def uk_date(day: date) -> str:
    """1 December 2026."""
    return f"{day.day} {day:%B %Y}"
