"""The action plan: its versions, the work it sets off, and the cap rule the counter applies.

Saving the wizard writes a whole new version (who, when, which partner approved it); no
version is changed afterwards except to add an approval. Checklist tasks and declined data
sharing requests belong to the plan as a whole. Everything is checked, done in one
transaction and audited; screens and commands get frozen dataclasses back.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from practice_action import paths
from practice_action.domain import menu as menus
from practice_action.domain import plan as rules
from practice_action.domain.calendar import LONDON, day_text, local_today
from practice_action.domain.enums import ServiceKind, StaffRole
from practice_action.domain.errors import ConflictError, NotFound, ValidationError
from practice_action.domain.identifiers import refuse_identifiers
from practice_action.domain.menu import DetailKind, Menu, MenuAction
from practice_action.domain.plan import CapRule, Choice, Decision, Details, Registers
from practice_action.domain.validators import check_name, check_optional_text
from practice_action.domain.words import plural
from practice_action.services import audit, convert
from practice_action.services.context import Actor, Context
from practice_action.services.permissions import Permission, allowed, require
from practice_action.store.models import (
    DataSharingAgreementRow,
    LocalServiceRow,
    StaffRow,
    VoluntaryServiceRow,
)
from practice_action.store.plan_models import (
    AddedMenuRow,
    CustomActionRow,
    DeclinedRequestRow,
    PlanDecisionRow,
    PlanTaskRow,
    PlanVersionRow,
)

# --- views handed to screens and commands ------------------------------------------------


@dataclass(frozen=True)
class DecisionView:
    action_id: str
    menu_id: str
    title: str
    detail_kind: DetailKind
    choice: Choice
    effective_date: date | None
    end_date: date | None
    details: Details

    def in_force_on(self, day: date) -> bool:
        return (
            self.choice is Choice.ADOPT
            and self.effective_date is not None
            and self.effective_date <= day
            and (self.end_date is None or day <= self.end_date)
        )

    def to_decision(self) -> Decision:
        return Decision(
            self.action_id, self.choice, self.effective_date, self.end_date, self.details
        )


@dataclass(frozen=True)
class VersionView:
    id: int
    number: int
    menu_id: str
    created_at: datetime
    created_by: str
    approved_by: str | None
    approved_at: datetime | None
    note: str
    decisions: tuple[DecisionView, ...]

    @property
    def approved(self) -> bool:
        return self.approved_by is not None

    @property
    def created_day(self) -> date:
        return self.created_at.astimezone(LONDON).date()

    def decision(self, action_id: str) -> DecisionView | None:
        return next((d for d in self.decisions if d.action_id == action_id), None)

    @property
    def adopted(self) -> tuple[DecisionView, ...]:
        return tuple(d for d in self.decisions if d.choice is Choice.ADOPT)


@dataclass(frozen=True)
class TaskView:
    id: int
    action_id: str
    action_title: str
    text: str
    done_on: date | None
    done_by: str

    @property
    def done(self) -> bool:
        return self.done_on is not None


@dataclass(frozen=True)
class NoticeEnd:
    """A voluntary service's last day under the notice served."""

    action_id: str
    service_name: str
    served_on: date | None
    last_day: date


@dataclass(frozen=True)
class PlanView:
    version: VersionView | None
    tasks: tuple[TaskView, ...]
    notice_ends: tuple[NoticeEnd, ...]

    @property
    def adopted(self) -> tuple[DecisionView, ...]:
        return self.version.adopted if self.version else ()

    @property
    def open_tasks(self) -> tuple[TaskView, ...]:
        return tuple(t for t in self.tasks if not t.done)


@dataclass(frozen=True)
class DeclinedRequest:
    id: int
    received_on: date
    declined_on: date
    requester: str
    description: str
    recorded_by: str


@dataclass(frozen=True)
class DecisionChange:
    action_id: str
    title: str
    before: DecisionView | None
    after: DecisionView | None
    changes: tuple[str, ...]


@dataclass(frozen=True)
class Catalogue:
    """The shipped menus and the practice's own actions."""

    menus: tuple[Menu, ...]
    custom: tuple[MenuAction, ...]

    @property
    def default(self) -> Menu:
        return menus.default_menu(self.menus)

    def default_on(self, day: date) -> Menu:
        """The menu a plan made on ``day`` starts from (the 2026 round from 1 May 2026)."""
        return menus.default_menu(self.menus, day)

    def menu(self, menu_id: str | None) -> Menu:
        if menu_id is None:
            return self.default
        found = next((m for m in self.menus if m.id == menu_id), None)
        if found is None:
            raise NotFound(
                f"No menu '{menu_id}'. Menus available: " + ", ".join(m.id for m in self.menus)
            )
        return found

    def actions_for(self, menu_id: str | None) -> tuple[MenuAction, ...]:
        """The wizard's pages: the chosen menu's actions, then the practice's own."""
        return self.menu(menu_id).actions + self.custom

    def lookup(self, menu_id: str | None) -> dict[str, MenuAction]:
        """Action ids to actions; the chosen menu wins where two menus share an id."""
        found: dict[str, MenuAction] = {}
        for action in self.actions_for(menu_id):
            found.setdefault(action.id, action)
        for other in self.menus:
            for action in other.actions:
                found.setdefault(action.id, action)
        return found


