"""A practice's evidence file: what it holds, how it is written, checked and read back.

The file is described for people in docs/evidence-format.md; this module is that page in code.
Everything here is pure: the service gathers the rows from the database, these functions turn
them into the file and back.

What the file never holds: a patient's anything, a member of staff's or a clinician's name,
and any text a person typed. A clinician appears as a pseudonym made with a key drawn at random
for that one file and then forgotten, so the same person has the same pseudonym throughout a
file, a different one in the next file, and the pseudonym cannot be worked back to a name.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from practice_action.domain.enums import ClinicianRole, ContactType, DivertDestination
from practice_action.domain.errors import PracticeActionError
from practice_action.domain.safety_event import HarmLevel, SafetyCategory

FORMAT = "practice-action-evidence"
FORMAT_VERSION = 1
CHECKSUM_PREFIX = "sha256:"
PSEUDONYM_PREFIX = "c-"


class EvidenceRefused(PracticeActionError):
    """A file that cannot be used as evidence; the message names the file and why."""

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason
        super().__init__(f"{name}: {reason}")


@dataclass(frozen=True, slots=True)
class ClinicianDayEvidence:
    day: date
    clinician: str  # the pseudonym, never the name
    role: ClinicianRole
    sessions: int | None  # sessions on duty that day; None when not on their usual pattern
    contacts: Mapping[ContactType, int]  # live contacts by type, urgent overrides included
    counted: int  # contacts that counted against the cap
    cap: int | None  # the cap in force for them that day
    urgent: int  # urgent overrides
    at_cap: bool

    @property
    def total(self) -> int:
        return sum(self.contacts.values())


@dataclass(frozen=True, slots=True)
class DiversionEvidence:
    day: date
    destination: DivertDestination
    patients: int


@dataclass(frozen=True, slots=True)
class SafetyEvidence:
    day: date
    category: SafetyCategory
    harm: HarmLevel


@dataclass(frozen=True, slots=True)
class ActionEvidence:
    action: str  # the menu's id for the action ('own-1', 'own-2'... for the practice's own)
    title: str  # the menu's title; a neutral title for the practice's own actions
    start: date
    end: date | None = None


@dataclass(frozen=True)
class EvidenceFile:
    start: date
    end: date
    ods_code: str
    practice_name: str
    list_size: int
    made_at: datetime
    audit_seq: int
    audit_head: str
    clinician_days: tuple[ClinicianDayEvidence, ...] = ()
    diversions: tuple[DiversionEvidence, ...] = ()
    safety: tuple[SafetyEvidence, ...] = ()
    actions: tuple[ActionEvidence, ...] = ()
    made_with: str = ""
    version: int = FORMAT_VERSION
    checksum: str = field(default="", compare=False)

    @property
    def contacts(self) -> int:
        return sum(row.total for row in self.clinician_days)

    @property
    def diverted(self) -> int:
        return sum(row.patients for row in self.diversions)

    @property
    def days_covered(self) -> int:
        return len({row.day for row in self.clinician_days})

    @property
    def clinicians(self) -> int:
        return len({row.clinician for row in self.clinician_days})


# --- pseudonyms ------------------------------------------------------------------------------


def new_key() -> bytes:
    """A key for one file's pseudonyms: used while the file is made, then dropped."""
    return secrets.token_bytes(32)


def pseudonyms(clinician_ids: Iterable[int], key: bytes) -> dict[int, str]:
    """A pseudonym for each clinician: the first 10 hex digits of HMAC-SHA256(key, id).

    Without the key (which is never stored) the pseudonym says nothing about who it is; two
    clinicians never share one within a file (a clash, vanishingly rare, takes more digits).
    """
    ids = sorted(set(clinician_ids))
    for digits in range(10, 65, 2):
        names = {
            cid: PSEUDONYM_PREFIX
            + hmac.new(key, f"clinician:{cid}".encode(), hashlib.sha256).hexdigest()[:digits]
            for cid in ids
        }
        if len(set(names.values())) == len(names):
            return names
    raise AssertionError("HMAC-SHA256 gave two clinicians the same 64 hex digits")


def is_working_cap_day(row: ClinicianDayEvidence) -> bool:
    return row.cap is not None and row.counted >= row.cap


# --- writing ---------------------------------------------------------------------------------


