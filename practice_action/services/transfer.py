"""Export and import of the practice's whole set-up as a documented, versioned JSON file.

The format is described field by field in ``docs/export-format.md``. Import reads the whole
file and checks every part of it (JSON syntax, format name and version, each field's type,
each record with the domain validators, unknown values and duplicates) before it changes
anything; every fault is reported at once, keyed by where it is in the file, e.g.
``clinicians[3].role``.

Import fills an EMPTY database only. Rows of a set-up that is already in use are referred
to by its history (contacts, letters, the audit trail), so replacing them would rewrite that
history and merging by name would be a guess; a practice that wants to start again from a
file uses a new data folder. The practice row is created by the import itself, acting as
whoever runs it (the operating-system user at the command line). PINs never leave the app:
each imported account gets a temporary PIN, shown once in the import summary, which its owner
changes after signing in.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from practice_action.documents.files import refuse_practice_files
from practice_action.domain import menu as menus
from practice_action.domain import records
from practice_action.domain.calendar import local_today
from practice_action.domain.enums import (
    ClinicianRole,
    DpiaStatus,
    DsaPurpose,
    RecipientKind,
    Requirement,
    ServiceBasis,
    ServiceKind,
    Session,
    StaffRole,
    Weekday,
)
from practice_action.domain.errors import (
    ConflictError,
    NotFound,
    PracticeActionError,
    ValidationError,
)
from practice_action.domain.names import name_key
from practice_action.domain.records import (
    Clinician,
    DataSharingAgreement,
    DayHours,
    LocalService,
    PostalAddress,
    PracticeProfile,
    StaffMember,
    VoluntaryService,
)
from practice_action.domain.words import plural
from practice_action.paths import cannot_write
from practice_action.services import audit, convert, plan, registers, staff
from practice_action.services.context import Actor, Context
from practice_action.services.health import leave_marker
from practice_action.services.permissions import Permission, require
from practice_action.store.models import Practice, StaffRow
from practice_action.store.plan_models import AddedMenuRow

FORMAT_NAME = "practice-action-setup"
FORMAT_VERSION = 2  # 2: the menu files the practice added (added_menus)

TOP_LEVEL_KEYS_V1 = (
    "format",
    "version",
    "exported_at",
    "practice",
    "clinicians",
    "local_services",
    "voluntary_services",
    "data_sharing_agreements",
    "staff",
)
TOP_LEVEL_KEYS = (*TOP_LEVEL_KEYS_V1, "added_menus")
MENU_KEYS = ("file_name", "content", "added_at", "added_by")

E = TypeVar("E", bound=Enum)


# ---------------------------------------------------------------------------------------------
# Export: records to plain JSON data
# ---------------------------------------------------------------------------------------------


def _lines(text: str) -> list[str]:
    return text.split("\n") if text else []


def _address_json(address: PostalAddress) -> dict[str, Any]:
    return {
        "name": address.name,
        "address": _lines(address.address),
        "postcode": address.postcode,
    }


def _profile_json(profile: PracticeProfile) -> dict[str, Any]:
    return {
        "name": profile.name,
        "ods_code": profile.ods_code,
        "address": _lines(profile.address),
        "postcode": profile.postcode,
        "phone": profile.phone,
        "email": profile.email,
        "website": profile.website,
        "list_size": profile.list_size,
        "opening_hours": convert.hours_to_json(profile.opening_hours),
        "icb": _address_json(profile.icb),
        "lmc": _address_json(profile.lmc),
        "idle_lock_minutes": profile.idle_lock_minutes,
    }


def _clinician_json(c: Clinician) -> dict[str, Any]:
    return {
        "name": c.name,
        "role": c.role.value,
        "sessions": [
            f"{day.value}-{part.value}"
            for day in Weekday
            for part in Session
            if (day, part) in c.sessions
        ],
        "active": c.active,
    }


def _local_service_json(s: LocalService) -> dict[str, Any]:
    return {
        "name": s.name,
        "kind": s.kind.value,
        "address": _lines(s.address),
        "postcode": s.postcode,
        "phone": s.phone,
        "hours": s.hours,
        "active": s.active,
    }


def _voluntary_json(s: VoluntaryService) -> dict[str, Any]:
    return {
        "name": s.name,
        "commissioner": _address_json(s.commissioner),
        "notice_days": s.notice_days,
        "notes": s.notes,
        "active": s.active,
        "commissioner_kind": s.commissioner_kind.value,
        "basis": s.basis.value,
        "termination_clause": s.termination_clause,
        "patient_name": s.patient_name,
        "instead": s.instead,
        "instead_phone": s.instead_phone,
    }


def _dsa_json(a: DataSharingAgreement) -> dict[str, Any]:
    return {
        "name": a.name,
        "party": _address_json(a.party),
        "purpose": a.purpose.value,
        "signed_on": a.signed_on.isoformat() if a.signed_on else None,
        "active": a.active,
        "party_kind": a.party_kind.value,
        "purpose_text": a.purpose_text,
        "lawful_basis": a.lawful_basis,
        "dpia": a.dpia.value,
        "required_by": a.required_by.value,
    }


def _staff_json(m: StaffMember) -> dict[str, Any]:
    return {"name": m.name, "role": m.role.value, "active": m.active}


def _stamp_json(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _menus_json(session: DbSession) -> list[dict[str, Any]]:
    """The menu files the practice added and has not removed, oldest first (a file that
    extends another added one comes after it), each as it was given."""
    rows = session.execute(
        select(AddedMenuRow).where(AddedMenuRow.active.is_(True)).order_by(AddedMenuRow.id)
    ).scalars()
    return [
        {
            "file_name": row.file_name,
            "content": row.content,
            "added_at": _stamp_json(row.added_at),
            "added_by": row.added_by,
        }
        for row in rows
    ]


def _gather(session: DbSession, ctx: Context) -> dict[str, Any]:
    practice = session.get(Practice, 1)
    if practice is None:
        raise NotFound(
            "There is nothing to export: this database has no practice yet. Set the practice "
            "up first (start Practice Action), or choose the right data folder with --data-dir."
        )

    def rows(register: registers.Register[Any]) -> list[Any]:
        query = select(register.row_type).order_by(register.row_type.name, register.row_type.id)
        return [register.from_row(row) for row in session.execute(query).scalars()]

    staff_rows = session.execute(select(StaffRow).order_by(StaffRow.name, StaffRow.id)).scalars()
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "exported_at": _stamp_json(ctx.clock()),
        "practice": _profile_json(convert.profile_from_row(practice)),
        "clinicians": [_clinician_json(c) for c in rows(registers.CLINICIANS)],
        "local_services": [_local_service_json(s) for s in rows(registers.LOCAL_SERVICES)],
        "voluntary_services": [_voluntary_json(s) for s in rows(registers.VOLUNTARY_SERVICES)],
        "data_sharing_agreements": [_dsa_json(a) for a in rows(registers.AGREEMENTS)],
        "staff": [_staff_json(convert.staff_from_row(r)) for r in staff_rows],
        "added_menus": _menus_json(session),
    }


def count_records(data: dict[str, Any]) -> int:
    """The practice itself plus every register entry, staff account and added menu file in an
    export."""
    lists = ("clinicians", "local_services", "voluntary_services", "data_sharing_agreements")
    return (
        1
        + sum(len(data[key]) for key in lists)
        + len(data["staff"])
        + len(data.get("added_menus", []))
    )


def export_data(ctx: Context, actor: Actor) -> dict[str, Any]:
    """The whole set-up as JSON-ready data (nothing is written, so nothing is audited)."""
    require(actor, Permission.EDIT_SETUP)
    with ctx.store.read() as session:
        return _gather(session, ctx)


def export_to_file(ctx: Context, actor: Actor, path: Path | str) -> int:
    """Write the set-up to ``path`` and record the export in the audit trail.

    The file is written under a temporary name beside the target and renamed into place, so a
    crash never leaves half a file; the audit entry commits only if the file was written.
    """
    require(actor, Permission.EDIT_SETUP)
    target = Path(path).expanduser()
    with ctx.store.write() as session:
        data = _gather(session, ctx)
        count = count_records(data)
        _write_atomically(target, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        audit.append(
            session,
            ctx,
            actor,
            "setup.export",
            f"Exported the practice set-up ({plural(count, 'record')}) to {target.name}",
            after={"file": str(target), "records": count},
        )
    return count


def _write_atomically(target: Path, text: str) -> None:
    refuse_practice_files(target)
    if target.is_dir():
        raise PracticeActionError(f"{target} is a folder: give a file name, e.g. set-up.json.")
    if not target.parent.is_dir():
        raise PracticeActionError(
            f"The folder {target.parent} does not exist: create it or choose another place."
        )
    try:
        fd, temp_name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
        )
    except OSError as error:
        raise cannot_write(target.parent, error, "The set-up file") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, target)
    except OSError as error:
        Path(temp_name).unlink(missing_ok=True)
        raise cannot_write(target.parent, error, "The set-up file") from None
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------------------------------------
# Import: reading and checking, with every fault named by its place in the file
# ---------------------------------------------------------------------------------------------

_TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
_SESSION_KEY = re.compile(r"^([a-z]{3})-(am|pm)$")
_ADDRESS_PARTS = ("icb", "lmc", "commissioner", "party")
_MISSING = object()


def _choices(enum: type[Enum]) -> str:
    return ", ".join(str(m.value) for m in enum)  # type: ignore[attr-defined]


class _Reader:
    """Reads fields out of the parsed JSON, noting each fault under its path."""

    def __init__(self) -> None:
        self.faults: dict[str, str] = {}

    def fault(self, path: str, message: str) -> None:
        self.faults.setdefault(path, message)

    def obj(self, value: Any, path: str, allowed: tuple[str, ...]) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.fault(path, f"must be an object {{...}}, not {_json_kind(value)}.")
            return None
        for key in value:
            if key not in allowed:
                self.fault(
                    f"{path}.{key}",
                    f"is not a field this format knows; the fields here are {', '.join(allowed)}.",
                )
        return value

    def get(self, obj: dict[str, Any], key: str, path: str, required: bool, what: str) -> Any:
        if key in obj:
            return obj[key]
        if required:
            self.fault(f"{path}.{key}", f"is missing: add the {what}.")
        return _MISSING

    def text(
        self, obj: dict[str, Any], key: str, path: str, *, required: bool = True, what: str = ""
    ) -> str:
        value = self.get(obj, key, path, required, what or key.replace("_", " "))
        if value is _MISSING:
            return ""
        if not isinstance(value, str):
            self.fault(f"{path}.{key}", f"must be text in double quotes, not {_json_kind(value)}.")
            return ""
        return value

    def lines(self, obj: dict[str, Any], key: str, path: str, *, required: bool = True) -> str:
        value = self.get(obj, key, path, required, "address lines")
        if value is _MISSING:
            return ""
        if isinstance(value, str):
            return value
        if not isinstance(value, list) or not all(isinstance(line, str) for line in value):
            self.fault(
                f"{path}.{key}",
                'must be a list of text lines, e.g. ["12 High Street", "Leicester"].',
            )
            return ""
        return "\n".join(value)

    def integer(self, obj: dict[str, Any], key: str, path: str, *, what: str) -> int | None:
        value = self.get(obj, key, path, True, what)
        if value is _MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fault(f"{path}.{key}", f"must be a whole number, not {_json_kind(value)}.")
            return None
        return value

    def flag(self, obj: dict[str, Any], key: str, path: str) -> bool:
        value = obj.get(key, True)
        if not isinstance(value, bool):
            self.fault(f"{path}.{key}", f"must be true or false, not {_json_kind(value)}.")
            return True
        return value

    def optional_choice(self, obj: dict[str, Any], key: str, path: str, default: E) -> E:
        """A choice a file from an earlier version may leave out: then ``default``."""
        if key not in obj:
            return default
        return self.choice(obj, key, path, type(default)) or default

    def choice(self, obj: dict[str, Any], key: str, path: str, enum: type[E]) -> E | None:
        value = self.get(obj, key, path, True, key)
        if value is _MISSING:
            return None
        try:
            return enum(value)
        except (ValueError, TypeError):
            self.fault(f"{path}.{key}", f"{value!r} is not one of {_choices(enum)}.")
            return None

    def address(self, obj: dict[str, Any], key: str, path: str) -> PostalAddress:
        where = f"{path}.{key}"
        value = self.get(obj, key, path, True, "name, address and postcode")
        if value is _MISSING:
            return PostalAddress("", "", "")
        found = self.obj(value, where, ("name", "address", "postcode"))
        if found is None:
            return PostalAddress("", "", "")
        return PostalAddress(
            self.text(found, "name", where),
            self.lines(found, "address", where),
            self.text(found, "postcode", where),
        )

    def checked(
        self, path: str, validate: Callable[[Any], Any], record: Any, *, skip: tuple[str, ...] = ()
    ) -> Any:
        """Run a domain validator and file its problems under this record's path."""
        try:
            return validate(record)
        except ValidationError as error:
            for field, message in error.problems.items():
                if field not in skip:
                    self.fault(_field_path(path, field), message)
            return None


