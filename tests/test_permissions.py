"""The permission matrix: every service that changes (or reads guarded) data, called by each role.

Issue 3 says who may do what: a receptionist works the counter and reads today's plan; a
practice manager also changes the set-up, the staff accounts and the action plan and drafts
letters; a partner may do all that, and approve the plan and sign letters. The expectations
below are written from that text, not read back from ``permissions.GRANTS``, so a change to the
grants that breaks the rule fails here. A refusal must change nothing at all: every table is
compared before and after.

``test_every_guarded_or_changing_service_has_a_row`` reads the services' source, so a new
service that changes data (or checks a permission) fails the suite until it has a row here.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from counter_helpers import EVERY_DAY
from menu_helpers import JULY, LOCAL, menu_file
from sqlalchemy import select

import practice_action.services as services_package
from practice_action import paths
from practice_action.domain.enums import (
    ClinicianRole,
    ContactType,
    DivertDestination,
    DsaPurpose,
    ServiceKind,
    StaffRole,
)
from practice_action.domain.errors import ConflictError, NotFound, PermissionDenied
from practice_action.domain.plan import Choice, Decision
from practice_action.domain.records import (
    Clinician,
    DataSharingAgreement,
    LocalService,
    PostalAddress,
    StaffMember,
    VoluntaryService,
)
from practice_action.domain.reports import ConcernKind, SafetyEntry
from practice_action.services import (
    audit,
    backups,
    counter,
    evidence,
    plan,
    practice,
    registers,
    reports,
    safety,
    staff,
    transfer,
)
from practice_action.services.context import Actor, Context, system_user
from practice_action.services.health import open_context
from practice_action.services.permissions import GRANTS, Permission, allowed
from practice_action.store.models import AuditEntry
from practice_action.store.schema import metadata

NOON = datetime(2025, 6, 13, 11, 0, tzinfo=UTC)  # Friday 13 June 2025, 12:00 in London
TODAY = date(2025, 6, 13)
# An evidence file holds whole days, so its period ends the day before the clock's day.
YESTERDAY = date(2025, 6, 12)
PARTY = PostalAddress("NHS Riverside ICB", "1 Quay Street\nLeicester", "LE1 4AB")

R, M, P = "receptionist", "manager", "partner"
EVERYONE = frozenset({R, M, P})
MANAGERS = frozenset({M, P})  # set-up, staff, the plan, reports, audit, backups
PARTNERS = frozenset({P})  # approving the plan, signing letters


@dataclass
class World:
    """A practice with something of everything, so that each service has a thing to act on."""

    ctx: Context
    locations: paths.Locations
    tmp: Path
    actors: dict[str, Actor]
    clinician_id: int
    ids: dict[str, int]  # register key -> a record's id
    other_staff_id: int
    task_id: int
    contact_id: int
    safety_ids: dict[str, int]  # role -> an entry that role recorded
    export_file: Path
    backup_file: Path


@dataclass(frozen=True)
class Row:
    service: str  # module.function, as the source scan names it
    label: str
    may: frozenset[str]
    call: Callable[[World, Actor], Any]
    writes: bool = True
    # Raised past the permission check when allowed (import needs an empty database).
    allowed_error: type[Exception] | None = None


def _register_rows() -> list[Row]:
    new: dict[str, object] = {
        "clinician": Clinician("Dr Una Kay", ClinicianRole.SALARIED_GP, EVERY_DAY),
        "local_service": LocalService("Riverside UTC", ServiceKind.UTC, phone="0116 225 5000"),
        "voluntary_service": VoluntaryService("Phlebotomy", PARTY, 28),
        "data_sharing_agreement": DataSharingAgreement(
            "Research extract", PARTY, DsaPurpose.SECONDARY
        ),
    }
    rows = []
    for register in registers.ALL_REGISTERS:
        record = new[register.key]
        rows.append(
            Row(
                "registers.save_record",
                f"add a {register.singular}",
                MANAGERS,
                lambda w, a, reg=register, rec=record: registers.save_record(w.ctx, a, reg, rec),
            )
        )
        rows.append(
            Row(
                "registers.set_active",
                f"retire a {register.singular}",
                MANAGERS,
                lambda w, a, reg=register: registers.set_active(
                    w.ctx, a, reg, w.ids[reg.key], False
                ),
            )
        )
    return rows


def _safety(kind: str) -> SafetyEntry:
    return SafetyEntry(None, TODAY, ConcernKind.CONCERN, f"{kind}: caller waited on hold")


MATRIX: list[Row] = [
    *_register_rows(),
    Row(
        "practice.save_profile",
        "change the practice profile",
        MANAGERS,
        lambda w, a: practice.save_profile(
            w.ctx, a, replace(practice.get_profile(w.ctx), phone="0116 999 0000")
        ),
    ),
    Row(
        "staff.add_staff",
        "add a staff account",
        MANAGERS,
        lambda w, a: staff.add_staff(
            w.ctx, a, StaffMember("Kim Doyle", StaffRole.RECEPTIONIST), "715284"
        ),
    ),
    Row(
        "staff.update_staff",
        "rename someone's staff account",
        MANAGERS,
        lambda w, a: staff.update_staff(
            w.ctx, a, StaffMember("Lee Grant-Ward", StaffRole.RECEPTIONIST, True, w.other_staff_id)
        ),
    ),
    Row(
        "staff.set_pin",
        "set someone else's PIN",
        MANAGERS,
        lambda w, a: staff.set_pin(w.ctx, a, w.other_staff_id, "815293"),
    ),
    Row(
        "staff.set_pin",
        "change one's own PIN",
        EVERYONE,
        lambda w, a: staff.set_pin(w.ctx, a, a.staff_id, "815293"),  # type: ignore[arg-type]
    ),
    Row(
        "plan.save_plan_version",
        "save a plan version (not approved)",
        MANAGERS,
        lambda w, a: plan.save_plan_version(
            w.ctx,
            a,
            [
                Decision("gp-connect", Choice.ADOPT, TODAY),
                Decision("referrals", Choice.ADOPT, TODAY),
            ],
        ),
    ),
    Row(
        "plan.save_plan_version",
        "save a plan version approving it oneself",
        PARTNERS,
        lambda w, a: plan.save_plan_version(
            w.ctx, a, [Decision("gp-connect", Choice.ADOPT, TODAY)], "approved at once", a
        ),
    ),
    Row(
        "plan.approve_version",
        "approve the plan",
        PARTNERS,
        lambda w, a: plan.approve_version(w.ctx, a, 1),
    ),
    Row(
        "plan.end_action",
        "end an adopted action",
        MANAGERS,
        lambda w, a: plan.end_action(w.ctx, a, "gp-connect", date(2025, 7, 31)),
    ),
    Row(
        "plan.tick_task",
        "tick a checklist task",
        MANAGERS,
        lambda w, a: plan.tick_task(w.ctx, a, w.task_id, TODAY),
    ),
    Row(
        "plan.record_declined_request",
        "log a declined data sharing request",
        MANAGERS,
        lambda w, a: plan.record_declined_request(
            w.ctx, a, "Acme Analytics", "A new research extract", TODAY
        ),
    ),
    Row(
        "plan.add_custom_action",
        "add the practice's own action",
        MANAGERS,
        lambda w, a: plan.add_custom_action(
            w.ctx,
            a,
            {
                "title": "Defer new LMC pilots",
                "wording": "Defer all new local pilots.",
                "attribution": "Leicester LMC",
                "source": "LMC bulletin, May 2026",
                "explanation": "We take on no new pilots for now.",
                "involves": "A policy.",
                "detail": "checklist",
                "tasks": [{"id": "tell-icb", "text": "Tell the ICB"}],
            },
        ),
    ),
    Row(
        "plan.add_menu",
        "add a menu file",
        MANAGERS,
        lambda w, a: plan.add_menu(w.ctx, a, "bma-2026-07.toml", JULY.encode("utf-8")),
    ),
    Row(
        "plan.add_menu_file",
        "add a menu file from disk",
        MANAGERS,
        lambda w, a: plan.add_menu_file(w.ctx, a, menu_file(w.tmp, JULY)),
    ),
    Row(
        "plan.remove_menu",
        "remove a menu file",
        MANAGERS,
        lambda w, a: plan.remove_menu(w.ctx, a, "lmc-2026-local"),
    ),
    Row(
        "counter.record_contact",
        "record a contact",
        EVERYONE,
        lambda w, a: counter.record_contact(w.ctx, a, w.clinician_id, ContactType.TELEPHONE),
    ),
    Row(
        "counter.record_contact",
        "record an urgent override",
        EVERYONE,
        lambda w, a: counter.record_contact(
            w.ctx, a, w.clinician_id, urgent_reason="Chest pain, duty doctor agreed"
        ),
    ),
    Row(
        "counter.void_contact",
        "undo a contact",
        EVERYONE,
        lambda w, a: counter.void_contact(w.ctx, a, w.contact_id, "Recorded for the wrong GP"),
    ),
    Row(
        "counter.record_diversion",
        "record a diversion",
        EVERYONE,
        lambda w, a: counter.record_diversion(
            w.ctx, a, DivertDestination.NHS_111, clinician_id=w.clinician_id
        ),
    ),
    Row(
        "counter.add_to_today",
        "put a clinician on today's counter",
        EVERYONE,
        lambda w, a: counter.add_to_today(w.ctx, a, w.clinician_id, 1),
    ),
    Row(
        "counter.add_locum_today",
        "add a locum at the desk",
        EVERYONE,
        lambda w, a: counter.add_locum_today(w.ctx, a, "Dr Lou Cumming"),
    ),
    Row(
        "counter.save_settings",
        "change the counter settings",
        MANAGERS,
        lambda w, a: counter.save_settings(w.ctx, a, ContactType.TELEPHONE, 15),
    ),
    Row(
        "backups.backup_now",
        "back up now",
        MANAGERS,
        lambda w, a: backups.backup_now(w.ctx, a, w.tmp / "by-hand.sqlite3"),
    ),
    Row(
        "backups.restore_file",
        "restore a backup",
        MANAGERS,
        lambda w, a: _restore(w, a),
    ),
    Row(
        "transfer.export_data",
        "read the whole set-up for export",
        MANAGERS,
        lambda w, a: transfer.export_data(w.ctx, a),
        writes=False,
    ),
    Row(
        "transfer.export_to_file",
        "export the set-up to a file",
        MANAGERS,
        lambda w, a: transfer.export_to_file(w.ctx, a, w.tmp / "again.json"),
    ),
    Row(
        "transfer.import_data",
        "import a set-up",
        MANAGERS,
        lambda w, a: transfer.import_data(w.ctx, a, transfer.read_file(w.export_file)),
        allowed_error=ConflictError,
    ),
    Row(
        "transfer.import_from_file",
        "import a set-up file",
        MANAGERS,
        lambda w, a: transfer.import_from_file(w.ctx, a, w.export_file),
        allowed_error=ConflictError,
    ),
    Row(
        "audit.list_entries",
        "read the audit trail",
        MANAGERS,
        lambda w, a: audit.list_entries(w.ctx, a),
        writes=False,
    ),
    Row(
        "audit.people",
        "list who appears in the audit trail",
        MANAGERS,
        lambda w, a: audit.people(w.ctx, a),
        writes=False,
    ),
    Row(
        "audit.kinds",
        "list the kinds of entry in the audit trail",
        MANAGERS,
        lambda w, a: audit.kinds(w.ctx, a),
        writes=False,
    ),
    Row(
        "safety.record",
        "record a safety concern",
        EVERYONE,
        lambda w, a: safety.record(w.ctx, a, _safety("new")),
    ),
    Row(
        "safety.edit",
        "correct one's own safety log entry",
        EVERYONE,
        lambda w, a: safety.edit(
            w.ctx,
            a,
            replace(safety.get(w.ctx, a, w.safety_ids[_role(a)]), action_taken="Told to call 999"),
        ),
    ),
    Row(
        "safety.edit",
        "correct someone else's safety log entry",
        MANAGERS,
        lambda w, a: safety.edit(
            w.ctx,
            a,
            SafetyEntry(
                w.safety_ids["other"],
                TODAY,
                ConcernKind.NEAR_MISS,
                "other: caller waited on hold",
                "Duty doctor rang back",
            ),
        ),
    ),
    Row(
        "safety.get",
        "read a safety log entry",
        EVERYONE,
        lambda w, a: safety.get(w.ctx, a, w.safety_ids["other"]),
        writes=False,
    ),
    Row(
        "safety.diversions_on",
        "list the day's diversions",
        EVERYONE,
        lambda w, a: safety.diversions_on(w.ctx, a, TODAY),
        writes=False,
    ),
    Row(
        "safety.list_period",
        "read the safety log for a period",
        MANAGERS,
        lambda w, a: safety.list_period(w.ctx, a, TODAY, TODAY),
        writes=False,
    ),
    Row(
        "reports.build",
        "build a report",
        MANAGERS,
        lambda w, a: reports.build(w.ctx, a, TODAY, TODAY),
        writes=False,
    ),
    Row(
        "evidence.prepare",
        "read the evidence file for the LMC before saving it",
        MANAGERS,
        lambda w, a: evidence.prepare(w.ctx, a, YESTERDAY, YESTERDAY),
        writes=False,
    ),
    Row(
        "evidence.save",
        "save the evidence file for the LMC",
        MANAGERS,
        lambda w, a: evidence.save(
            w.ctx,
            a,
            evidence.prepare(w.ctx, system_user(), YESTERDAY, YESTERDAY),
            w.tmp / "ev.json",
        ),
    ),
    Row(
        "evidence.export",
        "export the evidence file for the LMC",
        MANAGERS,
        lambda w, a: evidence.export(w.ctx, a, YESTERDAY, YESTERDAY, w.tmp / "ev.json"),
    ),
    Row(
        "safety.national_record",
        "copy a safety log entry for the national recording service",
        MANAGERS,
        lambda w, a: safety.national_record(w.ctx, a, w.safety_ids["other"]),
        writes=False,
    ),
]


def _letters() -> Any:
    return importlib.import_module("practice_action.services.documents")


def _letter_rows() -> list[Row]:
    """Drafting is for managers and partners; generating, signing and printing for partners.

    Rows that need a generated letter ask for one that does not exist: past the permission
    check they stop at NotFound, having changed nothing.
    """
    missing = "no-such-document"
    return [
        Row(
            "documents.preview_draft",
            "preview a draft letter",
            MANAGERS,
            lambda w, a: _letters().preview_draft(w.ctx, a, missing),
            allowed_error=NotFound,
        ),
        Row(
            "documents.register",
            "read the correspondence register",
            MANAGERS,
            lambda w, a: _letters().register(w.ctx, a),
            writes=False,
        ),
        Row(
            "documents.overview",
            "see which letters the plan calls for",
            MANAGERS,
            lambda w, a: _letters().overview(w.ctx, a),
            writes=False,
        ),
        Row(
            "documents.reproduce",
            "reproduce a generated letter",
            MANAGERS,
            lambda w, a: _letters().reproduce(w.ctx, a, 999),
            allowed_error=NotFound,
        ),
        Row(
            "documents.generate",
            "generate and sign letters",
            PARTNERS,
            lambda w, a: _letters().generate(w.ctx, a, [missing]),
            allowed_error=NotFound,
        ),
        Row(
            "documents.generate_ready",
            "generate every letter that has what it needs",
            PARTNERS,
            lambda w, a: _letters().generate_ready(w.ctx, a, write_to=w.locations.data_dir / "x"),
        ),
        Row(
            "documents.referral_template_word",
            "save the referral letter template as a Word document",
            MANAGERS,
            lambda w, a: _letters().referral_template_word(w.ctx, a),
            writes=False,
            allowed_error=NotFound,
        ),
        Row(
            "documents.mark_printed",
            "record a letter as printed",
            PARTNERS,
            lambda w, a: _letters().mark_printed(w.ctx, a, 999),
            allowed_error=NotFound,
        ),
        Row(
            "documents.mark_sent",
            "record a letter as sent",
            PARTNERS,
            lambda w, a: _letters().mark_sent(w.ctx, a, 999, TODAY),
            allowed_error=NotFound,
        ),
    ]


MATRIX += _letter_rows()


def _wording_rows() -> list[Row]:
    """Anyone who drafts letters reads their wording; only a partner, who signs, changes it."""
    wording = importlib.import_module("practice_action.services.wording")
    kind = "voluntary_services_notice"
    return [
        Row(
            "wording.letter_wordings",
            "read the letters' wording",
            MANAGERS,
            lambda w, a: wording.letter_wordings(w.ctx, a),
            writes=False,
        ),
        Row(
            "wording.change_paragraph",
            "change a paragraph of a letter",
            PARTNERS,
            lambda w, a: wording.change_paragraph(
                w.ctx, a, kind, "closing", "Please acknowledge this notice, quoting our reference."
            ),
        ),
        Row(
            "wording.back_to_shipped",
            "put back a paragraph's shipped wording",
            PARTNERS,
            lambda w, a: wording.back_to_shipped(w.ctx, a, kind, "closing"),
            writes=False,  # nothing was changed, so nothing is put back or audited
        ),
    ]


MATRIX += _wording_rows()

# Services that change data without a permission check, and why that is right.
UNGUARDED = {
    "practice.first_run_setup": "nobody is signed in yet: it creates the first manager",
    "staff.sign_in": "checking a PIN is how a person gets an identity; every try is audited",
    "staff.sign_out": "anyone may end their own session",
    "backups.daily_backup_if_due": "automatic, for whoever signs in; nobody chooses it",
    "plan.demo_plan": "part of filling an empty demo database",
    "demo.create_demo": "fills an empty data folder only, from the command line",
    "desks.register": "a desk says it has the database open before anyone signs in",
    "desks.heartbeat": "the desk's own presence row, kept fresh whoever is signed in",
    "desks.leave": "the desk's own presence row, removed as it closes",
    "counter.board": "reading the counter; its only write is the day's keys, given once a day",
}


def _role(actor: Actor) -> str:
    assert actor.role is not None
    return {StaffRole.RECEPTIONIST: R, StaffRole.PRACTICE_MANAGER: M, StaffRole.PARTNER: P}[
        actor.role
    ]


def _restore(world: World, actor: Actor) -> str:
    world.ctx.store.dispose()
    return backups.restore_file(world.locations, actor, world.backup_file)


@pytest.fixture
def world(
    ctx: Context,
    locations: paths.Locations,
    tmp_path: Path,
    manager: Actor,
    partner: Actor,
    receptionist: Actor,
) -> World:
    ctx.clock = lambda: NOON
    ids: dict[str, int] = {}
    saved = registers.save_record(
        ctx,
        manager,
        registers.CLINICIANS,
        Clinician("Dr Ann Lee", ClinicianRole.SALARIED_GP, EVERY_DAY),
    )
    assert saved.id is not None
    ids["clinician"] = saved.id
    for register, record in (
        (registers.LOCAL_SERVICES, LocalService("NHS 111", ServiceKind.NHS_111, phone="111")),
        (registers.VOLUNTARY_SERVICES, VoluntaryService("Wound care", PARTY, 90)),
        (
            registers.AGREEMENTS,
            DataSharingAgreement("Population health extract", PARTY, DsaPurpose.SECONDARY),
        ),
    ):
        ids[register.key] = registers.save_record(ctx, manager, register, record).id  # type: ignore[attr-defined]
    other = staff.add_staff(
        ctx, manager, StaffMember("Lee Grant", StaffRole.RECEPTIONIST), "395817"
    )
    assert other.id is not None
    # Version 1, saved by the manager and so not yet approved, with a checklist task.
    plan.save_plan_version(ctx, manager, [Decision("gp-connect", Choice.ADOPT, TODAY)], "first")
    task = plan.current_plan(ctx).open_tasks[0]
    plan.add_menu(ctx, manager, "local.toml", LOCAL.encode("utf-8"))
    contact = counter.record_contact(ctx, receptionist, ids["clinician"], ContactType.TELEPHONE)
    actors = {R: receptionist, M: manager, P: partner}
    safety_ids = {role: safety.record(ctx, who, _safety(role)).id for role, who in actors.items()}
    lee = Actor(other.name, other.role, other.id)
    safety_ids["other"] = safety.record(ctx, lee, _safety("other")).id
    export_file = tmp_path / "setup.json"
    transfer.export_to_file(ctx, system_user(), export_file)
    backup_file = backups.backup_now(ctx, system_user(), tmp_path / "backup.sqlite3")
    return World(
        ctx=ctx,
        locations=locations,
        tmp=tmp_path,
        actors=actors,
        clinician_id=ids["clinician"],
        ids=ids,
        other_staff_id=other.id,
        task_id=task.id,
        contact_id=contact.contact_id,
        safety_ids={k: v for k, v in safety_ids.items() if v is not None},
        export_file=export_file,
        backup_file=backup_file,
    )


def snapshot(ctx: Context) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: a refusal must leave all of it as it was."""
    with ctx.store.read() as session:
        return {
            table.name: sorted(
                (tuple(row) for row in session.execute(select(table)).all()), key=repr
            )
            for table in metadata.sorted_tables
        }