# --- reading -----------------------------------------------------------------------------


def shipped_menus() -> tuple[Menu, ...]:
    return menus.shipped_menus(paths.resource("menus"))


def _custom_from_row(row: CustomActionRow, number: int) -> MenuAction:
    return menus.parse_action(
        {
            "id": row.action_id,
            "number": number,
            "title": row.title,
            "wording": row.wording,
            "attribution": row.attribution,
            "source": row.source,
            "explanation": row.explanation,
            "involves": row.involves,
            "detail": row.detail_kind,
            "tasks": row.tasks,
            "notes": [{k: v for k, v in n.items() if v is not None} for n in row.notes],
        },
        "the practice's own actions",
        menus.CUSTOM_MENU_ID,
        number - 1,
    )


def _custom_actions(session: Session) -> tuple[MenuAction, ...]:
    rows = session.execute(
        select(CustomActionRow).where(CustomActionRow.active.is_(True)).order_by(CustomActionRow.id)
    ).scalars()
    return tuple(_custom_from_row(row, i + 1) for i, row in enumerate(rows))


@dataclass(frozen=True)
class AddedMenu:
    """A menu file the practice added, as the screens and ``menu list`` show it."""

    menu_id: str
    title: str
    file_name: str
    actions: int
    extends: str | None
    added_at: datetime
    added_by: str
    problem: str = ""  # set when the stored file no longer passes the checks


@lru_cache(maxsize=64)
def _parsed(file_name: str, content: str) -> Menu:
    return menus.menu_from_bytes(content.encode("utf-8"), file_name)


def _added_rows(session: Session) -> list[AddedMenuRow]:
    return list(
        session.execute(
            select(AddedMenuRow).where(AddedMenuRow.active.is_(True)).order_by(AddedMenuRow.id)
        ).scalars()
    )


def _added_checked(
    rows: Sequence[AddedMenuRow],
) -> list[tuple[AddedMenuRow, Menu | None, menus.MenuError | None]]:
    """Each added file read back and checked against the shipped menus and those added
    before it; a file that no longer passes is kept out of the catalogue and named."""
    present: list[Menu] = list(shipped_menus())
    out: list[tuple[AddedMenuRow, Menu | None, menus.MenuError | None]] = []
    for row in rows:
        try:
            menu = _parsed(row.file_name, row.content)
            menus.check_added(menu, present)
        except menus.MenuError as error:
            out.append((row, None, error))
            continue
        present.append(menu)
        out.append((row, menu, None))
    return out


def _catalogue(session: Session) -> Catalogue:
    added = [m for _, m, _ in _added_checked(_added_rows(session)) if m is not None]
    return Catalogue(menus.combine((*shipped_menus(), *added)), _custom_actions(session))


def catalogue(ctx: Context) -> Catalogue:
    with ctx.store.read() as session:
        return _catalogue(session)


def _decision_view(row: PlanDecisionRow) -> DecisionView:
    kind = DetailKind(row.detail_kind)
    return DecisionView(
        action_id=row.action_id,
        menu_id=row.menu_id,
        title=row.title,
        detail_kind=kind,
        choice=Choice(row.choice),
        effective_date=row.effective_date,
        end_date=row.end_date,
        details=rules.details_from_json(kind, row.details),
    )


def _version_view(row: PlanVersionRow) -> VersionView:
    return VersionView(
        id=row.id,
        number=row.number,
        menu_id=row.menu_id,
        created_at=row.created_at,
        created_by=row.created_by,
        approved_by=row.approved_by,
        approved_at=row.approved_at,
        note=row.note,
        decisions=tuple(_decision_view(d) for d in row.decisions),
    )


def _versions_query() -> Any:
    return select(PlanVersionRow).options(selectinload(PlanVersionRow.decisions))


def _current_row(session: Session) -> PlanVersionRow | None:
    return (
        session.execute(_versions_query().order_by(PlanVersionRow.number.desc()).limit(1))
        .scalars()
        .first()
    )


def _task_views(session: Session, version: VersionView | None) -> tuple[TaskView, ...]:
    if version is None:
        return ()
    adopted = {d.action_id: d.title for d in version.adopted}
    rows = session.execute(select(PlanTaskRow).order_by(PlanTaskRow.id)).scalars()
    return tuple(
        TaskView(r.id, r.action_id, adopted[r.action_id], r.text, r.done_on, r.done_by)
        for r in rows
        if r.action_id in adopted
    )


def _notice_ends(version: VersionView | None) -> tuple[NoticeEnd, ...]:
    if version is None:
        return ()
    out = [
        NoticeEnd(d.action_id, s.name, d.details.served_on, s.last_day)
        for d in version.adopted
        if isinstance(d.details, rules.VoluntaryNoticeDetails)
        for s in d.details.services
    ]
    return tuple(sorted(out, key=lambda n: n.last_day))


