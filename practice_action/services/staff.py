"""Staff accounts, PINs and signing in.

A PIN is kept only as an Argon2id hash (salted and memory-hard). It is never logged, shown or
written to the audit trail. Five wrong PINs in a row lock the account for five minutes.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from practice_action.domain import records
from practice_action.domain.enums import StaffRole
from practice_action.domain.errors import (
    NotFound,
    PermissionDenied,
    PracticeActionError,
    ValidationError,
)
from practice_action.domain.names import same_name
from practice_action.domain.records import StaffMember
from practice_action.services import audit, convert, pin_rules
from practice_action.services.context import Actor, Context
from practice_action.services.permissions import Permission, require
from practice_action.services.pin_rules import SignedIn as SignedIn
from practice_action.services.pin_rules import SignInRefused as SignInRefused
from practice_action.store.models import StaffRow

# The rules of a PIN check live in pin_rules (free of SQLAlchemy, for the early sign-in);
# these names stay reachable from here.
MAX_FAILED = pin_rules.MAX_FAILED
LOCKOUT = pin_rules.LOCKOUT
OWASP_EQUIVALENT = pin_rules.OWASP_EQUIVALENT
_HASHER = pin_rules.HASHER


@dataclass(frozen=True)
class Countersign:
    """A partner's agreement to a change of partner rights: who, and their PIN, typed by them."""

    staff_id: int
    pin: str


class PartnerNeeded(PracticeActionError):
    """The change gives or takes a partner's rights, so a partner must agree with their PIN.

    ``partners`` are those who may agree, as (staff id, name)."""

    def __init__(self, message: str, partners: tuple[tuple[int, str], ...]) -> None:
        super().__init__(message)
        self.partners = partners


def hash_pin(pin: str) -> str:
    return _HASHER.hash(records.check_pin(pin))


def _checked_pin(pin: str) -> str:
    try:
        return records.check_pin(pin)
    except ValueError as error:
        raise ValidationError({"pin": str(error)}) from None


def add_staff_row(session: Session, member: StaffMember, pin: str) -> StaffRow:
    """Used by the services below and by the first-run set-up (which has no actor yet)."""
    clean = records.validate_staff(member)
    _refuse_a_second_active_name(session, clean.name, None)
    row = StaffRow(
        name=clean.name,
        role=clean.role.value,
        pin_hash=_HASHER.hash(_checked_pin(pin)),
        active=True,
        failed_attempts=0,
    )
    session.add(row)
    session.flush()
    return row


def _refuse_a_second_active_name(session: Session, name: str, staff_id: int | None) -> None:
    """Two active accounts of one name cannot be told apart on the sign-in screen."""
    active = session.execute(select(StaffRow.id, StaffRow.name).where(StaffRow.active.is_(True)))
    shown = same_name(name, active, staff_id)  # type: ignore[arg-type]
    if shown is not None:
        raise ValidationError(
            {
                "name": f"There is already an active account called {shown}. Add something "
                "that tells them apart on the sign-in screen, e.g. a middle initial."
            }
        )


def list_staff(ctx: Context, *, include_retired: bool = False) -> list[StaffMember]:
    """Names for the sign-in screen; no PIN data leaves this module."""
    query = select(StaffRow).order_by(StaffRow.name)
    if not include_retired:
        query = query.where(StaffRow.active.is_(True))
    with ctx.store.read() as session:
        return [convert.staff_from_row(row) for row in session.execute(query).scalars()]


def add_staff(
    ctx: Context,
    actor: Actor,
    member: StaffMember,
    pin: str,
    *,
    countersign: Countersign | None = None,
) -> StaffMember:
    """Add an account. A new partner needs a partner's agreement (``countersign``) as well,
    unless the one adding them is a partner or the practice has no partner yet."""
    require(actor, Permission.MANAGE_STAFF)
    p_errors: dict[str, str] = {}
    try:
        records.validate_staff(member)
    except ValidationError as error:
        p_errors.update(error.problems)
    try:
        records.check_pin(pin)
    except ValueError as error:
        p_errors["pin"] = str(error)
    if p_errors:
        raise ValidationError(p_errors)
    signer = _countersigner(ctx, countersign)
    with ctx.store.write() as session:
        row = add_staff_row(session, member, pin)  # refuses a bad or duplicate name first
        agreed = ""
        if member.role is StaffRole.PARTNER:
            agreed = _partner_agrees(session, actor, row.id, signer, f"make {row.name} a partner")
        saved = convert.staff_from_row(row)
        audit.append(
            session,
            ctx,
            actor,
            "staff.add",
            f"Added staff account {saved.name} ({saved.role.label}){agreed}",
            after=convert.plain(saved) | _signed(signer),
        )
        return saved