def _field_path(path: str, field: str) -> str:
    """``icb_postcode`` (a validator's field) is ``practice.icb.postcode`` in the file."""
    for part in _ADDRESS_PARTS:
        if field.startswith(f"{part}_"):
            return f"{path}.{part}.{field[len(part) + 1 :]}"
    return f"{path}.{field}"


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _read_hours(r: _Reader, obj: dict[str, Any], path: str) -> tuple[DayHours, ...]:
    where = f"{path}.opening_hours"
    value = obj.get("opening_hours", _MISSING)
    if value is _MISSING:
        return records.default_opening_hours()
    if not isinstance(value, list):
        r.fault(where, 'must be a list like [{"day": "mon", "opens": "08:00", "closes": "18:30"}].')
        return ()
    hours = []
    for i, item in enumerate(value):
        at = f"{where}[{i}]"
        entry = r.obj(item, at, ("day", "opens", "closes"))
        if entry is None:
            continue
        day = r.choice(entry, "day", at, Weekday)
        times = []
        for key in ("opens", "closes"):
            text = r.text(entry, key, at, what="time as HH:MM")
            if text and not _TIME.match(text):
                r.fault(f"{at}.{key}", f"{text!r} is not a time: write it as HH:MM, e.g. 08:00.")
            times.append(time.fromisoformat(text) if _TIME.match(text) else None)
        opens, closes = times
        if day is None or opens is None or closes is None:
            continue
        if closes <= opens:
            r.fault(f"{at}.closes", f"closing time {closes:%H:%M} must be after {opens:%H:%M}.")
            continue
        hours.append(DayHours(day, opens, closes))
    return tuple(hours)