def current_plan(ctx: Context) -> PlanView:
    with ctx.store.read() as session:
        row = _current_row(session)
        version = _version_view(row) if row else None
        return PlanView(version, _task_views(session, version), _notice_ends(version))


def current_version_in(session: Session) -> VersionView | None:
    """The newest plan version, inside the caller's transaction (for the evidence file)."""
    row = _current_row(session)
    return _version_view(row) if row else None


@dataclass(frozen=True)
class ContractCheck:
    """One adopted action beside the contract in force on its dates."""

    action_id: str
    title: str
    starts: date
    ends: date | None
    requires: tuple[str, ...]  # what the contract asks while the action runs
    conflicts: tuple[str, ...]  # where the action goes against it

    @property
    def clear(self) -> bool:
        return not self.requires and not self.conflicts


def contract_checks(ctx: Context) -> tuple[ContractCheck, ...]:
    """For each adopted action of the current plan, what the contract in force on any day it
    runs requires and where the action conflicts, each dated from when it applies."""
    with ctx.store.read() as session:
        row = _current_row(session)
        if row is None:
            return ()
        version = _version_view(row)
        lookup = _catalogue(session).lookup(version.menu_id)
    out = []
    for decision in version.adopted:
        start = decision.effective_date
        assert start is not None
        action = lookup.get(decision.action_id)
        notes = menus.contract_notes_during(action, start, decision.end_date) if action else []
        out.append(
            ContractCheck(
                decision.action_id,
                decision.title,
                start,
                decision.end_date,
                tuple(
                    menus.dated_text(n, start)
                    for n in notes
                    if n.severity is not menus.Severity.CONFLICT
                ),
                tuple(
                    menus.dated_text(n, start)
                    for n in notes
                    if n.severity is menus.Severity.CONFLICT
                ),
            )
        )
    return tuple(out)


def history(ctx: Context) -> list[VersionView]:
    """Every version, the newest first."""
    with ctx.store.read() as session:
        rows = session.execute(_versions_query().order_by(PlanVersionRow.number.desc())).scalars()
        return [_version_view(r) for r in rows]


def get_version(ctx: Context, number: int) -> VersionView:
    with ctx.store.read() as session:
        row = (
            session.execute(_versions_query().where(PlanVersionRow.number == number))
            .scalars()
            .first()
        )
        if row is None:
            raise NotFound(f"The plan has no version {number}.")
        return _version_view(row)


def _registers(session: Session) -> Registers:
    return Registers(
        local_services={
            r.id: convert.local_service_from_row(r)
            for r in session.execute(select(LocalServiceRow)).scalars()
        },
        voluntary_services={
            r.id: convert.voluntary_from_row(r)
            for r in session.execute(select(VoluntaryServiceRow)).scalars()
        },
        agreements={
            r.id: convert.dsa_from_row(r)
            for r in session.execute(select(DataSharingAgreementRow)).scalars()
        },
    )


def registers(ctx: Context) -> Registers:
    with ctx.store.read() as session:
        return _registers(session)


def active_contacts_cap(ctx: Context, day: date) -> CapRule | None:
    """The contacts cap in force on a local day, or None when the practice has no cap then.

    The newest version that speaks for the day decides: an adopted cap covering the day
    applies; one ended before the day means no cap; one that starts later leaves the day to
    the version before (a change scheduled ahead); a cap dropped ('not now' or undecided)
    means no cap from the day that version was saved.
    """
    with ctx.store.read() as session:
        return contacts_cap_in(session, day)


# The rule for a day changes only when a new plan version is written, so the counter's hot
# path asks for the newest version number (one indexed query) and reuses the rule it worked
# out before. Keyed by database URL so that separate databases never share an entry.
_RULE_CACHE: dict[tuple[str, date, tuple[int, str]], CapRule | None] = {}


def contacts_cap_in(
    session: Session, day: date, *, newest: tuple[int, str] | None = None
) -> CapRule | None:
    """``active_contacts_cap`` inside the caller's transaction, cached per plan version.

    ``newest`` is the newest plan version's (number, created_at as text), when the caller has
    already read it. The time is part of the key because a restored database can reuse a
    version number for different content.
    """
    if newest is None:
        row = session.execute(
            select(PlanVersionRow.number, PlanVersionRow.created_at)
            .order_by(PlanVersionRow.number.desc())
            .limit(1)
        ).first()
        newest = (row[0], _stamp_text(row[1])) if row else (0, "")
    key = (str(session.get_bind().engine.url), day, newest)
    if key in _RULE_CACHE:
        return _RULE_CACHE[key]
    rows = session.execute(_versions_query().order_by(PlanVersionRow.number.desc())).scalars().all()
    rule = _rule_for_day([_version_view(r) for r in rows], day)
    if len(_RULE_CACHE) > 256:
        _RULE_CACHE.clear()
    _RULE_CACHE[key] = rule
    return rule


class NotWorkedOut(Exception):
    """The rule for that day and plan version is not in the cache yet (``cached_cap``)."""


def cached_cap(database: str, day: date, newest: tuple[int, str]) -> CapRule | None:
    """The rule ``contacts_cap_in`` worked out before for this database (``Store.key``), day
    and newest plan version; NotWorkedOut when it has not."""
    key = (database, day, newest)
    if key not in _RULE_CACHE:
        raise NotWorkedOut
    return _RULE_CACHE[key]


