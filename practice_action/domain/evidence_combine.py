"""Adding up evidence files across practices: what an LMC or PCN reads.

How each figure is made (docs/evidence-format.md says the same in its "Combining" section):

- *Contacts per 1,000 patients per working day*: the contacts recorded on working days
  (Monday to Friday, not an England bank holiday) on which the practice's counter recorded at
  least one contact, divided by the number of such days and by the list size in thousands.
  Over several practices each practice's days are weighted by its list size: the total of
  those contacts divided by the sum, over practices, of (days in use x list size / 1,000). A
  practice that did not use the counter on a day is not counted as having seen no one.
- *Clinician-days at the cap*: clinician-days on which the capped count reached the cap in
  force; the share is of all clinician-days in the files.
- *Diverted per 1,000*: patients diverted in the period per 1,000 registered patients (over
  several practices, per 1,000 of their patients together).
- Weeks run Monday to Sunday; a week's figures use only the days of that week.
- Each practice (by ODS code) counts once, overall and in each week, however many files it
  sent. The rate above weights each file's days by that file's own list size; the list size
  that counts for a span (a week, or the whole) is the one in the practice's latest file with
  records in that span.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from practice_action.domain.calendar import is_working_day
from practice_action.domain.enums import ContactType, DivertDestination
from practice_action.domain.evidence import (
    CONTACT_TYPES,
    DaySums,
    EvidenceFile,
    EvidenceRefused,
    SafetyEvidence,
    day_sums,
)
from practice_action.domain.safety_event import HarmLevel, SafetyCategory


@dataclass(frozen=True)
class Totals:
    list_size: int = 0  # registered patients of the practices these figures cover
    rate_days: int = 0  # practice-days: working days with the counter in use
    rate_weight: float = 0.0  # sum of (days in use x list size / 1,000)
    rate_contacts: int = 0  # contacts on those days
    contacts: int = 0  # every live contact in the files
    by_type: Mapping[ContactType, int] = field(default_factory=dict)
    clinician_days: int = 0
    at_cap: int = 0
    urgent: int = 0
    diverted_to: Mapping[DivertDestination, int] = field(default_factory=dict)
    safety: tuple[SafetyEvidence, ...] = ()
    practices: int = 0

    @property
    def contacts_per_1000_per_day(self) -> float | None:
        return self.rate_contacts / self.rate_weight if self.rate_weight else None

    @property
    def share_at_cap(self) -> float | None:
        return self.at_cap / self.clinician_days if self.clinician_days else None

    @property
    def diverted(self) -> int:
        return sum(self.diverted_to.values())

    @property
    def diverted_per_1000(self) -> float | None:
        return self.diverted / self.list_size * 1000 if self.list_size else None

    def safety_by_category(self) -> dict[SafetyCategory, int]:
        out: dict[SafetyCategory, int] = {}
        for s in self.safety:
            out[s.category] = out.get(s.category, 0) + 1
        return out

    def safety_by_harm(self) -> dict[HarmLevel, int]:
        out: dict[HarmLevel, int] = {}
        for s in self.safety:
            out[s.harm] = out.get(s.harm, 0) + 1
        return out


class _Acc:
    """Running sums while the files are folded; frozen into Totals at the end."""

    __slots__ = (
        "at_cap",
        "by_type",
        "clinician_days",
        "contacts",
        "diverted_to",
        "list_size",
        "practices",
        "rate_contacts",
        "rate_days",
        "rate_weight",
        "safety",
        "urgent",
    )

    def __init__(self) -> None:
        self.list_size = self.rate_days = self.rate_contacts = self.contacts = 0
        self.clinician_days = self.at_cap = self.urgent = self.practices = 0
        self.rate_weight = 0.0
        self.by_type: dict[ContactType, int] = {}
        self.diverted_to: dict[DivertDestination, int] = {}
        self.safety: list[SafetyEvidence] = []

    def add(self, other: _Acc) -> None:
        self.list_size += other.list_size
        self.rate_days += other.rate_days
        self.rate_weight += other.rate_weight
        self.rate_contacts += other.rate_contacts
        self.contacts += other.contacts
        self.clinician_days += other.clinician_days
        self.at_cap += other.at_cap
        self.urgent += other.urgent
        self.practices += other.practices
        for k, n in other.by_type.items():
            self.by_type[k] = self.by_type.get(k, 0) + n
        for k, n in other.diverted_to.items():
            self.diverted_to[k] = self.diverted_to.get(k, 0) + n
        self.safety.extend(other.safety)

    def frozen(self) -> Totals:
        return Totals(
            list_size=self.list_size,
            rate_days=self.rate_days,
            rate_weight=self.rate_weight,
            rate_contacts=self.rate_contacts,
            contacts=self.contacts,
            by_type=dict(self.by_type),
            clinician_days=self.clinician_days,
            at_cap=self.at_cap,
            urgent=self.urgent,
            diverted_to=dict(self.diverted_to),
            safety=tuple(self.safety),
            practices=self.practices,
        )


@dataclass(frozen=True)
class ActionTaken:
    action: str
    title: str
    start: date
    end: date | None


@dataclass(frozen=True)
class PracticeResult:
    file: str
    ods_code: str
    name: str
    list_size: int
    start: date
    end: date
    totals: Totals
    actions: tuple[ActionTaken, ...]


@dataclass(frozen=True)
class WeekResult:
    monday: date
    totals: Totals


@dataclass(frozen=True)
class ActionUptake:
    action: str
    title: str
    practices: int  # how many practices adopted it
    earliest: date  # the first day any practice adopted it from


@dataclass(frozen=True)
class Combined:
    files: tuple[str, ...]
    practices: tuple[PracticeResult, ...]  # by ODS code, then period
    overall: Totals
    weeks: tuple[WeekResult, ...]
    actions: tuple[ActionUptake, ...]

    @property
    def start(self) -> date:
        return min(p.start for p in self.practices)

    @property
    def end(self) -> date:
        return max(p.end for p in self.practices)

    def said(self) -> str:
        """What was combined, in one sentence."""
        codes = {p.ods_code for p in self.practices}
        return (
            f"Combined {len(self.files)} evidence file{'s' if len(self.files) != 1 else ''} from "
            f"{len(codes)} practice{'s' if len(codes) != 1 else ''} "
            f"({self.overall.list_size:,} registered patients), "
            f"{self.start.day} {self.start:%b %Y} to {self.end.day} {self.end:%b %Y}."
        )


def check_overlaps(files: Sequence[tuple[str, EvidenceFile]]) -> None:
    """Two files for the same practice must not share a day: its figures would count twice."""
    by_practice: dict[str, list[tuple[str, EvidenceFile]]] = {}
    for name, f in files:
        by_practice.setdefault(f.ods_code.upper(), []).append((name, f))
    for code, group in by_practice.items():
        group.sort(key=lambda item: (item[1].start, item[1].end))
        for (first_name, first), (second_name, second) in itertools.pairwise(group):
            if second.start <= first.end:
                shared_from = second.start
                shared_to = min(first.end, second.end)
                raise EvidenceRefused(
                    second_name,
                    f"it overlaps {first_name} for the same practice ({code}) from "
                    f"{shared_from.day} {shared_from:%b %Y} to {shared_to.day} {shared_to:%b %Y}, so those days would be "
                    "counted twice. Leave one of the two out, or ask the practice for files "
                    "that do not overlap.",
                )


def _fold(f: EvidenceFile, per_day: DaySums, weeks: dict[date, _Acc]) -> tuple[_Acc, set[date]]:
    """One file's figures, from its clinician-days summed by day; its weeks go to ``weeks``
    (without list size or practice count, which ``Combiner.finish`` gives each week, counting
    each practice once). Also gives the Mondays of the weeks the file has records in."""
    acc = _Acc()
    acc.list_size = f.list_size
    acc.practices = 1
    per_thousand = f.list_size / 1000
    week_accs: dict[date, _Acc] = {}

    def week_of(day: date) -> _Acc:
        monday = day - timedelta(days=day.weekday())
        found = week_accs.get(monday)
        if found is None:
            found = week_accs[monday] = _Acc()
        return found

    totals_by_type = [0] * len(CONTACT_TYPES)
    for day, (counts, clinician_days, at_cap, urgent) in per_day.items():
        w = week_of(day)
        total = sum(counts)
        for i, n in enumerate(counts):
            totals_by_type[i] += n
            if n:
                kind = CONTACT_TYPES[i]
                w.by_type[kind] = w.by_type.get(kind, 0) + n
        for a in (acc, w):
            a.contacts += total
            a.clinician_days += clinician_days
            a.at_cap += at_cap
            a.urgent += urgent
            if total and is_working_day(day):
                a.rate_days += 1
                a.rate_contacts += total
    acc.by_type = {k: n for k, n in zip(CONTACT_TYPES, totals_by_type, strict=True) if n}
    acc.rate_weight = acc.rate_days * per_thousand
    for d in f.diversions:
        w = week_of(d.day)
        acc.diverted_to[d.destination] = acc.diverted_to.get(d.destination, 0) + d.patients
        w.diverted_to[d.destination] = w.diverted_to.get(d.destination, 0) + d.patients
    for s in f.safety:
        acc.safety.append(s)
        week_of(s.day).safety.append(s)
    for monday, w in week_accs.items():
        w.rate_weight = w.rate_days * per_thousand
        weeks.setdefault(monday, _Acc()).add(w)
    return acc, set(week_accs)


class _Lists:
    """Each practice's list size for a span of days (a week, or everything), counted once
    however many files it sent: the size given by its latest file with records in the span."""

    __slots__ = ("sizes",)

    def __init__(self) -> None:
        self.sizes: dict[str, tuple[date, int]] = {}

    def note(self, f: EvidenceFile) -> None:
        code = f.ods_code.upper()
        known = self.sizes.get(code)
        if known is None or f.start > known[0]:
            self.sizes[code] = (f.start, f.list_size)

    def put_into(self, acc: _Acc) -> None:
        acc.list_size = sum(size for _, size in self.sizes.values())
        acc.practices = len(self.sizes)


class Combiner:
    """Files added one at a time (each folded, then let go, so memory stays flat however many
    there are); ``finish`` checks that no two overlap and gives every figure."""

    def __init__(self) -> None:
        self.overall = _Acc()
        self.weeks: dict[date, _Acc] = {}
        self.practices: list[PracticeResult] = []
        self.periods: list[tuple[str, EvidenceFile]] = []
        self.uptake: dict[str, tuple[str, set[str], date]] = {}
        self.lists = _Lists()
        self.week_lists: dict[date, _Lists] = {}

    def add(self, name: str, f: EvidenceFile, per_day: DaySums | None = None) -> None:
        acc, mondays = _fold(f, day_sums(f) if per_day is None else per_day, self.weeks)
        self.overall.add(acc)
        self.lists.note(f)
        for monday in mondays:
            self.week_lists.setdefault(monday, _Lists()).note(f)
        self.periods.append((name, replace(f, clinician_days=(), diversions=(), safety=())))
        actions = tuple(ActionTaken(a.action, a.title, a.start, a.end) for a in f.actions)
        self.practices.append(
            PracticeResult(
                name,
                f.ods_code,
                f.practice_name,
                f.list_size,
                f.start,
                f.end,
                acc.frozen(),
                actions,
            )
        )
        for a in f.actions:
            if a.action.startswith("own-"):  # each practice's own: not the same action
                continue
            title, codes, earliest = self.uptake.get(a.action, (a.title, set(), a.start))
            codes.add(f.ods_code.upper())
            self.uptake[a.action] = (title, codes, min(earliest, a.start))

    def finish(self) -> Combined:
        check_overlaps(self.periods)
        overall = self.overall
        # A practice with several files (consecutive periods) is one practice and one list,
        # overall and in a week its files share.
        self.lists.put_into(overall)
        for monday, week in self.weeks.items():
            self.week_lists[monday].put_into(week)
        return Combined(
            files=tuple(name for name, _ in self.periods),
            practices=tuple(sorted(self.practices, key=lambda p: (p.ods_code.upper(), p.start))),
            overall=overall.frozen(),
            weeks=tuple(
                WeekResult(monday, self.weeks[monday].frozen()) for monday in sorted(self.weeks)
            ),
            actions=tuple(
                sorted(
                    (
                        ActionUptake(action, title, len(codes), earliest)
                        for action, (title, codes, earliest) in self.uptake.items()
                    ),
                    key=lambda u: (-u.practices, u.earliest, u.action),
                )
            ),
        )


def combine(files: Iterable[tuple[str, EvidenceFile]]) -> Combined:
    """Every figure, per practice, overall and week by week. Refuses overlapping files."""
    combiner = Combiner()
    for name, f in files:
        combiner.add(name, f)
    return combiner.finish()


__all__ = [
    "ActionTaken",
    "ActionUptake",
    "Combined",
    "Combiner",
    "PracticeResult",
    "Totals",
    "WeekResult",
    "check_overlaps",
    "combine",
]
