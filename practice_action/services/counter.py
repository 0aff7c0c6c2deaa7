"""The daily contact counter: who is on duty, how many contacts each has had, and the cap.

The cap is enforced here, in one write transaction per contact, with a guarded counter row:
``UPDATE clinician_day SET counted = counted + 1 WHERE ... AND counted < cap``. Only when that
changed a row is the contact inserted, so no interleaving of desks or processes takes a
clinician past the cap, and nothing is counted twice. Urgent overrides are recorded apart
and never refused. The counter stores no patient data.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from practice_action.domain import validators
from practice_action.domain.calendar import LONDON, day_text, local_today
from practice_action.domain.enums import (
    ClinicianRole,
    ContactType,
    CounterState,
    DivertDestination,
    Weekday,
)
from practice_action.domain.errors import (
    NotFound,
    PracticeActionError,
    StoreError,
    ValidationError,
)
from practice_action.domain.identifiers import refuse_identifiers
from practice_action.domain.names import name_key
from practice_action.domain.plan import DEFAULT_RECEPTION_WORDS, CapRule
from practice_action.domain.records import Clinician, LocalService
from practice_action.services import audit, convert
from practice_action.services.context import Actor, Context
from practice_action.services.permissions import Permission, require
from practice_action.store.counter_models import (
    ClinicianDay,
    Contact,
    CounterKey,
    CounterSettings,
    Diversion,
    ExtraDuty,
)
from practice_action.store.models import ClinicianRow, LocalServiceRow
from practice_action.store.raw import Raw, raw_now, transaction_now

NEARLY_FULL_LEFT = 3
DEFAULT_UNDO_MINUTES = 10


class AtCap(PracticeActionError):
    """Recording refused: the clinician is at the cap. Carries what the desk should do."""

    def __init__(self, count: ClinicianCount, board: Board) -> None:
        self.count = count
        self.board = board
        places = ", ".join(
            f"{s.name}{f' ({s.phone})' if s.phone else ''}" for s in board.divert_services
        )
        super().__init__(
            f"{count.name} has reached the cap ({count.counted} of {count.cap} contacts today). "
            f"Divert the patient: {places or 'NHS 111 (online or call 111)'}. "
            "For an urgent case, record an urgent override with a reason."
        )


@dataclass(frozen=True)
class ClinicianCount:
    clinician_id: int
    name: str
    role: ClinicianRole
    sessions_today: int
    counted: int
    cap: int | None
    urgent: int
    uncounted: int
    diverted: int
    extra_duty: bool
    key: int = 0  # the row's key for the day: 1-9, then 10 for "0"; 0 when it has none
    last_contact_id: int | None = None
    last_contact_at: datetime | None = None
    last_contact_type: ContactType | None = None
    last_undoable_until: datetime | None = None

    @property
    def left(self) -> int | None:
        return None if self.cap is None else max(0, self.cap - self.counted)

    @property
    def state(self) -> CounterState:
        if self.cap is None:
            return CounterState.COUNTING
        if self.counted >= self.cap:
            return CounterState.FULL
        if self.cap - self.counted <= NEARLY_FULL_LEFT:
            return CounterState.NEARLY_FULL
        return CounterState.OPEN


@dataclass(frozen=True)
class Board:
    """The counter for one local day, as every desk sees it."""

    day: date
    today: date
    rule: CapRule | None
    clinicians: tuple[ClinicianCount, ...]
    divert_services: tuple[LocalService, ...]
    default_type: ContactType
    undo_minutes: int
    diversions_by_destination: dict[DivertDestination, int] = field(default_factory=dict)
    type_hold_minutes: int = 0  # how long a chosen type stays after a contact (0: back at once)

    @property
    def read_only(self) -> bool:
        return self.day != self.today

    @property
    def all_full(self) -> bool:
        return bool(self.clinicians) and all(c.state is CounterState.FULL for c in self.clinicians)

    @property
    def reception_words(self) -> str:
        if self.rule and self.rule.reception_words.strip():
            return self.rule.reception_words
        return DEFAULT_RECEPTION_WORDS

    @property
    def total_counted(self) -> int:
        return sum(c.counted for c in self.clinicians)

    @property
    def total_urgent(self) -> int:
        return sum(c.urgent for c in self.clinicians)

    @property
    def total_diverted(self) -> int:
        return sum(self.diversions_by_destination.values())

    def clinician(self, clinician_id: int) -> ClinicianCount:
        for count in self.clinicians:
            if count.clinician_id == clinician_id:
                return count
        raise NotFound(f"Clinician {clinician_id} is not on duty on {day_text(self.day)}.")


@dataclass(frozen=True)
class Recorded:
    contact_id: int
    clinician_id: int
    name: str
    counted: int
    cap: int | None
    urgent: bool
    counts_against_cap: bool
    contact_type: ContactType = ContactType.FACE_TO_FACE

    @property
    def left(self) -> int | None:
        return None if self.cap is None else max(0, self.cap - self.counted)

    def describe(self) -> str:
        what = f"{_a_type(self.contact_type)} contact"
        if self.urgent:
            return (
                f"Urgent override recorded for {self.name}: {what} "
                f"({_plural(self.counted, 'capped contact')} today)."
            )
        if self.cap is None:
            return (
                f"Recorded {what} for {self.name}: {_plural(self.counted, 'contact')} today "
                "(no cap in force)."
            )
        if not self.counts_against_cap:
            return f"Recorded {what} for {self.name} (this type is not counted against the cap)."
        return f"Recorded {what} for {self.name}: {self.counted} of {self.cap}, {self.left} left."


@dataclass(frozen=True)
class ContactView:
    """One recorded contact, as a person is told about it before undoing it."""

    contact_id: int
    clinician_id: int
    name: str
    contact_type: ContactType
    at: datetime
    urgent: bool
    voided: bool

    def describe(self) -> str:
        """'the urgent override (telephone contact) for Dr X at 10:02'"""
        when = self.at.astimezone(LONDON).strftime("%H:%M")
        kind = f"{self.contact_type.label.lower()} contact"
        if self.urgent:
            return f"the urgent override ({kind}) for {self.name} at {when}"
        return f"the {kind} for {self.name} at {when}"


def _a_type(contact_type: ContactType) -> str:
    label = contact_type.label.lower()
    return f"{'an' if label[0] in 'aeiou' else 'a'} {label}"


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def contact_view(ctx: Context, contact_id: int) -> ContactView:
    """What a contact was (for whom, what type, when, urgent or not)."""
    with ctx.store.read() as session:
        contact = session.get(Contact, contact_id)
        if contact is None:
            raise NotFound(f"No contact {contact_id}.")
        clinician = session.get(ClinicianRow, contact.clinician_id)
        at = contact.at if contact.at.tzinfo else contact.at.replace(tzinfo=UTC)
        return ContactView(
            contact_id=contact.id,
            clinician_id=contact.clinician_id,
            name=clinician.name if clinician else f"clinician {contact.clinician_id}",
            contact_type=ContactType(contact.contact_type),
            at=at,
            urgent=bool(contact.urgent),
            voided=contact.voided_at is not None,
        )


def _cap_rule(ctx: Context, day: date) -> CapRule | None:
    from practice_action.services.plan import active_contacts_cap

    return active_contacts_cap(ctx, day)


def _settings(session: Session) -> tuple[ContactType, int, int]:
    row = session.get(CounterSettings, 1)
    if row is None:
        return ContactType.FACE_TO_FACE, DEFAULT_UNDO_MINUTES, 0
    return ContactType(row.default_contact_type), row.undo_minutes, row.type_hold_minutes


def settings(ctx: Context) -> tuple[ContactType, int]:
    """(the usual contact type, minutes a contact can be undone)."""
    with ctx.store.read() as session:
        usual, undo_minutes, _ = _settings(session)
    return usual, undo_minutes


def type_hold_minutes(ctx: Context) -> int:
    """Minutes a contact type chosen at the desk stays chosen after a contact (0: none)."""
    with ctx.store.read() as session:
        return _settings(session)[2]


def save_settings(
    ctx: Context,
    actor: Actor,
    default_type: ContactType,
    undo_minutes: int,
    *,
    type_hold_minutes: int | None = None,
) -> None:
    """Save the practice's counter settings; ``type_hold_minutes`` None leaves it as it is."""
    require(actor, Permission.EDIT_SETUP)
    problems: dict[str, str] = {}
    try:
        minutes = validators.check_int_range(undo_minutes, "Undo period (minutes)", 1, 60)
    except ValueError as error:
        problems["undo_minutes"] = str(error)
    hold: int | None = None
    if type_hold_minutes is not None:
        try:
            hold = validators.check_int_range(
                type_hold_minutes, "Time a chosen type stays (minutes)", 0, 60
            )
        except ValueError as error:
            problems["type_hold_minutes"] = str(error)
    if problems:
        raise ValidationError(problems)
    with ctx.store.write() as session:
        row = session.get(CounterSettings, 1)
        before = None if row is None else _settings_fields(row)
        if row is None:
            row = CounterSettings(id=1, type_hold_minutes=0)
            session.add(row)
        row.default_contact_type = default_type.value
        row.undo_minutes = minutes
        if hold is not None:
            row.type_hold_minutes = hold
        audit.append(
            session,
            ctx,
            actor,
            "counter.settings",
            "Changed the counter settings",
            before=before,
            after=_settings_fields(row),
        )