def _stamp_text(value: object) -> str:
    """The version's time as the counter's plain query gives it, so both keys agree."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    return str(value)


def _rule_for_day(versions: list[VersionView], day: date) -> CapRule | None:
    for version in versions:
        cap = next((d for d in version.decisions if d.detail_kind is DetailKind.CONTACTS_CAP), None)
        if cap is None or cap.choice is not Choice.ADOPT:
            if day >= version.created_day:
                return None
            continue
        assert cap.effective_date is not None
        if cap.end_date is not None and day > cap.end_date:
            return None
        if cap.effective_date <= day and isinstance(cap.details, rules.ContactsCapDetails):
            return CapRule.from_details(cap.details, cap.effective_date)
    return None


# --- writing -----------------------------------------------------------------------------


def _stamp(ctx: Context) -> datetime:
    return ctx.clock().astimezone(UTC)


def _plain_decision(d: DecisionView | Decision) -> dict[str, Any]:
    details = d.details
    return {
        "action": d.action_id,
        "choice": d.choice.value,
        "from": d.effective_date.isoformat() if d.effective_date else None,
        "until": d.end_date.isoformat() if d.end_date else None,
        "details": rules.details_to_json(details) if details is not None else {},
    }


def _write_version(
    session: Session,
    ctx: Context,
    actor: Actor,
    menu_id: str,
    decisions: Sequence[tuple[MenuAction | None, Decision, DecisionView | None]],
    note: str,
    approver: Actor | None,
) -> PlanVersionRow:
    number = (session.execute(select(func.max(PlanVersionRow.number))).scalar() or 0) + 1
    now = _stamp(ctx)
    row = PlanVersionRow(
        number=number,
        menu_id=menu_id,
        created_at=now,
        created_by=actor.label,
        created_by_staff_id=actor.staff_id,
        note=note,
    )
    if approver is not None:
        row.approved_by = approver.label
        row.approved_by_staff_id = approver.staff_id
        row.approved_at = now
    session.add(row)
    session.flush()
    existing_tasks = {
        (t.action_id, t.task_key) for t in session.execute(select(PlanTaskRow)).scalars()
    }
    for position, (action, decision, previous) in enumerate(decisions):
        kind = action.detail if action else (previous.detail_kind if previous else DetailKind.NONE)
        details = decision.details or rules.default_details(kind)
        session.add(
            PlanDecisionRow(
                version_id=row.id,
                position=position,
                action_id=decision.action_id,
                menu_id=action.menu_id if action else (previous.menu_id if previous else menu_id),
                title=action.title if action else (previous.title if previous else ""),
                detail_kind=kind.value,
                choice=decision.choice.value,
                effective_date=decision.effective_date,
                end_date=decision.end_date,
                details=rules.details_to_json(details),
            )
        )
        if decision.choice is Choice.ADOPT and action is not None:
            for task in action.tasks:
                if (action.id, task.id) not in existing_tasks:
                    session.add(
                        PlanTaskRow(
                            action_id=action.id,
                            task_key=task.id,
                            text=task.text,
                            created_at=now,
                            done_by="",
                        )
                    )
                    existing_tasks.add((action.id, task.id))
    session.flush()
    session.refresh(row)
    return row


def save_plan_version(
    ctx: Context,
    actor: Actor,
    decisions: Iterable[Decision],
    note: str = "",
    approver: Actor | None = None,
    *,
    menu_id: str | None = None,
) -> VersionView:
    """Write a new version of the whole plan, checked, approved if a partner is given."""
    require(actor, Permission.EDIT_PLAN)
    if approver is not None:
        require(approver, Permission.APPROVE_PLAN)
    today = local_today(ctx.clock)
    try:
        note = refuse_identifiers(check_optional_text(note, "The note", 2000), "The note", today)
    except ValueError as error:
        raise ValidationError({"note": str(error)}) from None
    decisions = list(decisions)
    with ctx.store.write() as session:
        cat = _catalogue(session)
        chosen = cat.menu(menu_id)
        lookup = cat.lookup(chosen.id)
        previous_row = _current_row(session)
        previous = _version_view(previous_row) if previous_row else None
        # A start date already in the plan was confirmed when it was first saved.
        confirmed = [
            replace(d, confirm_past=True)
            if previous is not None
            and (old := previous.decision(d.action_id)) is not None
            and old.choice is Choice.ADOPT
            and old.effective_date == d.effective_date
            else d
            for d in decisions
        ]
        clean = rules.check_plan(lookup, confirmed, today, _registers(session))
        row = _write_version(
            session,
            ctx,
            actor,
            chosen.id,
            [
                (lookup[d.action_id], d, previous.decision(d.action_id) if previous else None)
                for d in clean
            ],
            note,
            approver,
        )
        saved = _version_view(row)
        approval = f", approved by {approver.label}" if approver else ", not yet approved"
        audit.append(
            session,
            ctx,
            actor,
            "plan.save",
            f"Saved action plan version {saved.number} ({plural(len(saved.adopted), 'action')} adopted"
            f"{approval})",
            before=[_plain_decision(d) for d in previous.decisions] if previous else None,
            after=[_plain_decision(d) for d in saved.decisions],
        )
        return saved


def approve_version(ctx: Context, approver: Actor, number: int) -> VersionView:
    """A partner approves a version saved without approval."""
    require(approver, Permission.APPROVE_PLAN)
    with ctx.store.write() as session:
        row = (
            session.execute(_versions_query().where(PlanVersionRow.number == number))
            .scalars()
            .first()
        )
        if row is None:
            raise NotFound(f"The plan has no version {number}.")
        if row.approved_by is not None:
            return _version_view(row)
        row.approved_by = approver.label
        row.approved_by_staff_id = approver.staff_id
        row.approved_at = _stamp(ctx)
        session.flush()
        audit.append(
            session, ctx, approver, "plan.approve", f"Approved action plan version {number}"
        )
        return _version_view(row)


def end_action(ctx: Context, actor: Actor, action_id: str, end_date: date) -> VersionView:
    """End an adopted action on a date: a new version, the same in every other respect."""
    require(actor, Permission.EDIT_PLAN)
    with ctx.store.write() as session:
        row = _current_row(session)
        current = _version_view(row) if row else None
        target = current.decision(action_id) if current else None
        if current is None or target is None or target.choice is not Choice.ADOPT:
            raise NotFound(f"The plan has no adopted action '{action_id}' to end.")
        assert target.effective_date is not None
        if end_date < target.effective_date:
            raise ValidationError(
                {
                    "end_date": f"{target.title} started on {day_text(target.effective_date)}; "
                    "the end date cannot be before that."
                }
            )
        lookup = _catalogue(session).lookup(current.menu_id)
        decisions = [
            (
                lookup.get(d.action_id),
                replace(d.to_decision(), end_date=end_date)
                if d.action_id == action_id
                else d.to_decision(),
                d,
            )
            for d in current.decisions
        ]
        approver = actor if allowed(actor, Permission.APPROVE_PLAN) else None
        note = f"Ended {target.title} on {day_text(end_date)}"
        saved = _version_view(
            _write_version(session, ctx, actor, current.menu_id, decisions, note, approver)
        )
        audit.append(
            session,
            ctx,
            actor,
            "plan.end_action",
            f"{note} (plan version {saved.number})",
            before=_plain_decision(target),
            after=_plain_decision(saved.decision(action_id) or target),
        )
        return saved


def tick_task(ctx: Context, actor: Actor, task_id: int, done_on: date | None) -> TaskView:
    """Mark a checklist task done on a day (or not done, with None)."""
    require(actor, Permission.EDIT_PLAN)
    today = local_today(ctx.clock)
    if done_on is not None and done_on > today:
        raise ValidationError(
            {"done_on": "A task cannot be done on a future date: give today or an earlier day."}
        )
    with ctx.store.write() as session:
        row = session.get(PlanTaskRow, task_id)
        if row is None:
            raise NotFound(f"No checklist task with id {task_id}.")
        before = {"done_on": row.done_on.isoformat() if row.done_on else None, "by": row.done_by}
        row.done_on = done_on
        row.done_by = actor.label if done_on else ""
        session.flush()
        audit.append(
            session,
            ctx,
            actor,
            "plan.task",
            f"{'Done' if done_on else 'Not done'}: {row.text}",
            before=before,
            after={"done_on": done_on.isoformat() if done_on else None, "by": row.done_by},
        )
        decision_row = _current_row(session)
        title = ""
        if decision_row is not None:
            found = next((d for d in decision_row.decisions if d.action_id == row.action_id), None)
            title = found.title if found else ""
        return TaskView(row.id, row.action_id, title, row.text, row.done_on, row.done_by)


def record_declined_request(
    ctx: Context,
    actor: Actor,
    requester: str,
    description: str,
    received_on: date,
    declined_on: date | None = None,
) -> DeclinedRequest:
    """Log a data sharing request turned down under the freeze."""
    require(actor, Permission.EDIT_PLAN)
    today = local_today(ctx.clock)
    declined = declined_on or today
    problems: dict[str, str] = {}
    try:
        requester = check_name(requester, "Who asked")
    except ValueError as error:
        problems["requester"] = str(error)
    try:
        description = check_name(description, "What they asked for", 2000)
        refuse_identifiers(description, "What they asked for", today)
    except ValueError as error:
        problems["description"] = str(error)
    if received_on > today:
        problems["received_on"] = "The date received cannot be in the future."
    if declined > today:
        problems["declined_on"] = "The date declined cannot be in the future."
    elif declined < received_on and "received_on" not in problems:
        problems["declined_on"] = "The date declined cannot be before the date received."
    if problems:
        raise ValidationError(problems)
    with ctx.store.write() as session:
        row = DeclinedRequestRow(
            received_on=received_on,
            declined_on=declined,
            requester=requester,
            description=description,
            recorded_by=actor.label,
            recorded_at=_stamp(ctx),
        )
        session.add(row)
        session.flush()
        view = DeclinedRequest(
            row.id, received_on, declined, requester, description, row.recorded_by
        )
        audit.append(
            session,
            ctx,
            actor,
            "plan.declined_request",
            f"Declined a data sharing request from {requester}",
            after=convert.plain(view),
        )
        return view


def declined_requests(ctx: Context) -> list[DeclinedRequest]:
    with ctx.store.read() as session:
        rows = session.execute(
            select(DeclinedRequestRow).order_by(DeclinedRequestRow.declined_on.desc())
        ).scalars()
        return [
            DeclinedRequest(
                r.id, r.received_on, r.declined_on, r.requester, r.description, r.recorded_by
            )
            for r in rows
        ]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:50] or "action"


def add_custom_action(ctx: Context, actor: Actor, fields: Mapping[str, Any]) -> MenuAction:
    """The practice adds an action of its own (say, from its LMC), with a menu action's fields."""
    require(actor, Permission.EDIT_PLAN)
    with ctx.store.write() as session:
        count = session.execute(select(func.count(CustomActionRow.id))).scalar_one()
        base = f"own-{_slug(str(fields.get('title') or ''))}"
        action_id, n = base, 1
        taken = set(session.execute(select(CustomActionRow.action_id)).scalars())
        while action_id in taken:
            n += 1
            action_id = f"{base}-{n}"
        data = dict(fields)
        data["id"] = action_id
        action = menus.custom_action(data, count + 1)
        session.add(
            CustomActionRow(
                action_id=action.id,
                title=action.title,
                wording=action.wording,
                attribution=action.attribution,
                source=action.source,
                explanation=action.explanation,
                involves=action.involves,
                detail_kind=action.detail.value,
                tasks=[{"id": t.id, "text": t.text} for t in action.tasks],
                notes=[
                    {
                        "severity": n.severity.value,
                        "text": n.text,
                        "valid_from": n.valid_from.isoformat() if n.valid_from else None,
                        "valid_until": n.valid_until.isoformat() if n.valid_until else None,
                    }
                    for n in action.notes
                ],
                active=True,
                created_at=_stamp(ctx),
            )
        )
        session.flush()
        audit.append(
            session,
            ctx,
            actor,
            "plan.custom_action",
            f"Added the practice's own action: {action.title}",
            after=convert.plain(action),
        )
        return action


