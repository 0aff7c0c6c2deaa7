"""PostgreSQL roles for a practice: the schema belongs to one role, the desks connect as another.

The desks' role may read and write the practice's records, but it may only read and add to the
audit trail: UPDATE, DELETE and TRUNCATE on ``audit_entry`` are not granted to it, so whoever
holds the desks' database address still cannot rewrite the record (the append-only triggers
stay as a second wall, and only the owner could drop them). Nor may it change the schema: an
upgrade to a new version of the app is run by ``practice-action setup-postgres`` as the owner.

``set_up`` is idempotent: run again after an upgrade of the app, it applies the new migrations
as the owner and grants the desks' role what the new tables need.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, make_url

from practice_action.domain.errors import StoreError, ValidationError

_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@dataclass(frozen=True)
class SetUpResult:
    database: str
    owner: str
    desk: str
    desk_url: str  # with the password only when this run set it
    created: tuple[str, ...]  # what this run made, in words


def check_role_name(name: str, what: str) -> str:
    if not _ROLE_NAME.match(name):
        raise ValidationError(
            {
                what: f"{name!r} cannot be a role or database name here: use lower-case letters, "
                "digits and underscores, starting with a letter (e.g. practice_desk)."
            }
        )
    return name


def desk_grants(database: str, desk: str) -> list[str]:
    """What the desks' role is given on a migrated database (names already checked)."""
    return [
        f'GRANT CONNECT ON DATABASE "{database}" TO "{desk}"',
        f'GRANT USAGE ON SCHEMA public TO "{desk}"',
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{desk}"',
        f'REVOKE UPDATE, DELETE, TRUNCATE ON audit_entry FROM "{desk}"',
        f'REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON alembic_version FROM "{desk}"',
        f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{desk}"',
    ]


def grant_desk(connection: Connection, database: str, desk: str) -> None:
    from sqlalchemy import text

    for statement in desk_grants(
        check_role_name(database, "database"), check_role_name(desk, "desk")
    ):
        connection.execute(text(statement))


def set_up(
    admin_url: str,
    database: str,
    *,
    owner: str = "practice_owner",
    desk: str = "practice_desk",
    desk_password: str | None = None,
) -> SetUpResult:
    """Create (when missing) the owner role, the desks' role and the database; migrate it as
    the owner; grant the desks' role its rights. ``admin_url`` names a role that may create
    roles and databases (the server's superuser, or one with CREATEROLE and CREATEDB)."""
    import psycopg
    from psycopg import sql

    from practice_action.store.engine import Store, make_engine
    from practice_action.store.migrate import upgrade

    for name, what in ((database, "database"), (owner, "owner"), (desk, "desk")):
        check_role_name(name, what)
    if owner == desk:
        raise ValidationError({"desk": "The desks' role must not be the owner of the schema."})
    admin = make_url(admin_url).set(drivername="postgresql")
    created: list[str] = []
    password = desk_password
    try:
        with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as pg:
            me = pg.execute("SELECT current_user").fetchone()[0]  # type: ignore[index]

            def exists(query: str, value: str) -> bool:
                return pg.execute(query, (value,)).fetchone() is not None

            if not exists("SELECT 1 FROM pg_roles WHERE rolname = %s", owner):
                pg.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(owner)))
                created.append(f"the owner role {owner}")
            if owner != me:
                pg.execute(sql.SQL("GRANT {} TO CURRENT_USER").format(sql.Identifier(owner)))
            if not exists("SELECT 1 FROM pg_roles WHERE rolname = %s", desk):
                password = password or secrets.token_urlsafe(18)
                pg.execute(
                    sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                        sql.Identifier(desk), sql.Literal(password)
                    )
                )
                created.append(f"the desks' role {desk}")
            elif password:
                pg.execute(
                    sql.SQL("ALTER ROLE {} LOGIN PASSWORD {}").format(
                        sql.Identifier(desk), sql.Literal(password)
                    )
                )
            if not exists("SELECT 1 FROM pg_database WHERE datname = %s", database):
                pg.execute(
                    sql.SQL("CREATE DATABASE {} OWNER {}").format(
                        sql.Identifier(database), sql.Identifier(owner)
                    )
                )
                created.append(f"the database {database}")
    except psycopg.Error as error:
        raise StoreError(
            f"Setting up PostgreSQL failed: {str(error).strip().splitlines()[0]}. The address "
            "given must be of a role that may create roles and databases (the server's "
            "administrator)."
        ) from error

    target = admin.set(database=database)
    engine = make_engine(target.render_as_string(hide_password=False))

    @event.listens_for(engine, "connect")
    def _as_owner(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        with dbapi_connection.cursor() as cursor:
            cursor.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(owner)))
        dbapi_connection.commit()

    store = Store(engine, target.render_as_string(hide_password=False))
    try:
        upgrade(store)
        with engine.begin() as connection:
            grant_desk(connection, database, desk)
    finally:
        store.dispose()
    desk_url = URL.create(
        admin.drivername,
        username=desk,
        password=password,
        host=admin.host,
        port=admin.port,
        database=database,
    )
    return SetUpResult(
        database,
        owner,
        desk,
        desk_url.render_as_string(hide_password=False),
        tuple(created),
    )
