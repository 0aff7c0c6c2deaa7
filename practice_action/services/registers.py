"""The practice's registers: clinicians, local services, voluntary services and data sharing
agreements. Add, edit, retire and bring back; each change audited with before and after.

Anyone signed in may read a register (reception needs the clinicians and the local services);
changing one needs the set-up permission.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from practice_action.domain import records
from practice_action.domain.calendar import local_today
from practice_action.domain.errors import NotFound, ValidationError
from practice_action.domain.names import same_name
from practice_action.services import audit, convert
from practice_action.services.context import Actor, Context
from practice_action.services.permissions import Permission, require
from practice_action.store.models import (
    ClinicianRow,
    DataSharingAgreementRow,
    LocalServiceRow,
    VoluntaryServiceRow,
)

R = TypeVar("R")


@dataclass(frozen=True)
class Register(Generic[R]):
    key: str
    singular: str
    row_type: type[Any]
    from_row: Callable[[Any], R]
    to_row: Callable[[R, Any], None]
    validate: Callable[[R, Context], R]


CLINICIANS: Register[records.Clinician] = Register(
    "clinician",
    "clinician",
    ClinicianRow,
    convert.clinician_from_row,
    convert.clinician_to_row,
    lambda r, _ctx: records.validate_clinician(r),
)
LOCAL_SERVICES: Register[records.LocalService] = Register(
    "local_service",
    "local service",
    LocalServiceRow,
    convert.local_service_from_row,
    convert.local_service_to_row,
    lambda r, _ctx: records.validate_local_service(r),
)
VOLUNTARY_SERVICES: Register[records.VoluntaryService] = Register(
    "voluntary_service",
    "voluntary service",
    VoluntaryServiceRow,
    convert.voluntary_from_row,
    convert.voluntary_to_row,
    lambda r, _ctx: records.validate_voluntary_service(r),
)
AGREEMENTS: Register[records.DataSharingAgreement] = Register(
    "data_sharing_agreement",
    "data sharing agreement",
    DataSharingAgreementRow,
    convert.dsa_from_row,
    convert.dsa_to_row,
    lambda r, ctx: records.validate_dsa(r, local_today(ctx.clock)),
)

ALL_REGISTERS: tuple[Register[Any], ...] = (
    CLINICIANS,
    LOCAL_SERVICES,
    VOLUNTARY_SERVICES,
    AGREEMENTS,
)


def list_records(ctx: Context, register: Register[R], *, include_retired: bool = True) -> list[R]:
    query = select(register.row_type).order_by(register.row_type.name, register.row_type.id)
    if not include_retired:
        query = query.where(register.row_type.active.is_(True))
    with ctx.store.read() as session:
        return [register.from_row(row) for row in session.execute(query).scalars()]


def get_record(ctx: Context, register: Register[R], record_id: int) -> R:
    with ctx.store.read() as session:
        row = session.get(register.row_type, record_id)
        if row is None:
            raise NotFound(f"No {register.singular} with id {record_id}.")
        return register.from_row(row)


def save_record(ctx: Context, actor: Actor, register: Register[R], record: R) -> R:
    """Create (no id) or update (with id) one record, whole and valid, or not at all."""
    require(actor, Permission.EDIT_SETUP)
    clean = register.validate(record, ctx)
    record_id = getattr(clean, "id", None)
    with ctx.store.write() as session:
        if getattr(clean, "active", True):
            _refuse_a_second_active_name(session, register, clean.name, record_id)  # type: ignore[attr-defined]
        if record_id is None:
            row = register.row_type()
            register.to_row(clean, row)
            session.add(row)
            session.flush()
            saved = register.from_row(row)
            audit.append(
                session,
                ctx,
                actor,
                f"{register.key}.add",
                f"Added {register.singular} {saved.name}",  # type: ignore[attr-defined]
                after=convert.plain(saved),
            )
            return saved
        row = session.get(register.row_type, record_id)
        if row is None:
            raise NotFound(f"No {register.singular} with id {record_id}: it may have been removed.")
        before = register.from_row(row)
        register.to_row(clean, row)
        session.flush()
        saved = register.from_row(row)
        if saved != before:
            audit.append(
                session,
                ctx,
                actor,
                f"{register.key}.edit",
                f"Changed {register.singular} {saved.name}",  # type: ignore[attr-defined]
                before=convert.plain(before),
                after=convert.plain(saved),
            )
        return saved


def _refuse_a_second_active_name(
    session: Session, register: Register[Any], name: str, record_id: int | None
) -> None:
    """Two active records of one name cannot be told apart at the desk or in letters."""
    rows = register.row_type
    active = session.execute(select(rows.id, rows.name).where(rows.active.is_(True)))
    shown = same_name(name, active, record_id)  # type: ignore[arg-type]
    if shown is not None:
        raise ValidationError(
            {
                "name": f"There is already an active {register.singular} called {shown}. "
                "Add something that tells them apart, e.g. an initial or the role."
            }
        )


def set_active(
    ctx: Context, actor: Actor, register: Register[R], record_id: int, active: bool
) -> R:
    """Retire a record (kept for history and letters) or bring it back."""
    require(actor, Permission.EDIT_SETUP)
    with ctx.store.write() as session:
        row = session.get(register.row_type, record_id)
        if row is None:
            raise NotFound(f"No {register.singular} with id {record_id}.")
        before = register.from_row(row)
        if row.active == active:
            return before
        if active:
            _refuse_a_second_active_name(session, register, row.name, record_id)
        row.active = active
        session.flush()
        saved = register.from_row(row)
        verb = "Brought back" if active else "Retired"
        audit.append(
            session,
            ctx,
            actor,
            f"{register.key}.{'restore' if active else 'retire'}",
            f"{verb} {register.singular} {saved.name}",  # type: ignore[attr-defined]
            before=convert.plain(before),
            after=convert.plain(saved),
        )
        return saved


def with_active(record: R, active: bool) -> R:
    return replace(record, active=active)  # type: ignore[type-var]