def _added_view(row: AddedMenuRow, menu: Menu | None, error: Exception | None) -> AddedMenu:
    return AddedMenu(
        menu_id=row.menu_id,
        title=menu.title if menu else row.menu_id,
        file_name=row.file_name,
        actions=len(menu.actions) if menu else 0,
        extends=menu.extends if menu else None,
        added_at=row.added_at,
        added_by=row.added_by,
        problem=str(error) if error else "",
    )


def added_menus(ctx: Context) -> list[AddedMenu]:
    """The menu files the practice added, oldest first, each saying if it has a fault."""
    with ctx.store.read() as session:
        return [_added_view(*checked) for checked in _added_checked(_added_rows(session))]


def add_menu(
    ctx: Context, actor: Actor, file_name: str, content: bytes, *, replace_same: bool = False
) -> AddedMenu:
    """Add a menu file (a new month's actions, say, from the BMA or the LMC) to the practice's
    data, checked with the messages a shipped file gets; every desk then offers its actions.
    A file with the id of one added before replaces it only when asked (``replace_same``), or
    when the earlier one no longer passes the checks."""
    require(actor, Permission.EDIT_PLAN)
    name = Path(file_name).name or "the menu file"
    menu = menus.menu_from_bytes(content, name)
    with ctx.store.write() as session:
        checked = _added_checked(_added_rows(session))
        same = next((c for c in checked if c[0].menu_id == menu.id), None)
        if same is not None and same[2] is None and not replace_same:
            row = same[0]
            raise menus.MenuError(
                name,
                None,
                "menu.id",
                f"'{menu.id}' is already the id of {row.file_name}, added "
                f"{day_text(row.added_at.astimezone(LONDON).date())} by {row.added_by}: give "
                "this menu an id of its own, or replace that file with this one",
            )
        others = [c for c in checked if c is not same]
        present = list(shipped_menus()) + [m for _, m, _ in others if m is not None]
        menus.check_added(menu, present)
        _check_letters(menu)
        if same is not None:
            session.delete(same[0])
            session.flush()
        row = AddedMenuRow(
            menu_id=menu.id,
            file_name=name,
            content=content.decode("utf-8"),
            sha256=hashlib.sha256(content).hexdigest(),
            added_at=_stamp(ctx),
            added_by=actor.label,
            active=True,
        )
        _drop_removed(session, menu.id)
        session.add(row)
        session.flush()
        joins = f", after the actions of '{menu.extends}'" if menu.extends else ""
        verb = f"Replaced {same[0].file_name} with" if same is not None else "Added"
        audit.append(
            session,
            ctx,
            actor,
            "plan.add_menu",
            f"{verb} the menu file {name}: {menu.title} ({plural(len(menu.actions), 'action')}"
            f"{joins})",
            before={"menu": menu.id, "file": same[0].file_name, "sha256": same[0].sha256}
            if same is not None
            else None,
            after={"menu": menu.id, "file": name, "sha256": row.sha256},
        )
        return _added_view(row, menu, None)