def update_staff(
    ctx: Context, actor: Actor, member: StaffMember, *, countersign: Countersign | None = None
) -> StaffMember:
    """Change an account. Making someone a partner, or a partner no longer one (another role,
    or retired), needs a partner's agreement as well (see ``add_staff``)."""
    require(actor, Permission.MANAGE_STAFF)
    clean = records.validate_staff(member)
    signer = _countersigner(ctx, countersign)
    with ctx.store.write() as session:
        row = session.get(StaffRow, clean.id)
        if row is None:
            raise NotFound(f"No staff account with id {clean.id}.")
        before = convert.staff_from_row(row)
        agreed = ""
        was_partner = before.active and before.role is StaffRole.PARTNER
        is_partner = clean.active and clean.role is StaffRole.PARTNER
        if is_partner and not was_partner:
            agreed = _partner_agrees(session, actor, row.id, signer, f"make {row.name} a partner")
        elif was_partner and not is_partner:
            what = "retire" if not clean.active else "take partner rights from"
            agreed = _partner_agrees(
                session, actor, row.id, signer, f"{what} {row.name}", own_consent=True
            )
        # Partners can manage staff too, so the last of either kind must stay.
        runs_staff = (StaffRole.PRACTICE_MANAGER, StaffRole.PARTNER)
        if before.role in runs_staff and (clean.role not in runs_staff or not clean.active):
            _keep_a_manager(session, row.id)
        if clean.active:
            _refuse_a_second_active_name(session, clean.name, row.id)
        row.name, row.role, row.active = clean.name, clean.role.value, clean.active
        session.flush()
        saved = convert.staff_from_row(row)
        if saved != before:
            audit.append(
                session,
                ctx,
                actor,
                "staff.edit",
                f"Changed staff account {saved.name}{agreed}",
                before=convert.plain(before),
                after=convert.plain(saved) | _signed(signer),
            )
        return saved


def partners_who_may_agree(
    ctx: Context, actor: Actor, subject_id: int | None, *, giving: bool
) -> tuple[tuple[int, str], ...]:
    """The partners whose PIN a change of ``subject_id``'s partner rights needs, as (id,
    name); empty when it needs none (the one acting is a partner, or there is none yet)."""
    if _partner_acting(actor, subject_id, own_consent=not giving):
        return ()
    with ctx.store.read() as session:
        return _agreeing_partners(session, subject_id, own_consent=not giving)


def _partner_acting(actor: Actor, subject_id: int | None, *, own_consent: bool) -> bool:
    """A partner is acting, and not to make themselves something (audit.append re-reads, in
    the same transaction, that they still are a partner)."""
    return actor.role is StaffRole.PARTNER and (actor.staff_id != subject_id or own_consent)


def _agreeing_partners(
    session: Session, subject_id: int | None, *, own_consent: bool
) -> tuple[tuple[int, str], ...]:
    query = select(StaffRow.id, StaffRow.name).where(
        StaffRow.role == StaffRole.PARTNER.value, StaffRow.active.is_(True)
    )
    if subject_id is not None and not own_consent:
        query = query.where(StaffRow.id != subject_id)
    return tuple((int(i), str(n)) for i, n in session.execute(query.order_by(StaffRow.name)))


def _partner_agrees(
    session: Session,
    actor: Actor,
    subject_id: int | None,
    signer: Actor | None,
    what: str,
    *,
    own_consent: bool = False,
    alone: str = " (the practice's first partner: there was no partner to agree)",
) -> str:
    """Refuse unless a partner agrees to ``what``; the words for the audit summary.

    The partner is the one acting, or ``signer`` whose PIN was checked just before; never the
    person the change is for, unless it takes rights away (``own_consent``: a partner may
    agree to stepping down). With no partner who could agree, the change goes ahead alone and
    the audit entry says so (a new practice makes its first partner this way)."""
    if _partner_acting(actor, subject_id, own_consent=own_consent):
        return ""
    partners = _agreeing_partners(session, subject_id, own_consent=own_consent)
    if not partners:
        return alone
    if signer is None:
        names = ", ".join(name for _, name in partners)
        raise PartnerNeeded(
            f"A partner must agree to {what}: one of {names} types their PIN as well.",
            partners,
        )
    if signer.staff_id not in {i for i, _ in partners}:
        why = (
            "nobody may agree to a change of their own rights"
            if signer.staff_id == subject_id
            else "only an active partner may agree to it"
        )
        raise PermissionDenied(f"{signer.name} cannot agree to {what}: {why}. Nothing was changed.")
    return f", agreed by {signer.name} with their PIN"