def _settings_fields(row: CounterSettings) -> dict[str, object]:
    """The settings as the audit trail shows them, one named field each."""
    return {
        "usual_contact_type": ContactType(row.default_contact_type).label,
        "undo_minutes": row.undo_minutes,
        "type_hold_minutes": row.type_hold_minutes,
    }


def _duty(session: Session, day: date) -> list[tuple[Clinician, int, bool]]:
    """(clinician, sessions that day, added for the day) for everyone on duty.

    The order gives the counter's keys (1-9, 0), so it must not change during the day: those
    on duty by their usual pattern come first, by name, and anyone added for the day follows
    in the order they were added, taking the next free key. Nobody's key moves."""
    weekday = list(Weekday)[day.weekday()]
    extras = {
        row.clinician_id: (row.id, row.sessions)
        for row in session.execute(select(ExtraDuty).where(ExtraDuty.day == day)).scalars()
    }
    usual_duty = []
    added: list[tuple[int, tuple[Clinician, int, bool]]] = []
    for row in session.execute(
        select(ClinicianRow).where(ClinicianRow.active.is_(True)).order_by(ClinicianRow.name)
    ).scalars():
        clinician = convert.clinician_from_row(row)
        usual = clinician.sessions_on(weekday)
        if row.id in extras:
            added_at, sessions = extras[row.id]
            entry = (clinician, max(usual, sessions), usual == 0)
            if usual:
                usual_duty.append(entry)
            else:
                added.append((added_at, entry))
        elif usual:
            usual_duty.append((clinician, usual, False))
    return usual_duty + [entry for _, entry in sorted(added, key=lambda pair: pair[0])]


