"""Report figures for a period of local days, and the CSV export.

A handful of grouped queries do the counting in the database (a year of a ten-clinician
practice is about 60,000 contacts, so nothing here loops over contacts one by one); Python
only folds the grouped rows into the dataclasses of ``domain.reports``. What each figure
means is written there.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, timedelta
from typing import Any

from sqlalchemy import Row, case, func, select
from sqlalchemy.orm import Session

from practice_action.domain.calendar import day_text, is_working_day
from practice_action.domain.enums import ContactType, DivertDestination
from practice_action.domain.errors import NotFound, ValidationError
from practice_action.domain.reports import (
    NO_CLINICIAN,
    RATE_BASIS,
    ClinicianDayFigures,
    ClinicianFigures,
    DayFigures,
    Figures,
    Report,
)
from practice_action.services import audit, safety
from practice_action.services.context import Actor, Context
from practice_action.services.permissions import Permission, require
from practice_action.store.counter_models import Contact
from practice_action.store.models import ClinicianRow, Practice
from practice_action.store.raw import Raw

MAX_DAYS = 3 * 366


def check_period(start: date, end: date) -> None:
    if end < start:
        raise ValidationError(
            {"period": f"The period ends ({day_text(end)}) before it starts ({day_text(start)})."}
        )
    if (end - start).days >= MAX_DAYS:
        raise ValidationError({"period": "Choose a period of three years or less."})


def grouped_contacts(session: Session, start: date, end: date) -> Iterable[Row[Any]]:
    """(day, clinician, type, live, urgent, counted, undone) per day, clinician and type."""
    live = Contact.voided_at.is_(None)
    one = 1
    return session.execute(
        select(
            Contact.day,
            Contact.clinician_id,
            Contact.contact_type,
            func.sum(case((live, one), else_=0)),
            func.sum(case((live & Contact.urgent, one), else_=0)),
            func.sum(case((live & ~Contact.urgent & Contact.counted, one), else_=0)),
            func.sum(case((live, 0), else_=one)),
        )
        .where(Contact.day >= start, Contact.day <= end)
        .group_by(Contact.day, Contact.clinician_id, Contact.contact_type)
    )


_TYPES = tuple(ContactType)
_DESTINATIONS = tuple(DivertDestination)
# A cell's counts as one list, so that cells add up with one C-level map each:
# counted, not counted, urgent, voided, days at the cap, then one per type, one per destination.
_COUNTED, _NOT_COUNTED, _URGENT, _VOIDED, _AT_CAP = range(5)
_BY_TYPE = 5
_DIVERTED = _BY_TYPE + len(_TYPES)
_WIDTH = _DIVERTED + len(_DESTINATIONS)


_LIVE = "voided_at IS NULL"
_CONTACTS_SQL = (
    "SELECT day, clinician_id,"
    f" SUM(CASE WHEN {_LIVE} AND NOT urgent AND counted THEN 1 ELSE 0 END),"
    f" SUM(CASE WHEN {_LIVE} AND NOT urgent AND NOT counted THEN 1 ELSE 0 END),"
    f" SUM(CASE WHEN {_LIVE} AND urgent THEN 1 ELSE 0 END),"
    f" SUM(CASE WHEN {_LIVE} THEN 0 ELSE 1 END),"
    + ",".join(
        f" SUM(CASE WHEN {_LIVE} AND contact_type = '{t.value}' THEN 1 ELSE 0 END)" for t in _TYPES
    )
    + " FROM contact WHERE day >= ? AND day <= ? GROUP BY day, clinician_id"
)


def _iso_day(value: Any) -> date:
    return date.fromisoformat(str(value))


def _empty() -> list[int]:
    return [0] * _WIDTH


def _figures(cell: list[int]) -> dict[str, Any]:
    """A cell's counts as the keyword arguments of ``Figures`` (only the types and
    destinations that occur, as the figures have always been given)."""
    by_type = cell[_BY_TYPE:_DIVERTED]
    diverted = cell[_DIVERTED:]
    return {
        "counted": cell[_COUNTED],
        "not_counted": cell[_NOT_COUNTED],
        "urgent": cell[_URGENT],
        "voided": cell[_VOIDED],
        "days_at_cap": cell[_AT_CAP],
        "by_type": {t: n for t, n in zip(_TYPES, by_type, strict=True) if n},
        "diverted": {d: n for d, n in zip(_DESTINATIONS, diverted, strict=True) if n},
    }


def _added(cells: list[list[int]]) -> list[int]:
    return [sum(column) for column in zip(*cells, strict=True)]


def _live(cell: list[int]) -> int:
    return cell[_COUNTED] + cell[_NOT_COUNTED] + cell[_URGENT]


def build(ctx: Context, actor: Actor, start: date, end: date) -> Report:
    """Every figure for the local days ``start`` to ``end``, both included."""
    require(actor, Permission.VIEW_REPORTS)
    check_period(start, end)
    # A clinician's day met only in the counters or the diversions starts with no counts.
    cells: defaultdict[tuple[date, int | None], list[int]] = defaultdict(_empty)
    caps: dict[tuple[date, int], int | None] = {}
    with ctx.store.read() as session:
        practice = session.get(Practice, 1)
        if practice is None:
            raise NotFound("The practice has not been set up yet: set it up first.")
        names = dict(session.execute(select(ClinicianRow.id, ClinicianRow.name)).all())
        # The three statements go to the driver as written (store/raw.py), in SQL both
        # databases read alike: a year of a busy practice is tens of thousands of grouped
        # rows, which the driver hands over as plain tuples.
        raw = Raw(session)
        first, last = raw.day(start), raw.day(end)
        day_of: dict[Any, date] = {}

        def as_day(value: Any) -> date:
            found = day_of.get(value)
            if found is None:
                found = day_of[value] = value if isinstance(value, date) else _iso_day(value)
            return found

        # Folded in the database, from the index alone (migration 0014): one row for each
        # clinician's day, the live contacts of each type in a column of their own, so Python
        # only copies counts across.
        raw.cursor.execute(raw.sql(_CONTACTS_SQL), (first, last))
        for day, cid, *counts in raw.cursor.fetchall():
            cell = [int(n or 0) for n in counts]
            cell[_AT_CAP:_AT_CAP] = [0]
            cell.extend([0] * len(_DESTINATIONS))
            cells[(as_day(day), cid)] = cell

        raw.cursor.execute(
            raw.sql(
                "SELECT day, clinician_id, counted, cap FROM clinician_day"
                " WHERE day >= ? AND day <= ?"
            ),
            (first, last),
        )
        for day, cid, counted, cap in raw.cursor.fetchall():
            key = (as_day(day), cid)
            caps[key] = cap
            if cap is not None and counted >= cap:
                cells[key][_AT_CAP] = 1

        place = {d: _DIVERTED + i for i, d in enumerate(_DESTINATIONS)}
        raw.cursor.execute(
            raw.sql(
                "SELECT day, clinician_id, destination, COUNT(*) FROM diversion"
                " WHERE day >= ? AND day <= ? GROUP BY day, clinician_id, destination"
            ),
            (first, last),
        )
        for day, cid, destination, n in raw.cursor.fetchall():
            cells[(as_day(day), cid)][place[DivertDestination(destination)]] += int(n)

        entries = safety.entries_between(session, start, end)
        head = audit.head_hash(session)
        practice_name, ods_code, list_size = practice.name, practice.ods_code, practice.list_size

    def name_of(cid: int | None) -> str:
        return NO_CLINICIAN if cid is None else names.get(cid, f"Clinician {cid}")

    order = {cid: name_of(cid).casefold() for cid in {cid for _, cid in cells}}
    kept = [
        (key, cell)
        for key, cell in sorted(cells.items(), key=lambda item: (item[0][0], order[item[0][1]]))
        if any(cell)
    ]

    def rows() -> tuple[ClinicianDayFigures, ...]:
        return tuple(
            ClinicianDayFigures(
                day=day,
                clinician_id=cid,
                clinician=name_of(cid),
                cap=caps.get((day, cid)) if cid is not None else None,
                **_figures(cell),
            )
            for (day, cid), cell in kept
        )

    # Added up a column at a time (zip and sum run in C): by day (the cells are in day order),
    # by clinician, and for the whole period.
    by_day: dict[date, list[list[int]]] = defaultdict(list)
    by_clinician: dict[int | None, list[list[int]]] = defaultdict(list)
    working: dict[date, int] = defaultdict(int)
    worked: dict[int | None, int] = defaultdict(int)
    busiest: dict[date, int] = defaultdict(int)
    day_cap: dict[date, int] = {}
    for (day, cid), cell in kept:
        by_day[day].append(cell)
        by_clinician[cid].append(cell)
        if _live(cell):
            worked[cid] += 1
            working[day] += 1
        if cell[_COUNTED] > busiest[day]:
            busiest[day] = cell[_COUNTED]
        cap = caps.get((day, cid)) if cid is not None else None
        if cap is not None and cap > day_cap.get(day, 0):
            day_cap[day] = cap
    per_day = {day: _added(cells) for day, cells in by_day.items()}
    per_clinician = {cid: _added(cells) for cid, cells in by_clinician.items()}
    totals = _added(list(per_day.values())) if per_day else _empty()

    clinicians = tuple(
        sorted(
            (
                ClinicianFigures(
                    clinician_id=cid,
                    clinician=name_of(cid),
                    days_worked=worked[cid],
                    **_figures(cell),
                )
                for cid, cell in per_clinician.items()
            ),
            key=lambda c: (c.clinician_id is None, c.clinician.casefold()),
        )
    )
    days = []
    working_days = rate_days = rate_contacts = 0
    day = start
    nothing = _empty()
    while day <= end:
        cell = per_day.get(day, nothing)
        days.append(
            DayFigures(
                day=day,
                clinicians_working=working[day],
                busiest=busiest[day],
                cap=day_cap.get(day),
                **_figures(cell),
            )
        )
        if is_working_day(day):
            working_days += 1
            if _live(cell):
                rate_days += 1
                rate_contacts += _live(cell)
        day += timedelta(days=1)

    return Report(
        start=start,
        end=end,
        practice_name=practice_name,
        ods_code=ods_code,
        list_size=list_size,
        generated_at=ctx.clock().astimezone(UTC),
        row_source=rows,
        clinicians=clinicians,
        days=tuple(days),
        totals=Figures(**_figures(totals)),
        working_days=working_days,
        rate_days=rate_days,
        rate_contacts=rate_contacts,
        safety=entries,
        audit_head=head,
    )


# --- CSV ------------------------------------------------------------------------------------

CSV_COLUMNS: tuple[tuple[str, str], ...] = (
    ("day", "the local day, YYYY-MM-DD"),
    ("clinician", f"the clinician's name ('{NO_CLINICIAN}' for diversions not linked to one)"),
    ("cap", "the cap in force for the clinician that day; empty when none"),
    ("contacts", "contacts recorded and not undone (counted + not_counted + urgent)"),
    ("counted", "contacts that counted against the cap"),
    ("not_counted", "contacts of a type the practice does not count against the cap"),
    ("urgent_overrides", "urgent overrides (over the cap, not counted against it)"),
    *(
        (f"type_{t.value}", f"contacts of type '{t.label}' (counted or not, urgent included)")
        for t in ContactType
    ),
    (
        "at_cap",
        "1 when the clinician's capped count reached the cap that day, else 0 "
        "(in the TOTAL row: the number of clinician-days at the cap)",
    ),
    ("diverted", "patients diverted (all destinations)"),
    *((f"diverted_{d.value}", f"patients diverted to '{d.label}'") for d in DivertDestination),
    ("voided", "contacts undone; not included in any other column"),
)
"""The CSV's columns in order, with what each holds: one row per clinician per day with any
activity, then a last row whose day is 'TOTAL' for the whole period."""


def to_csv(report: Report) -> str:
    """One row per clinician per day, then a TOTAL row; the columns are ``CSV_COLUMNS``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([name for name, _ in CSV_COLUMNS])

    def line(day: str, clinician: str, cap: int | None, f: Figures, at_cap: int) -> list[object]:
        return [
            day,
            _safe_cell(clinician),
            "" if cap is None else cap,
            f.contacts,
            f.counted,
            f.not_counted,
            f.urgent,
            *(f.of_type(t) for t in ContactType),
            at_cap,
            f.total_diverted,
            *(f.diverted_to(d) for d in DivertDestination),
            f.voided,
        ]

    for row in report.rows:
        writer.writerow(line(row.day.isoformat(), row.clinician, row.cap, row, int(row.at_cap)))
    writer.writerow(line("TOTAL", "All clinicians", None, report.totals, report.totals.days_at_cap))
    return buffer.getvalue()


def _safe_cell(text: str) -> str:
    """A name that a spreadsheet would read as a formula is prefixed with an apostrophe."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


__all__ = ["CSV_COLUMNS", "RATE_BASIS", "build", "check_period", "to_csv"]
