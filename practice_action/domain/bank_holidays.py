"""Bank holidays in England and Wales, worked out from their rules.

The regular eight follow fixed rules (with a substitute weekday when one falls at a
weekend); the rare one-off days and moved days proclaimed for royal and national occasions
are listed. Kept in our own few lines rather than a library that loads every country's
calendar: a test compares these with a public list for many years.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

# Proclaimed one-off bank holidays (England and Wales).
SPECIAL: dict[date, str] = {
    date(1977, 6, 7): "Silver Jubilee of Elizabeth II",
    date(1981, 7, 29): "Wedding of Charles and Diana",
    date(1999, 12, 31): "Millennium celebrations",
    date(2002, 6, 3): "Golden Jubilee of Elizabeth II",
    date(2011, 4, 29): "Wedding of William and Catherine",
    date(2012, 6, 5): "Diamond Jubilee of Elizabeth II",
    date(2022, 6, 3): "Platinum Jubilee of Elizabeth II",
    date(2022, 9, 19): "State Funeral of Queen Elizabeth II",
    date(2023, 5, 8): "Coronation of Charles III",
}

# Years in which a regular holiday was moved: (year, which) -> the day it fell on instead.
MOVED: dict[tuple[int, str], date] = {
    (1995, "early_may"): date(1995, 5, 8),  # VE Day 50th anniversary
    (2020, "early_may"): date(2020, 5, 8),  # VE Day 75th anniversary
    (1977, "spring"): date(1977, 6, 6),
    (2002, "spring"): date(2002, 6, 4),  # Golden Jubilee
    (2012, "spring"): date(2012, 6, 4),  # Diamond Jubilee
    (2022, "spring"): date(2022, 6, 2),  # Platinum Jubilee
}


def easter_sunday(year: int) -> date:
    """Western Easter (the anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return date(year, month, day + 1)


def _first_monday(year: int, month: int) -> date:
    day = date(year, month, 1)
    return day + timedelta(days=(7 - day.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    following = date(year + (month == 12), month % 12 + 1, 1)
    day = following - timedelta(days=1)
    return day - timedelta(days=day.weekday())


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> dict[date, str]:
    found: dict[date, str] = {}
    new_year = date(year, 1, 1)
    if new_year.weekday() >= 5:
        new_year += timedelta(days=7 - new_year.weekday())  # the Monday after
        found[new_year] = "New Year's Day (substitute day)"
    else:
        found[new_year] = "New Year's Day"
    easter = easter_sunday(year)
    found[easter - timedelta(days=2)] = "Good Friday"
    found[easter + timedelta(days=1)] = "Easter Monday"
    found[MOVED.get((year, "early_may"), _first_monday(year, 5))] = "Early May bank holiday"
    found[MOVED.get((year, "spring"), _last_monday(year, 5))] = "Spring bank holiday"
    found[_last_monday(year, 8)] = "Summer bank holiday"
    christmas, boxing = date(year, 12, 25), date(year, 12, 26)
    weekday = christmas.weekday()
    if weekday == 5:  # Saturday: both move to Monday and Tuesday
        found[date(year, 12, 27)] = "Christmas Day (substitute day)"
        found[date(year, 12, 28)] = "Boxing Day (substitute day)"
    elif weekday == 6:  # Sunday: Boxing Day on Monday, Christmas moves to Tuesday
        found[boxing] = "Boxing Day"
        found[date(year, 12, 27)] = "Christmas Day (substitute day)"
    else:
        found[christmas] = "Christmas Day"
        if weekday == 4:  # Friday: Boxing Day falls on Saturday, moves to Monday
            found[date(year, 12, 28)] = "Boxing Day (substitute day)"
        else:
            found[boxing] = "Boxing Day"
    for day, name in SPECIAL.items():
        if day.year == year:
            found[day] = name
    return found