def _cap_for(rule: CapRule | None, sessions: int) -> int | None:
    if rule is None:
        return None
    return rule.cap_for(sessions) if rule.pro_rata else rule.cap


def board(ctx: Context, day: date | None = None) -> Board:
    today = local_today(ctx.clock)
    day = day or today
    rule = _cap_rule(ctx, day)
    now = ctx.clock()
    with ctx.store.read() as session:
        default_type, undo_minutes, hold = _settings(session)
        duty = _duty(session, day)
        keys = _stored_keys(session, day)
        counters = {
            row.clinician_id: row.counted
            for row in session.execute(
                select(ClinicianDay).where(ClinicianDay.day == day)
            ).scalars()
        }
        live = Contact.voided_at.is_(None)
        tallies = {
            cid: (urgent or 0, uncounted or 0)
            for cid, urgent, uncounted in session.execute(
                select(
                    Contact.clinician_id,
                    func.sum(case((Contact.urgent, 1), else_=0)),
                    func.sum(case(((~Contact.urgent) & (~Contact.counted), 1), else_=0)),
                )
                .where(Contact.day == day, live)
                .group_by(Contact.clinician_id)
            )
        }
        last_ids = (
            select(func.max(Contact.id))
            .where(Contact.day == day, live)
            .group_by(Contact.clinician_id)
        )
        last = {
            row.clinician_id: row
            for row in session.execute(select(Contact).where(Contact.id.in_(last_ids))).scalars()
        }
        diverted_by_clinician: dict[int | None, int] = {}
        by_destination: dict[DivertDestination, int] = {}
        for cid, destination, n in session.execute(
            select(Diversion.clinician_id, Diversion.destination, func.count())
            .where(Diversion.day == day)
            .group_by(Diversion.clinician_id, Diversion.destination)
        ):
            diverted_by_clinician[cid] = diverted_by_clinician.get(cid, 0) + n
            dest = DivertDestination(destination)
            by_destination[dest] = by_destination.get(dest, 0) + n
        services = [
            convert.local_service_from_row(row)
            for row in session.execute(
                select(LocalServiceRow).where(LocalServiceRow.active.is_(True))
            ).scalars()
        ]
    if rule is not None and rule.divert_to:
        order = {sid: i for i, sid in enumerate(rule.divert_to)}
        chosen = [s for s in services if s.id in order]
        services = sorted(chosen, key=lambda s: order[s.id or 0]) or services
    on_duty = [clinician.id for clinician, _, _ in duty if clinician.id is not None]
    if day == today and any(cid not in keys for cid in on_duty):
        # A database that takes no writes (damaged, read only) still shows its counter.
        with contextlib.suppress(StoreError):
            keys = _give_keys(ctx, day, on_duty)
    keys = _with_keys_for_the_rest(keys, on_duty)  # a past day from before keys were kept
    counts = []
    for clinician, sessions, extra in duty:
        assert clinician.id is not None
        last_row = last.get(clinician.id)
        undo_until = None
        if last_row is not None and day == today:
            until = last_row.at + timedelta(minutes=undo_minutes)
            undo_until = until if until > now else None
        urgent, uncounted = tallies.get(clinician.id, (0, 0))
        counts.append(
            ClinicianCount(
                clinician_id=clinician.id,
                name=clinician.name,
                role=clinician.role,
                sessions_today=sessions,
                counted=counters.get(clinician.id, 0),
                cap=_cap_for(rule, sessions),
                urgent=urgent,
                uncounted=uncounted,
                diverted=diverted_by_clinician.get(clinician.id, 0),
                extra_duty=extra,
                key=keys[clinician.id],
                last_contact_id=last_row.id if last_row else None,
                last_contact_at=last_row.at if last_row else None,
                last_contact_type=ContactType(last_row.contact_type) if last_row else None,
                last_undoable_until=undo_until,
            )
        )
    return Board(
        day=day,
        today=today,
        rule=rule,
        clinicians=tuple(sorted(counts, key=lambda count: count.key)),
        divert_services=tuple(services),
        default_type=default_type,
        undo_minutes=undo_minutes,
        diversions_by_destination=by_destination,
        type_hold_minutes=hold,
    )


