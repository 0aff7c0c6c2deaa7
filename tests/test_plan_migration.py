"""Migration 0002 (the action plan) on SQLite: from a database made at 0001, data kept."""

from __future__ import annotations

import shutil
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from practice_action.store import migrate, plan_models
from practice_action.store.engine import Store, make_engine

HISTORICAL_0001 = Path(__file__).resolve().parent / "data" / "schema-0001.sqlite3"
PLAN_TABLES = {
    "plan_version",
    "plan_decision",
    "plan_task",
    "declined_request",
    "custom_action",
}


def _store(path: Path) -> Store:
    url = f"sqlite:///{path}"
    return Store(make_engine(url), url)


def test_0001_upgrades_to_0002_with_the_plan_tables(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    if HISTORICAL_0001.exists():
        shutil.copy(HISTORICAL_0001, path)
    store = _store(path)
    try:
        if not HISTORICAL_0001.exists():
            migrate.upgrade(store, "0001")
        with store.engine.connect() as connection:
            practices_before = connection.execute(text("SELECT count(*) FROM practice")).scalar()
        migrate.upgrade(store, "0002")
        assert migrate.current_revision(store) == "0002"
        with store.engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            assert tables >= PLAN_TABLES
            assert connection.execute(text("SELECT count(*) FROM practice")).scalar() == (
                practices_before
            )
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "render_as_batch": True}
            )
            differences = compare_metadata(context, plan_models.Base.metadata)
        plan_differences = [
            d for d in differences if _table_of(d) in PLAN_TABLES or _table_of(d) is None
        ]
        assert plan_differences == []
    finally:
        store.dispose()


def test_0002_downgrades_to_0001(tmp_path: Path) -> None:
    store = _store(tmp_path / "db.sqlite3")
    try:
        migrate.upgrade(store, "0002")
        config = migrate.alembic_config()
        from alembic import command

        with store.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0001")
        with store.engine.connect() as connection:
            assert not PLAN_TABLES & set(inspect(connection).get_table_names())
    finally:
        store.dispose()


def _table_of(difference: object) -> str | None:
    if isinstance(difference, list):
        return _table_of(difference[0]) if difference else None
    assert isinstance(difference, tuple)
    for part in difference[1:]:
        table = getattr(part, "table", None)
        if table is not None:
            return table.name
        name = getattr(part, "name", None)
        if isinstance(part, object) and hasattr(part, "columns") and name:
            return name
        if isinstance(part, str):
            return part
    return None
