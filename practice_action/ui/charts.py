"""The two Reports charts, painted with QPainter: contacts per day against the cap, and where
patients were diverted.

Each chart is handed plain values (frozen dataclasses of dates and numbers), works out its
layout from its own size and font, and repaints only when its data, size, font or palette
change. The figures are also said in words (tooltip and accessible description), so a person
using a screen reader gets what the picture shows. No pixmap is kept: drawing a few dozen lines
is cheaper than holding a bitmap the size of the chart, and the desktop has a memory budget.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from practice_action.domain.calendar import local_today
from practice_action.domain.words import plural

BAR_BLUE = "#005EB8"
CAP_RED = "#B3261E"
BUSIEST_ORANGE = "#ED8B00"

MINIMUM_HEIGHT = 200
MOST_DATE_LABELS = 8
MARKERS_UP_TO = 31  # days with figures; more, and the markers crowd the lines

AVERAGE_NAME = "Average per clinician working (counted)"
BUSIEST_NAME = "Busiest clinician (counted)"
CAP_NAME = "Cap"
PER_DAY_TITLE = "Contacts per clinician per day, against the cap"
PER_DAY_EMPTY_TITLE = "Contacts per clinician per day: none recorded in this period"
NO_DIVERSIONS_TITLE = "No patients diverted in this period"


@dataclass(frozen=True)
class DayValues:
    """One day with clinicians working: what the per-day chart plots."""

    day: date
    average: float  # counted contacts per clinician working
    busiest: int  # the busiest clinician's counted contacts
    cap: int | None  # the full-day cap in force, if any


@dataclass(frozen=True)
class Series:
    """One line of the per-day chart, as drawn: for the legend, the words and the tests."""

    name: str
    colour: str
    points: tuple[tuple[date, float], ...]
    width: float
    dashed: bool = False
    markers: bool = False


@dataclass(frozen=True)
class Bar:
    """One destination and how many patients were sent there."""

    label: str
    value: int


def date_label(day: date, *, year: bool = False) -> str:
    """'1 Nov' ('1 Nov 2026' with ``year``): built from the day's number, as strftime has no
    portable unpadded day."""
    return f"{day.day} {day:%b} {day.year}" if year else f"{day.day} {day:%b}"


def _days(count: int) -> str:
    return "1 day" if count == 1 else f"{count} days"


def nice_step(top: float, most_ticks: int) -> int:
    """A whole-number tick step (1, 2, 5, 10, 20, 25, 50, 100, ...) such that the ticks from 0
    to the first one above ``top`` number at most ``most_ticks`` (never fewer than two)."""
    magnitude = 1
    while True:
        factors = (1, 2, 5) if magnitude == 1 else (1, 2, 2.5, 5)
        for factor in factors:
            step = round(factor * magnitude)
            if math.floor(top / step) + 2 <= max(most_ticks, 2):
                return step
        magnitude *= 10


def date_step(days: int, day_width: float, label_width: float) -> int:
    """Days between date labels: the smallest step whose labels do not touch and number at
    most MOST_DATE_LABELS over a period of ``days`` days, ``day_width`` pixels each."""
    candidates = [1, 2, 3, 4, 5, 7, 10, 14, 21, 28]
    candidates += [7 * k for k in range(5, days // 7 + 2)]
    for step in candidates:
        fits = step * day_width >= label_width
        few = (days - 1) // step + 1 <= MOST_DATE_LABELS
        if fits and few:
            return step
    return max(days, 1)


class _Chart(QWidget):
    """What both charts share: focus, sizes, a title, the words, and a layout cache."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a picture: Tab goes on to the tables
        self.setMinimumHeight(MINIMUM_HEIGHT)
        self.setMinimumWidth(240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # every pixel is painted
        self._title = ""
        self._layout_cache: object | None = None
        self.paints = 0  # how many times the chart was painted: the tests read it

    # ----- what it shows -----------------------------------------------------------------
    def title(self) -> str:
        return self._title

    def words(self) -> str:
        """The figures in words, as the tooltip and the accessible description say them."""
        return self.accessibleDescription()

    def _shown(self, title: str, words: str) -> None:
        self._title = title
        self.setAccessibleName(title)
        self.setAccessibleDescription(words)
        self.setToolTip(words)
        self._layout_cache = None
        self.update()

    # ----- Qt ----------------------------------------------------------------------------
    def sizeHint(self) -> QSize:
        return QSize(480, 280)

    def minimumSizeHint(self) -> QSize:
        return QSize(240, MINIMUM_HEIGHT)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._layout_cache = None
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (
            QEvent.Type.FontChange,
            QEvent.Type.PaletteChange,
            QEvent.Type.StyleChange,
        ):
            self._layout_cache = None
            self.update()
        super().changeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        self.paints += 1
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Window))
        card = QRectF(self.rect()).adjusted(4, 4, -4, -4)
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(card, 6, 6)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        self._draw(painter)
        painter.end()

    def _draw(self, painter: QPainter) -> None:
        raise NotImplementedError

    # ----- helpers for the two charts ----------------------------------------------------
    def _unit(self) -> float:
        """A spacing that follows the font: the height of a line of text."""
        return QFontMetricsF(self.font()).height()

    def _title_font(self) -> QFont:
        font = QFont(self.font())
        font.setBold(True)
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * 1.1)
        else:
            font.setPixelSize(round(font.pixelSize() * 1.1))
        return font

    def _title_rect(self) -> QRectF:
        unit = self._unit()
        metrics = QFontMetricsF(self._title_font())
        return QRectF(unit, unit * 0.6, self.width() - 2 * unit, metrics.height())

    def _draw_title(self, painter: QPainter) -> None:
        font = self._title_font()
        rect = self._title_rect()
        text = QFontMetricsF(font).elidedText(
            self._title, Qt.TextElideMode.ElideRight, rect.width()
        )
        painter.setFont(font)
        painter.setPen(self._text_colour())
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.setFont(self.font())

    def _text_colour(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.Text)

    def _muted_colour(self) -> QColor:
        colour = QColor(self._text_colour())
        colour.setAlphaF(0.65)
        return colour

    def _grid_colour(self) -> QColor:
        colour = QColor(self._text_colour())
        colour.setAlphaF(0.12)
        return colour

    def _axis_colour(self) -> QColor:
        colour = QColor(self._text_colour())
        colour.setAlphaF(0.45)
        return colour


