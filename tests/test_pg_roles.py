"""``practice-action setup-postgres``: the schema belongs to an owner role and the desks connect
as a role that may read and write the records but only read and add to the audit trail, and
may not change the schema; run again, it changes nothing; a desk on an older schema is told who
must upgrade it."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from conftest import MANAGER_PIN, postgres_server, valid_profile
from sqlalchemy.engine import make_url

from practice_action import paths
from practice_action.cli import main
from practice_action.domain.errors import StoreError
from practice_action.services import audit, practice
from practice_action.services.health import open_context

pytestmark = pytest.mark.postgres


@pytest.fixture
def fresh() -> Iterator[tuple[str, str, str, str]]:
    """(admin URL, database, owner, desk) names of this test's own, all removed afterwards."""
    server = postgres_server()
    tag = uuid.uuid4().hex[:10]
    names = (f"pa_setup_{tag}", f"pa_owner_{tag}", f"pa_desk_{tag}")
    yield (server, *names)
    admin = make_url(server).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{names[0]}" WITH (FORCE)')
        for role in names[1:]:
            pg.execute(f'DROP ROLE IF EXISTS "{role}"')


def _desk_url(printed: str) -> str:
    line = next(x for x in printed.splitlines() if x.startswith("Start each desk with"))
    return line.split("--database-url ", 1)[1].strip()


def test_setup_postgres_makes_a_desk_role_that_cannot_rewrite_the_record(
    fresh, tmp_path, capsys, monkeypatch
) -> None:
    server, database, owner, desk = fresh
    monkeypatch.setattr("sys.stdin", io.StringIO("a-desk-password\n"))
    args = ["setup-postgres", server, "--database", database, "--owner", owner, "--desk", desk]
    assert main([*args, "--desk-password-stdin"]) == 0
    printed = capsys.readouterr().out
    assert f"the owner role {owner}, the desks' role {desk}, the database {database}" in printed
    url = _desk_url(printed)
    assert url == f"postgresql://{desk}:a-desk-password@127.0.0.1:5432/{database}" or (
        make_url(url).username == desk and make_url(url).password == "a-desk-password"
    )

    ctx = open_context(paths.resolve(tmp_path / "data", url))
    try:
        practice.first_run_setup(ctx, valid_profile(), "Maria Okafor", MANAGER_PIN)
        assert audit.verify(ctx).intact
    finally:
        ctx.store.dispose()

    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as pg:
        for statement in (
            "UPDATE audit_entry SET summary = 'Nothing happened' WHERE seq = 1",
            "DELETE FROM audit_entry WHERE seq = 2",
            "TRUNCATE audit_entry",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="audit_entry"):
                pg.execute(statement)
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="must be owner"):
            pg.execute("DROP TRIGGER audit_entry_append_only ON audit_entry")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="schema public"):
            pg.execute("CREATE TABLE audit_copy (a int)")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="alembic_version"):
            pg.execute("UPDATE alembic_version SET version_num = '9999'")
        owner_of = pg.execute(
            "SELECT tableowner FROM pg_tables WHERE tablename = 'audit_entry'"
        ).fetchone()
        assert owner_of == (owner,)
        # Adding to the trail, and the records themselves, stay open to the desks.
        assert pg.execute("SELECT count(*) FROM audit_entry").fetchone() == (2,)

    assert main(args) == 0  # run again (as after installing a new version): nothing new
    again = capsys.readouterr().out
    assert "Created: nothing new (all were there)." in again
    assert _desk_url(again) == f"postgresql://{desk}@127.0.0.1:5432/{database}"


def test_a_desk_on_an_older_schema_is_told_who_must_upgrade_it(fresh, tmp_path, capsys) -> None:
    server, database, owner, desk = fresh
    args = ["setup-postgres", server, "--database", database, "--owner", owner, "--desk", desk]
    assert main(args) == 0
    url = _desk_url(capsys.readouterr().out)
    _step_back_one_schema(server, database, owner)  # as an older version of the app left it
    with pytest.raises(StoreError, match="may not change the schema") as refused:
        open_context(paths.resolve(tmp_path / "data", url))
    assert "practice-action setup-postgres" in str(refused.value)
    assert main(args) == 0  # the administrator upgrades it
    capsys.readouterr()
    ctx = open_context(paths.resolve(tmp_path / "data", url))
    ctx.store.dispose()


def _step_back_one_schema(server: str, database: str, owner: str) -> None:
    """Downgrade the database one revision, as its owner."""
    from alembic import command
    from sqlalchemy import create_engine, text

    from practice_action.store.migrate import alembic_config

    url = make_url(server).set(drivername="postgresql+psycopg", database=database)
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(f'SET ROLE "{owner}"'))
            config = alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, "-1")
    finally:
        engine.dispose()