PROFILE_KEYS = (
    "name",
    "ods_code",
    "address",
    "postcode",
    "phone",
    "email",
    "website",
    "list_size",
    "opening_hours",
    "icb",
    "lmc",
    "idle_lock_minutes",
)


def _read_profile(r: _Reader, value: Any) -> PracticeProfile | None:
    path = "practice"
    obj = r.obj(value, path, PROFILE_KEYS)
    if obj is None:
        return None
    hours = _read_hours(r, obj, path)
    idle = obj.get("idle_lock_minutes", 5)
    if isinstance(idle, bool) or not isinstance(idle, int):
        r.fault(f"{path}.idle_lock_minutes", f"must be a whole number, not {_json_kind(idle)}.")
        idle = 5
    profile = PracticeProfile(
        name=r.text(obj, "name", path, what="practice's name"),
        ods_code=r.text(obj, "ods_code", path, what="practice's ODS code, e.g. C82040"),
        address=r.lines(obj, "address", path),
        postcode=r.text(obj, "postcode", path),
        phone=r.text(obj, "phone", path),
        email=r.text(obj, "email", path),
        website=r.text(obj, "website", path, required=False),
        list_size=r.integer(obj, "list_size", path, what="registered list size") or 0,
        opening_hours=hours,
        icb=r.address(obj, "icb", path),
        lmc=r.address(obj, "lmc", path),
        idle_lock_minutes=idle,
    )
    # Faults in single opening-hours entries are already filed under their own index.
    skip = (
        ("opening_hours",) if any(k.startswith(f"{path}.opening_hours[") for k in r.faults) else ()
    )
    return r.checked(path, records.validate_profile, profile, skip=skip)