# ----- contacts per clinician per day ---------------------------------------------------
@dataclass(frozen=True)
class _PerDayLayout:
    plot: QRectF
    y_top: int
    y_step: int
    x_labels: tuple[tuple[str, QRectF, float], ...]  # text, where, tick x
    legend: tuple[tuple[int, QRectF], ...]  # series index, where the entry goes
    y_title: QRectF


class ContactsPerDayChart(_Chart):
    """For each day with clinicians working: the average and the busiest clinician's counted
    contacts, with the cap as a dashed line drawn over them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._start = local_today()
        self._end = self._start
        self._days: tuple[DayValues, ...] = ()
        self._series: tuple[Series, ...] = ()
        self.set_days(self._start, self._end, ())

    # ----- data --------------------------------------------------------------------------
    def set_days(self, start: date, end: date, days: Sequence[DayValues]) -> bool:
        """Show ``days`` (those with clinicians working) over ``start`` to ``end``. Returns
        False, and leaves the picture alone, when that is what it already shows."""
        days = tuple(sorted(days, key=lambda d: d.day))
        if self._series and (start, end, days) == (self._start, self._end, self._days):
            return False
        self._start, self._end, self._days = start, max(start, end), days
        markers = len(days) <= MARKERS_UP_TO
        busiest = Series(
            BUSIEST_NAME,
            BUSIEST_ORANGE,
            tuple((d.day, float(d.busiest)) for d in days),
            1.5,
            markers=markers,
        )
        average = Series(
            AVERAGE_NAME,
            BAR_BLUE,
            tuple((d.day, round(d.average, 1)) for d in days),
            2.5,
            markers=markers,
        )
        capped = tuple((d.day, float(d.cap)) for d in days if d.cap is not None)
        # the cap last, so drawn on top and dashed: a clinician at the cap shows through
        cap = (Series(CAP_NAME, CAP_RED, capped, 3.0, dashed=True),) if capped else ()
        self._series = (busiest, average, *cap)
        self._shown(PER_DAY_TITLE if days else PER_DAY_EMPTY_TITLE, self._describe())
        return True

    def series(self) -> tuple[Series, ...]:
        """The lines as drawn, bottom first: busiest, average, then the cap when there is one."""
        return self._series

    def period(self) -> tuple[date, date]:
        return self._start, self._end

    def x_labels(self) -> list[tuple[str, QRectF]]:
        """The date labels under the axis and where they go at the chart's present size."""
        return [(text, rect) for text, rect, _x in self._layout().x_labels]

    def _describe(self) -> str:
        days = self._days
        one_year = self._start.year == self._end.year
        span = (
            f"{date_label(self._start)} to {date_label(self._end, year=True)}"
            if one_year
            else f"{date_label(self._start, year=True)} to {date_label(self._end, year=True)}"
        )
        if not days:
            return f"{PER_DAY_EMPTY_TITLE} ({span})."
        peak = max(days, key=lambda d: d.busiest)  # the first such day
        low = min(d.average for d in days)
        high = max(d.average for d in days)
        capped = [d for d in days if d.cap is not None]
        at_cap = sum(1 for d in capped if d.busiest >= (d.cap or 0))
        cap_words = f"cap {peak.cap}" if peak.cap is not None else "no cap in force"
        parts = [
            f"{PER_DAY_TITLE}, {span}: {_days(len(days))} with clinicians working.",
            f"Average per clinician working from {low:.1f} to {high:.1f} contacts a day.",
            f"Busiest day {date_label(peak.day, year=not one_year)}: "
            f"{plural(peak.busiest, 'contact')}, "
            f"{cap_words}.",
        ]
        if capped:
            parts.append(
                f"The busiest clinician reached the cap on {at_cap} of {_days(len(capped))} "
                "with a cap."
            )
        else:
            parts.append("No cap was in force.")
        return " ".join(parts)

    # ----- layout ------------------------------------------------------------------------
    def _day_count(self) -> int:
        return (self._end - self._start).days + 1

    def _x(self, plot: QRectF, day: date) -> float:
        return plot.left() + ((day - self._start).days + 0.5) * plot.width() / self._day_count()

    def _layout(self) -> _PerDayLayout:
        key = (self.width(), self.height(), self.font().key())
        cached = self._layout_cache
        if isinstance(cached, tuple) and cached[0] == key:
            return cached[1]
        metrics = QFontMetricsF(self.font())
        unit = metrics.height()
        gap = metrics.horizontalAdvance("  ")
        width, height = float(self.width()), float(self.height())
        top = self._title_rect().bottom() + unit * 0.6

        # the legend: entries flow into as many rows as the width needs, centred
        legend: list[tuple[int, QRectF]] = []
        sample = unit * 2
        rows: list[list[tuple[int, float]]] = [[]]
        room = width - 2 * unit
        used = 0.0
        shown = self._series if self._days else ()
        for index, s in enumerate(shown):
            entry = sample + unit * 0.4 + metrics.horizontalAdvance(s.name)
            if rows[-1] and used + gap * 2 + entry > room:
                rows.append([])
                used = 0.0
            used += (gap * 2 if rows[-1] else 0) + entry
            rows[-1].append((index, entry))
        legend_height = unit * len([r for r in rows if r]) + (unit * 0.5 if shown else 0)
        y_legend = height - unit * 0.9 - legend_height + unit * 0.5
        for row_number, row in enumerate(r for r in rows if r):
            row_width = sum(e for _i, e in row) + gap * 2 * (len(row) - 1)
            x = (width - row_width) / 2
            for index, entry in row:
                legend.append((index, QRectF(x, y_legend + row_number * unit, entry, unit)))
                x += entry + gap * 2

        bottom = height - unit * 0.9 - legend_height - unit * 1.4  # room for date labels

        # the value axis: whole numbers from 0 to a little above the highest value
        highest = max(
            [5.0] + [v for s in self._series for _d, v in s.points],
        )
        plot_height = max(bottom - top, unit)
        y_step = nice_step(highest, min(int(plot_height // (unit * 1.6)) + 1, 8))
        y_top = (math.floor(highest / y_step) + 1) * y_step
        tick_width = max(metrics.horizontalAdvance(str(v)) for v in range(0, y_top + 1, y_step))
        y_title_width = unit
        left = unit * 1.0 + y_title_width + unit * 0.4 + tick_width + unit * 0.4

        # A period across a new year shows the year on each date. The widest label is
        # measured once per month name rather than once per day of a long period.
        with_year = self._start.year != self._end.year
        label_width = max(
            metrics.horizontalAdvance(date_label(date(2000, month, 28), year=with_year))
            for month in range(1, 13)
        )
        right = width - max(unit, label_width / 2 + unit * 0.4)
        plot = QRectF(left, top, max(right - left, unit), plot_height)
        y_title = QRectF(unit * 1.0, plot.top(), y_title_width, plot.height())

        day_width = plot.width() / self._day_count()
        step = date_step(self._day_count(), day_width, label_width + gap)
        labels = []
        for offset in range(0, self._day_count(), step):
            day = self._start + timedelta(days=offset)
            text = date_label(day, year=with_year)
            x = self._x(plot, day)
            text_width = metrics.horizontalAdvance(text)
            rect = QRectF(x - text_width / 2, plot.bottom() + unit * 0.3, text_width, unit)
            labels.append((text, rect, x))

        layout = _PerDayLayout(plot, y_top, y_step, tuple(labels), tuple(legend), y_title)
        self._layout_cache = (key, layout)
        return layout

    # ----- painting ----------------------------------------------------------------------
    def _draw(self, painter: QPainter) -> None:
        self._draw_title(painter)
        layout = self._layout()
        plot = layout.plot
        unit = QFontMetricsF(self.font()).height()
        painter.setFont(self.font())

        def y_of(value: float) -> float:
            return plot.bottom() - value / layout.y_top * plot.height()

        # grid and value labels
        for value in range(0, layout.y_top + 1, layout.y_step):
            y = y_of(value)
            painter.setPen(QPen(self._grid_colour(), 1))
            if value:
                painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(self._muted_colour())
            painter.drawText(
                QRectF(0, y - unit / 2, plot.left() - unit * 0.4, unit),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                str(value),
            )
        for _text, _rect, x in layout.x_labels:
            painter.setPen(QPen(self._grid_colour(), 1))
            painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
        painter.setPen(QPen(self._axis_colour(), 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.bottomLeft(), plot.topLeft())
        painter.setPen(self._muted_colour())
        for text, rect, x in layout.x_labels:
            painter.setPen(QPen(self._axis_colour(), 1))
            painter.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 4))
            painter.setPen(self._muted_colour())
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

        # the axis title, turned to read upwards
        painter.save()
        centre = layout.y_title.center()
        painter.translate(centre)
        painter.rotate(-90)
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(self._text_colour())
        half_h, half_w = layout.y_title.height() / 2, layout.y_title.width() / 2
        painter.drawText(
            QRectF(-half_h, -half_w, 2 * half_h, 2 * half_w),
            Qt.AlignmentFlag.AlignCenter,
            "Contacts",
        )
        painter.restore()

        if not self._days:
            painter.setPen(self._muted_colour())
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, "No contacts recorded")
            return

        painter.save()
        painter.setClipRect(plot.adjusted(-6, -6, 6, 6))
        for s in self._series:
            self._draw_series(painter, s, plot, y_of)
        painter.restore()

        for index, rect in layout.legend:
            self._draw_legend_entry(painter, self._series[index], rect)

    def _pen(self, s: Series) -> QPen:
        pen = QPen(QColor(s.colour), s.width)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap if s.dashed else Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        if s.dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
        return pen

    def _draw_series(
        self, painter: QPainter, s: Series, plot: QRectF, y_of: Callable[[float], float]
    ) -> None:
        painter.setPen(self._pen(s))
        points = [QPointF(self._x(plot, d), y_of(v)) for d, v in s.points]
        if s.dashed:
            # the cap holds over a whole day: a day alone still shows as a short dash
            half = max(plot.width() / self._day_count() / 2, 4.0)
            runs = self._runs(s)
            for run in runs:
                line = [QPointF(self._x(plot, d), y_of(v)) for d, v in run]
                if len(line) == 1:
                    p = line[0]
                    painter.drawLine(QPointF(p.x() - half, p.y()), QPointF(p.x() + half, p.y()))
                else:
                    painter.drawPolyline(line)
            return
        if len(points) == 1:
            painter.drawPoint(points[0])
        else:
            painter.drawPolyline(points)
        if s.markers:
            radius = max(s.width + 1.0, 3.0)
            painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Base), 1))
            painter.setBrush(QColor(s.colour))
            for p in points:
                painter.drawEllipse(p, radius, radius)
            painter.setBrush(Qt.BrushStyle.NoBrush)

    def _runs(self, cap: Series) -> list[list[tuple[date, float]]]:
        """The cap's points split where a working day had no cap, so no line bridges it."""
        capped = {d for d, _v in cap.points}
        runs: list[list[tuple[date, float]]] = []
        current: list[tuple[date, float]] = []
        values = dict(cap.points)
        for day in (d.day for d in self._days):
            if day in capped:
                current.append((day, values[day]))
            elif current:
                runs.append(current)
                current = []
        if current:
            runs.append(current)
        return runs

    def _draw_legend_entry(self, painter: QPainter, s: Series, rect: QRectF) -> None:
        unit = rect.height()
        y = rect.center().y()
        painter.setPen(self._pen(s))
        painter.drawLine(QPointF(rect.left(), y), QPointF(rect.left() + unit * 2, y))
        if s.markers:
            painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Base), 1))
            painter.setBrush(QColor(s.colour))
            radius = max(s.width + 1.0, 3.0)
            painter.drawEllipse(QPointF(rect.left() + unit, y), radius, radius)
            painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(self._text_colour())
        text = QRectF(rect.left() + unit * 2.4, rect.top(), rect.width() - unit * 2.4, unit)
        painter.drawText(text, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, s.name)


