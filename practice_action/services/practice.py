"""The practice profile and the first-run set-up."""

from __future__ import annotations

from datetime import UTC

from practice_action.domain import records, validators
from practice_action.domain.enums import StaffRole
from practice_action.domain.errors import ConflictError, NotFound, ValidationError
from practice_action.domain.records import PracticeProfile, StaffMember
from practice_action.services import audit, convert, staff
from practice_action.services.context import Actor, Context
from practice_action.services.health import leave_marker
from practice_action.services.permissions import Permission, require
from practice_action.store.models import Practice


def is_set_up(ctx: Context) -> bool:
    with ctx.store.read() as session:
        return session.get(Practice, 1) is not None


def get_profile(ctx: Context) -> PracticeProfile:
    with ctx.store.read() as session:
        row = session.get(Practice, 1)
        if row is None:
            raise NotFound(
                "The practice has not been set up yet: run Practice Action to set it up."
            )
        return convert.profile_from_row(row)


def first_run_setup(
    ctx: Context, profile: PracticeProfile, manager_name: str, pin: str
) -> staff.SignedIn:
    """Create the practice and its first practice manager, together or not at all."""
    problems: dict[str, str] = {}
    clean = None
    try:
        clean = records.validate_profile(profile)
    except ValidationError as error:
        problems.update(error.problems)
    try:
        validators.check_name(manager_name, "Practice manager's name")
    except ValueError as error:
        problems["manager_name"] = str(error)
    try:
        records.check_pin(pin)
    except ValueError as error:
        problems["pin"] = str(error)
    if problems or clean is None:
        raise ValidationError(problems)
    with ctx.store.write() as session:
        if session.get(Practice, 1) is not None:
            raise ConflictError("This database already has a practice; sign in instead.")
        row = Practice(id=1, updated_at=ctx.clock().astimezone(UTC))
        convert.profile_to_row(clean, row)
        session.add(row)
        manager = staff.add_staff_row(
            session, StaffMember(manager_name, StaffRole.PRACTICE_MANAGER), pin
        )
        actor = Actor(manager.name, StaffRole.PRACTICE_MANAGER, manager.id)
        audit.append(
            session,
            ctx,
            actor,
            "practice.setup",
            f"Set up practice {clean.name} ({clean.ods_code})",
            after=convert.plain(clean),
        )
        audit.append(
            session,
            ctx,
            actor,
            "staff.add",
            f"Added staff account {manager.name} (Practice manager)",
            after=convert.plain(convert.staff_from_row(manager)),
        )
        signed = staff.SignedIn(actor, convert.staff_from_row(manager))
    leave_marker(ctx)
    return signed


def save_profile(ctx: Context, actor: Actor, profile: PracticeProfile) -> PracticeProfile:
    require(actor, Permission.EDIT_SETUP)
    clean = records.validate_profile(profile)
    with ctx.store.write() as session:
        row = session.get(Practice, 1)
        if row is None:
            raise NotFound("The practice has not been set up yet.")
        before = convert.profile_from_row(row)
        if before == clean:
            return before
        convert.profile_to_row(clean, row)
        row.updated_at = ctx.clock().astimezone(UTC)
        audit.append(
            session,
            ctx,
            actor,
            "practice.edit",
            "Changed the practice profile",
            before=convert.plain(before),
            after=convert.plain(clean),
        )
        return clean