def _read_sessions(
    r: _Reader, obj: dict[str, Any], path: str
) -> frozenset[tuple[Weekday, Session]]:
    value = obj.get("sessions", [])
    if not isinstance(value, list):
        r.fault(f"{path}.sessions", 'must be a list like ["mon-am", "mon-pm", "tue-am"].')
        return frozenset()
    found = set()
    for i, key in enumerate(value):
        match = _SESSION_KEY.match(key) if isinstance(key, str) else None
        day = match.group(1) if match else ""
        if match is None or day not in {d.value for d in Weekday}:
            r.fault(
                f"{path}.sessions[{i}]",
                f"{key!r} is not a session: write the day and am or pm, e.g. mon-am or fri-pm.",
            )
            continue
        found.add((Weekday(day), Session(match.group(2))))
    return frozenset(found)


def _read_clinician(r: _Reader, value: Any, path: str) -> Clinician | None:
    obj = r.obj(value, path, ("name", "role", "sessions", "active"))
    if obj is None:
        return None
    clinician = Clinician(
        name=r.text(obj, "name", path, what="clinician's name"),
        role=r.choice(obj, "role", path, ClinicianRole),  # type: ignore[arg-type]
        sessions=_read_sessions(r, obj, path),
        active=r.flag(obj, "active", path),
    )
    return r.checked(path, records.validate_clinician, clinician)


def _read_local_service(r: _Reader, value: Any, path: str) -> LocalService | None:
    keys = ("name", "kind", "address", "postcode", "phone", "hours", "active")
    obj = r.obj(value, path, keys)
    if obj is None:
        return None
    service = LocalService(
        name=r.text(obj, "name", path, what="service's name"),
        kind=r.choice(obj, "kind", path, ServiceKind),  # type: ignore[arg-type]
        address=r.lines(obj, "address", path, required=False),
        postcode=r.text(obj, "postcode", path, required=False),
        phone=r.text(obj, "phone", path, required=False),
        hours=r.text(obj, "hours", path, required=False),
        active=r.flag(obj, "active", path),
    )
    return r.checked(path, records.validate_local_service, service)