def _last_entry(ctx: Context) -> AuditEntry | None:
    with ctx.store.read() as session:
        entry = (
            session.execute(select(AuditEntry).order_by(AuditEntry.seq.desc())).scalars().first()
        )
        if entry is not None:
            session.expunge(entry)
        return entry


def _cases() -> list[Any]:
    return [
        pytest.param(row, role, id=f"{row.service}[{row.label}]-{role}")
        for row in MATRIX
        for role in (R, M, P)
    ]


@pytest.mark.parametrize(("row", "role"), _cases())
def test_each_role_is_allowed_or_refused_as_issue_3_says(world: World, row: Row, role: str) -> None:
    actor = world.actors[role]
    before = snapshot(world.ctx)
    last = _last_entry(world.ctx)
    assert last is not None
    if role not in row.may:
        with pytest.raises(PermissionDenied) as refused:
            row.call(world, actor)
        message = str(refused.value)
        assert actor.name in message  # who was refused, and what to do about it
        assert "ask a practice manager or partner" in message.lower()
        assert snapshot(world.ctx) == before, "a refused call changed the database"
        return
    if row.allowed_error is not None:
        with pytest.raises(row.allowed_error):
            row.call(world, actor)
        assert snapshot(world.ctx) == before
        return
    row.call(world, actor)
    if row.service == "backups.restore_file":
        fresh = open_context(world.locations)
        try:
            newest = _last_entry(fresh)
        finally:
            fresh.store.dispose()
    else:
        newest = _last_entry(world.ctx)
    assert newest is not None
    if row.writes:
        assert newest.seq > last.seq or row.service == "backups.restore_file"
        assert newest.actor == actor.label and newest.staff_id == actor.staff_id
        assert newest.actor_kind == "staff"
    else:
        assert newest.seq == last.seq, "a read wrote to the audit trail"


