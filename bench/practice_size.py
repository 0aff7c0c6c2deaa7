"""The practices the benchmarks measure on, built once and kept in bench/.cache/.

    python bench/practice_size.py [--size demo|five-year|both] [--postgres URL]

- ``demo``: the demo practice (``practice-action demo``): 8 clinicians, three weeks at the desk.
- ``five-year``: the size a busy practice reaches after five years of the action. The demo
  practice is made through the services as above, 22 more clinicians are added through the
  registers (30 in all), and the five years before the demo's three weeks are written in bulk:
  about 920,000 contacts (every clinician's day up to the cap of 25, urgent overrides past it,
  a slip undone now and then), 50,000 diversions, the receptionists' and partners' sign-ins, 60
  approved plan versions (one a month) and the letters each one made, and an audit entry for
  every one of them: about a million entries whose chain is worked out exactly as
  services/audit.py does it, so ``audit verify`` finds the trail intact and the counter's
  tables in agreement with it. On SQLite the file is about half a gigabyte.

A benchmark asks for a copy it may change: ``sqlite_copy(size, folder)`` copies the cached data
folder; ``postgres_copy(size, server)`` clones the cached database (CREATE DATABASE ...
TEMPLATE) and gives back its URL and a function that drops it. The cache is made again when
this file or the schema changes; the demo's also on a new day (its three weeks end today).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import sqlite3
import sys
import time as timer
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from practice_action import paths
from practice_action.domain.calendar import LONDON, is_working_day
from practice_action.domain.enums import (
    ClinicianRole,
    ContactType,
    DivertDestination,
    Session,
    StaffRole,
    Weekday,
)
from practice_action.domain.records import Clinician
from practice_action.services import audit, demo, documents, registers
from practice_action.services.context import Actor, Context
from practice_action.services.health import open_context

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
SIZES = ("demo", "five-year")
YEARS = 5
CAP = 25
PLAN_VERSIONS = 60
BATCH = 20_000
RECIPE = 1  # change when the practice built changes: the cache is then made again


def _key(size: str) -> str:
    versions = sorted(
        p.name for p in (HERE.parent / "practice_action/store/migrations/versions").glob("0*.py")
    )
    text = f"{RECIPE}|" + "|".join(versions)
    if size == "demo":
        text += date.today().isoformat()
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def sizes(choice: str) -> tuple[str, ...]:
    return SIZES if choice == "both" else (choice,)


def add_size_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--size",
        choices=(*SIZES, "both"),
        default="both",
        help="the demo practice, the five-year practice, or both (default)",
    )


# --- building --------------------------------------------------------------------------


_MORE = [
    ("Dr Nadia Brennan", ClinicianRole.SALARIED_GP),
    ("Dr Owen Pryce", ClinicianRole.SALARIED_GP),
    ("Dr Leah Sandhu", ClinicianRole.GP_PARTNER),
    ("Dr Marcus Ellery", ClinicianRole.SALARIED_GP),
    ("Dr Sofia Marek", ClinicianRole.SALARIED_GP),
    ("Dr Ben Adeyemi", ClinicianRole.LOCUM_GP),
    ("Dr Ruth Calloway", ClinicianRole.GP_PARTNER),
    ("Dr Kieran Doyle", ClinicianRole.SALARIED_GP),
    ("Dr Priya Nair", ClinicianRole.SALARIED_GP),
    ("Dr Felix Hartmann", ClinicianRole.LOCUM_GP),
    ("Dr Amara Eze", ClinicianRole.SALARIED_GP),
    ("Dr Tobias Grant", ClinicianRole.SALARIED_GP),
    ("Joanne Petty", ClinicianRole.ANP),
    ("Martin Cole", ClinicianRole.ANP),
    ("Sana Iqbal", ClinicianRole.ANP),
    ("Gareth Lewis", ClinicianRole.PHARMACIST),
    ("Helen Marsh", ClinicianRole.PHARMACIST),
    ("Dr Yusuf Karim", ClinicianRole.SALARIED_GP),
    ("Dr Eleanor Finch", ClinicianRole.SALARIED_GP),
    ("Dr Callum Reid", ClinicianRole.LOCUM_GP),
    ("Nina Osei", ClinicianRole.ANP),
    ("Dr Harriet Vale", ClinicianRole.SALARIED_GP),
]


def _full_time() -> frozenset[tuple[Weekday, Session]]:
    return frozenset((day, part) for day in list(Weekday)[:5] for part in (Session.AM, Session.PM))


def _actor(role: StaffRole, name: str, staff_id: int) -> tuple[str, str, int]:
    return Actor(name, role, staff_id).label, "staff", staff_id


@dataclass
class _Start:
    """Where the bulk history begins: the next free id of each table and the chain's head."""

    contact: int
    diversion: int
    audit_id: int
    seq: int
    prev_hash: str
    clinician_day: int
    clinicians: list[tuple[int, str]]
    receptionists: list[tuple[str, str, int]]
    partners: list[tuple[str, str, int]]
    manager: tuple[str, str, int]
    first_day: date
    last_day: date