# ----- where patients were diverted ------------------------------------------------------
class DestinationsChart(_Chart):
    """One horizontal bar per destination, the biggest at the top, its count at its end."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bars: tuple[Bar, ...] = ()
        self._set = False
        self.set_bars(())

    def set_bars(self, bars: Sequence[Bar]) -> bool:
        """Show ``bars`` (destinations with none are left out). Returns False, and leaves the
        picture alone, when that is what it already shows."""
        # biggest first; equal counts keep the order they were given in
        chosen = tuple(sorted((b for b in bars if b.value > 0), key=lambda b: -b.value))
        if self._set and chosen == self._bars:
            return False
        self._set = True
        self._bars = chosen
        total = sum(b.value for b in chosen)
        title = f"Where patients were diverted ({total:,})" if total else NO_DIVERSIONS_TITLE
        if chosen:
            listed = ", ".join(f"{b.label} {b.value:,}" for b in chosen)
            words = f"{title}: {listed}."
        else:
            words = f"{title}."
        self._shown(title, words)
        return True

    def bars(self) -> tuple[Bar, ...]:
        """The bars from the top down."""
        return self._bars

    def _draw(self, painter: QPainter) -> None:
        self._draw_title(painter)
        metrics = QFontMetricsF(self.font())
        unit = metrics.height()
        top = self._title_rect().bottom() + unit * 0.8
        area = QRectF(unit, top, self.width() - 2 * unit, self.height() - top - unit * 1.0)
        painter.setFont(self.font())
        if not self._bars:
            painter.setPen(self._muted_colour())
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, "No diversions recorded")
            return
        # labels take what they need, up to two fifths of the width; longer ones are elided
        label_room = min(
            max(metrics.horizontalAdvance(b.label) for b in self._bars), area.width() * 0.4
        )
        value_room = max(metrics.horizontalAdvance(f"{b.value:,}") for b in self._bars)
        bar_left = area.left() + label_room + unit * 0.6
        bar_room = max(area.right() - value_room - unit * 0.5 - bar_left, unit)
        row = min(area.height() / len(self._bars), unit * 3.4)
        thickness = min(row * 0.62, unit * 1.8)
        highest = max(b.value for b in self._bars)
        bar_colour = QColor(BAR_BLUE)
        for index, bar in enumerate(self._bars):
            y = area.top() + row * index
            centre = y + row / 2
            label = QRectF(area.left(), y, label_room, row)
            painter.setPen(self._text_colour())
            painter.drawText(
                label,
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                metrics.elidedText(bar.label, Qt.TextElideMode.ElideRight, label_room),
            )
            length = max(bar.value / highest * bar_room, 2.0)
            shape = QRectF(bar_left, centre - thickness / 2, length, thickness)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(bar_colour)
            painter.drawRoundedRect(shape, 2, 2)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(self._text_colour())
            painter.drawText(
                QRectF(shape.right() + unit * 0.4, y, value_room + unit, row),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                f"{bar.value:,}",
            )
        painter.setPen(QPen(self._axis_colour(), 1))
        bottom = area.top() + row * len(self._bars)
        painter.drawLine(QPointF(bar_left, area.top()), QPointF(bar_left, bottom))