def test_the_letter_permissions_follow_issue_3() -> None:
    """No letter service exists yet; the grants it will check must already be right."""
    assert not allowed(Actor("Jo", StaffRole.RECEPTIONIST, 1), Permission.DRAFT_LETTERS)
    assert allowed(Actor("Maria", StaffRole.PRACTICE_MANAGER, 2), Permission.DRAFT_LETTERS)
    assert not allowed(Actor("Maria", StaffRole.PRACTICE_MANAGER, 2), Permission.SIGN_LETTERS)
    assert allowed(Actor("Sam", StaffRole.PARTNER, 3), Permission.DRAFT_LETTERS)
    assert allowed(Actor("Sam", StaffRole.PARTNER, 3), Permission.SIGN_LETTERS)


def test_a_receptionist_has_the_counter_and_reading_the_plan_and_nothing_else() -> None:
    assert GRANTS[StaffRole.RECEPTIONIST] == {Permission.USE_COUNTER, Permission.READ_PLAN}


def test_a_partner_may_do_everything_a_manager_may_and_more() -> None:
    manager, partner = GRANTS[StaffRole.PRACTICE_MANAGER], GRANTS[StaffRole.PARTNER]
    assert manager < partner
    assert partner - manager == {Permission.APPROVE_PLAN, Permission.SIGN_LETTERS}