def _signed(signer: Actor | None) -> dict[str, object]:
    return {} if signer is None else {"agreed_by": signer.name}


def _countersigner(ctx: Context, countersign: Countersign | None) -> Actor | None:
    """Check the agreeing partner's PIN, with the sign-in's lock-out, in a transaction of its
    own (so that a wrong PIN is counted even though the change is then refused)."""
    if countersign is None:
        return None
    return _check_pin(ctx, countersign.staff_id, countersign.pin, purpose="agree").actor


def _keep_a_manager(session: Session, leaving_id: int) -> None:
    others = session.execute(
        select(StaffRow.id).where(
            StaffRow.role.in_([StaffRole.PRACTICE_MANAGER.value, StaffRole.PARTNER.value]),
            StaffRow.active.is_(True),
            StaffRow.id != leaving_id,
        )
    ).first()
    if others is None:
        raise ValidationError(
            {
                "role": "This is the last active manager or partner: add another before changing it, "
                "or nobody could change the set-up."
            }
        )


def set_pin(
    ctx: Context,
    actor: Actor,
    staff_id: int,
    new_pin: str,
    *,
    countersign: Countersign | None = None,
) -> None:
    """A person may change their own PIN; a manager may reset anyone's, but a partner's only
    with another partner's agreement (whoever knows a partner's PIN can sign as them)."""
    if actor.staff_id != staff_id:
        require(actor, Permission.MANAGE_STAFF)
    pin = _checked_pin(new_pin)
    signer = _countersigner(ctx, countersign)
    with ctx.store.write() as session:
        row = session.get(StaffRow, staff_id)
        if row is None:
            raise NotFound(f"No staff account with id {staff_id}.")
        agreed = ""
        if actor.staff_id != staff_id and row.active and row.role == StaffRole.PARTNER.value:
            agreed = _partner_agrees(
                session,
                actor,
                staff_id,
                signer,
                f"give {row.name} a new PIN",
                alone=" (there was no other partner to agree)",
            )
        row.pin_hash = _HASHER.hash(pin)
        row.failed_attempts = 0
        row.locked_until = None
        audit.append(session, ctx, actor, "staff.pin", f"PIN changed for {row.name}{agreed}")


def sign_in(ctx: Context, staff_id: int, pin: str) -> SignedIn:
    """Check a PIN. Every attempt, right or wrong, is written to the audit trail."""
    return _check_pin(ctx, staff_id, pin, purpose="signin")


def _check_pin(ctx: Context, staff_id: int, pin: str, *, purpose: str) -> SignedIn:
    """The person whose PIN this is, or SignInRefused; each attempt is audited, and wrong ones
    count towards the same lock-out whether they were to sign in or to agree to a change."""
    now = ctx.clock()
    with ctx.store.write() as session:
        # Locked on PostgreSQL, so that wrong PINs typed at two desks at once both count
        # (SQLite's write transaction holds the whole file already).
        row = session.get(StaffRow, staff_id, with_for_update=True)
        if row is None:
            raise SignInRefused(pin_rules.NOT_ACTIVE)
        verdict = pin_rules.judge(
            pin_rules.StaffPin(
                row.id,
                row.name,
                row.role,
                row.active,
                row.pin_hash,
                row.failed_attempts,
                row.locked_until,
            ),
            pin,
            now,
            signing_in=purpose == "signin",
        )
        row.failed_attempts = verdict.failed_attempts
        row.locked_until = verdict.locked_until
        row.pin_hash = verdict.pin_hash
        if verdict.kind:
            audit.append(session, ctx, verdict.actor, verdict.kind, verdict.summary)
        if verdict.signed is not None:
            return verdict.signed
    raise SignInRefused(verdict.refusal)


def sign_out(ctx: Context, actor: Actor, reason: str = "signed out") -> None:
    with ctx.store.write() as session:
        audit.append(session, ctx, actor, "signin.out", f"{actor.name} {reason}")


def standing(ctx: Context, actor: Actor) -> str | None:
    """Why the person signed in at a desk may no longer act (retired, or their role changed
    elsewhere), or None. The desk asks every few seconds and signs them out on an answer."""
    if actor.staff_id is None:
        return None
    with ctx.store.read() as session:
        row = session.get(StaffRow, actor.staff_id)
        role, active = (row.role, row.active) if row is not None else (None, None)
    return audit.standing_problem(role, active, actor)