def _read_voluntary(r: _Reader, value: Any, path: str) -> VoluntaryService | None:
    texts = ("termination_clause", "patient_name", "instead", "instead_phone")
    keys = ("name", "commissioner", "notice_days", "notes", "active", "commissioner_kind", "basis")
    obj = r.obj(value, path, (*keys, *texts))
    if obj is None:
        return None
    notice = r.integer(obj, "notice_days", path, what="notice period in days")
    service = VoluntaryService(
        name=r.text(obj, "name", path, what="service's name"),
        commissioner=r.address(obj, "commissioner", path),
        notice_days=0 if notice is None else notice,
        notes=r.text(obj, "notes", path, required=False),
        active=r.flag(obj, "active", path),
        commissioner_kind=r.optional_choice(
            obj, "commissioner_kind", path, RecipientKind.COMMISSIONER
        ),
        basis=r.optional_choice(obj, "basis", path, ServiceBasis.NO_AGREEMENT),
        **{key: r.text(obj, key, path, required=False) for key in texts},
    )
    return r.checked(path, records.validate_voluntary_service, service)


def _read_dsa(r: _Reader, value: Any, path: str, today: date) -> DataSharingAgreement | None:
    keys = ("name", "party", "purpose", "signed_on", "active", "party_kind", "dpia")
    obj = r.obj(value, path, (*keys, "purpose_text", "lawful_basis", "required_by"))
    if obj is None:
        return None
    signed = obj.get("signed_on")
    signed_on = None
    if signed is not None:
        try:
            if not isinstance(signed, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", signed):
                raise ValueError
            signed_on = date.fromisoformat(signed)
        except ValueError:
            r.fault(
                f"{path}.signed_on",
                f"{signed!r} is not a date: write it as YYYY-MM-DD, e.g. 2023-04-01, or null.",
            )
    agreement = DataSharingAgreement(
        name=r.text(obj, "name", path, what="agreement's name"),
        party=r.address(obj, "party", path),
        purpose=r.choice(obj, "purpose", path, DsaPurpose),  # type: ignore[arg-type]
        signed_on=signed_on,
        active=r.flag(obj, "active", path),
        party_kind=r.optional_choice(obj, "party_kind", path, RecipientKind.DATA_CONTROLLER),
        purpose_text=r.text(obj, "purpose_text", path, required=False),
        lawful_basis=r.text(obj, "lawful_basis", path, required=False),
        dpia=r.optional_choice(obj, "dpia", path, DpiaStatus.NOT_KNOWN),
        required_by=r.optional_choice(obj, "required_by", path, Requirement.VOLUNTARY),
    )
    return r.checked(path, lambda a: records.validate_dsa(a, today), agreement)


def _read_staff(r: _Reader, value: Any, path: str) -> StaffMember | None:
    obj = r.obj(value, path, ("name", "role", "active"))
    if obj is None:
        return None
    member = StaffMember(
        name=r.text(obj, "name", path, what="person's name"),
        role=r.choice(obj, "role", path, StaffRole),  # type: ignore[arg-type]
        active=r.flag(obj, "active", path),
    )
    return r.checked(path, records.validate_staff, member)


@dataclass(frozen=True)
class MenuFile:
    """An added menu file from a set-up file, checked as ``menu add`` checks one."""

    file_name: str
    content: str
    menu_id: str
    title: str
    actions: int
    added_at: datetime | None  # None: not given, so the time of the import
    added_by: str  # "": not given, so whoever imports


_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def _list_at(r: _Reader, data: dict[str, Any], key: str, when_empty: str) -> list[Any]:
    """The list under ``key``, or [] with the fault noted when it is missing or not a list."""
    value = data.get(key, _MISSING)
    if value is _MISSING:
        r.fault(key, f"is missing: add it as a list, {when_empty}.")
        return []
    if not isinstance(value, list):
        r.fault(key, f"must be a list [...], not {_json_kind(value)}.")
        return []
    return value


def _read_menus(r: _Reader, data: dict[str, Any], version: int) -> list[MenuFile]:
    """``added_menus``: each file read and checked in the order given, beside the shipped
    menus and the files before it, with the messages ``menu add`` gives. A version 1 file has
    none."""
    key = "added_menus"
    if version < 2:
        return []
    value = _list_at(r, data, key, "[] when the practice added no menu file")
    present = list(plan.shipped_menus())
    out = []
    for i, item in enumerate(value):
        path = f"{key}[{i}]"
        obj = r.obj(item, path, MENU_KEYS)
        if obj is None:
            continue
        name = r.text(obj, "file_name", path, what="menu file's name, e.g. bma-2026-07.toml")
        content = r.text(obj, "content", path, what="menu file's text")
        stamp = r.text(obj, "added_at", path, required=False)
        added_by = r.text(obj, "added_by", path, required=False)
        added_at = None
        if stamp and not _STAMP.match(stamp):
            r.fault(
                f"{path}.added_at",
                f'{stamp!r} is not a time in UTC: write it as "2026-07-01T09:00:00Z", or leave '
                "it out.",
            )
        elif stamp:
            added_at = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        if len(added_by) > 200:
            r.fault(f"{path}.added_by", "is longer than 200 characters.")
        if Path(name).name != name or not name.strip():
            r.fault(
                f"{path}.file_name",
                f"{name!r} is not a file name: give the name alone, e.g. bma-2026-07.toml.",
            )
            continue
        if not content:
            if "content" in obj:
                r.fault(f"{path}.content", "is empty: give the menu file's text.")
            continue
        try:
            menu = plan.checked_menu_file(name, content.encode("utf-8"), present)
        except menus.MenuError as error:
            r.fault(
                f"{path}.content",
                f"{error}. Put it right in the file's text here, or leave this entry out and "
                "add a corrected menu file after the import (practice-action menu add).",
            )
            continue
        present.append(menu)
        out.append(
            MenuFile(name, content, menu.id, menu.title, len(menu.actions), added_at, added_by)
        )
    return out


@dataclass(frozen=True)
class SetUp:
    """A checked set-up, ready to be written."""

    profile: PracticeProfile
    clinicians: tuple[Clinician, ...]
    local_services: tuple[LocalService, ...]
    voluntary_services: tuple[VoluntaryService, ...]
    agreements: tuple[DataSharingAgreement, ...]
    staff: tuple[StaffMember, ...]
    exported_at: str
    menus: tuple[MenuFile, ...] = ()


def _read_list(
    r: _Reader, data: dict[str, Any], key: str, read: Callable[[Any, str], Any]
) -> list[Any]:
    value = _list_at(r, data, key, "[] when there are none")
    out = []
    seen: dict[str, int] = {}
    for i, item in enumerate(value):
        path = f"{key}[{i}]"
        record = read(item, path)
        if record is None:
            continue
        if not record.active:
            # The registers keep a retired entry beside a current one of the same name (a
            # locum who came back), so the app's own export holds such pairs.
            out.append(record)
            continue
        folded = name_key(record.name)
        if folded in seen:
            r.fault(
                f"{path}.name",
                f"{record.name!r} appears twice (also {key}[{seen[folded]}]): "
                "remove one or tell them apart.",
            )
            continue
        seen[folded] = i
        out.append(record)
    return out


def check_data(data: Any, today: date) -> SetUp:
    """Check a parsed file from top to bottom; raise one ValidationError listing every fault."""
    r = _Reader()
    if not isinstance(data, dict):
        raise ValidationError(
            {"(file)": f"must hold one JSON object {{...}}, not {_json_kind(data)}."}
        )
    fmt = data.get("format")
    if fmt != FORMAT_NAME:
        raise ValidationError(
            {
                "format": f"is {fmt!r}, but a Practice Action set-up file says "
                f"{FORMAT_NAME!r}: this is not a set-up file exported by Practice Action."
            }
        )
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValidationError(
            {"version": f"must be a whole number from 1, not {_json_kind(version)}."}
        )
    if version > FORMAT_VERSION:
        raise ValidationError(
            {
                "version": f"this file is format version {version}, written by a newer Practice "
                f"Action; this copy reads versions up to {FORMAT_VERSION}. Install the newer "
                "version of Practice Action, then import the file again."
            }
        )
    r.obj(data, "(file)", TOP_LEVEL_KEYS if version >= 2 else TOP_LEVEL_KEYS_V1)
    for key in list(r.faults):  # unknown top-level fields are named without the "(file)." part
        if key.startswith("(file)."):
            r.faults[key.removeprefix("(file).")] = r.faults.pop(key)
    if version < 2 and "added_menus" in data:
        r.faults["added_menus"] = (
            "is not in version 1 of the format: a file that carries added menu files says "
            '"version": 2.'
        )
    exported_at = data.get("exported_at", "")
    if not isinstance(exported_at, str):
        r.fault(
            "exported_at",
            f'must be text such as "2025-01-31T09:00:00Z", not {_json_kind(exported_at)}.',
        )
        exported_at = ""

    profile = None
    if "practice" not in data:
        r.fault("practice", "is missing: add the practice's details.")
    else:
        profile = _read_profile(r, data["practice"])
    clinicians = _read_list(r, data, "clinicians", lambda v, p: _read_clinician(r, v, p))
    local = _read_list(r, data, "local_services", lambda v, p: _read_local_service(r, v, p))
    voluntary = _read_list(r, data, "voluntary_services", lambda v, p: _read_voluntary(r, v, p))
    agreements = _read_list(
        r, data, "data_sharing_agreements", lambda v, p: _read_dsa(r, v, p, today)
    )
    people = _read_list(r, data, "staff", lambda v, p: _read_staff(r, v, p))
    added = _read_menus(r, data, version)
    if isinstance(data.get("staff"), list) and not any(
        m.active and m.role in (StaffRole.PRACTICE_MANAGER, StaffRole.PARTNER) for m in people
    ):
        r.fault(
            "staff",
            "needs at least one active practice manager or partner, or nobody could change "
            "the set-up after the import.",
        )
    if r.faults or profile is None:
        raise ValidationError(r.faults or {"practice": "is not a valid practice."})
    return SetUp(
        profile,
        tuple(clinicians),
        tuple(local),
        tuple(voluntary),
        tuple(agreements),
        tuple(people),
        exported_at,
        tuple(added),
    )


# The shape a set-up file can have: anything beyond it is refused before it is read into
# records (a damaged or hostile file must not exhaust memory or the stack).
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 8  # file > list > record > address or sessions > lines: 5 deep at most today
MAX_RECORDS = {
    "clinicians": 500,
    "staff": 300,
    "local_services": 500,
    "voluntary_services": 500,
    "data_sharing_agreements": 500,
    "added_menus": 200,
}
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _check_depth(text: str) -> None:
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, match.start()) + 1
                raise ValidationError(
                    {
                        f"line {line}": f"the file is nested more than {MAX_DEPTH} levels deep, "
                        "which no set-up file is: it is damaged or not a set-up file. Export "
                        "it again from Practice Action."
                    }
                )
        elif token in "]}":
            depth -= 1


