"""The Reports charts painted with QPainter: what they show, how they lay out, that they paint."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from practice_action.ui.charts import (
    AVERAGE_NAME,
    BAR_BLUE,
    BUSIEST_NAME,
    CAP_NAME,
    CAP_RED,
    MOST_DATE_LABELS,
    NO_DIVERSIONS_TITLE,
    PER_DAY_EMPTY_TITLE,
    PER_DAY_TITLE,
    Bar,
    ContactsPerDayChart,
    DayValues,
    DestinationsChart,
    date_step,
    nice_step,
)

NOV_2 = date(2026, 11, 2)


def _week(cap: int | None) -> list[DayValues]:
    """Monday to Friday of one week; Wednesday the busiest."""
    busiest = [20, 22, 25, 18, 21]
    average = [15.04, 17.5, 21.26, 12.0, 16.0]
    return [DayValues(NOV_2 + timedelta(days=i), average[i], busiest[i], cap) for i in range(5)]


def _per_day(qtbot: QtBot, width: int = 600, height: int = 300) -> ContactsPerDayChart:
    chart = ContactsPerDayChart()
    qtbot.addWidget(chart)
    chart.resize(width, height)
    return chart


def _bars(qtbot: QtBot) -> DestinationsChart:
    chart = DestinationsChart()
    qtbot.addWidget(chart)
    chart.resize(420, 260)
    return chart


def _has_colour(image: QImage, colour: str) -> bool:
    wanted = QColor(colour).rgb()
    return any(
        image.pixel(x, y) == wanted for y in range(image.height()) for x in range(image.width())
    )


def test_per_day_with_a_cap_draws_three_lines_the_cap_on_top(qtbot: QtBot) -> None:
    chart = _per_day(qtbot)
    assert chart.set_days(date(2026, 11, 1), date(2026, 11, 30), _week(25))
    assert chart.title() == PER_DAY_TITLE
    busiest, average, cap = chart.series()
    assert (busiest.name, average.name, cap.name) == (BUSIEST_NAME, AVERAGE_NAME, CAP_NAME)
    assert busiest.points[2] == (date(2026, 11, 4), 25.0)
    assert average.points[0] == (NOV_2, 15.0)  # to one decimal place
    assert cap.dashed and cap.colour == CAP_RED and not cap.markers
    assert {v for _d, v in cap.points} == {25.0}
    assert busiest.markers and average.markers  # a month: the days show as points
    words = chart.toolTip()
    assert words == chart.accessibleDescription() == chart.words()
    assert "Busiest day 4 Nov: 25 contacts, cap 25" in words
    assert "reached the cap on 1 of 5 days" in words


def test_per_day_without_a_cap_has_no_cap_line(qtbot: QtBot) -> None:
    chart = _per_day(qtbot)
    chart.set_days(date(2026, 11, 1), date(2026, 11, 7), _week(None))
    assert [s.name for s in chart.series()] == [BUSIEST_NAME, AVERAGE_NAME]
    assert "Busiest day 4 Nov: 25 contacts, no cap in force" in chart.words()
    assert "No cap was in force" in chart.words()
    assert not chart.grab().isNull()


def test_a_cap_only_on_some_days_is_not_bridged(qtbot: QtBot) -> None:
    chart = _per_day(qtbot)
    days = _week(25)
    days[2] = DayValues(days[2].day, 20.0, 24, None)  # no cap that Wednesday
    chart.set_days(date(2026, 11, 1), date(2026, 11, 7), days)
    cap = chart.series()[-1]
    assert [d for d, _v in cap.points] == [d.day for d in days if d.cap is not None]
    assert [len(run) for run in chart._runs(cap)] == [2, 2]


def test_per_day_with_no_data_says_so_and_still_paints(qtbot: QtBot) -> None:
    chart = _per_day(qtbot)
    chart.set_days(date(2026, 10, 1), date(2026, 10, 31), [])
    assert chart.title() == PER_DAY_EMPTY_TITLE
    assert all(not s.points for s in chart.series())
    assert PER_DAY_EMPTY_TITLE in chart.words()
    image = chart.grab().toImage()
    assert not image.isNull() and image.width() == 600
    assert chart.x_labels()[0][0] == "1 Oct"  # the axes are drawn all the same


def test_long_periods_lose_markers(qtbot: QtBot) -> None:
    chart = _per_day(qtbot)
    start = date(2026, 1, 1)
    days = [DayValues(start + timedelta(days=i), 10.0, 12, 25) for i in range(40)]
    chart.set_days(start, start + timedelta(days=39), days)
    assert not any(s.markers for s in chart.series())


@pytest.mark.parametrize("width", [400, 700, 1400])
def test_date_labels_never_overlap(qtbot: QtBot, width: int) -> None:
    chart = _per_day(qtbot, width, 260)
    start = date(2026, 10, 1)
    end = start + timedelta(days=59)  # a 60-day period
    days = [DayValues(start + timedelta(days=i), 18.0, 24, 25) for i in range(0, 60, 2)]
    chart.set_days(start, end, days)
    labels = chart.x_labels()
    assert 2 <= len(labels) <= MOST_DATE_LABELS
    assert labels[0][0] == "1 Oct"
    for (_a, left), (_b, right) in itertools.pairwise(labels):
        assert left.right() < right.left()  # a gap between every two labels
    assert all(rect.left() >= 0 and rect.right() <= width for _t, rect in labels)


def test_labels_follow_the_size(qtbot: QtBot) -> None:
    chart = _per_day(qtbot, 1400, 300)
    chart.set_days(date(2026, 11, 1), date(2026, 11, 14), _week(25))
    wide = len(chart.x_labels())
    chart.resize(300, 300)
    assert len(chart.x_labels()) < wide


def test_the_steps_are_whole_numbers_with_room_above_the_top() -> None:
    assert nice_step(25, 8) == 5
    assert nice_step(25, 3) == 20  # 0, 20, 40
    assert nice_step(5, 8) == 1
    assert nice_step(300, 8) == 50
    assert date_step(60, 5.0, 40.0) == 10
    assert date_step(7, 100.0, 40.0) == 1
    assert date_step(365, 1.0, 40.0) >= 365 // MOST_DATE_LABELS


def test_bars_are_sorted_biggest_first_and_empty_ones_left_out(qtbot: QtBot) -> None:
    chart = _bars(qtbot)
    chart.set_bars(
        [
            Bar("NHS 111", 56),
            Bar("Pharmacy First", 1200),
            Bar("Urgent treatment centre", 0),
            Bar("Next routine appointment", 30),
            Bar("Other", 30),
        ]
    )
    assert [(b.label, b.value) for b in chart.bars()] == [
        ("Pharmacy First", 1200),
        ("NHS 111", 56),
        ("Next routine appointment", 30),
        ("Other", 30),  # equal counts keep the order given
    ]
    assert chart.title() == "Where patients were diverted (1,316)"
    assert chart.words().startswith("Where patients were diverted (1,316): Pharmacy First 1,200")


def test_no_diversions(qtbot: QtBot) -> None:
    chart = _bars(qtbot)
    chart.set_bars([Bar("NHS 111", 0)])
    assert chart.bars() == ()
    assert chart.title() == NO_DIVERSIONS_TITLE
    assert not chart.grab().isNull()


@pytest.mark.parametrize("size", [(240, 200), (400, 260), (900, 320), (1800, 700)])
def test_both_charts_paint_at_any_size(qtbot: QtBot, size: tuple[int, int]) -> None:
    per_day = _per_day(qtbot)
    per_day.set_days(date(2026, 11, 1), date(2026, 11, 30), _week(25))
    bars = _bars(qtbot)
    bars.set_bars([Bar("NHS 111", 5), Bar("Pharmacy First", 3)])
    for chart in (per_day, bars):
        chart.resize(*size)
        image = chart.grab().toImage()
        assert (image.width(), image.height()) == size
        assert _has_colour(image, BAR_BLUE)  # the average line, or the bars


def test_painting_at_device_pixel_ratio_two(qtbot: QtBot) -> None:
    bars = _bars(qtbot)
    bars.set_bars([Bar("NHS 111", 5)])
    image = QImage(840, 520, QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(2)
    image.fill(Qt.GlobalColor.transparent)
    bars.render(image)
    assert _has_colour(image, BAR_BLUE)
    assert image.pixelColor(839, 519).alpha() == 255  # the whole picture, at twice the pixels


def test_a_picture_not_a_stop_on_the_tab_order(qtbot: QtBot) -> None:
    for chart in (_per_day(qtbot), _bars(qtbot)):
        assert chart.focusPolicy() == Qt.FocusPolicy.NoFocus
        assert chart.minimumHeight() == 200


def test_nothing_is_repainted_when_nothing_changed(qtbot: QtBot) -> None:
    chart = _per_day(qtbot)
    chart.set_days(date(2026, 11, 1), date(2026, 11, 30), _week(25))
    chart.show()
    qtbot.waitExposed(chart)
    qtbot.waitUntil(lambda: chart.paints > 0)
    QApplication.processEvents()
    painted = chart.paints
    assert not chart.set_days(date(2026, 11, 1), date(2026, 11, 30), _week(25))
    QApplication.processEvents()
    assert chart.paints == painted
    assert chart.set_days(date(2026, 11, 1), date(2026, 11, 30), _week(24))
    qtbot.waitUntil(lambda: chart.paints > painted)


def test_words_count_days_in_the_singular_and_name_both_years_across_new_year(
    qtbot: QtBot,
) -> None:
    chart = _per_day(qtbot)
    chart.set_days(NOV_2, NOV_2, [DayValues(NOV_2, 12.0, 25, 25)])
    assert "1 day with clinicians working" in chart.words()
    assert "on 1 of 1 day with a cap" in chart.words()

    start, end = date(2025, 12, 15), date(2026, 1, 20)
    days = [DayValues(start + timedelta(days=i), 10.0, 20, 25) for i in range(0, 37, 3)]
    chart.set_days(start, end, days)
    assert "15 Dec 2025 to 20 Jan 2026" in chart.words()
    labels = [text for text, _rect in chart.x_labels()]
    assert labels and all(text.endswith(("2025", "2026")) for text in labels)
