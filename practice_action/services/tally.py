"""The counter's own tables checked against the audit trail.

Every contact, undo and diversion a desk records writes its audit entry in the same
transaction, naming the row it made (``contact``/``diversion`` id, clinician, type, whether it
counts). The chain already proves those entries were not touched; this module proves the rows
they describe were not touched either:

- each contact the trail records is still in the table, as recorded (clinician, day, type,
  counted, urgent, undone or not), and no contact is in the table that the trail never saw;
- each diversion likewise;
- each clinician's day counter equals the number of live contacts that count for that day.

So deleting or editing a contact, slipping one in, or setting a full clinician's counter back
to 0 directly in the database is caught by ``audit verify`` and named, and recording a contact
costs nothing more. Memory stays small at a practice's size after years: a few bytes per
contact in flat arrays indexed by the contact's id.
"""

from __future__ import annotations

import json
import re
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from practice_action.domain.enums import ContactType, DivertDestination

_RECORDED, _COUNTED, _URGENT, _VOIDED, _SEEN = 1, 2, 4, 8, 128
_TYPE_SHIFT, _TYPE_MASK = 4, 0b0111_0000
_TYPES = list(ContactType)
_CONTACT_KINDS = frozenset({"contact.record", "contact.urgent"})
_BATCH = 5000
# A contact's entry as the counter writes it (canonical JSON, keys in order).
_CONTACT_AFTER = re.compile(
    r'\{"clinician":(\d+),"contact":(\d+),"counted":(true|false),'
    r'"day":"(\d{4}-\d{2}-\d{2})","type":"(\w+)"\}'
)


@dataclass(frozen=True)
class CounterProblem:
    seq: int | None  # the audit entry that recorded the row, where there is one
    words: str


_TYPE_CODES = {contact_type.value: i + 1 for i, contact_type in enumerate(_TYPES)}


def _type_code(value: object) -> int:
    return _TYPE_CODES.get(value, 0) if isinstance(value, str) else 0


def _as_date(stored: date | str) -> date | None:
    """A day as the driver gives it: a date from psycopg, ISO text from sqlite3; None when
    SQLite's text is not a day, which only a hand in the database can have written."""
    if isinstance(stored, date):
        return stored
    try:
        return date.fromisoformat(stored)
    except (TypeError, ValueError):
        return None


def _not_a_day(what: str, stored: object, seq: int | None) -> CounterProblem:
    return CounterProblem(
        seq, f"{what}'s day reads “{stored}”, which is not a date: it was changed in the database"
    )


