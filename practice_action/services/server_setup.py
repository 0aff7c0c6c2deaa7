"""Setting up a PostgreSQL server for a practice's desks (see store/pg_roles.py)."""

from __future__ import annotations

from practice_action.store.pg_roles import SetUpResult, set_up


def set_up_postgres(
    admin_url: str,
    database: str,
    *,
    owner: str,
    desk: str,
    desk_password: str | None = None,
) -> SetUpResult:
    """Roles, database, schema and the desks' rights, as the server's administrator."""
    return set_up(admin_url, database, owner=owner, desk=desk, desk_password=desk_password)
