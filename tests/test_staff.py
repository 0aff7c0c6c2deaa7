"""Staff accounts and PINs: how a PIN is kept, which PINs are refused, the lock-out after five
wrong PINs, retired accounts, the last manager, and who may change whose PIN."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from conftest import MANAGER_PIN, RECEPTIONIST_PIN, valid_profile
from sqlalchemy import select

from practice_action import paths
from practice_action.domain.enums import StaffRole
from practice_action.domain.errors import PermissionDenied, ValidationError
from practice_action.domain.records import StaffMember
from practice_action.services import audit, practice, staff
from practice_action.services.context import Actor, Context
from practice_action.store.models import AuditEntry, StaffRow

NOON = datetime(2025, 6, 13, 11, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand; Context.clock is any callable returning an aware time."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def forward(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(ctx: Context) -> Clock:
    ticking = Clock(NOON)
    ctx.clock = ticking
    return ticking


def pin_hash(ctx: Context, staff_id: int) -> str:
    with ctx.store.read() as session:
        row = session.get(StaffRow, staff_id)
        assert row is not None
        return row.pin_hash


def audit_text(ctx: Context) -> str:
    with ctx.store.read() as session:
        rows = session.execute(select(AuditEntry)).scalars().all()
        return "\n".join(f"{e.actor} {e.kind} {e.summary} {e.before} {e.after}" for e in rows)


# --- how a PIN is kept ----------------------------------------------------------------------


def test_a_pin_is_kept_as_a_salted_argon2id_hash(ctx: Context, manager: Actor) -> None:
    first = staff.add_staff(
        ctx, manager, StaffMember("Jo Brennan", StaffRole.RECEPTIONIST), "730418"
    )
    second = staff.add_staff(
        ctx, manager, StaffMember("Lee Grant", StaffRole.RECEPTIONIST), "730418"
    )
    assert first.id is not None and second.id is not None
    one, two = pin_hash(ctx, first.id), pin_hash(ctx, second.id)
    assert one.startswith("$argon2id$") and two.startswith("$argon2id$")
    assert one != two, "the same PIN must hash differently for two people (a salt)"
    assert "730418" not in one and "730418" not in two
    # Memory-hard: one of OWASP's minimum settings (memory in KiB, passes), one lane.
    settings = dict(part.split("=") for part in one.split("$")[3].split(","))
    assert (int(settings["m"]), int(settings["t"])) in staff.OWASP_EQUIVALENT
    assert settings["p"] == "1"


def test_a_pin_hashed_with_other_settings_is_remade_at_the_next_sign_in(
    ctx: Context, manager: Actor
) -> None:
    from argon2 import PasswordHasher

    member = staff.add_staff(
        ctx, manager, StaffMember("Jo Brennan", StaffRole.RECEPTIONIST), "730418"
    )
    assert member.id is not None
    older = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1).hash("730418")
    with ctx.store.write() as session:
        row = session.get(StaffRow, member.id)
        assert row is not None
        row.pin_hash = older
    staff.sign_in(ctx, member.id, "730418")
    remade = pin_hash(ctx, member.id)
    assert remade != older and ",t=5," in remade and "m=7168" in remade
    staff.sign_in(ctx, member.id, "730418")  # the new hash works


_RANDOM_MATERIAL = re.compile(
    rb"\$argon2id\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+"  # PIN hashes
    rb"|[0-9a-f]{64}"  # the audit chain's SHA-256 hashes
    rb"|\d{2}:\d{2}:\d{2}\.\d{6}"  # the microseconds of stored times
)


def _without_random_material(data: bytes) -> bytes:
    return _RANDOM_MATERIAL.sub(b"", data)


def test_the_pin_is_nowhere_in_the_database_files_the_trail_or_the_logs(
    locations: paths.Locations, caplog: pytest.LogCaptureFixture
) -> None:
    from practice_action.services.health import open_context

    pin, wrong, new_pin = "729184", "864290", "517093"
    caplog.set_level(logging.DEBUG)
    ctx = open_context(locations)
    try:
        manager = practice.first_run_setup(ctx, valid_profile(), "Maria Okafor", MANAGER_PIN).actor
        member = staff.add_staff(
            ctx, manager, StaffMember("Jo Brennan", StaffRole.RECEPTIONIST), pin
        )
        assert member.id is not None
        with pytest.raises(staff.SignInRefused):
            staff.sign_in(ctx, member.id, wrong)
        staff.sign_in(ctx, member.id, pin)
        staff.set_pin(ctx, Actor(member.name, member.role, member.id), member.id, new_pin)
        staff.sign_in(ctx, member.id, new_pin)
        trail = audit_text(ctx)
        assert locations.sqlite_path is not None
        files = [
            p
            for p in locations.sqlite_path.parent.iterdir()
            if p.name.startswith(locations.sqlite_path.name)
        ]
        assert any(p.name.endswith("-wal") for p in files), "expected the write-ahead log too"
        contents = {p.name: p.read_bytes() for p in files}
    finally:
        ctx.store.dispose()
    contents["after closing"] = locations.sqlite_path.read_bytes()
    logged = "\n".join(f"{r.getMessage()} {r.args!r}" for r in caplog.records)
    # Salts, hashes and microseconds are random digits and letters: six digits turn up in
    # them by chance now and then. Take them out; a PIN anywhere else is still found.
    contents = {name: _without_random_material(data) for name, data in contents.items()}
    for secret in (pin, wrong, new_pin, MANAGER_PIN):
        for name, data in contents.items():
            assert secret.encode() not in data, f"PIN found in {name}"
            assert secret.encode("utf-16-le") not in data, f"PIN found in {name} (UTF-16)"
        assert secret not in trail
        assert secret not in logged


def test_a_stored_hash_is_never_logged(ctx: Context, caplog: pytest.LogCaptureFixture) -> None:
    """A hash can be guessed offline from a short PIN, so it stays out of the logs as well."""
    caplog.set_level(logging.DEBUG)
    manager = practice.first_run_setup(ctx, valid_profile(), "Maria Okafor", MANAGER_PIN).actor
    member = staff.add_staff(
        ctx, manager, StaffMember("Jo Brennan", StaffRole.RECEPTIONIST), "729184"
    )
    assert member.id is not None
    staff.sign_in(ctx, member.id, "729184")
    digest = pin_hash(ctx, member.id)
    logged = "\n".join(f"{r.getMessage()} {r.args!r}" for r in caplog.records)
    assert digest.split("$")[-1] not in logged


# --- which PINs are refused -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pin", "words"),
    [
        ("", "digits only"),
        ("48291", "at least 6 digits"),
        ("4829 1", "digits only"),
        ("48a913", "digits only"),
        ("４８２９１３", "digits only"),  # full-width digits pass str.isdigit()
        ("777777", "too easy"),
        ("123456", "too easy"),
        ("987654", "too easy"),
        ("4829134829134", "12 digits or fewer"),
    ],
)
def test_a_weak_or_malformed_pin_is_refused_everywhere(
    ctx: Context, manager: Actor, pin: str, words: str
) -> None:
    before = staff.list_staff(ctx)
    with pytest.raises(ValidationError) as on_add:
        staff.add_staff(ctx, manager, StaffMember("Jo Brennan", StaffRole.RECEPTIONIST), pin)
    assert words in on_add.value.problems["pin"]
    assert staff.list_staff(ctx) == before
    assert manager.staff_id is not None
    old = pin_hash(ctx, manager.staff_id)
    with pytest.raises(ValidationError) as on_change:
        staff.set_pin(ctx, manager, manager.staff_id, pin)
    assert words in on_change.value.problems["pin"]
    assert pin_hash(ctx, manager.staff_id) == old


# --- the lock-out ------------------------------------------------------------------------------


def _wrong(ctx: Context, staff_id: int, times: int) -> list[str]:
    messages = []
    for _ in range(times):
        with pytest.raises(staff.SignInRefused) as refused:
            staff.sign_in(ctx, staff_id, "999111")
        messages.append(str(refused.value))
    return messages


def test_five_wrong_pins_lock_the_account_for_five_minutes(
    ctx: Context, receptionist: Actor, clock: Clock
) -> None:
    assert receptionist.staff_id is not None
    who = receptionist.staff_id
    messages = _wrong(ctx, who, 5)
    assert "4 more tries" in messages[0]
    assert "1 more try" in messages[3]
    assert "locked for 5 minutes" in messages[4]
    assert "manager can reset the pin" in messages[4].lower()

    with pytest.raises(staff.SignInRefused) as during:
        staff.sign_in(ctx, who, RECEPTIONIST_PIN)  # the right PIN, but too soon
    assert "locked" in str(during.value)
    assert "about 5 minutes" in str(during.value)

    clock.forward(minutes=4, seconds=30)
    with pytest.raises(staff.SignInRefused) as nearly:
        staff.sign_in(ctx, who, RECEPTIONIST_PIN)
    assert "about 1 minute" in str(nearly.value)

    clock.forward(seconds=30)
    signed = staff.sign_in(ctx, who, RECEPTIONIST_PIN)
    assert signed.actor == receptionist


def test_every_attempt_is_in_the_audit_trail(
    ctx: Context, receptionist: Actor, manager: Actor, clock: Clock
) -> None:
    assert receptionist.staff_id is not None
    _wrong(ctx, receptionist.staff_id, 5)
    with pytest.raises(staff.SignInRefused):
        staff.sign_in(ctx, receptionist.staff_id, RECEPTIONIST_PIN)
    kinds = [e.kind for e in audit.list_entries(ctx, manager, kind_prefix="signin", limit=6)]
    assert kinds == ["signin.locked", "signin.lockout"] + ["signin.failed"] * 4
    assert audit.verify(ctx).intact


def test_a_right_pin_resets_the_count_of_wrong_ones(
    ctx: Context, receptionist: Actor, clock: Clock
) -> None:
    assert receptionist.staff_id is not None
    who = receptionist.staff_id
    _wrong(ctx, who, 4)
    staff.sign_in(ctx, who, RECEPTIONIST_PIN)
    messages = _wrong(ctx, who, 4)
    assert "4 more tries" in messages[0] and "1 more try" in messages[3]
    staff.sign_in(ctx, who, RECEPTIONIST_PIN)  # still open after 4 + 4 wrong


def test_after_a_lock_ends_the_count_starts_again(
    ctx: Context, receptionist: Actor, clock: Clock
) -> None:
    assert receptionist.staff_id is not None
    who = receptionist.staff_id
    _wrong(ctx, who, 5)
    clock.forward(minutes=5)
    assert "4 more tries" in _wrong(ctx, who, 1)[0]


def test_a_lock_holds_for_one_account_only(
    ctx: Context, receptionist: Actor, manager: Actor, clock: Clock
) -> None:
    assert receptionist.staff_id is not None and manager.staff_id is not None
    _wrong(ctx, receptionist.staff_id, 5)
    assert staff.sign_in(ctx, manager.staff_id, MANAGER_PIN).actor == manager


def test_a_manager_resetting_the_pin_lifts_the_lock(
    ctx: Context, receptionist: Actor, manager: Actor, clock: Clock
) -> None:
    assert receptionist.staff_id is not None
    _wrong(ctx, receptionist.staff_id, 5)
    staff.set_pin(ctx, manager, receptionist.staff_id, "305871")
    assert staff.sign_in(ctx, receptionist.staff_id, "305871").actor == receptionist
    with pytest.raises(staff.SignInRefused):
        staff.sign_in(ctx, receptionist.staff_id, RECEPTIONIST_PIN)


# --- retired accounts and the last manager ---------------------------------------------------


def test_a_retired_account_cannot_sign_in(
    ctx: Context, receptionist: Actor, manager: Actor
) -> None:
    assert receptionist.staff_id is not None
    member = StaffMember(receptionist.name, StaffRole.RECEPTIONIST, False, receptionist.staff_id)
    staff.update_staff(ctx, manager, member)
    with pytest.raises(staff.SignInRefused) as refused:
        staff.sign_in(ctx, receptionist.staff_id, RECEPTIONIST_PIN)
    assert "not active" in str(refused.value)
    assert receptionist.name not in [m.name for m in staff.list_staff(ctx)]


def _as_member(actor: Actor, **changes: object) -> StaffMember:
    assert actor.role is not None
    return replace(StaffMember(actor.name, actor.role, True, actor.staff_id), **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "change", [{"role": StaffRole.RECEPTIONIST}, {"active": False}], ids=["demoted", "retired"]
)
def test_the_last_manager_cannot_be_demoted_or_retired(
    ctx: Context, manager: Actor, receptionist: Actor, change: dict[str, object]
) -> None:
    before = audit_text(ctx)
    with pytest.raises(ValidationError) as refused:
        staff.update_staff(ctx, manager, _as_member(manager, **change))
    assert "last active manager or partner" in refused.value.problems["role"]
    assert audit_text(ctx) == before


@pytest.mark.parametrize(
    "change", [{"role": StaffRole.RECEPTIONIST}, {"active": False}], ids=["demoted", "retired"]
)
def test_the_last_partner_cannot_be_demoted_or_retired(
    ctx: Context, manager: Actor, partner: Actor, change: dict[str, object]
) -> None:
    staff.update_staff(ctx, partner, _as_member(manager, role=StaffRole.RECEPTIONIST))
    with pytest.raises(ValidationError) as refused:
        staff.update_staff(ctx, partner, _as_member(partner, **change))
    assert "last active manager or partner" in refused.value.problems["role"]
    roles = {m.name: m.role for m in staff.list_staff(ctx)}
    assert roles[partner.name] is StaffRole.PARTNER


def test_a_manager_may_step_down_while_a_partner_remains(
    ctx: Context, manager: Actor, partner: Actor
) -> None:
    saved = staff.update_staff(ctx, partner, _as_member(manager, role=StaffRole.RECEPTIONIST))
    assert saved.role is StaffRole.RECEPTIONIST


# --- who may change whose PIN -----------------------------------------------------------------


def test_anyone_may_change_their_own_pin(ctx: Context, receptionist: Actor) -> None:
    assert receptionist.staff_id is not None
    staff.set_pin(ctx, receptionist, receptionist.staff_id, "305871")
    assert staff.sign_in(ctx, receptionist.staff_id, "305871").actor == receptionist
    with pytest.raises(staff.SignInRefused):
        staff.sign_in(ctx, receptionist.staff_id, RECEPTIONIST_PIN)


def test_only_staff_managers_may_change_someone_elses_pin(
    ctx: Context, receptionist: Actor, manager: Actor, partner: Actor
) -> None:
    assert manager.staff_id is not None and receptionist.staff_id is not None
    old = pin_hash(ctx, manager.staff_id)
    with pytest.raises(PermissionDenied):
        staff.set_pin(ctx, receptionist, manager.staff_id, "305871")
    assert pin_hash(ctx, manager.staff_id) == old
    staff.set_pin(ctx, manager, receptionist.staff_id, "305871")
    staff.set_pin(ctx, partner, receptionist.staff_id, "418263")
    assert staff.sign_in(ctx, receptionist.staff_id, "418263").actor == receptionist


def test_a_pin_change_is_audited_without_the_pin(
    ctx: Context, receptionist: Actor, manager: Actor
) -> None:
    assert receptionist.staff_id is not None
    staff.set_pin(ctx, manager, receptionist.staff_id, "305871")
    newest = audit.list_entries(ctx, manager, limit=1)[0]
    assert newest.kind == "staff.pin" and receptionist.name in newest.summary
    assert newest.actor == manager.label
    assert "305871" not in audit_text(ctx)


def test_two_active_accounts_may_not_share_a_name(ctx, manager) -> None:
    from practice_action.domain.enums import StaffRole
    from practice_action.domain.errors import ValidationError
    from practice_action.domain.records import StaffMember
    from practice_action.services import staff

    first = staff.add_staff(
        ctx, manager, StaffMember("Jade Barker", StaffRole.RECEPTIONIST), "739154"
    )
    with pytest.raises(ValidationError, match="already an active account called jade barker"):
        staff.add_staff(ctx, manager, StaffMember("jade barker", StaffRole.RECEPTIONIST), "739155")
    staff.update_staff(ctx, manager, replace(first, active=False))
    again = staff.add_staff(ctx, manager, StaffMember("Jade Barker", StaffRole.PARTNER), "739156")
    with pytest.raises(ValidationError, match="already an active account"):
        staff.update_staff(ctx, manager, first)  # bringing the old one back would clash
    assert again.active