_AUDIT_COLUMNS = (
    "id, seq, at, actor, actor_kind, staff_id, kind, summary, before, after, prev_hash, hash"
)
_CONTACT_COLUMNS = (
    "id, clinician_id, day, at, contact_type, counted, urgent, urgent_reason, recorded_by,"
    " voided_at, voided_by, void_reason"
)
_DIVERSION_COLUMNS = "id, day, at, clinician_id, destination, local_service_id, note, recorded_by"
_DAY_COLUMNS = "id, clinician_id, day, counted, cap"

# Face to face, home visit, telephone, video, online: the desk's usual mix.
_MIX = (5, 1, 4, 1, 2)
_KINDS = list(ContactType)
_DESTINATIONS = (
    DivertDestination.NHS_111,
    DivertDestination.PHARMACY_FIRST,
    DivertDestination.NEXT_ROUTINE,
    DivertDestination.UTC,
)
_URGENT = "Deteriorating patient: duty doctor"


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)


class _Chain:
    """Audit entries in order, each hashed over the one before (services/audit.py's rule)."""

    def __init__(self, start: _Start, sink: Callable[[str, list[tuple[Any, ...]]], None]) -> None:
        self.id = start.audit_id
        self.seq = start.seq
        self.prev = start.prev_hash
        self.rows: list[tuple[Any, ...]] = []
        self.sink = sink

    def add(
        self,
        at: datetime,
        who: tuple[str, str, int],
        kind: str,
        summary: str,
        before: Any = None,
        after: Any = None,
    ) -> None:
        self.seq += 1
        label, actor_kind, staff_id = who
        before_text = "" if before is None else _canonical(before)
        after_text = "" if after is None else _canonical(after)
        digest = audit.entry_hash(
            seq=self.seq,
            at=at,
            actor=label,
            actor_kind=actor_kind,
            staff_id=staff_id,
            kind=kind,
            summary=summary,
            before=before_text,
            after=after_text,
            prev_hash=self.prev,
        )
        self.rows.append(
            (
                self.id,
                self.seq,
                at,
                label,
                actor_kind,
                staff_id,
                kind,
                summary,
                before_text,
                after_text,
                self.prev,
                digest,
            )
        )
        self.id += 1
        self.prev = digest
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.sink("audit_entry", self.rows)
            self.rows = []


def _instant(day: date, at: time) -> datetime:
    return datetime.combine(day, at, LONDON).astimezone(UTC)


