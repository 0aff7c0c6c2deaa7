"""Days in England: the practice's local day, working days and bank holidays.

Timestamps are stored in UTC; every 'day' a person sees is the local day in
Europe/London. The clock is injected so tests can move time, midnight included.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from practice_action.domain.bank_holidays import bank_holidays

LONDON = ZoneInfo("Europe/London")

Clock = Callable[[], datetime]


def _computer_clock() -> datetime:
    return datetime.now(UTC)


_source: Clock = _computer_clock


def system_clock() -> datetime:
    """Now, in UTC: the computer's clock, unless a test or a benchmark has set another."""
    return _source()


def system_clock_is_set() -> bool:
    """True while a test or benchmark has put the system clock somewhere of its choosing."""
    return _source is not _computer_clock


def set_system_clock(source: Clock | None) -> Clock:
    """Make ``source`` the clock every default-clock caller reads (None: the computer's).

    For tests and benchmarks, so that a whole run, windows and commands included, happens at a
    chosen instant. Returns the clock it replaced."""
    global _source
    previous = _source
    _source = source or _computer_clock
    return previous


def local_now(clock: Clock = system_clock) -> datetime:
    return clock().astimezone(LONDON)


def local_today(clock: Clock = system_clock) -> date:
    return local_now(clock).date()


def day_bounds_utc(day: date) -> tuple[datetime, datetime]:
    """The UTC instants at which a local day starts and the next one starts."""
    start = datetime(day.year, day.month, day.day, tzinfo=LONDON)
    following = day + timedelta(days=1)
    end = datetime(following.year, following.month, following.day, tzinfo=LONDON)
    return start.astimezone(UTC), end.astimezone(UTC)


def bank_holiday_name(day: date) -> str | None:
    return bank_holidays(day.year).get(day)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and bank_holiday_name(day) is None


def next_working_day(after: date) -> date:
    day = after + timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_days(start: date, days: int) -> date:
    return start + timedelta(days=days)


def day_text(day: date, *, weekday: bool = False) -> str:
    """A day as people in England write it: '5 October 2025' ('Sunday 5 October 2025').

    Built from the day's number: strftime has no portable code for a day without its zero."""
    text = f"{day.day} {day:%B %Y}"
    return f"{day:%A} {text}" if weekday else text