def test_a_command_run_by_the_computer_user_is_never_refused() -> None:
    """Headless commands act as the operating-system user, who owns the data files anyway."""
    person = system_user()
    assert person.role is None and person.staff_id is None
    assert all(allowed(person, p) for p in Permission)


# --- every guarded or changing service has a row ---------------------------------------------


def _calls(node: ast.AST) -> list[ast.Call]:
    return [n for n in ast.walk(node) if isinstance(n, ast.Call)]


def _is_require(call: ast.Call) -> bool:
    return isinstance(call.func, ast.Name) and call.func.id == "require"


def _writes_directly(call: ast.Call) -> bool:
    func = call.func
    if not isinstance(func, ast.Attribute):
        return False
    # ctx.store.write(): a write transaction (audit.append only joins one a caller opened)
    return (
        func.attr == "write"
        and isinstance(func.value, ast.Attribute)
        and func.value.attr == "store"
    )


def scan_services() -> tuple[set[str], set[str]]:
    """(public functions that call require(), public functions that write, directly or through
    a helper in the same module or a service of another module)."""
    folder = Path(services_package.__file__).parent
    functions: dict[str, ast.FunctionDef] = {}
    for path in sorted(folder.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                functions[f"{path.stem}.{node.name}"] = node
    guarded = {
        name
        for name, node in functions.items()
        if not name.split(".")[1].startswith("_") and any(map(_is_require, _calls(node)))
    }
    writers = {
        name for name, node in functions.items() if any(_writes_directly(c) for c in _calls(node))
    }
    changed = True
    while changed:  # spread "writes" to callers, within a module and across service modules
        changed = False
        for name, node in functions.items():
            if name in writers:
                continue
            module = name.split(".")[0]
            for call in _calls(node):
                func = call.func
                target = None
                if isinstance(func, ast.Name):
                    target = f"{module}.{func.id}"
                elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                    target = f"{func.value.id}.{func.attr}"
                if target in writers:
                    writers.add(name)
                    changed = True
                    break
    public_writers = {n for n in writers if not n.split(".")[1].startswith("_")}
    return guarded, public_writers


def test_the_source_scan_finds_what_it_should() -> None:
    """The scan is the safety net below, so check it sees the services we know about."""
    guarded, writers = scan_services()
    assert {"practice.save_profile", "counter.record_contact", "audit.list_entries"} <= guarded
    assert {"backups.backup_now", "staff.sign_in", "plan.demo_plan"} <= writers
    assert "audit.list_entries" not in writers and "plan.current_plan" not in writers


def test_every_guarded_or_changing_service_has_a_row() -> None:
    guarded, writers = scan_services()
    in_matrix = {row.service for row in MATRIX}
    missing_guarded = guarded - in_matrix
    assert not missing_guarded, (
        f"These services check a permission but have no row in the matrix: "
        f"{sorted(missing_guarded)}. Add a row saying which roles may call them."
    )
    missing_writers = writers - in_matrix - set(UNGUARDED)
    assert not missing_writers, (
        f"These services change data but are neither in the matrix nor listed as unguarded "
        f"with a reason: {sorted(missing_writers)}. Add a permission check and a row."
    )
    stale = (in_matrix | set(UNGUARDED)) - guarded - writers
    assert not stale, f"Rows for services that no longer exist or no longer act: {sorted(stale)}"
    assert not (set(UNGUARDED) & guarded), "a service listed as unguarded now checks a permission"