def _history(
    start: _Start,
    sink: Callable[[str, list[tuple[Any, ...]]], None],
    plan_days: list[date],
    letter: Callable[[date, datetime, _Chain], None],
) -> dict[str, int]:
    """Five years of desk work, day by day, each day's rows and entries in time order."""
    rng = random.Random(5)
    chain = _Chain(start, sink)
    contacts: list[tuple[Any, ...]] = []
    diversions: list[tuple[Any, ...]] = []
    days: list[tuple[Any, ...]] = []
    tally = {"contacts": 0, "diversions": 0, "urgent": 0, "undone": 0, "days": 0}
    contact_id, diversion_id, day_id = start.contact, start.diversion, start.clinician_day
    planned = set(plan_days)
    day = start.first_day
    while day <= start.last_day:
        if not is_working_day(day):
            day += timedelta(days=1)
            continue
        tally["days"] += 1
        opens, closes = _instant(day, time(8, 0)), _instant(day, time(18, 30))
        desk = start.receptionists[tally["days"] % len(start.receptionists)]
        partner = start.partners[tally["days"] % len(start.partners)]
        events: list[tuple[datetime, int, int, ContactType]] = []  # at, clinician, what, type
        for clinician_id, _name in start.clinicians:
            demand = rng.randint(11, 15) * 2
            step = (closes - opens) / demand
            for n in range(demand):
                what = 0 if n < CAP else (1 if rng.random() < 0.05 else 2)
                events.append((opens + step * n, clinician_id, what, rng.choices(_KINDS, _MIX)[0]))
        events.sort(key=lambda e: (e[0], e[1]))
        names = dict(start.clinicians)
        counted: dict[int, int] = {}
        chain.add(opens - timedelta(minutes=20), desk, "signin.ok", f"{_name_of(desk)} signed in")
        partner_in = opens + timedelta(hours=4, minutes=rng.randint(0, 50))
        partner_done = False
        for at, clinician_id, what, kind in events:
            if not partner_done and at >= partner_in:
                who = _name_of(partner)
                chain.add(partner_in, partner, "signin.ok", f"{who} signed in")
                chain.add(
                    partner_in + timedelta(minutes=9), partner, "signin.out", f"{who} signed out"
                )
                partner_done = True
            name = names[clinician_id]
            stamp = at.replace(microsecond=rng.randrange(1_000_000))
            if what == 2:
                destination = rng.choice(_DESTINATIONS)
                diversions.append(
                    (diversion_id, day, stamp, clinician_id, destination.value, None, "", desk[0])
                )
                chain.add(
                    stamp,
                    desk,
                    "diversion.record",
                    f"Patient diverted from {name} to {destination.label}",
                    after={
                        "diversion": diversion_id,
                        "destination": destination.value,
                        "clinician": clinician_id,
                        "service": None,
                    },
                )
                diversion_id += 1
                tally["diversions"] += 1
                continue
            urgent = what == 1
            slip = not urgent and rng.random() < 0.005
            if not urgent and not slip:
                counted[clinician_id] = counted.get(clinician_id, 0) + 1
            now_counted = counted.get(clinician_id, 0) + (1 if slip else 0)
            voided_at = stamp + timedelta(seconds=30) if slip else None
            contacts.append(
                (
                    contact_id,
                    clinician_id,
                    day,
                    stamp,
                    kind.value,
                    not urgent,
                    urgent,
                    _URGENT if urgent else "",
                    desk[0],
                    voided_at,
                    desk[0] if slip else "",
                    "Recorded by mistake" if slip else "",
                )
            )
            if urgent:
                entry_kind = "contact.urgent"
                summary = f"Urgent override for {name} ({kind.label}): {_URGENT}"
                tally["urgent"] += 1
            else:
                entry_kind = "contact.record"
                summary = f"Contact for {name} ({kind.label}): {now_counted} of {CAP}"
            chain.add(
                stamp,
                desk,
                entry_kind,
                summary,
                after={
                    "contact": contact_id,
                    "clinician": clinician_id,
                    "day": day.isoformat(),
                    "type": kind.value,
                    "counted": not urgent,
                },
            )
            if slip:
                assert voided_at is not None
                chain.add(
                    voided_at,
                    desk,
                    "contact.void",
                    f"Undid a contact for {name}: Recorded by mistake",
                    before={"contact": contact_id, "type": kind.value, "urgent": False},
                )
                tally["undone"] += 1
            contact_id += 1
            tally["contacts"] += 1
        if day in planned:
            letter(day, closes + timedelta(minutes=5), chain)
        chain.add(
            closes + timedelta(minutes=15), desk, "signin.out", f"{_name_of(desk)} signed out"
        )
        for clinician_id, _name in start.clinicians:
            days.append((day_id, clinician_id, day, counted.get(clinician_id, 0), CAP))
            day_id += 1
        if len(contacts) >= BATCH:
            chain.flush()  # entries first: each names rows that follow in the same transaction
            sink("contact", contacts)
            sink("diversion", diversions)
            sink("clinician_day", days)
            contacts, diversions, days = [], [], []
        day += timedelta(days=1)
    chain.flush()
    sink("contact", contacts)
    sink("diversion", diversions)
    sink("clinician_day", days)
    tally["entries"] = chain.seq - start.seq
    tally["head_seq"] = chain.seq
    tally["head_hash"] = chain.prev  # type: ignore[assignment]
    return tally


