"""Who is in an evidence file, and with what: the clinician-days, from the counter's records.

Pure: the service reads the records and hands them here. A day is in the file when the counter
recorded anything on it (``days``); on such a day every clinician on duty has a row: those on
their usual pattern (active clinicians only), those added for the day, and anyone a contact
was recorded for.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from practice_action.domain.enums import ContactType, Weekday
from practice_action.domain.evidence import ClinicianDayEvidence, contacts_tuple, pseudonyms
from practice_action.domain.plan import CapRule
from practice_action.domain.records import Clinician

FULL_DAY = 2


@dataclass
class CounterCell:
    """What the counter holds for one clinician on one day."""

    by_type: dict[ContactType, int] = field(default_factory=dict)  # live contacts
    counted: int = 0  # live contacts counted against the cap, from the contacts themselves
    urgent: int = 0
    guarded: int | None = None  # the day's guarded count, when the day has its counter row
    stored_cap: int | None = None  # the cap the counter applied, when it applied one


def _cap(rule: CapRule | None, sessions: int | None) -> int | None:
    if rule is None:
        return None
    return rule.cap_for(sessions if sessions is not None else FULL_DAY)


def clinician_days(
    days: Iterable[date],
    clinicians: Mapping[int, Clinician],
    extra: Mapping[tuple[date, int], int],
    cells: Mapping[tuple[date, int], CounterCell],
    rules: Mapping[date, CapRule | None],
    key: bytes,
) -> tuple[ClinicianDayEvidence, ...]:
    """Every clinician on duty on each day, with a pseudonym from ``key``."""
    extra_on: dict[date, dict[int, int]] = defaultdict(dict)
    for (day, cid), n in extra.items():
        extra_on[day][cid] = n
    recorded_on: dict[date, set[int]] = defaultdict(set)
    for day, cid in cells:
        recorded_on[day].add(cid)
    active = [cid for cid, c in clinicians.items() if c.active]
    rows: list[tuple[date, int, int | None]] = []  # (day, clinician, sessions)
    for day in sorted(set(days)):
        weekday = list(Weekday)[day.weekday()]
        on_duty: dict[int, int | None] = {}
        for cid in active:
            usual = clinicians[cid].sessions_on(weekday)
            if usual:
                on_duty[cid] = usual
        for cid, n in extra_on[day].items():
            on_duty[cid] = max(on_duty.get(cid) or 0, n)
        for cid in recorded_on[day]:
            on_duty.setdefault(cid, None)
        rows.extend((day, cid, sessions) for cid, sessions in on_duty.items())

    names = pseudonyms((cid for _, cid, _ in rows), key)
    out = []
    empty = CounterCell()
    for day, cid, sessions in rows:
        cell = cells.get((day, cid), empty)
        cap = cell.stored_cap if cell.stored_cap is not None else _cap(rules.get(day), sessions)
        counted = cell.guarded if cell.guarded is not None else cell.counted
        out.append(
            ClinicianDayEvidence(
                day=day,
                clinician=names[cid],
                role=clinicians[cid].role,
                sessions=sessions,
                contacts=contacts_tuple(cell.by_type),
                counted=counted,
                cap=cap,
                urgent=cell.urgent,
                at_cap=cap is not None and counted >= cap,
            )
        )
    # Within a day, by pseudonym: the order says nothing about who was added when.
    out.sort(key=lambda r: (r.day, r.clinician))
    return tuple(out)


__all__ = ["CounterCell", "clinician_days"]
