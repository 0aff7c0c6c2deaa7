"""The safety log: record a patient-safety concern or near miss, correct it, list a period.

Anyone at a desk may record an entry (every role can use the counter, and a concern often
starts at reception). Correcting an entry is open to whoever recorded it and to those who
read the reports; every change is audited with the entry before and after.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date

from sqlalchemy import select
from sqlalchemy.orm import Session

from practice_action.domain.calendar import LONDON, day_text, local_today
from practice_action.domain.enums import DivertDestination
from practice_action.domain.errors import NotFound, PermissionDenied, ValidationError
from practice_action.domain.identifiers import refuse_identifiers
from practice_action.domain.reports import ConcernKind, SafetyEntry
from practice_action.domain.safety_event import (
    HarmLevel,
    SafetyCategory,
    SafetyPlace,
    check_time,
    national_text,
)
from practice_action.services import audit
from practice_action.services.context import Actor, Context
from practice_action.services.permissions import Permission, allowed, require
from practice_action.store.counter_models import Diversion
from practice_action.store.models import ClinicianRow, Practice
from practice_action.store.safety_models import SafetyConcern

MAX_TEXT = 4000
NO_IDENTIFIERS = (
    "Do not include the patient's name, NHS number, date of birth or address unless it is "
    "truly needed to keep someone safe: describe what happened instead."
)


def _check(session: Session, entry: SafetyEntry, today: date) -> SafetyEntry:
    problems: dict[str, str] = {}
    what = (entry.what_happened or "").strip()
    action = (entry.action_taken or "").strip()
    if not what:
        problems["what_happened"] = "Say what happened: a few words at least."
    elif len(what) > MAX_TEXT:
        problems["what_happened"] = f"Keep 'what happened' to {MAX_TEXT} characters."
    if len(action) > MAX_TEXT:
        problems["action_taken"] = f"Keep 'action taken' to {MAX_TEXT} characters."
    for field, text, label in (
        ("what_happened", what, "What happened"),
        ("action_taken", action, "Action taken"),
    ):
        if field not in problems:
            try:
                refuse_identifiers(text, label, today)
            except ValueError as error:
                problems[field] = str(error)
    if entry.day > today:
        problems["day"] = f"The date cannot be in the future: today is {day_text(today)}."
    if not isinstance(entry.kind, ConcernKind):
        problems["kind"] = "Choose a safety concern or a near miss."
    if not isinstance(entry.category, SafetyCategory):
        problems["category"] = "Choose what the event was about."
    if not isinstance(entry.harm, HarmLevel):
        problems["harm"] = "Choose the level of harm, or 'Not recorded yet'."
    if not isinstance(entry.place, SafetyPlace):
        problems["place"] = "Choose where it happened, or 'Not recorded'."
    try:
        time_of_day = check_time(entry.time_of_day)
    except ValueError as error:
        problems["time_of_day"] = str(error)
        time_of_day = ""
    if entry.clinician_id is not None and session.get(ClinicianRow, entry.clinician_id) is None:
        problems["clinician_id"] = "That clinician is not in the practice's list: choose another."
    if entry.diversion_id is not None and session.get(Diversion, entry.diversion_id) is None:
        problems["diversion_id"] = "That diversion is not recorded: choose another or none."
    if problems:
        raise ValidationError(problems)
    return replace(entry, what_happened=what, action_taken=action, time_of_day=time_of_day)


def _plain(entry: SafetyEntry) -> dict[str, object]:
    return {
        "id": entry.id,
        "day": entry.day.isoformat(),
        "kind": entry.kind.value,
        "what_happened": entry.what_happened,
        "action_taken": entry.action_taken,
        "clinician": entry.clinician_id,
        "diversion": entry.diversion_id,
        "category": entry.category.value,
        "harm": entry.harm.value,
        "place": entry.place.value,
        "time": entry.time_of_day,
    }


def _diversion_text(diversion: Diversion, clinician_names: dict[int, str]) -> str:
    when = diversion.at.astimezone(LONDON)
    text = f"{when:%d %b %H:%M} {DivertDestination(diversion.destination).label}"
    if diversion.clinician_id is not None:
        text += f" from {clinician_names.get(diversion.clinician_id, '?')}"
    return text


def _entries(session: Session, rows: Sequence[SafetyConcern]) -> tuple[SafetyEntry, ...]:
    names = {cid: name for cid, name in session.execute(select(ClinicianRow.id, ClinicianRow.name))}
    diversion_ids = {r.diversion_id for r in rows if r.diversion_id is not None}
    diversions = {}
    if diversion_ids:
        diversions = {
            d.id: d
            for d in session.execute(
                select(Diversion).where(Diversion.id.in_(diversion_ids))
            ).scalars()
        }
    out = []
    for row in rows:
        diversion = diversions.get(row.diversion_id) if row.diversion_id else None
        out.append(
            SafetyEntry(
                id=row.id,
                day=row.day,
                kind=ConcernKind(row.kind),
                what_happened=row.what_happened,
                action_taken=row.action_taken,
                clinician_id=row.clinician_id,
                diversion_id=row.diversion_id,
                clinician_name=names.get(row.clinician_id, "") if row.clinician_id else "",
                diversion_text=_diversion_text(diversion, names) if diversion else "",
                recorded_by=row.recorded_by,
                recorded_at=row.recorded_at,
                edited_by=row.edited_by,
                edited_at=row.edited_at,
                category=SafetyCategory(row.category),
                harm=HarmLevel(row.harm),
                place=SafetyPlace(row.place),
                time_of_day=row.time_of_day,
            )
        )
    return tuple(out)


def record(ctx: Context, actor: Actor, entry: SafetyEntry) -> SafetyEntry:
    """Add an entry to the safety log; open to every role."""
    require(actor, Permission.USE_COUNTER)
    now = ctx.clock().astimezone(UTC)
    with ctx.store.write() as session:
        clean = _check(session, entry, local_today(ctx.clock))
        row = SafetyConcern(
            day=clean.day,
            kind=clean.kind.value,
            what_happened=clean.what_happened,
            action_taken=clean.action_taken,
            clinician_id=clean.clinician_id,
            diversion_id=clean.diversion_id,
            recorded_by=actor.label,
            recorded_at=now,
            edited_by="",
            edited_at=None,
            category=clean.category.value,
            harm=clean.harm.value,
            place=clean.place.value,
            time_of_day=clean.time_of_day,
        )
        session.add(row)
        session.flush()
        saved = _entries(session, [row])[0]
        audit.append(
            session,
            ctx,
            actor,
            "safety.record",
            f"Recorded a {clean.kind.label.lower()} for {day_text(clean.day)}",
            after=_plain(saved),
        )
        return saved


def edit(ctx: Context, actor: Actor, entry: SafetyEntry) -> SafetyEntry:
    """Correct an entry. Open to whoever recorded it and to those who read the reports."""
    require(actor, Permission.USE_COUNTER)
    if entry.id is None:
        raise NotFound("Only an entry already in the safety log can be corrected.")
    now = ctx.clock().astimezone(UTC)
    with ctx.store.write() as session:
        row = session.get(SafetyConcern, entry.id)
        if row is None:
            raise NotFound(f"No safety log entry {entry.id}.")
        if row.recorded_by != actor.label and not allowed(actor, Permission.VIEW_REPORTS):
            raise PermissionDenied(
                f"{actor.name} may correct only the safety log entries they recorded. "
                "Ask a practice manager or partner to correct this one."
            )
        before = _entries(session, [row])[0]
        clean = _check(session, entry, local_today(ctx.clock))
        if _plain(before) == _plain(replace(clean, id=before.id)):
            return before
        row.day = clean.day
        row.kind = clean.kind.value
        row.what_happened = clean.what_happened
        row.action_taken = clean.action_taken
        row.clinician_id = clean.clinician_id
        row.diversion_id = clean.diversion_id
        row.category = clean.category.value
        row.harm = clean.harm.value
        row.place = clean.place.value
        row.time_of_day = clean.time_of_day
        row.edited_by = actor.label
        row.edited_at = now
        session.flush()
        after = _entries(session, [row])[0]
        audit.append(
            session,
            ctx,
            actor,
            "safety.edit",
            f"Corrected safety log entry {row.id} ({day_text(clean.day)})",
            before=_plain(before),
            after=_plain(after),
        )
        return after


def list_period(ctx: Context, actor: Actor, start: date, end: date) -> tuple[SafetyEntry, ...]:
    """Entries whose date falls in the period (both ends included), oldest first."""
    require(actor, Permission.VIEW_REPORTS)
    with ctx.store.read() as session:
        return entries_between(session, start, end)


def entries_between(session: Session, start: date, end: date) -> tuple[SafetyEntry, ...]:
    """For other services that already hold a session (the report)."""
    rows = (
        session.execute(
            select(SafetyConcern)
            .where(SafetyConcern.day >= start, SafetyConcern.day <= end)
            .order_by(SafetyConcern.day, SafetyConcern.id)
        )
        .scalars()
        .all()
    )
    return _entries(session, rows)


def get(ctx: Context, actor: Actor, entry_id: int) -> SafetyEntry:
    require(actor, Permission.USE_COUNTER)
    with ctx.store.read() as session:
        row = session.get(SafetyConcern, entry_id)
        if row is None:
            raise NotFound(f"No safety log entry {entry_id}.")
        return _entries(session, [row])[0]


def national_record(ctx: Context, actor: Actor, entry_id: int) -> str:
    """One entry as text to transcribe into NHS England's national recording service."""
    require(actor, Permission.VIEW_REPORTS)
    with ctx.store.read() as session:
        row = session.get(SafetyConcern, entry_id)
        if row is None:
            raise NotFound(f"No safety log entry {entry_id}.")
        entry = _entries(session, [row])[0]
        practice = session.get(Practice, 1)
        name, code = (practice.name, practice.ods_code) if practice else ("The practice", "")
    return national_text(entry, name, code)


def diversions_on(ctx: Context, actor: Actor, day: date) -> list[tuple[int, str]]:
    """(id, words) for each diversion recorded on a day, to link an entry to one."""
    require(actor, Permission.USE_COUNTER)
    with ctx.store.read() as session:
        names = {
            cid: name for cid, name in session.execute(select(ClinicianRow.id, ClinicianRow.name))
        }
        rows = session.execute(
            select(Diversion).where(Diversion.day == day).order_by(Diversion.at)
        ).scalars()
        return [(d.id, _diversion_text(d, names)) for d in rows]