def _name_of(who: tuple[str, str, int]) -> str:
    return who[0].rsplit(" (", 1)[0]


class _Writer:
    """Rows into one database by its plainest bulk path (executemany, or COPY)."""

    def __init__(self, url: str, sqlite_path: Path | None) -> None:
        self.sqlite = sqlite_path is not None
        if sqlite_path is not None:
            self.db: Any = sqlite3.connect(sqlite_path, isolation_level=None)
            self.db.execute("PRAGMA synchronous = OFF")
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("BEGIN IMMEDIATE")
        else:
            import psycopg

            self.db = psycopg.connect(_plain(url))

    def one(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        return self.db.execute(self._sql(sql), params).fetchone()

    def all(self, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
        return self.db.execute(self._sql(sql), params).fetchall()

    def run(self, sql: str, params: tuple[Any, ...] = ()) -> None:
        self.db.execute(self._sql(sql), params)

    def _sql(self, sql: str) -> str:
        return sql if self.sqlite else sql.replace("?", "%s")

    def rows(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        columns = {
            "audit_entry": _AUDIT_COLUMNS,
            "contact": _CONTACT_COLUMNS,
            "diversion": _DIVERSION_COLUMNS,
            "clinician_day": _DAY_COLUMNS,
        }[table]
        if self.sqlite:
            marks = ", ".join("?" * len(rows[0]))
            self.db.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",
                ([_lite(v) for v in row] for row in rows),
            )
        else:
            with self.db.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)

    def close(self) -> None:
        if self.sqlite:
            self.db.execute("COMMIT")
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            self.db.commit()
        self.db.close()


def _lite(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def _plain(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _five_years(ctx: Context, url: str, sqlite_path: Path | None) -> dict[str, int]:
    """The bulk part of the five-year practice, after the demo and its services' steps."""
    manager = _signed(ctx, "Karen Holt")
    for name, role in _MORE:
        registers.save_record(
            ctx, manager, registers.CLINICIANS, Clinician(name, role, _full_time())
        )
    partner = _signed(ctx, "Dr Asha Mistry")
    documents.generate_ready(ctx, partner)
    ctx.store.dispose()
    out = _Writer(url, sqlite_path)
    staff = out.all("SELECT id, name, role FROM staff ORDER BY id")
    by_role = {
        role: [_actor(StaffRole(role), name, i) for i, name, r in staff if r == role.value]
        for role in StaffRole
    }
    first_contact = out.one("SELECT min(day) FROM contact")[0]
    first_contact = (
        date.fromisoformat(first_contact) if isinstance(first_contact, str) else first_contact
    )
    last_day = first_contact - timedelta(days=1)
    first_day = last_day.replace(year=last_day.year - YEARS) + timedelta(days=1)
    head = out.one("SELECT seq, hash FROM audit_head WHERE id = 1")
    start = _Start(
        contact=out.one("SELECT max(id) FROM contact")[0] + 1,
        diversion=(out.one("SELECT max(id) FROM diversion")[0] or 0) + 1,
        audit_id=out.one("SELECT max(id) FROM audit_entry")[0] + 1,
        seq=head[0],
        prev_hash=head[1],
        clinician_day=out.one("SELECT max(id) FROM clinician_day")[0] + 1,
        clinicians=[tuple(r) for r in out.all("SELECT id, name FROM clinician ORDER BY id")],
        receptionists=by_role[StaffRole.RECEPTIONIST],
        partners=by_role[StaffRole.PARTNER],
        manager=by_role[StaffRole.PRACTICE_MANAGER][0],
        first_day=first_day,
        last_day=last_day,
    )
    plan_days = _plan_history(out, start)
    letters = out.all(
        "SELECT document_key, kind, title, recipient, file_name, media_type, inputs_digest,"
        " sha256, content, signed_by FROM correspondence ORDER BY id"
    )
    next_letter = [out.one("SELECT max(id) FROM correspondence")[0] + 1]

    def letter(day: date, at: datetime, chain: _Chain) -> None:
        """The plan version of the day makes its letters: a copy of each the demo made."""
        who = start.partners[0]
        for row in letters:
            reference = f"Y99042-{day:%Y%m%d}-{next_letter[0]:05d}"
            out.run(
                "INSERT INTO correspondence (id, document_key, kind, title, recipient, reference,"
                " dated, file_name, media_type, inputs_digest, sha256, content, signed_by,"
                " generated_by, generated_by_staff_id, generated_at, printed_at, printed_by,"
                " sent_on, sent_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                " ?, ?)",
                (
                    next_letter[0],
                    *row[:4],
                    reference,
                    _value(out, day),
                    *row[4:10],
                    who[0],
                    who[2],
                    _value(out, at),
                    _value(out, at + timedelta(minutes=3)),
                    who[0],
                    _value(out, day),
                    who[0],
                ),
            )
            chain.add(
                at,
                who,
                "letter.generated",
                f"Generated {row[2]} ({reference})",
                after={"reference": reference, "title": row[2], "kind": row[1]},
            )
            chain.add(at + timedelta(minutes=3), who, "letter.printed", f"Printed {reference}")
            next_letter[0] += 1

    tally = _history(start, out.rows, plan_days, letter)
    # The chain's head moves past the history: the demo's own entries stay where they are.
    out.run(
        "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1",
        (tally.pop("head_seq"), tally.pop("head_hash")),
    )
    if not out.sqlite:
        for table in ("contact", "diversion", "audit_entry", "clinician_day", "correspondence"):
            out.run(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" (SELECT max(id) FROM {table}))"
            )
        for table in ("plan_version", "plan_decision"):
            out.run(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" (SELECT max(id) FROM {table}))"
            )
    out.close()
    tally["letters"] = len(plan_days) * len(letters)
    tally["plan_versions"] = len(plan_days)
    return tally


def _value(out: _Writer, value: Any) -> Any:
    return _lite(value) if out.sqlite else value


def _plan_history(out: _Writer, start: _Start) -> list[date]:
    """Sixty approved versions, one a month over the five years, each the demo's decisions with
    the cap adopted from the first day; the demo's own versions are numbered after them."""
    versions = out.all("SELECT id, number FROM plan_version ORDER BY number")
    newest_id = versions[-1][0]
    out.run("UPDATE plan_version SET number = -number")
    out.run("UPDATE plan_version SET number = ? - number", (PLAN_VERSIONS,))
    decisions = out.all(
        "SELECT position, action_id, menu_id, title, detail_kind, choice, effective_date,"
        " end_date, details FROM plan_decision WHERE version_id = ? ORDER BY position",
        (newest_id,),
    )
    menu = out.one("SELECT menu_id FROM plan_version WHERE id = ?", (newest_id,))[0]
    version_id = out.one("SELECT max(id) FROM plan_version")[0] + 1
    decision_id = out.one("SELECT max(id) FROM plan_decision")[0] + 1
    partner, manager = start.partners[0], start.manager
    days: list[date] = []
    for number in range(1, PLAN_VERSIONS + 1):
        day = start.first_day + timedelta(days=int((number - 1) * 30.4))
        while not is_working_day(day):
            day += timedelta(days=1)
        days.append(day)
        made = _instant(day, time(18, 31))
        approved = made + timedelta(minutes=2)
        out.run(
            "INSERT INTO plan_version (id, number, menu_id, created_at, created_by,"
            " created_by_staff_id, approved_by, approved_by_staff_id, approved_at, note)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                version_id,
                number,
                menu,
                _value(out, made),
                manager[0],
                manager[2],
                partner[0],
                partner[2],
                _value(out, approved),
                f"Monthly review {number}",
            ),
        )
        for decision in decisions:
            effective = decision[6]
            if decision[4] == "contacts_cap":
                effective = _value(out, start.first_day)
            details = decision[8] if out.sqlite else json.dumps(decision[8])
            out.run(
                "INSERT INTO plan_decision (id, version_id, position, action_id, menu_id, title,"
                " detail_kind, choice, effective_date, end_date, details)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (decision_id, version_id, *decision[:6], effective, decision[7], details),
            )
            decision_id += 1
        version_id += 1
    return days


def _signed(ctx: Context, name: str) -> Actor:
    from practice_action.services import staff

    member = next(m for m in staff.list_staff(ctx) if m.name == name)
    assert member.id is not None
    return staff.sign_in(ctx, member.id, demo.DEMO_PINS[name]).actor


def build(size: str, folder: Path, url: str | None = None) -> dict[str, int]:
    """Make the practice of that size in ``folder`` (its data folder) and, with ``url``, in
    that PostgreSQL database."""
    locations = paths.resolve(folder, url)
    ctx = open_context(locations)
    demo.create_demo(ctx)
    if size == "demo":
        ctx.store.dispose()
        return {}
    return _five_years(ctx, locations.database_url, locations.sqlite_path)


# --- the cache -------------------------------------------------------------------------


def _cached_folder(size: str, backend: str) -> Path:
    return CACHE / f"{size}-{backend}-{_key(size)}"


def _log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _ensure_sqlite(size: str) -> Path:
    folder = _cached_folder(size, "sqlite")
    if (folder / "complete").exists():
        return folder
    for old in CACHE.glob(f"{size}-sqlite-*"):
        shutil.rmtree(old, ignore_errors=True)
    _log(f"building the {size} practice on SQLite once (kept in {folder})...")
    started = timer.perf_counter()
    tally = build(size, folder)
    (folder / "complete").write_text(json.dumps(tally))
    _log(f"  done in {timer.perf_counter() - started:.0f} s: {_words(tally)}")
    return folder


def _words(tally: dict[str, int]) -> str:
    return ", ".join(f"{v:,} {k}" for k, v in tally.items()) or "the demo practice"


def sqlite_copy(size: str, folder: Path) -> paths.Locations:
    """A copy of the cached practice's data folder at ``folder``, for a benchmark to change."""
    source = _ensure_sqlite(size)
    shutil.copytree(source, folder, ignore=shutil.ignore_patterns("complete", "backups"))
    return paths.resolve(folder)


def _admin(server: str) -> Any:
    import psycopg

    return psycopg.connect(_plain(server), autocommit=True)


def _ensure_postgres(size: str, server: str) -> tuple[str, Path]:
    from sqlalchemy.engine import make_url

    name = f"pa_cache_{size.replace('-', '_')}_{_key(size)}"
    folder = _cached_folder(size, "postgres")
    with _admin(server) as db:
        exists = db.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and (folder / "complete").exists():
            return name, folder
        prefix = f"pa_cache_{size.replace('-', '_')}_"
        for (old,) in db.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", (prefix + "%",)
        ).fetchall():
            db.execute(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')
    for stale in CACHE.glob(f"{size}-postgres-*"):  # the data folders of those databases
        shutil.rmtree(stale, ignore_errors=True)
    shutil.rmtree(folder, ignore_errors=True)
    _log(f"building the {size} practice on PostgreSQL once (database {name})...")
    started = timer.perf_counter()
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    tally = build(size, folder, url)
    (folder / "complete").write_text(json.dumps(tally))
    _log(f"  done in {timer.perf_counter() - started:.0f} s: {_words(tally)}")
    return name, folder


def postgres_copy(
    size: str, server: str, folder: Path
) -> tuple[paths.Locations, Callable[[], None]]:
    """A clone of the cached practice's database (and its data folder at ``folder``), and a
    function that drops the clone."""
    from sqlalchemy.engine import make_url

    template, source = _ensure_postgres(size, server)
    name = f"pa_bench_{uuid.uuid4().hex[:10]}"
    with _admin(server) as db:
        db.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
    shutil.copytree(source, folder, ignore=shutil.ignore_patterns("complete", "backups"))

    def drop() -> None:
        with _admin(server) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    return paths.resolve(folder, url), drop


def cached(size: str, server: str | None = None) -> paths.Locations:
    """The cached practice itself (SQLite, or with ``server`` its PostgreSQL database), for a
    benchmark that only reads."""
    if server is None:
        return paths.resolve(_ensure_sqlite(size))
    from sqlalchemy.engine import make_url

    name, folder = _ensure_postgres(size, server)
    return paths.resolve(
        folder, make_url(server).set(database=name).render_as_string(hide_password=False)
    )


def table(heading: str, lines: list[str]) -> int:
    """A benchmark's closing table (its heading, then a line for each figure); 0 to exit."""
    print(f"\n{heading}", *lines, sep="\n")
    return 0


def postgres_server(given: str | None = None) -> str | None:
    return given or os.environ.get("PRACTICE_ACTION_TEST_POSTGRES_URL")


def facts(locations: paths.Locations) -> str:
    """How big the practice is, in a line: clinicians, contacts, audit entries, file size."""
    from sqlalchemy import text

    ctx = open_context(locations, migrate_now=False)
    with ctx.store.read() as session:
        clinicians, contacts, entries = session.execute(
            text(
                "SELECT (SELECT count(*) FROM clinician), (SELECT count(*) FROM contact),"
                " (SELECT count(*) FROM audit_entry)"
            )
        ).one()
    ctx.store.dispose()
    size = ""
    if locations.sqlite_path is not None:
        size = f", {locations.sqlite_path.stat().st_size / 1e6:,.0f} MB"
    return f"{clinicians} clinicians, {contacts:,} contacts, {entries:,} audit entries{size}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    add_size_argument(parser)
    parser.add_argument("--postgres", default=postgres_server())
    parser.add_argument("--verify", action="store_true", help="check the chain of each one")
    args = parser.parse_args()
    for size in sizes(args.size):
        folder = _ensure_sqlite(size)
        locations = paths.resolve(folder)
        print(f"{size} (SQLite): {facts(locations)}")
        if args.verify:
            _verify(locations)
        if args.postgres:
            name, pg_folder = _ensure_postgres(size, args.postgres)
            from sqlalchemy.engine import make_url

            url = make_url(args.postgres).set(database=name).render_as_string(hide_password=False)
            pg = paths.resolve(pg_folder, url)
            print(f"{size} (PostgreSQL): {facts(pg)}")
            if args.verify:
                _verify(pg)
    return 0


def _verify(locations: paths.Locations) -> None:
    ctx = open_context(locations, migrate_now=False)
    started = timer.perf_counter()
    found = audit.verify(ctx)
    print(f"  audit verify: {found.headline} ({timer.perf_counter() - started:.1f} s)")
    ctx.store.dispose()


if __name__ == "__main__":
    sys.exit(main())