def _stored_keys(session: Session, day: date) -> dict[int, int]:
    return {
        cid: position
        for cid, position in session.execute(
            select(CounterKey.clinician_id, CounterKey.position).where(CounterKey.day == day)
        )
    }


def _give_keys(ctx: Context, day: date, on_duty: list[int]) -> dict[int, int]:
    """Give everyone on duty today without a key the next free one, in the counter's order,
    and keep it for the day. Two desks doing this at once: the second finds the keys given
    (SQLite's write lock), or, on PostgreSQL, its insert clashes and it reads them again."""
    from sqlalchemy.exc import IntegrityError

    for _attempt in range(5):
        try:
            with ctx.store.write() as session:
                keys = _stored_keys(session, day)
                following = max(keys.values(), default=0) + 1
                for cid in on_duty:
                    if cid not in keys:
                        session.add(CounterKey(day=day, clinician_id=cid, position=following))
                        keys[cid] = following
                        following += 1
                return keys
        except IntegrityError:
            continue
    with ctx.store.read() as session:
        return _with_keys_for_the_rest(_stored_keys(session, day), on_duty)


def _with_keys_for_the_rest(keys: dict[int, int], on_duty: list[int]) -> dict[int, int]:
    """The stored keys, and after them, in the counter's order, keys for anyone without one
    (a day before keys were kept, which nobody records on any more)."""
    keys = dict(keys)
    following = max(keys.values(), default=0) + 1
    for cid in on_duty:
        if cid not in keys:
            keys[cid] = following
            following += 1
    return keys