def _check_counts(data: Any) -> None:
    if not isinstance(data, dict):
        return
    over = {
        key: f"holds {len(data[key]):,} entries; a practice has at most {limit:,}. The file is "
        "damaged or not this practice's set-up: export it again from Practice Action."
        for key, limit in MAX_RECORDS.items()
        if isinstance(data.get(key), list) and len(data[key]) > limit
    }
    if over:
        raise ValidationError(over)


def parse_text(text: str) -> Any:
    """The parsed file, once its size, nesting and number of records fit a set-up file."""
    if len(text) > MAX_FILE_BYTES:
        raise ValidationError({"(file)": _too_big(len(text))})
    _check_depth(text)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValidationError(
            {
                f"line {error.lineno}, column {error.colno}": f"the file is not valid JSON "
                f"({error.msg}). Fix the file there, or export it again from Practice Action."
            }
        ) from None
    _check_counts(data)
    return data


def _too_big(size: int) -> str:
    return (
        f"the file is {size / 1024 / 1024:.1f} MB; a set-up file is far smaller (at most "
        f"{MAX_FILE_BYTES // 1024 // 1024} MB). It is damaged or not a set-up file: export it "
        "again from Practice Action."
    )


def read_file(path: Path | str) -> Any:
    source = Path(path).expanduser()
    try:
        if source.is_file() and source.stat().st_size > MAX_FILE_BYTES:
            raise ValidationError({"(file)": _too_big(source.stat().st_size)})
        raw = source.read_bytes()
    except FileNotFoundError:
        raise NotFound(f"There is no file at {source}: check the name and folder.") from None
    except IsADirectoryError:
        raise PracticeActionError(f"{source} is a folder: give the set-up file itself.") from None
    except OSError as error:
        raise PracticeActionError(f"The file {source} cannot be read: {error.strerror}.") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            {
                f"byte {error.start}": "the file is not UTF-8 text: it may be damaged, or not "
                "a set-up file. Export it again from Practice Action."
            }
        ) from None
    return parse_text(text)


