"""Shared test set-up: offscreen Qt, a private data folder per test, real databases, real staff.

Every test gets its own data folder under ``tmp_path`` and its own database, so no test can
reach the user's real data. PostgreSQL tests need ``PRACTICE_ACTION_TEST_POSTGRES_URL`` (a
role allowed to create databases); without it they are skipped here and fail under CI.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from practice_action import paths
from practice_action.documents import apart
from practice_action.domain import calendar
from practice_action.domain.enums import StaffRole
from practice_action.domain.records import PostalAddress, PracticeProfile, StaffMember
from practice_action.services import practice, staff
from practice_action.services.context import Actor, Context
from practice_action.services.health import open_context

# Qt reads this when the first QGuiApplication starts, and nothing above imports Qt. An offscreen
# platform given options (a screen of a set size, as tests/test_ui_real_scaling.py gives) stays.
if not os.environ.get("QT_QPA_PLATFORM", "").startswith("offscreen:"):
    os.environ["QT_QPA_PLATFORM"] = "offscreen"

POSTGRES_URL_ENV = "PRACTICE_ACTION_TEST_POSTGRES_URL"
MANAGER_PIN = "482913"
PARTNER_PIN = "573028"
RECEPTIONIST_PIN = "640375"


@pytest.fixture(autouse=True)
def _no_real_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Whatever a test forgets to pass, the app's defaults point inside tmp_path."""
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(tmp_path / "default-data"))
    monkeypatch.delenv(paths.DATABASE_URL_ENV, raising=False)


@pytest.fixture(autouse=True)
def _drawing_here_after_a_desk() -> Iterator[None]:
    """A desk draws its letters in a helper process (documents/apart.py); once its test is
    over, the next test draws in its own process again unless it makes a desk too. The one
    helper is kept for the next desk and leaves when idle or with the suite."""
    yield
    apart.drawer().enabled = False


# Every test runs on an ordinary working afternoon, whatever the hour, weekday or date the
# suite is run: the app's clock starts here for each test and moves on with real time. A test
# about another instant injects its own clock (tests/test_demo_any_hour.py sweeps the awkward
# ones: midnight, late evening, weekends, a bank holiday, the nights the clocks change).
PINNED_AT = datetime(2026, 11, 17, 14, 0, tzinfo=calendar.LONDON).astimezone(UTC)  # a Tuesday


@pytest.fixture(autouse=True)
def _pinned_clock() -> Iterator[datetime]:
    started = time.monotonic()

    def clock() -> datetime:
        return PINNED_AT + timedelta(seconds=time.monotonic() - started)

    previous = calendar.set_system_clock(clock)
    yield PINNED_AT
    calendar.set_system_clock(previous)


@pytest.fixture
def locations(tmp_path: Path) -> paths.Locations:
    """A data folder of its own under tmp_path, with the SQLite file inside it."""
    return paths.resolve(tmp_path / "data")


@pytest.fixture
def ctx(locations: paths.Locations) -> Iterator[Context]:
    """A migrated SQLite database in the test's own data folder."""
    context = open_context(locations)
    yield context
    context.store.dispose()


def postgres_server() -> str:
    """The test server's address; a test needing it fails in CI without one (skips elsewhere)."""
    server = os.environ.get(POSTGRES_URL_ENV)
    if not server:
        message = f"{POSTGRES_URL_ENV} is not set: no PostgreSQL server to test against"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI must run the PostgreSQL tests)")
        pytest.skip(message)
    return server


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for this test, dropped afterwards."""
    server = postgres_server()
    import psycopg

    admin = make_url(server).set(drivername="postgresql")
    name = f"pa_test_{uuid.uuid4().hex[:16]}"
    conninfo = admin.render_as_string(hide_password=False)
    for attempt in range(5):  # CREATE DATABASE copies template1 and waits for no one to use it
        try:
            with psycopg.connect(conninfo, autocommit=True) as connection:
                connection.execute(f'CREATE DATABASE "{name}"')
            break
        except psycopg.errors.ObjectInUse:
            if attempt == 4:
                raise
            time.sleep(0.5)
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        _drop_database(conninfo, name)


def _drop_database(conninfo: str, name: str) -> None:
    """Drop a test database whoever still uses it: the test's own engines are ended by FORCE,
    and a server process the test role may not end (an autovacuum worker, unless CI granted the
    role pg_signal_backend) is waited for, briefly, and the drop tried again."""
    import psycopg

    for attempt in range(40):
        try:
            with psycopg.connect(conninfo, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except (psycopg.errors.InsufficientPrivilege, psycopg.errors.ObjectInUse):
            if attempt == 39:
                raise
            time.sleep(0.25)


# The role the desks connect as in the PostgreSQL tests, as `setup-postgres` makes it: it may
# read and write the records but only read and add to the audit trail, and not change the schema.
DESK_ROLE = "practice_desk"
DESK_PASSWORD = "practice_desk_test"


@pytest.fixture
def pg_desk_url(pg_url: str) -> str:
    """This test's PostgreSQL database, migrated by its owner, as the desks' restricted role."""
    from practice_action.store import pg_roles

    owner = make_url(pg_url)
    result = pg_roles.set_up(
        pg_url,
        str(owner.database),
        owner=str(owner.username),
        desk=DESK_ROLE,
        desk_password=DESK_PASSWORD,
    )
    return result.desk_url


@contextmanager
def as_owner(ctx: Context) -> Iterator[Any]:
    """A write session on ``ctx``'s database as the schema's owner: on PostgreSQL the desks'
    role may not drop the audit trail's guards, so tampering tests do it as the owner would."""
    if ctx.store.is_sqlite:
        with ctx.store.write() as session:
            yield session
        return
    from sqlalchemy.orm import Session as OrmSession

    from practice_action.store.engine import make_engine

    server = make_url(os.environ[POSTGRES_URL_ENV])
    url = make_url(ctx.store.url).set(username=server.username, password=server.password)
    engine = make_engine(url.render_as_string(hide_password=False))
    try:
        with OrmSession(engine) as session, session.begin():
            yield session
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_locations(request: pytest.FixtureRequest, tmp_path: Path) -> paths.Locations:
    """Locations for each database kind: a store test using this runs on both (on PostgreSQL
    as the desks' restricted role)."""
    if request.param == "postgres":
        return paths.resolve(tmp_path / "data", request.getfixturevalue("pg_desk_url"))
    return paths.resolve(tmp_path / "data")