def _ensure_day_row(session: Session, clinician_id: int, day: date) -> None:
    """The day's counter row, created once; a second desk racing to create it does nothing."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.connection().execute(
        dialect.insert(ClinicianDay.__table__)
        .values(clinician_id=clinician_id, day=day, counted=0)
        .on_conflict_do_nothing(index_elements=["clinician_id", "day"])
    )


def _check_reason(reason: str, what: str) -> str:
    text = " ".join((reason or "").split())
    if len(text) < 3:
        raise ValidationError(
            {"reason": f"{what}: give a short reason (a few words, no patient details)."}
        )
    if len(text) > 300:
        raise ValidationError({"reason": f"{what}: keep the reason to 300 characters."})
    try:
        return refuse_identifiers(text, f"{what}: the reason", local_today())
    except ValueError as error:
        raise ValidationError({"reason": str(error)}) from None


def record_contact(
    ctx: Context,
    actor: Actor,
    clinician_id: int,
    contact_type: ContactType | None = None,
    *,
    urgent_reason: str | None = None,
) -> Recorded:
    """Record one contact for today. Raises AtCap when the cap refuses it."""
    from practice_action.services.plan import NotWorkedOut, cached_cap, contacts_cap_in

    require(actor, Permission.USE_COUNTER)
    urgent = urgent_reason is not None
    reason = _check_reason(urgent_reason or "", "Urgent override") if urgent else ""
    try:
        try:
            # The usual case: the day's cap rule is already worked out, and the contact is
            # recorded on the driver's connection alone (store.raw_write).
            with ctx.store.raw_write() as raw:
                return _record_in(
                    raw,
                    raw_now(raw, ctx.clock),
                    lambda day, newest: cached_cap(ctx.store.key, day, newest),
                    actor,
                    clinician_id,
                    contact_type,
                    urgent,
                    reason,
                )
        except NotWorkedOut:
            pass  # rolled back before anything was written: work the rule out in a session
        with ctx.store.write() as session:
            return _record_in(
                Raw(session),
                transaction_now(session, ctx.clock),
                lambda day, newest: contacts_cap_in(session, day, newest=newest),
                actor,
                clinician_id,
                contact_type,
                urgent,
                reason,
            )
    except _Refused as refused:
        today = refused.day
    current = board(ctx, today)
    raise AtCap(current.clinician(clinician_id), current)


def void_contact(ctx: Context, actor: Actor, contact_id: int, reason: str) -> None:
    """Undo a contact recorded in the last few minutes: it is voided, never deleted."""
    require(actor, Permission.USE_COUNTER)
    why = _check_reason(reason, "Undo")
    _, undo_minutes = settings(ctx)
    with ctx.store.write() as session:
        now = transaction_now(session, ctx.clock)
        # Locked, so that two desks undoing the same contact at once cannot both succeed
        # (PostgreSQL re-reads the row after the lock; SQLite's IMMEDIATE already serialises).
        contact = session.get(Contact, contact_id, with_for_update=True)
        if contact is None:
            raise NotFound(f"No contact {contact_id}.")
        if contact.voided_at is not None:
            raise PracticeActionError("That contact was already undone.")
        if contact.day != now.astimezone(LONDON).date() or now - contact.at > timedelta(
            minutes=undo_minutes
        ):
            raise PracticeActionError(
                f"A contact can be undone only within {_plural(undo_minutes, 'minute')}, on the day it "
                "was recorded. Ask a practice manager to note the correction."
            )
        contact.voided_at = now.astimezone(UTC)
        contact.voided_by = actor.label
        contact.void_reason = why
        if contact.counted:
            session.execute(
                update(ClinicianDay)
                .where(
                    ClinicianDay.clinician_id == contact.clinician_id,
                    ClinicianDay.day == contact.day,
                    ClinicianDay.counted > 0,
                )
                .values(counted=ClinicianDay.counted - 1)
                .execution_options(synchronize_session=False)
            )
        name = session.get(ClinicianRow, contact.clinician_id)
        audit.append(
            session,
            ctx,
            actor,
            "contact.void",
            f"Undid a contact for {name.name if name else contact.clinician_id}: {why}",
            before={"contact": contact.id, "type": contact.contact_type, "urgent": contact.urgent},
        )


def record_diversion(
    ctx: Context,
    actor: Actor,
    destination: DivertDestination,
    *,
    clinician_id: int | None = None,
    local_service_id: int | None = None,
    note: str = "",
) -> int:
    """Record that a patient was sent elsewhere (no patient details)."""
    require(actor, Permission.USE_COUNTER)
    try:
        clean_note = validators.check_optional_text(note, "Note", 300)
    except ValueError as error:
        raise ValidationError({"note": str(error)}) from None
    with ctx.store.write() as session:
        now = transaction_now(session, ctx.clock)
        today = now.astimezone(LONDON).date()
        service_name = ""
        if local_service_id is not None:
            service = session.get(LocalServiceRow, local_service_id)
            if service is None:
                raise NotFound(f"No local service {local_service_id}.")
            service_name = f" ({service.name})"
        who = ""
        if clinician_id is not None:
            row = session.get(ClinicianRow, clinician_id)
            if row is None:
                raise NotFound(f"No clinician {clinician_id}.")
            who = f" from {row.name}"
        diversion = Diversion(
            day=today,
            at=now,
            clinician_id=clinician_id,
            destination=destination.value,
            local_service_id=local_service_id,
            note=clean_note,
            recorded_by=actor.label,
        )
        session.add(diversion)
        session.flush()
        audit.append(
            session,
            ctx,
            actor,
            "diversion.record",
            f"Patient diverted{who} to {destination.label}{service_name}",
            after={
                "diversion": diversion.id,
                "destination": destination.value,
                "clinician": clinician_id,
                "service": local_service_id,
            },
        )
        return diversion.id


def add_to_today(ctx: Context, actor: Actor, clinician_id: int, sessions: int = 2) -> None:
    """Put a clinician on today's counter outside their usual pattern (a locum, a swap)."""
    require(actor, Permission.USE_COUNTER)
    _check_sessions(sessions)
    with ctx.store.write() as session:
        row = session.get(ClinicianRow, clinician_id)
        if row is None or not row.active:
            raise NotFound("That clinician is not in the practice's active list.")
        _put_on_today(session, ctx, actor, row, _transaction_day(session, ctx), sessions)