def checked_menu_file(file_name: str, content: bytes, present: Sequence[Menu]) -> Menu:
    """A menu file read and checked as ``add_menu`` checks it, beside the menus ``present``
    (the shipped ones, then those added before it): for the set-up import. Raises
    ``MenuError`` naming the file."""
    menu = menus.menu_from_bytes(content, file_name)
    menus.check_added(menu, present)
    _check_letters(menu)
    return menu


def _drop_removed(session: Session, menu_id: str) -> None:
    """A file removed earlier makes way for one added again with its id."""
    for row in session.execute(
        select(AddedMenuRow).where(AddedMenuRow.menu_id == menu_id, AddedMenuRow.active.is_(False))
    ).scalars():
        session.delete(row)
    session.flush()


def _removal_problem(
    session: Session, menu_id: str
) -> tuple[tuple[AddedMenuRow, Menu | None, menus.MenuError | None], str]:
    """The added menu ``menu_id`` (as ``_added_checked`` gives it) and why it cannot be
    removed now ("" when it can): the current plan was made from it or adopts one of its
    actions, or another added file extends it."""
    checked = _added_checked(_added_rows(session))
    found = next((c for c in checked if c[0].menu_id == menu_id), None)
    if found is None:
        if any(m.id == menu_id for m in shipped_menus()):
            raise NotFound(
                f"'{menu_id}' is a menu shipped with the app, and only a menu the practice "
                "added can be removed."
            )
        added = ", ".join(c[0].menu_id for c in checked)
        raise NotFound(
            f"The practice added no menu '{menu_id}'. "
            + (
                f"Menus it added: {added} (practice-action menu list shows them)."
                if added
                else "It has added none."
            )
        )
    row, menu, _ = found
    title = menu.title if menu else row.file_name
    version = current_version_in(session)
    if version is not None and version.menu_id == menu_id:
        return found, (
            f"{title} is in use: the current plan (version {version.number}) was made "
            "from it. Run the wizard on another menu and save the plan, then remove it."
        )
    adopted = [
        d
        for d in (version.adopted if version else ())
        if d.menu_id == menu_id
        or (menu is not None and any(a.id == d.action_id for a in menu.actions))
    ]
    if adopted and version is not None:
        first = adopted[0]
        since = f" from {day_text(first.effective_date)}" if first.effective_date else ""
        more = f" and {plural(len(adopted) - 1, 'other action')} of it" if len(adopted) > 1 else ""
        return found, (
            f"{title} is in use: the current plan (version {version.number}) adopts its "
            f"action '{first.title}'{since}{more}. Run the wizard and choose Not now for "
            f"{'them' if more else 'it'} (the plan's history keeps what was decided), then "
            "remove it."
        )
    for other, _, _ in checked:
        if other is row:
            continue
        try:
            extends = _parsed(other.file_name, other.content).extends
        except menus.MenuError:
            continue
        if extends == menu_id:
            return found, (
                f"{title} is in use: {other.file_name} (menu '{other.menu_id}') adds its "
                "actions to it. Remove that one first."
            )
    return found, ""