def _day_text(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def content(evidence: EvidenceFile) -> dict[str, Any]:
    """Everything the checksum covers, as JSON-ready data (all but the checksum)."""
    return {
        "format": FORMAT,
        "version": evidence.version,
        "made_at": evidence.made_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "made_with": evidence.made_with,
        "period": {"from": evidence.start.isoformat(), "to": evidence.end.isoformat()},
        "practice": {
            "ods_code": evidence.ods_code,
            "name": evidence.practice_name,
            "list_size": evidence.list_size,
        },
        "audit_head": {"seq": evidence.audit_seq, "hash": evidence.audit_head},
        "clinician_days": [
            {
                "day": row.day.isoformat(),
                "clinician": row.clinician,
                "role": row.role.value,
                "sessions": row.sessions,
                "contacts": {t.value: n for t, n in row.contacts.items() if n},
                "counted": row.counted,
                "cap": row.cap,
                "urgent": row.urgent,
                "at_cap": row.at_cap,
            }
            for row in evidence.clinician_days
        ],
        "diversions": [
            {"day": d.day.isoformat(), "destination": d.destination.value, "patients": d.patients}
            for d in evidence.diversions
        ],
        "safety": [
            {"day": s.day.isoformat(), "category": s.category.value, "harm": s.harm.value}
            for s in evidence.safety
        ],
        "actions": [
            {
                "action": a.action,
                "title": a.title,
                "from": a.start.isoformat(),
                "to": _day_text(a.end),
            }
            for a in evidence.actions
        ],
    }


def checksum_of(data: Mapping[str, Any]) -> str:
    """SHA-256 over the canonical JSON of the contents (sorted keys, no spaces, UTF-8)."""
    body = {k: v for k, v in data.items() if k != "checksum"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return CHECKSUM_PREFIX + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def to_bytes(evidence: EvidenceFile) -> bytes:
    """The file as written: UTF-8 JSON, one top-level field and one list entry per line."""
    data = content(evidence)
    data["checksum"] = checksum_of(data)

    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))

    lines = []
    for key, value in data.items():
        if isinstance(value, list) and value:
            inner = ",\n    ".join(dump(item) for item in value)
            lines.append(f"  {dump(key)}: [\n    {inner}\n  ]")
        else:
            lines.append(f"  {dump(key)}: {dump(value)}")
    return ("{\n" + ",\n".join(lines) + "\n}\n").encode("utf-8")


# --- reading ---------------------------------------------------------------------------------


class _Bad(Exception):
    pass