def _transaction_day(session: Session, ctx: Context) -> date:
    return transaction_now(session, ctx.clock).astimezone(LONDON).date()


def _check_sessions(sessions: int) -> None:
    if sessions not in (1, 2):
        raise ValidationError({"sessions": "Sessions today must be 1 (half day) or 2 (full day)."})


def _put_on_today(
    session: Session, ctx: Context, actor: Actor, row: ClinicianRow, today: date, sessions: int
) -> None:
    # one statement, so that two desks adding the same person at once cannot collide
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(
        dialect.insert(ExtraDuty.__table__)
        .values(clinician_id=row.id, day=today, sessions=sessions)
        .on_conflict_do_update(index_elements=["clinician_id", "day"], set_={"sessions": sessions})
    )
    audit.append(
        session,
        ctx,
        actor,
        "counter.duty",
        f"{row.name} added to today's counter ({sessions} session{'s' if sessions > 1 else ''})",
    )


def add_locum_today(ctx: Context, actor: Actor, name: str, sessions: int = 2) -> int:
    """A locum not yet in the register: added as a locum GP and put on today's counter."""
    require(actor, Permission.USE_COUNTER)
    try:
        clean = validators.check_name(name, "Locum's name")
    except ValueError as error:
        raise ValidationError({"name": str(error)}) from None
    _check_sessions(sessions)
    # One transaction: a locum is never left in the register but off today's counter.
    with ctx.store.write() as session:
        wanted = name_key(clean)
        already = next(
            (
                known
                for known in session.scalars(select(ClinicianRow).where(ClinicianRow.active))
                if name_key(known.name) == wanted
            ),
            None,
        )
        if already is not None:
            # The same person typed again (other case, accents or spacing): put the clinician
            # already in the list on today's counter, with the one cap they have.
            _put_on_today(session, ctx, actor, already, _transaction_day(session, ctx), sessions)
            return already.id
        row = ClinicianRow(name=clean, role=ClinicianRole.LOCUM_GP.value, sessions=[], active=True)
        session.add(row)
        session.flush()
        audit.append(
            session,
            ctx,
            actor,
            "clinician.add",
            f"Added locum {clean} at the desk",
            after=convert.plain(convert.clinician_from_row(row)),
        )
        _put_on_today(session, ctx, actor, row, _transaction_day(session, ctx), sessions)
        return row.id