# ---------------------------------------------------------------------------------------------
# Import: writing
# ---------------------------------------------------------------------------------------------


def temporary_pin() -> str:
    """A random six-digit PIN that passes the PIN rules."""
    while True:
        pin = f"{secrets.randbelow(1_000_000):06d}"
        try:
            return records.check_pin(pin)
        except ValueError:
            continue


def _refuse_if_in_use(session: DbSession) -> None:
    practice = session.get(Practice, 1)
    if practice is not None:
        raise ConflictError(
            f"This database already holds a practice ({practice.name}, {practice.ods_code}), "
            "so nothing was imported: import fills an empty database only, and never replaces "
            "a set-up that is in use. To start from this file, import it into a new data "
            "folder (practice-action --data-dir NEW_FOLDER import FILE)."
        )
    in_use = [
        register.singular
        for register in registers.ALL_REGISTERS
        if session.execute(select(func.count()).select_from(register.row_type)).scalar_one()
    ]
    if session.execute(select(func.count()).select_from(StaffRow)).scalar_one():
        in_use.append("staff account")
    if session.execute(select(func.count()).select_from(AddedMenuRow)).scalar_one():
        in_use.append("added menu file")
    if in_use:
        raise ConflictError(
            f"This database is not empty (it holds {', '.join(in_use)} records), so nothing was "
            "imported. Import into a new data folder instead."
        )