def _day(value: Any, where: str) -> date:
    if not isinstance(value, str):
        raise _Bad(f"{where} should be a date written YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _Bad(f"{where} '{value}' is not a date written YYYY-MM-DD") from None


def _count(value: Any, where: str, *, none: bool = False) -> Any:
    if value is None and none:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _Bad(f"{where} should be a whole number, 0 or more")
    return value


def _choice(enum: Any, value: Any, where: str) -> Any:
    try:
        return enum(value)
    except ValueError:
        known = ", ".join(m.value for m in enum)
        raise _Bad(f"{where} '{value}' is not one of {known}") from None


def _object(value: Any, where: str, keys: frozenset[str]) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise _Bad(f"{where} should be an object")
    if set(value) != keys:
        missing, extra = keys - set(value), set(value) - keys
        parts = []
        if missing:
            parts.append("lacks " + ", ".join(sorted(missing)))
        if extra:
            parts.append("has fields this version does not have: " + ", ".join(sorted(extra)))
        raise _Bad(f"{where} " + " and ".join(parts))
    return value


_TOP = frozenset(
    {
        "format",
        "version",
        "made_at",
        "made_with",
        "period",
        "practice",
        "audit_head",
        "clinician_days",
        "diversions",
        "safety",
        "actions",
        "checksum",
    }
)
_ROW = frozenset(
    {"day", "clinician", "role", "sessions", "contacts", "counted", "cap", "urgent", "at_cap"}
)
_TYPES = {t.value: t for t in ContactType}


def read(data: bytes, name: str) -> EvidenceFile:
    """The file checked and read back; refused (naming ``name``) if it is not whole.

    The order of the checks gives the most useful reason first: not this kind of file, a
    newer version than this app reads, damaged or edited (the checksum), then any field out of
    place (which a file with a good checksum can only have if another tool wrote it).
    """
    try:
        parsed = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise EvidenceRefused(name, "this is not a text file, so not an evidence file") from None
    except json.JSONDecodeError as error:
        raise EvidenceRefused(
            name,
            f"the file is damaged: it is not valid JSON (line {error.lineno}, column "
            f"{error.colno}). Ask the practice for a fresh copy.",
        ) from None
    if not isinstance(parsed, dict) or parsed.get("format") != FORMAT:
        raise EvidenceRefused(name, "this is not a Practice Action evidence file")
    version = parsed.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise EvidenceRefused(name, "the file does not say which version of the format it is")
    if version > FORMAT_VERSION:
        raise EvidenceRefused(
            name,
            f"the file is in version {version} of the evidence format and this Practice Action "
            f"reads versions up to {FORMAT_VERSION}: install the newer Practice Action to "
            "combine it.",
        )
    stated = parsed.get("checksum")
    if not isinstance(stated, str) or checksum_of(parsed) != stated:
        raise EvidenceRefused(
            name,
            "the file has been changed or damaged since the practice made it (its checksum no "
            "longer matches its contents). Ask the practice for a fresh copy; do not edit "
            "evidence files.",
        )
    try:
        return _fields(parsed, version, stated)
    except _Bad as problem:
        raise EvidenceRefused(name, f"the file does not follow the format: {problem}") from None


def _fields(parsed: Mapping[str, Any], version: int, checksum: str) -> EvidenceFile:
    _object(parsed, "the file", _TOP)
    period = _object(parsed["period"], "period", frozenset({"from", "to"}))
    start, end = _day(period["from"], "period.from"), _day(period["to"], "period.to")
    if end < start:
        raise _Bad("period.to is before period.from")
    practice = _object(parsed["practice"], "practice", frozenset({"ods_code", "name", "list_size"}))
    if not isinstance(practice["ods_code"], str) or not practice["ods_code"]:
        raise _Bad("practice.ods_code should be the practice's ODS code")
    if not isinstance(practice["name"], str):
        raise _Bad("practice.name should be text")
    list_size = _count(practice["list_size"], "practice.list_size")
    head = _object(parsed["audit_head"], "audit_head", frozenset({"seq", "hash"}))
    try:
        made_at = datetime.strptime(str(parsed["made_at"]), "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=UTC
        )
    except ValueError:
        raise _Bad("made_at should be a UTC time written YYYY-MM-DDTHH:MM:SSZ") from None

    def in_period(day: date, where: str) -> date:
        if not start <= day <= end:
            raise _Bad(f"{where} {day.isoformat()} is outside the file's period")
        return day

    rows = []
    for i, raw in enumerate(_list(parsed["clinician_days"], "clinician_days")):
        where = f"clinician_days[{i}]"
        row = _object(raw, where, _ROW)
        contacts_raw = row["contacts"]
        if not isinstance(contacts_raw, dict):
            raise _Bad(f"{where}.contacts should be an object")
        contacts = {}
        for key, n in contacts_raw.items():
            kind = _TYPES.get(key)
            if kind is None:
                raise _Bad(f"{where}.contacts has '{key}', which is not a contact type")
            contacts[kind] = _count(n, f"{where}.contacts.{key}")
        if not isinstance(row["clinician"], str) or not row["clinician"].startswith(
            PSEUDONYM_PREFIX
        ):
            raise _Bad(f"{where}.clinician should be a pseudonym beginning '{PSEUDONYM_PREFIX}'")
        if not isinstance(row["at_cap"], bool):
            raise _Bad(f"{where}.at_cap should be true or false")
        rows.append(
            ClinicianDayEvidence(
                day=in_period(_day(row["day"], f"{where}.day"), f"{where}.day"),
                clinician=row["clinician"],
                role=_choice(ClinicianRole, row["role"], f"{where}.role"),
                sessions=_count(row["sessions"], f"{where}.sessions", none=True),
                contacts=contacts,
                counted=_count(row["counted"], f"{where}.counted"),
                cap=_count(row["cap"], f"{where}.cap", none=True),
                urgent=_count(row["urgent"], f"{where}.urgent"),
                at_cap=row["at_cap"],
            )
        )
    diversions = []
    for i, raw in enumerate(_list(parsed["diversions"], "diversions")):
        where = f"diversions[{i}]"
        d = _object(raw, where, frozenset({"day", "destination", "patients"}))
        diversions.append(
            DiversionEvidence(
                in_period(_day(d["day"], f"{where}.day"), f"{where}.day"),
                _choice(DivertDestination, d["destination"], f"{where}.destination"),
                _count(d["patients"], f"{where}.patients"),
            )
        )
    safety = []
    for i, raw in enumerate(_list(parsed["safety"], "safety")):
        where = f"safety[{i}]"
        s = _object(raw, where, frozenset({"day", "category", "harm"}))
        safety.append(
            SafetyEvidence(
                in_period(_day(s["day"], f"{where}.day"), f"{where}.day"),
                _choice(SafetyCategory, s["category"], f"{where}.category"),
                _choice(HarmLevel, s["harm"], f"{where}.harm"),
            )
        )
    actions = []
    for i, raw in enumerate(_list(parsed["actions"], "actions")):
        where = f"actions[{i}]"
        a = _object(raw, where, frozenset({"action", "title", "from", "to"}))
        if not isinstance(a["action"], str) or not isinstance(a["title"], str):
            raise _Bad(f"{where}.action and .title should be text")
        actions.append(
            ActionEvidence(
                a["action"],
                a["title"],
                _day(a["from"], f"{where}.from"),
                None if a["to"] is None else _day(a["to"], f"{where}.to"),
            )
        )
    return EvidenceFile(
        start=start,
        end=end,
        ods_code=practice["ods_code"],
        practice_name=practice["name"],
        list_size=list_size,
        made_at=made_at,
        audit_seq=_count(head["seq"], "audit_head.seq"),
        audit_head=str(head["hash"]),
        clinician_days=tuple(rows),
        diversions=tuple(diversions),
        safety=tuple(safety),
        actions=tuple(actions),
        made_with=str(parsed["made_with"]),
        version=version,
        checksum=checksum,
    )


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise _Bad(f"{where} should be a list")
    return value


# --- what the file holds, in words -----------------------------------------------------------


def summary(evidence: EvidenceFile) -> list[str]:
    """Exactly what the file holds, for the practice to read before saving it."""
    from practice_action.domain.words import plural

    by_type: dict[ContactType, int] = {}
    for row in evidence.clinician_days:
        for kind, n in row.contacts.items():
            by_type[kind] = by_type.get(kind, 0) + n
    roles: dict[ClinicianRole, set[str]] = {}
    for row in evidence.clinician_days:
        roles.setdefault(row.role, set()).add(row.clinician)
    at_cap = sum(1 for row in evidence.clinician_days if row.at_cap)
    urgent = sum(row.urgent for row in evidence.clinician_days)
    by_dest: dict[DivertDestination, int] = {}
    for d in evidence.diversions:
        by_dest[d.destination] = by_dest.get(d.destination, 0) + d.patients
    by_category: dict[SafetyCategory, int] = {}
    for s in evidence.safety:
        by_category[s.category] = by_category.get(s.category, 0) + 1

    def listing(counts: Mapping[Any, int]) -> str:
        return ", ".join(f"{k.label} {n:,}" for k, n in counts.items() if n) or "none"

    lines = [
        f"Practice: {evidence.practice_name} ({evidence.ods_code}), list size "
        f"{evidence.list_size:,}.",
        f"Period: {evidence.start:%a} {evidence.start.day} {evidence.start:%b %Y} to "
        f"{evidence.end:%a} {evidence.end.day} {evidence.end:%b %Y}; "
        f"{plural(evidence.days_covered, 'day')} with the counter in use.",
        f"{plural(len(evidence.clinician_days), 'clinician-day')} for "
        f"{plural(evidence.clinicians, 'clinician')}, each shown by a pseudonym made for this "
        "file only and by role ("
        + ", ".join(f"{r.label} {len(p)}" for r, p in sorted(roles.items()))
        + "): sessions, the cap in force, contacts by type, urgent overrides and whether the "
        "day was at the cap.",
        f"Contacts: {evidence.contacts:,} ({listing(by_type)}); "
        f"{plural(urgent, 'urgent override')}; {plural(at_cap, 'clinician-day')} at the cap.",
        f"Diversions by day and destination: {evidence.diverted:,} patients ({listing(by_dest)}).",
        f"Safety log: {plural(len(evidence.safety), 'entry', 'entries')}, by date, category and "
        f"level of harm only ({listing(by_category)}).",
        "Actions adopted, with their dates: "
        + (
            "; ".join(
                f"{a.title} from {a.start.day} {a.start:%b %Y}"
                + (f" to {a.end.day} {a.end:%b %Y}" if a.end else "")
                for a in evidence.actions
            )
            or "none"
        )
        + ".",
        f"Made from the audit trail as it stood at entry {evidence.audit_seq:,}; a checksum "
        "shows whether the file is later changed.",
        "Not in the file: any patient detail, any name of a clinician or member of staff, and "
        "anything typed in words (reasons, notes, what happened).",
    ]
    return lines


__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "ActionEvidence",
    "ClinicianDayEvidence",
    "DiversionEvidence",
    "EvidenceFile",
    "EvidenceRefused",
    "SafetyEvidence",
    "checksum_of",
    "content",
    "new_key",
    "pseudonyms",
    "read",
    "summary",
    "to_bytes",
]