def find_clinician(ctx: Context, text: str) -> Clinician:
    """A clinician by id or by name (exact, else a unique part of the name)."""
    with ctx.store.read() as session:
        rows = [
            convert.clinician_from_row(r)
            for r in session.execute(
                select(ClinicianRow).where(ClinicianRow.active.is_(True))
            ).scalars()
        ]
    wanted = text.strip().casefold()
    if wanted.isdigit():
        for c in rows:
            if c.id == int(wanted):
                return c
    exact = [c for c in rows if c.name.casefold() == wanted]
    if len(exact) == 1:
        return exact[0]
    partial = [c for c in rows if wanted and wanted in c.name.casefold()]
    if len(partial) == 1:
        return partial[0]
    if partial:
        names = ", ".join(c.name for c in partial)
        raise NotFound(f"'{text}' matches more than one clinician: {names}. Give more of the name.")
    raise NotFound(
        f"No active clinician called '{text}'. Clinicians: {', '.join(c.name for c in rows)}."
    )


class _Refused(Exception):
    """Raised inside the transaction so that it rolls back; turned into AtCap outside it."""

    def __init__(self, day: date) -> None:
        super().__init__(day)
        self.day = day


_WEEKDAY_PREFIX = tuple(f"{weekday.value}-" for weekday in Weekday)
_SESSIONS: dict[tuple[str, int], int] = {}


def _sessions_on(stored: Any, weekday: int) -> int:
    """How many of a clinician's usual sessions (as stored: JSON text on SQLite, a list on
    PostgreSQL) fall on the weekday; remembered by the stored text, which rarely changes."""
    key = (stored if isinstance(stored, str) else repr(stored), weekday)
    found = _SESSIONS.get(key)
    if found is None:
        prefix = _WEEKDAY_PREFIX[weekday]
        found = sum(1 for k in Raw.json_value(stored) if k.startswith(prefix))
        if len(_SESSIONS) > 4096:
            _SESSIONS.clear()
        _SESSIONS[key] = found
    return found