def import_data(ctx: Context, actor: Actor, data: Any, *, source: str = "") -> str:
    """Check ``data`` (a parsed set-up file) whole, then create the practice from it."""
    require(actor, Permission.EDIT_SETUP)
    with ctx.store.read() as session:
        _refuse_if_in_use(session)
    setup = check_data(data, local_today(ctx.clock))
    pins: list[tuple[StaffMember, str]] = []
    with ctx.store.write() as session:
        _refuse_if_in_use(session)  # again, inside the transaction: another desk may have won
        row = Practice(id=1, updated_at=ctx.clock().astimezone(UTC))
        convert.profile_to_row(setup.profile, row)
        session.add(row)
        audit.append(
            session,
            ctx,
            actor,
            "practice.import",
            f"Imported practice {setup.profile.name} ({setup.profile.ods_code})",
            after=convert.plain(setup.profile),
        )
        for register, items in (
            (registers.CLINICIANS, setup.clinicians),
            (registers.LOCAL_SERVICES, setup.local_services),
            (registers.VOLUNTARY_SERVICES, setup.voluntary_services),
            (registers.AGREEMENTS, setup.agreements),
        ):
            for item in items:
                new_row = register.row_type()
                register.to_row(item, new_row)
                session.add(new_row)
                session.flush()
                saved = register.from_row(new_row)
                audit.append(
                    session,
                    ctx,
                    actor,
                    f"{register.key}.import",
                    f"Imported {register.singular} {saved.name}",
                    after=convert.plain(saved),
                )
        for member in setup.staff:
            pin = temporary_pin()
            staff_row = staff.add_staff_row(session, member, pin)
            staff_row.active = member.active
            session.flush()
            saved_member = convert.staff_from_row(staff_row)
            audit.append(
                session,
                ctx,
                actor,
                "staff.import",
                f"Imported staff account {saved_member.name} ({saved_member.role.label}) "
                "with a temporary PIN",
                after=convert.plain(saved_member),
            )
            if member.active:
                pins.append((saved_member, pin))
        now = ctx.clock().astimezone(UTC)
        for menu_file in setup.menus:
            session.add(
                AddedMenuRow(
                    menu_id=menu_file.menu_id,
                    file_name=menu_file.file_name,
                    content=menu_file.content,
                    sha256=hashlib.sha256(menu_file.content.encode("utf-8")).hexdigest(),
                    added_at=menu_file.added_at or now,
                    added_by=menu_file.added_by or actor.label,
                    active=True,
                )
            )
            session.flush()
            audit.append(
                session,
                ctx,
                actor,
                "plan.import_menu",
                f"Imported the menu file {menu_file.file_name}: {menu_file.title} "
                f"({plural(menu_file.actions, 'action')})",
                after={"menu": menu_file.menu_id, "file": menu_file.file_name},
            )
        counts = {
            "clinicians": len(setup.clinicians),
            "local_services": len(setup.local_services),
            "voluntary_services": len(setup.voluntary_services),
            "data_sharing_agreements": len(setup.agreements),
            "staff": len(setup.staff),
            "added_menus": len(setup.menus),
        }
        audit.append(
            session,
            ctx,
            actor,
            "setup.import",
            f"Imported the practice set-up{f' from {source}' if source else ''}",
            after={"source": source, "exported_at": setup.exported_at, **counts},
        )
    leave_marker(ctx)
    return _summary(setup, source, pins)


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _summary(setup: SetUp, source: str, pins: list[tuple[StaffMember, str]]) -> str:
    origin = f" from {source}" if source else ""
    when = f" (exported {setup.exported_at})" if setup.exported_at else ""
    text = (
        f"Imported the set-up of {setup.profile.name} ({setup.profile.ods_code}){origin}{when}: "
        f"{_plural(len(setup.clinicians), 'clinician')}, "
        f"{_plural(len(setup.local_services), 'local service')}, "
        f"{_plural(len(setup.voluntary_services), 'voluntary service')}, "
        f"{_plural(len(setup.agreements), 'data sharing agreement')} and "
        f"{_plural(len(setup.staff), 'staff account')}."
    )
    if setup.menus:
        files = ", ".join(m.file_name for m in setup.menus)
        text += (
            f" The wizard offers the actions of the {_plural(len(setup.menus), 'menu file')} "
            f"the practice added ({files})."
        )
    if pins:
        listed = "; ".join(f"{m.name} ({m.role.label}) {pin}" for m, pin in pins)
        text += (
            " PINs are never exported, so each active account has a temporary PIN, shown only "
            f"this once: {listed}. Give each person their own PIN privately and ask them to "
            "change it as soon as they have signed in."
        )
    return text


def import_from_file(ctx: Context, actor: Actor, path: Path | str) -> str:
    """Read, check and import a set-up file; any fault and the database is left unchanged."""
    require(actor, Permission.EDIT_SETUP)
    data = read_file(path)
    return import_data(ctx, actor, data, source=Path(path).name)