def _day_text(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


class CounterLedger:
    """What the audit trail says the counter's tables hold, gathered while the chain is walked."""

    def __init__(self) -> None:
        self.flags = bytearray()
        self.clinician = array("q")
        self.seq = array("q")
        self.day = array("l")  # date ordinal, 0 where the entry did not say
        self.diversions: dict[int, tuple[int, str, int | None, int | None]] = {}
        self.live: dict[
            tuple[int, date], int
        ] = {}  # live contacts that count, by clinician and day

    def _grow(self, contact_id: int) -> None:
        if contact_id < len(self.flags):
            return
        # Half as much again at a time, not one by one: a trail of a million contacts grows
        # the arrays a few dozen times. Ids never used stay 0 (no entry recorded them).
        missing = max(contact_id + 1, len(self.flags) * 3 // 2 + 1024) - len(self.flags)
        if missing > 0:
            self.flags.extend(bytes(missing))
            self.clinician.extend([0] * missing)
            self.seq.extend([0] * missing)
            self.day.extend([0] * missing)

    def note(self, seq: int, kind: str, before: str, after: str) -> None:
        """Take in one audit entry (every entry is offered; most are not the counter's)."""
        if kind in _CONTACT_KINDS:
            plain = _CONTACT_AFTER.fullmatch(after)
            if plain is not None:  # as the counter writes it: read without a JSON parser
                clinician, contact, counted, day, contact_type = plain.groups()
                self._contact(
                    seq, kind, int(contact), int(clinician), counted == "true", day, contact_type
                )
                return
            data = json.loads(after) if after else {}
            contact_id = data.get("contact")
            if not isinstance(contact_id, int) or contact_id < 0:
                return
            self._contact(
                seq,
                kind,
                contact_id,
                int(data.get("clinician") or 0),
                bool(data.get("counted")),
                data.get("day"),
                data.get("type"),
            )
        elif kind == "contact.void":
            data = json.loads(before) if before else {}
            contact_id = data.get("contact")
            if isinstance(contact_id, int) and 0 <= contact_id < len(self.flags):
                self.flags[contact_id] |= _VOIDED
        elif kind == "diversion.record":
            data = json.loads(after) if after else {}
            diversion_id = data.get("diversion")
            if isinstance(diversion_id, int):
                self.diversions[diversion_id] = (
                    seq,
                    str(data.get("destination")),
                    data.get("clinician"),
                    data.get("service"),
                )

    def _contact(
        self,
        seq: int,
        kind: str,
        contact_id: int,
        clinician_id: int,
        counted: bool,
        day: object,
        contact_type: object,
    ) -> None:
        self._grow(contact_id)
        flags = _RECORDED | _type_code(contact_type) << _TYPE_SHIFT
        if counted:
            flags |= _COUNTED
        if kind == "contact.urgent":
            flags |= _URGENT
        self.flags[contact_id] = flags
        self.clinician[contact_id] = clinician_id
        self.seq[contact_id] = seq
        self.day[contact_id] = (
            date.fromisoformat(day).toordinal() if isinstance(day, str) and day else 0
        )

    def check(self, session: Session) -> CounterProblem | None:
        """The first way the counter's tables differ from what the trail recorded, or None."""
        names = dict(session.connection().exec_driver_sql("SELECT id, name FROM clinician").all())

        def who(clinician_id: int) -> str:
            return str(names.get(clinician_id, f"clinician {clinician_id}"))

        return (
            self._check_contacts(session, who)
            or self._check_diversions(session, who)
            or self._check_day_counts(session, who)
        )

    def _check_contacts(self, session: Session, who: Callable[[int], str]) -> CounterProblem | None:
        rows = _driver_rows(
            session,
            "tally_contacts",
            "SELECT id, clinician_id, day, contact_type, counted, urgent,"
            " voided_at IS NOT NULL FROM contact ORDER BY id",
        )
        size = len(self.flags)
        live = self.live
        for contact_id, clinician_id, stored_day, contact_type, counted, urgent, voided in rows:
            day = _as_date(stored_day)
            recorded = contact_id < size and self.flags[contact_id] & _RECORDED
            if day is None:
                seq_or_none = self.seq[contact_id] if recorded else None
                return _not_a_day(f"contact {contact_id:,}", stored_day, seq_or_none)
            if not recorded:
                return CounterProblem(
                    None,
                    f"contact {contact_id:,} ({who(clinician_id)}, {_day_text(day)}) has no "
                    "entry in the audit trail: it was put straight into the database",
                )
            flags = self.flags[contact_id]
            now = (
                _type_code(contact_type) << _TYPE_SHIFT
                | (_COUNTED if counted else 0)
                | (_URGENT if urgent else 0)
                | (_VOIDED if voided else 0)
                | _RECORDED
            )
            recorded_day = self.day[contact_id]
            seq = self.seq[contact_id]
            if (
                clinician_id != self.clinician[contact_id]
                or now != flags
                or (recorded_day and recorded_day != day.toordinal())
            ):
                return CounterProblem(
                    seq,
                    f"contact {contact_id:,}, recorded by entry {seq:,} as {_describe(flags)} for "
                    f"{who(self.clinician[contact_id])}"
                    + (f" on {_day_text(date.fromordinal(recorded_day))}" if recorded_day else "")
                    + f", now reads as {_describe(now)} for {who(clinician_id)} on "
                    f"{_day_text(day)}: it was changed in the database",
                )
            self.flags[contact_id] = flags | _SEEN
            if counted and not voided:  # what the day's count must read, gathered on the way
                key = (clinician_id, day)
                live[key] = live.get(key, 0) + 1
        for contact_id, flags in enumerate(self.flags):
            if flags & _RECORDED and not flags & _SEEN:
                seq = self.seq[contact_id]
                return CounterProblem(
                    seq,
                    f"contact {contact_id:,} for {who(self.clinician[contact_id])}, recorded by "
                    f"entry {seq:,}, is no longer in the database: it was deleted",
                )
        return None

    def _check_diversions(
        self, session: Session, who: Callable[[int], str]
    ) -> CounterProblem | None:
        rows = _driver_rows(
            session,
            "tally_diversions",
            "SELECT id, day, destination, clinician_id, local_service_id FROM diversion ORDER BY id",
        )
        seen: set[int] = set()
        for diversion_id, stored_day, destination, clinician_id, service_id in rows:
            day = _as_date(stored_day)
            recorded = self.diversions.get(diversion_id)
            if day is None:
                seq_or_none = recorded[0] if recorded is not None else None
                return _not_a_day(f"diversion {diversion_id:,}", stored_day, seq_or_none)
            if recorded is None:
                return CounterProblem(
                    None,
                    f"diversion {diversion_id:,} ({_day_text(day)}) has no entry in the audit "
                    "trail: it was put straight into the database",
                )
            seq, was_to, was_from, was_service = recorded
            if (destination, clinician_id, service_id) != (was_to, was_from, was_service):
                return CounterProblem(
                    seq,
                    f"diversion {diversion_id:,}, recorded by entry {seq:,} as a patient sent "
                    f"to {_destination(was_to)}, now reads as sent to "
                    f"{_destination(destination)}: it was changed in the database",
                )
            seen.add(diversion_id)
        for diversion_id, (seq, *_) in sorted(self.diversions.items()):
            if diversion_id not in seen:
                return CounterProblem(
                    seq,
                    f"diversion {diversion_id:,}, recorded by entry {seq:,}, is no longer in the "
                    "database: it was deleted",
                )
        return None

    def _check_day_counts(
        self, session: Session, who: Callable[[int], str]
    ) -> CounterProblem | None:
        live = self.live  # from the contacts, read once by _check_contacts
        stored: dict[tuple[int, date], int] = {}
        for clinician_id, stored_day, n in _driver_rows(
            session, "tally_days", "SELECT clinician_id, day, counted FROM clinician_day"
        ):
            day = _as_date(stored_day)
            if day is None:
                return _not_a_day(f"{who(clinician_id)}'s count", stored_day, None)
            stored[(clinician_id, day)] = int(n)
        for key in sorted(set(live) | set(stored), key=lambda k: (k[1], k[0])):
            counted, reads = live.get(key, 0), stored.get(key, 0)
            if counted != reads:
                clinician_id, day = key
                plural = "contact that counts was" if counted == 1 else "contacts that count were"
                return CounterProblem(
                    None,
                    f"{who(clinician_id)}'s count for {_day_text(day)} reads {reads}, but "
                    f"{counted} {plural} recorded that day: the count was changed in the database",
                )
        return None


def _driver_rows(session: Session, name: str, sql: str) -> Iterator[tuple[Any, ...]]:
    """The rows of ``sql`` in batches on the driver's own cursor (server-side on PostgreSQL):
    at a practice's size after years, a million rows without the ORM's work on each."""
    connection = session.connection()
    driver = connection.connection.driver_connection
    assert driver is not None
    if connection.dialect.name == "postgresql":
        cursor = driver.cursor(name=name)
        cursor.itersize = _BATCH
        cursor.execute(sql)
        yield from cursor
    else:
        cursor = driver.cursor()
        cursor.execute(sql)
        while batch := cursor.fetchmany(_BATCH):
            yield from batch
    cursor.close()


def _describe(flags: int) -> str:
    code = (flags & _TYPE_MASK) >> _TYPE_SHIFT
    kind = _TYPES[code - 1].label.lower() if code else "an unknown type of"
    article = "an" if kind[0] in "aeiou" else "a"
    words = f"{article} {kind} contact"
    words += " that counts" if flags & _COUNTED else " that does not count"
    if flags & _URGENT:
        words += ", an urgent override"
    if flags & _VOIDED:
        words += ", undone"
    return words


def _destination(value: str) -> str:
    for destination in DivertDestination:
        if destination.value == value:
            return destination.label
    return value