def _on_duty_today(raw: Raw, clinician_id: int, day: date) -> tuple[str, int] | None:
    """(name, sessions today) for a clinician on duty on the day, in one query."""
    row = raw.one(
        "SELECT c.name, c.sessions, c.active, e.sessions FROM clinician c"
        " LEFT OUTER JOIN extra_duty e ON e.clinician_id = c.id AND e.day = ?"
        " WHERE c.id = ?",
        (raw.day(day), clinician_id),
    )
    if row is None or not row[2]:
        return None
    usual = _sessions_on(row[1], day.weekday())
    sessions = max(usual, row[3] or 0)
    return (row[0], sessions) if sessions else None


def _record_in(
    raw: Raw,
    now: datetime,
    rule_for: Callable[[date, tuple[int, str]], CapRule | None],
    actor: Actor,
    clinician_id: int,
    contact_type: ContactType | None,
    urgent: bool,
    reason: str,
) -> Recorded:
    """The hot path: a handful of short statements in one IMMEDIATE transaction.

    The day and the time come from one reading taken inside the transaction (the server's on
    PostgreSQL), so they always agree, whatever the desk's own clock says. ``rule_for`` gives
    the cap rule for the day and the newest plan version (number, time saved)."""
    today = now.astimezone(LONDON).date()
    duty = _on_duty_today(raw, clinician_id, today)
    if duty is None:
        raise NotFound(
            "That clinician is not on duty today. Add them for today on the counter first."
        )
    name, sessions = duty
    if contact_type is None:
        stored = raw.one("SELECT default_contact_type FROM counter_settings WHERE id = 1")
        contact_type = ContactType(stored[0]) if stored else ContactType.FACE_TO_FACE
    newest = raw.one("SELECT number, created_at FROM plan_version ORDER BY number DESC LIMIT 1")
    rule = rule_for(today, (newest[0], str(newest[1])) if newest else (0, ""))
    cap = _cap_for(rule, sessions)
    counts = not urgent and (rule is None or contact_type in rule.counted_types)
    day = raw.day(today)
    raw.run(
        "INSERT INTO clinician_day (clinician_id, day, counted) VALUES (?, ?, 0)"
        " ON CONFLICT (clinician_id, day) DO NOTHING",
        (clinician_id, day),
    )
    if counts:
        # The guard: the row changes only while it is under the cap, whatever other desks do.
        guard = "" if cap is None else " AND counted < ?"
        params = (cap, clinician_id, day) + (() if cap is None else (cap,))
        row = raw.one(
            "UPDATE clinician_day SET counted = counted + 1, cap = ?"
            f" WHERE clinician_id = ? AND day = ?{guard} RETURNING counted",
            params,
        )
        if row is None:
            raise _Refused(today)
    else:
        row = raw.one(
            "SELECT counted FROM clinician_day WHERE clinician_id = ? AND day = ?",
            (clinician_id, day),
        )
    assert row is not None
    counted_now = int(row[0])
    inserted = raw.one(
        "INSERT INTO contact (clinician_id, day, at, contact_type, counted, urgent,"
        " urgent_reason, recorded_by, voided_by, void_reason)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', '') RETURNING id",
        (
            clinician_id,
            day,
            raw.time(now),
            contact_type.value,
            raw.flag(counts),
            raw.flag(urgent),
            reason,
            actor.label,
        ),
    )
    assert inserted is not None
    contact_id = int(inserted[0])
    tally = f"{counted_now} of {cap}" if cap is not None else f"{counted_now}"
    if urgent:
        kind, summary = (
            "contact.urgent",
            f"Urgent override for {name} ({contact_type.label}): {reason}",
        )
    else:
        kind, summary = "contact.record", f"Contact for {name} ({contact_type.label}): {tally}"
    audit.append_raw(
        raw,
        now,
        actor,
        kind,
        summary,
        after={
            "contact": contact_id,
            "clinician": clinician_id,
            "day": today.isoformat(),
            "type": contact_type.value,
            "counted": counts,
        },
    )
    return Recorded(contact_id, clinician_id, name, counted_now, cap, urgent, counts, contact_type)