@pytest.fixture
def db_ctx(db_locations: paths.Locations) -> Iterator[Context]:
    """A migrated database of each kind in turn (SQLite, then PostgreSQL)."""
    context = open_context(db_locations)
    yield context
    context.store.dispose()


# What a person working on the database directly does first: the append-only triggers go.
AUDIT_GUARDS_SQLITE = (
    "DROP TRIGGER IF EXISTS audit_entry_no_update",
    "DROP TRIGGER IF EXISTS audit_entry_no_delete",
)
AUDIT_GUARDS_POSTGRES = (
    "DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry",
    "DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_entry",
)


def drop_audit_guards(session_or_connection: object) -> None:
    """Drop the audit trail's append-only triggers, on a session or a sqlite3 connection."""
    import sqlite3

    from sqlalchemy import text

    if isinstance(session_or_connection, sqlite3.Connection):
        for statement in AUDIT_GUARDS_SQLITE:
            session_or_connection.execute(statement)
        return
    name = session_or_connection.get_bind().dialect.name  # type: ignore[attr-defined]
    for statement in AUDIT_GUARDS_POSTGRES if name == "postgresql" else AUDIT_GUARDS_SQLITE:
        session_or_connection.execute(text(statement))  # type: ignore[attr-defined]


@pytest.fixture
def pin_typed(monkeypatch: pytest.MonkeyPatch):
    """``pin_typed("573028")``: the next command that asks for a PIN reads this one, as a
    script passing it on standard input would."""
    import io
    import sys

    def typed(pin: str) -> None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(pin + "\n"))

    return typed


def faketime() -> str:
    """The faketime program, for the tests that move a computer's clock in a process of its
    own; missing, such a test is skipped here and fails under CI, which installs it."""
    import shutil

    found = shutil.which("faketime")
    if found is None:
        message = "faketime is not installed (Debian package faketime)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + ": CI must run the tests that move a computer's clock")
        pytest.skip(message)
    return found


def valid_profile() -> PracticeProfile:
    """A practice profile that passes every check."""
    return PracticeProfile(
        name="Riverside Medical Practice",
        ods_code="C82040",
        address="1 Mill Lane\nLeicester",
        postcode="LE1 6TP",
        phone="0116 123 4567",
        email="reception.c82040@nhs.net",
        website="www.riverside-surgery.nhs.uk",
        list_size=9800,
        icb=PostalAddress("LLR ICB", "Room 100, County Hall\nGlenfield", "LE3 8TB"),
        lmc=PostalAddress("Leicester LMC", "10 Friar Lane\nLeicester", "LE1 5RA"),
    )


@pytest.fixture
def profile() -> PracticeProfile:
    return valid_profile()


@pytest.fixture
def manager(ctx: Context) -> Actor:
    """The first practice manager, made by a real first-run set-up of ``ctx``."""
    return practice.first_run_setup(ctx, valid_profile(), "Maria Okafor", MANAGER_PIN).actor


def _add(ctx: Context, by: Actor, name: str, role: StaffRole, pin: str) -> Actor:
    member = staff.add_staff(ctx, by, StaffMember(name, role), pin)
    assert member.id is not None
    return Actor(member.name, member.role, member.id)


@pytest.fixture
def partner(ctx: Context, manager: Actor) -> Actor:
    return _add(ctx, manager, "Dr Sam Patel", StaffRole.PARTNER, PARTNER_PIN)


@pytest.fixture
def receptionist(ctx: Context, manager: Actor) -> Actor:
    return _add(ctx, manager, "Jo Brennan", StaffRole.RECEPTIONIST, RECEPTIONIST_PIN)
