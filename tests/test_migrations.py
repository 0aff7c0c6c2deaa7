"""Migrations: from nothing to the newest schema, in step with the models, refusing what a
newer version wrote, and upgrading every committed historical database with a copy first."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date, time
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from practice_action import paths
from practice_action.domain.enums import ClinicianRole, DsaPurpose, StaffRole, Weekday
from practice_action.domain.errors import StoreError
from practice_action.services import audit, practice, registers, staff
from practice_action.services.context import Context
from practice_action.services.health import open_context
from practice_action.store import migrate
from practice_action.store.backup import check_sqlite_file
from practice_action.store.engine import Store, make_engine
from practice_action.store.schema import metadata

DATA = Path(__file__).resolve().parent / "data"
HISTORICAL = sorted(DATA.glob("schema-*.sqlite3"))
UNKNOWN_REVISION = "ffff_from_the_future"


def test_there_is_a_historical_database_for_the_first_schema() -> None:
    assert [p.name for p in HISTORICAL][:1] == ["schema-0001.sqlite3"]


def test_an_empty_database_is_migrated_to_the_newest_schema(db_ctx: Context) -> None:
    """On SQLite the desk migrates the new file; on PostgreSQL the owner did, in
    ``setup-postgres`` (conftest ``pg_desk_url``), and the desk found it ready."""
    opened: migrate.OpenResult = db_ctx.extra["opened"]  # type: ignore[assignment]
    expected_before = None if db_ctx.store.is_sqlite else migrate.head_revision()
    assert opened.revision_before == expected_before
    assert opened.revision == migrate.head_revision()
    assert opened.backup is None, "an empty database needs no copy before its first upgrade"
    assert migrate.current_revision(db_ctx.store) == migrate.head_revision()
    with db_ctx.store.engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
    assert set(metadata.tables) <= tables


def test_models_and_migrations_agree(db_ctx: Context) -> None:
    with db_ctx.store.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        differences = compare_metadata(context, metadata)
    assert differences == [], (
        "The models and the migrations disagree: write a migration for: "
        + "; ".join(_describe(d) for d in differences)
    )


def _describe(difference: object) -> str:
    """One line per difference, e.g. 'add_table counter_settings'."""
    if isinstance(difference, list):  # column changes come grouped
        return ", ".join(_describe(d) for d in difference)
    assert isinstance(difference, tuple)
    op, *rest = difference
    names = [getattr(r, "name", None) or str(r) for r in rest if r is not None][:3]
    return f"{op} {' '.join(str(n) for n in names)}"


def test_opening_twice_changes_nothing_the_second_time(db_locations: paths.Locations) -> None:
    first = open_context(db_locations)
    first.store.dispose()
    second = open_context(db_locations)
    try:
        opened: migrate.OpenResult = second.extra["opened"]  # type: ignore[assignment]
        assert opened.revision_before == migrate.head_revision()
        assert opened.backup is None
    finally:
        second.store.dispose()


def _stamp_unknown_revision(ctx: Context) -> None:
    with ctx.store.engine.begin() as connection:
        connection.execute(
            text("UPDATE alembic_version SET version_num = :v"), {"v": UNKNOWN_REVISION}
        )


def test_a_database_from_a_newer_version_is_refused_and_left_untouched_sqlite(
    locations: paths.Locations,
) -> None:
    ctx = open_context(locations)
    _stamp_unknown_revision(ctx)
    ctx.store.dispose()
    database = locations.sqlite_path
    assert database is not None
    before = database.read_bytes()
    backups_before = (
        sorted(locations.backups_dir.glob("*")) if locations.backups_dir.exists() else []
    )

    with pytest.raises(StoreError) as refused:
        open_context(locations)

    message = str(refused.value)
    assert "newer version of Practice Action" in message
    assert UNKNOWN_REVISION in message
    assert "has not been changed" in message
    assert database.read_bytes() == before
    after = sorted(locations.backups_dir.glob("*")) if locations.backups_dir.exists() else []
    assert after == backups_before, "no copy is taken of a database we refuse"


@pytest.mark.postgres
def test_a_database_from_a_newer_version_is_refused_and_left_untouched_postgres(
    tmp_path: Path, pg_url: str
) -> None:
    locations = paths.resolve(tmp_path / "data", pg_url)
    ctx = open_context(locations)
    _stamp_unknown_revision(ctx)
    with ctx.store.engine.connect() as connection:
        tables_before = sorted(inspect(connection).get_table_names())
    ctx.store.dispose()

    with pytest.raises(StoreError, match="newer version of Practice Action"):
        open_context(locations)

    store = Store(make_engine(pg_url), pg_url)
    try:
        with store.engine.connect() as connection:
            assert sorted(inspect(connection).get_table_names()) == tables_before
            version = connection.execute(text("SELECT version_num FROM alembic_version")).all()
        assert version == [(UNKNOWN_REVISION,)]
    finally:
        store.dispose()


def _revision_of(path: Path) -> str:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        connection.close()


@pytest.mark.parametrize("historical", HISTORICAL, ids=[p.stem for p in HISTORICAL])
def test_a_database_from_every_earlier_schema_upgrades_with_its_data(
    historical: Path, locations: paths.Locations
) -> None:
    old_revision = historical.stem.removeprefix("schema-")
    assert _revision_of(historical) == old_revision
    database = locations.sqlite_path
    assert database is not None
    paths.make_private_dir(locations.data_dir)
    shutil.copyfile(historical, database)

    ctx = open_context(locations)
    try:
        opened: migrate.OpenResult = ctx.extra["opened"]  # type: ignore[assignment]
        assert opened.revision_before == old_revision
        assert migrate.current_revision(ctx.store) == migrate.head_revision()
        assert migrate.integrity_problems(ctx.store) == []

        profile = practice.get_profile(ctx)
        assert (profile.name, profile.ods_code, profile.postcode) == (
            "Old Mill Surgery",
            "Y01234",
            "MK40 1AB",
        )
        assert profile.lmc.name == "Beds and Herts LMC"
        assert [h.day for h in profile.opening_hours] == list(Weekday)[:5]
        assert profile.opening_hours[0].closes == time(18, 30)

        clinicians = {c.name: c for c in registers.list_records(ctx, registers.CLINICIANS)}
        assert set(clinicians) == {"Dr Amir Shah", "Dr Ruth Lowe", "Ben Carter"}
        assert clinicians["Dr Amir Shah"].role is ClinicianRole.GP_PARTNER
        assert clinicians["Dr Amir Shah"].sessions_per_week == 3
        assert not clinicians["Ben Carter"].active
        (agreement,) = registers.list_records(ctx, registers.AGREEMENTS)
        assert agreement.purpose is DsaPurpose.SECONDARY
        assert agreement.signed_on == date(2023, 3, 1)

        (manager,) = staff.list_staff(ctx)
        assert manager.role is StaffRole.PRACTICE_MANAGER
        assert manager.id is not None
        signed_in = staff.sign_in(ctx, manager.id, "305917")
        assert signed_in.actor.name == "Helen Ward"

        chain = audit.verify(ctx)
        assert chain.intact, chain.problem
        assert chain.entries >= 4  # three from the old version, and the sign-in just now

        copies = sorted(locations.backups_dir.glob("*.sqlite3"))
        if old_revision == migrate.head_revision():
            assert opened.backup is None and copies == []
        else:
            assert opened.backup is not None
            assert copies == [opened.backup]
            assert opened.backup.name.startswith(f"before-upgrade-{old_revision}-")
            assert check_sqlite_file(opened.backup) == []
            assert _revision_of(opened.backup) == old_revision
    finally:
        ctx.store.dispose()


def test_revision_0009_fills_each_recipient_kind_from_the_old_guess_once(tmp_path: Path) -> None:
    """Until 0009 the letters guessed a trust from the word "Trust" in the name; the upgrade
    makes that guess once, into the new field, and from then on the field decides."""
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    store = Store(make_engine(url), url)
    try:
        migrate.upgrade(store, "0008")
        with store.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO practice (id, name, ods_code, address, postcode, phone, email, "
                    "website, list_size, opening_hours, icb_name, icb_address, icb_postcode, "
                    "lmc_name, lmc_address, lmc_postcode, idle_lock_minutes, updated_at) VALUES "
                    "(1, 'P', 'Y01234', 'A', 'LE1 1AA', '0116 496 0000', 'p@nhs.net', '', 1, "
                    "'[]', 'NHS Soar ICB', 'A', 'LE1 1AA', 'LMC', 'A', 'LE1 1AA', 5, "
                    "'2026-11-01 00:00:00')"
                )
            )
            for name, commissioner in (("Bloods", "Soar Hospitals NHS Trust"), ("Ears", "ICB")):
                connection.execute(
                    text(
                        "INSERT INTO voluntary_service (name, commissioner_name, "
                        "commissioner_address, commissioner_postcode, notice_days, notes, active) "
                        "VALUES (:n, :c, 'A', 'LE1 1AA', 90, '', 1)"
                    ),
                    {"n": name, "c": commissioner},
                )
            for name, party in (
                ("One", "Soar Hospitals NHS Trust"),
                ("Two", "NHS Soar ICB"),
                ("Three", "Analytics Ltd"),
            ):
                connection.execute(
                    text(
                        "INSERT INTO data_sharing_agreement (name, party_name, party_address, "
                        "party_postcode, purpose, active) "
                        "VALUES (:n, :p, 'A', 'LE1 1AA', 'secondary', 1)"
                    ),
                    {"n": name, "p": party},
                )
        migrate.upgrade(store)
        with store.engine.connect() as connection:
            services = {
                name: kind
                for name, kind in connection.execute(
                    text("SELECT name, commissioner_kind FROM voluntary_service")
                )
            }
            parties = {
                name: kind
                for name, kind in connection.execute(
                    text("SELECT name, party_kind FROM data_sharing_agreement")
                )
            }
            basis = connection.execute(text("SELECT DISTINCT basis FROM voluntary_service")).all()
        assert services == {"Bloods": "trust", "Ears": "commissioner"}
        assert parties == {"One": "trust", "Two": "commissioner", "Three": "data_controller"}
        assert basis == [("none",)]
    finally:
        store.dispose()
