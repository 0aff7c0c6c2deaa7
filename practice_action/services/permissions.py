"""What each role may do. Checked inside every service, whatever the screens show."""

from __future__ import annotations

from enum import Enum

from practice_action.domain.enums import StaffRole
from practice_action.domain.errors import PermissionDenied
from practice_action.services.context import Actor


class Permission(Enum):
    EDIT_SETUP = "change the practice set-up"
    MANAGE_STAFF = "manage staff accounts"
    EDIT_PLAN = "change the action plan"
    APPROVE_PLAN = "approve the action plan"
    DRAFT_LETTERS = "preview draft letters"
    SIGN_LETTERS = "generate, sign and print letters"
    USE_COUNTER = "record contacts at the desk"
    READ_PLAN = "read the action plan"
    VIEW_AUDIT = "view the audit trail"
    BACKUP = "back up and restore the database"
    VIEW_REPORTS = "view reports"


_MANAGER = {
    Permission.EDIT_SETUP,
    Permission.MANAGE_STAFF,
    Permission.EDIT_PLAN,
    Permission.DRAFT_LETTERS,
    Permission.USE_COUNTER,
    Permission.READ_PLAN,
    Permission.VIEW_AUDIT,
    Permission.BACKUP,
    Permission.VIEW_REPORTS,
}

GRANTS: dict[StaffRole, frozenset[Permission]] = {
    StaffRole.RECEPTIONIST: frozenset({Permission.USE_COUNTER, Permission.READ_PLAN}),
    StaffRole.PRACTICE_MANAGER: frozenset(_MANAGER),
    StaffRole.PARTNER: frozenset(_MANAGER | {Permission.APPROVE_PLAN, Permission.SIGN_LETTERS}),
}


def allowed(actor: Actor, permission: Permission) -> bool:
    if actor.role is None:  # the operating-system user at a command line owns the files anyway
        return True
    return permission in GRANTS[actor.role]


def require(actor: Actor, permission: Permission) -> None:
    if not allowed(actor, permission):
        role = actor.role.label if actor.role else "this user"
        raise PermissionDenied(
            f"{actor.name} is signed in as {role} and may not {permission.value}. "
            "Ask a practice manager or partner to do it, or to change your role."
        )