def menu_removal_problem(ctx: Context, menu_id: str) -> str:
    """Why the added menu ``menu_id`` cannot be removed now, or "" when it can (screens ask
    before they confirm)."""
    with ctx.store.read() as session:
        return _removal_problem(session, menu_id)[1]


def remove_menu(ctx: Context, actor: Actor, menu_id: str) -> AddedMenu:
    """Take a menu file the practice added out of the wizard on every desk. Refused while the
    current plan uses it (its menu, or an adopted action of it) or another added file extends
    it. The row is kept, marked removed, so the file the practice added is never lost; adding
    it again (``add_menu``) brings it back."""
    require(actor, Permission.EDIT_PLAN)
    with ctx.store.write() as session:
        (row, menu, error), problem = _removal_problem(session, menu_id)
        if problem:
            raise ConflictError(problem)
        removed = _added_view(row, menu, error)
        row.active = False
        session.flush()
        offered = (
            "it had a fault, so the wizard was not offering it"
            if error is not None
            else f"{plural(removed.actions, 'action')} the wizard no longer offers"
        )
        audit.append(
            session,
            ctx,
            actor,
            "plan.remove_menu",
            f"Removed the menu file {row.file_name}: {removed.title} ({offered})",
            before={"menu": row.menu_id, "file": row.file_name, "sha256": row.sha256},
        )
        return removed


def _check_letters(menu: Menu) -> None:
    """An added action may ask only for documents the app makes."""
    from practice_action.services.documents import KINDS  # documents reads this module

    for action in menu.actions:
        unknown = [kind for kind in action.letters if kind not in KINDS]
        if unknown:
            raise menus.MenuError(
                menu.origin,
                action.id,
                "letters",
                f"'{unknown[0]}' is not a document the app makes: use one of " + ", ".join(KINDS),
            )


