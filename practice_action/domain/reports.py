"""What a report says: the counter's figures for a period and the safety log, as plain data.

The services build these; the Reports screen, the command line, the CSV export and the PDF
summary all read the same objects, so every one of them gives the same numbers.

How things are counted (the report says so in words too):

- A *contact* is one recorded on the counter and not undone (voided). Contacts are split
  into those that count against the cap, those of a type the practice does not count, and
  urgent overrides (taken over the cap, never counted against it). Undone contacts are left
  out of every figure and shown apart as *voided*.
- A *day at the cap* is a clinician's day on which their capped count reached the cap in
  force for them that day (after any undo).
- *Contacts per 1,000 registered patients per day* divides the contacts recorded on working
  days (Monday to Friday, not an England bank holiday) on which the counter recorded at least
  one contact by the number of such days and by the list size in thousands. Days before the
  counter was used, or still to come, would otherwise pull the figure down.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property

from practice_action.domain.enums import ContactType, DivertDestination, LabelledEnum
from practice_action.domain.safety_event import HarmLevel, SafetyCategory, SafetyPlace
from practice_action.domain.words import plural

NO_CLINICIAN = "No clinician named"

RATE_BASIS = (
    "Contacts per 1,000 registered patients per day counts the working days (Monday to Friday, "
    "not bank holidays) in the period on which at least one contact was recorded, and the "
    "contacts recorded on those days."
)


class Period(LabelledEnum):
    THIS_WEEK = ("this_week", "This week")
    LAST_WEEK = ("last_week", "Last week")
    THIS_MONTH = ("this_month", "This month")
    LAST_MONTH = ("last_month", "Last month")
    CUSTOM = ("custom", "Custom dates")

    def days(self, today: date) -> tuple[date, date] | None:
        """(first day, last day) of the period around ``today``; None for custom dates.

        Weeks run Monday to Sunday; 'this week' and 'this month' end today.
        """
        monday = today - timedelta(days=today.weekday())
        first_of_month = today.replace(day=1)
        if self is Period.THIS_WEEK:
            return monday, today
        if self is Period.LAST_WEEK:
            return monday - timedelta(days=7), monday - timedelta(days=1)
        if self is Period.THIS_MONTH:
            return first_of_month, today
        if self is Period.LAST_MONTH:
            last = first_of_month - timedelta(days=1)
            return last.replace(day=1), last
        return None


class ConcernKind(LabelledEnum):
    CONCERN = ("concern", "Safety concern")
    NEAR_MISS = ("near_miss", "Near miss")


@dataclass(frozen=True)
class SafetyEntry:
    """One entry in the safety log. Holds no patient identifiers unless truly needed."""

    id: int | None
    day: date
    kind: ConcernKind
    what_happened: str
    action_taken: str = ""
    clinician_id: int | None = None
    diversion_id: int | None = None
    clinician_name: str = ""  # filled in when read back
    diversion_text: str = ""  # e.g. "14:05 NHS 111 from Dr Ali", filled in when read back
    recorded_by: str = ""
    recorded_at: datetime | None = None
    edited_by: str = ""
    edited_at: datetime | None = None
    category: SafetyCategory = SafetyCategory.OTHER
    harm: HarmLevel = HarmLevel.NOT_RECORDED
    place: SafetyPlace = SafetyPlace.NOT_RECORDED
    time_of_day: str = ""  # HH:MM, or '' when not known


@dataclass(frozen=True, kw_only=True)
class Figures:
    """Counts for one clinician-day, one clinician, one day or the whole practice."""

    by_type: Mapping[ContactType, int] = field(default_factory=dict)  # every live contact
    counted: int = 0  # live, counted against the cap
    not_counted: int = 0  # live, of a type the practice does not count (not urgent)
    urgent: int = 0  # live urgent overrides
    voided: int = 0  # undone: not in any other figure
    days_at_cap: int = 0  # clinician-days at the cap
    diverted: Mapping[DivertDestination, int] = field(default_factory=dict)

    @property
    def contacts(self) -> int:
        return self.counted + self.not_counted + self.urgent

    @property
    def total_diverted(self) -> int:
        return sum(self.diverted.values())

    def of_type(self, contact_type: ContactType) -> int:
        return self.by_type.get(contact_type, 0)

    def diverted_to(self, destination: DivertDestination) -> int:
        return self.diverted.get(destination, 0)


@dataclass(frozen=True, kw_only=True)
class ClinicianDayFigures(Figures):
    """One clinician on one day (clinician_id None: diversions with no clinician named)."""

    day: date
    clinician_id: int | None
    clinician: str
    cap: int | None = None  # the cap in force for them that day, if any

    @property
    def at_cap(self) -> bool:
        return self.days_at_cap > 0


@dataclass(frozen=True, kw_only=True)
class ClinicianFigures(Figures):
    """One clinician over the whole period."""

    clinician_id: int | None
    clinician: str
    days_worked: int = 0  # days with at least one live contact


@dataclass(frozen=True, kw_only=True)
class DayFigures(Figures):
    """The whole practice on one day."""

    day: date
    clinicians_working: int = 0  # clinicians with at least one live contact
    busiest: int = 0  # the highest capped count of any clinician that day
    cap: int | None = None  # the full-day cap in force, if any

    @property
    def average_counted(self) -> float:
        """Capped contacts per clinician working that day."""
        return self.counted / self.clinicians_working if self.clinicians_working else 0.0


@dataclass(frozen=True)
class Report:
    start: date
    end: date
    practice_name: str
    ods_code: str
    list_size: int
    generated_at: datetime
    clinicians: tuple[ClinicianFigures, ...]  # by name
    days: tuple[DayFigures, ...]  # every day of the period, in order
    totals: Figures
    working_days: int  # working days in the period
    rate_days: int  # working days with at least one contact recorded
    rate_contacts: int  # contacts recorded on those days
    safety: tuple[SafetyEntry, ...] = ()
    audit_head: str = ""  # hash of the audit trail's head when the figures were read
    # Makes ``rows`` when first asked for: a year of a busy practice has thousands of
    # clinician-days, which only the CSV export lists one by one.
    row_source: Callable[[], tuple[ClinicianDayFigures, ...]] = field(
        default=tuple, repr=False, compare=False
    )

    @cached_property
    def rows(self) -> tuple[ClinicianDayFigures, ...]:
        """Every clinician's day with any activity, by day, then clinician."""
        return self.row_source()

    @property
    def contacts_per_1000_per_day(self) -> float | None:
        if not self.rate_days or self.list_size <= 0:
            return None
        return self.rate_contacts / self.rate_days / self.list_size * 1000

    @property
    def period_text(self) -> str:
        if self.start == self.end:
            return _day(self.start)
        return f"{_day(self.start)} to {_day(self.end)}"

    def diversion_summary(self) -> str:
        """Plain words: how many patients were diverted, and where to."""
        total = self.totals.total_diverted
        if not total:
            return "No patients were recorded as diverted in this period."
        parts = [
            f"{destination.label} {count}"
            for destination, count in sorted(
                self.totals.diverted.items(), key=lambda item: (-item[1], item[0].label)
            )
            if count
        ]
        noun = "patient was" if total == 1 else "patients were"
        return f"{total} {noun} diverted: " + ", ".join(parts) + "."

    def headline(self) -> str:
        t = self.totals
        rate = self.contacts_per_1000_per_day
        rate_text = "" if rate is None else f" ({rate:.1f} per 1,000 patients per working day)"
        return (
            f"{plural(t.contacts, 'contact')}{rate_text}; "
            f"{plural(t.days_at_cap, 'clinician-day')} at the cap; "
            f"{plural(t.urgent, 'urgent override')}; "
            f"{plural(t.total_diverted, 'patient')} diverted; "
            f"{plural(len(self.safety), 'safety log entry', 'safety log entries')}."
        )


def _day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"
