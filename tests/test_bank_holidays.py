"""Our England and Wales bank holidays agree with an independent list, year by year."""

from __future__ import annotations

from datetime import date

import holidays
import pytest

from practice_action.domain.bank_holidays import bank_holidays, easter_sunday
from practice_action.domain.calendar import is_working_day, next_working_day


@pytest.mark.parametrize("year", range(1978, 2041))
def test_the_days_off_match_an_independent_list(year: int) -> None:
    theirs = holidays.country_holidays("GB", subdiv="ENG", years=year)
    # That list also names the weekend dates themselves; the days off are the weekdays.
    days_off = {day for day in theirs if day.weekday() < 5}
    assert set(bank_holidays(year)) == days_off


def test_easter_on_known_dates() -> None:
    assert easter_sunday(2024) == date(2024, 3, 31)
    assert easter_sunday(2025) == date(2025, 4, 20)
    assert easter_sunday(2026) == date(2026, 4, 5)
    assert easter_sunday(2038) == date(2038, 4, 25)


def test_christmas_at_a_weekend_moves_the_days_off() -> None:
    assert not is_working_day(date(2026, 12, 28))  # Boxing Day on a Saturday: Monday off
    assert is_working_day(date(2026, 12, 29))
    assert next_working_day(date(2027, 12, 24)) == date(2027, 12, 29)  # Sat 25, Sun 26