def add_menu_file(
    ctx: Context, actor: Actor, path: Path, *, replace_same: bool = False
) -> AddedMenu:
    """``add_menu`` from a file on disk; a file that cannot be read is named with the reason."""
    require(actor, Permission.EDIT_PLAN)
    try:
        content = path.read_bytes()
    except OSError as error:
        reason = (error.strerror or type(error).__name__).lower()
        raise menus.MenuError(path.name, None, "(file)", f"cannot be read: {reason}") from None
    return add_menu(ctx, actor, path.name, content, replace_same=replace_same)


# --- comparing versions ------------------------------------------------------------------


def _describe(d: DecisionView) -> str:
    if d.choice is not Choice.ADOPT:
        return d.choice.label
    text = f"Adopt from {d.effective_date:%d %b %Y}" if d.effective_date else "Adopt"
    return text + (f" until {d.end_date:%d %b %Y}" if d.end_date else "")


def diff(older: VersionView | None, newer: VersionView) -> list[DecisionChange]:
    """What changed between two versions, action by action (unchanged actions left out)."""
    out: list[DecisionChange] = []
    before = {d.action_id: d for d in older.decisions} if older else {}
    after = {d.action_id: d for d in newer.decisions}
    for action_id in list(after) + [a for a in before if a not in after]:
        old, new = before.get(action_id), after.get(action_id)
        changes: list[str] = []
        if old is None and new is not None:
            changes.append(f"Added: {_describe(new)}")
        elif new is None and old is not None:
            changes.append("Left out of the newer version")
        elif old is not None and new is not None:
            if old.choice is not new.choice:
                changes.append(f"{old.choice.label} → {new.choice.label}")
            adopted = Choice.ADOPT in (old.choice, new.choice)
            if adopted and old.effective_date != new.effective_date:
                changes.append(f"Start: {_day(old.effective_date)} → {_day(new.effective_date)}")
            if adopted and old.end_date != new.end_date:
                changes.append(f"End: {_day(old.end_date)} → {_day(new.end_date)}")
            old_json = rules.details_to_json(old.details)
            new_json = rules.details_to_json(new.details)
            for key in sorted(set(old_json) | set(new_json)):
                if old_json.get(key) != new_json.get(key):
                    changes.append(f"Details changed: {key.replace('_', ' ')}")
        if changes:
            title = (new or old).title  # type: ignore[union-attr]
            out.append(DecisionChange(action_id, title, old, new, tuple(changes)))
    return out


def _day(day: date | None) -> str:
    return day.strftime("%d %b %Y") if day else "none"


# --- the demo practice's plan ------------------------------------------------------------

_DEMO_DIVERT_KINDS = {ServiceKind.NHS_111, ServiceKind.PHARMACY_FIRST, ServiceKind.UTC}


def demo_plan(ctx: Context, actor: Actor, cap_from: date | None = None) -> str:
    """Give the demo practice a plan, the cap live from ``cap_from`` (default today)."""
    if current_plan(ctx).version is not None:
        return "the action plan already in place"
    today = local_today(ctx.clock)
    regs = registers(ctx)
    menu = Catalogue(shipped_menus(), ()).default
    divert = tuple(
        i for i, s in regs.local_services.items() if s.active and s.kind in _DEMO_DIVERT_KINDS
    )
    voluntary = [s for s in regs.voluntary_services.values() if s.active][:2]
    withdrawals = rules.default_withdrawals(regs.agreements.values())
    decisions: list[Decision] = []
    for action in menu.actions:
        details: Details | None = None
        choice = Choice.ADOPT
        effective = today
        if action.detail is DetailKind.CONTACTS_CAP:
            details = rules.ContactsCapDetails(divert_to=divert)
            effective = cap_from or today
        elif action.detail is DetailKind.VOLUNTARY_NOTICE:
            details = rules.notice_on(today, voluntary)
            choice = Choice.ADOPT if voluntary else Choice.UNDECIDED
        elif action.detail is DetailKind.DSA_WITHDRAWAL:
            details = rules.DsaWithdrawalDetails(withdrawals, today + timedelta(days=30))
            choice = Choice.ADOPT if withdrawals else Choice.UNDECIDED
        elif menus.conflicts(action, today):
            choice = Choice.NOT_NOW
        decisions.append(
            Decision(action.id, choice, effective, None, details, confirm_past=effective < today)
        )
    approver = actor if allowed(actor, Permission.APPROVE_PLAN) else _a_partner(ctx)
    saved = save_plan_version(ctx, actor, decisions, "Demo plan", approver, menu_id=menu.id)
    since = "today" if (cap_from or today) == today else f"{day_text(cap_from or today)}"
    return (
        f"an action plan ({len(saved.adopted)} actions adopted, a cap of "
        f"{rules.DEFAULT_CAP} from {since})"
    )


def _a_partner(ctx: Context) -> Actor | None:
    with ctx.store.read() as session:
        row = (
            session.execute(
                select(StaffRow)
                .where(StaffRow.role == StaffRole.PARTNER.value, StaffRow.active.is_(True))
                .order_by(StaffRow.id)
            )
            .scalars()
            .first()
        )
        return Actor(row.name, StaffRole.PARTNER, row.id) if row else None
