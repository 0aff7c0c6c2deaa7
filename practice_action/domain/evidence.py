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
CONTACT_TYPES = tuple(ContactType)  # the order of the counts in each clinician-day
CLINICIAN_DAY_COLUMNS = (
    "day",
    "clinician",
    "role",
    "sessions",
    "contacts",
    "counted",
    "cap",
    "urgent",
    "at_cap",
)
CHECKSUM_KEY = b'"checksum": "'

# A day's clinician-days summed: [contacts by type (CONTACT_TYPES order), clinician-days,
# clinician-days at the cap, urgent overrides].
DaySums = dict[date, list[Any]]


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
    contacts: tuple[int, ...]  # live contacts by type, in CONTACT_TYPES order, urgent included
    counted: int  # contacts that counted against the cap
    cap: int | None  # the cap in force for them that day
    urgent: int  # urgent overrides
    at_cap: bool

    @property
    def total(self) -> int:
        return sum(self.contacts)

    @property
    def by_type(self) -> dict[ContactType, int]:
        return {t: n for t, n in zip(CONTACT_TYPES, self.contacts, strict=True) if n}


def contacts_tuple(by_type: Mapping[ContactType, int]) -> tuple[int, ...]:
    return tuple(by_type.get(t, 0) for t in CONTACT_TYPES)


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


# --- writing ---------------------------------------------------------------------------------


def _day_text(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def content(evidence: EvidenceFile) -> dict[str, Any]:
    """Every field but the checksum, as JSON-ready data, in the order the file has them."""
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
        "contact_types": [t.value for t in CONTACT_TYPES],
        "clinician_day_columns": list(CLINICIAN_DAY_COLUMNS),
        "clinician_days": [
            [
                row.day.isoformat(),
                row.clinician,
                row.role.value,
                row.sessions,
                list(row.contacts),
                row.counted,
                row.cap,
                row.urgent,
                row.at_cap,
            ]
            for row in evidence.clinician_days
        ],
        "diversions": [
            [d.day.isoformat(), d.destination.value, d.patients] for d in evidence.diversions
        ],
        "safety": [[s.day.isoformat(), s.category.value, s.harm.value] for s in evidence.safety],
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


def _body(evidence: EvidenceFile) -> bytes:
    """The file up to its checksum: one top-level field and one list entry per line."""

    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    lines = []
    for key, value in content(evidence).items():
        if isinstance(value, list) and value and isinstance(value[0], list | dict):
            inner = ",\n    ".join(dump(item) for item in value)
            lines.append(f"  {dump(key)}: [\n    {inner}\n  ]")
        else:
            lines.append(f"  {dump(key)}: {dump(value)}")
    return ("{\n" + ",\n".join(lines) + ",\n  ").encode("utf-8")


def checksum_of(body: bytes) -> str:
    """SHA-256 over the file's bytes from its first byte up to its checksum field."""
    return CHECKSUM_PREFIX + hashlib.sha256(body).hexdigest()


def to_bytes(evidence: EvidenceFile) -> bytes:
    """The file as written: UTF-8 JSON whose last field is the checksum of all before it."""
    body = _body(evidence)
    return body + CHECKSUM_KEY + checksum_of(body).encode("ascii") + b'"\n}\n'


def file_checksum(evidence: EvidenceFile) -> str:
    return checksum_of(_body(evidence))


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
    if type(value) is not int or value < 0:
        raise _Bad(f"{where} should be a whole number, 0 or more")
    return value


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


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise _Bad(f"{where} should be a list")
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
        "contact_types",
        "clinician_day_columns",
        "clinician_days",
        "diversions",
        "safety",
        "actions",
        "checksum",
    }
)
_ROLES = {r.value: r for r in ClinicianRole}
_DESTINATIONS = {d.value: d for d in DivertDestination}
_CATEGORIES = {c.value: c for c in SafetyCategory}
_HARMS = {h.value: h for h in HarmLevel}


class _Repeated(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object as JSON gives it, refused if a key is given twice (JSON would keep the last,
    so a second "clinician_days" added after the checksum would pass for the real one)."""
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Repeated(key)
            seen.add(key)
    return out


def _ends_as_written(tail: bytes, stated: str) -> bool:
    """After the checksum's opening, only the checksum and the closing the writer puts there
    (white space aside): nothing may be added after the checksum, where it would not be
    covered by it."""
    closing = CHECKSUM_KEY + stated.encode("utf-8") + b'"'
    return tail.startswith(closing) and tail[len(closing) :].strip() == b"}"


def read(data: bytes, name: str, sums: DaySums | None = None) -> EvidenceFile:
    """The file checked and read back; refused (naming ``name``) if it is not whole.

    The order of the checks gives the most useful reason first: not this kind of file, a
    newer version than this app reads, damaged or edited (the checksum), then any field out of
    place (which a file with a good checksum can only have if another tool wrote it).
    """
    try:
        parsed = json.loads(data, object_pairs_hook=_no_repeats)
    except UnicodeDecodeError:
        raise EvidenceRefused(name, "this is not a text file, so not an evidence file") from None
    except json.JSONDecodeError as error:
        raise EvidenceRefused(
            name,
            f"the file is damaged: it is not valid JSON (line {error.lineno}, column "
            f"{error.colno}). Ask the practice for a fresh copy.",
        ) from None
    except _Repeated as repeated:
        raise EvidenceRefused(
            name,
            f"the file has been changed since the practice made it: the field '{repeated.key}' "
            "is given twice in one place, which the app never writes. Ask the practice for a "
            "fresh copy; do not edit or re-save evidence files.",
        ) from None
    except (ValueError, RecursionError, MemoryError):
        # A number thousands of digits long, lists nested thousands deep: no evidence file
        # has these, and reading them further would only fail worse.
        raise EvidenceRefused(
            name,
            "the file is damaged: it holds a number too long or lists nested too deep for an "
            "evidence file. Ask the practice for a fresh copy.",
        ) from None
    if not isinstance(parsed, dict) or parsed.get("format") != FORMAT:
        raise EvidenceRefused(name, "this is not a Practice Action evidence file")
    version = parsed.get("version")
    if type(version) is not int or version < 1:
        raise EvidenceRefused(name, "the file does not say which version of the format it is")
    if version > FORMAT_VERSION:
        raise EvidenceRefused(
            name,
            f"the file is in version {version} of the evidence format and this Practice Action "
            f"reads versions up to {FORMAT_VERSION}: install the newer Practice Action to "
            "combine it.",
        )
    stated = parsed.get("checksum")
    at = data.rfind(CHECKSUM_KEY)
    if (
        not isinstance(stated, str)
        or at < 0
        or checksum_of(data[:at]) != stated
        or not _ends_as_written(data[at:], stated)
    ):
        raise EvidenceRefused(
            name,
            "the file has been changed or damaged since the practice made it (its checksum no "
            "longer matches its contents). Ask the practice for a fresh copy; do not edit or "
            "re-save evidence files.",
        )
    try:
        return _fields(parsed, version, stated, sums)
    except _Bad as problem:
        raise EvidenceRefused(name, f"the file does not follow the format: {problem}") from None


def read_sums(data: bytes, name: str) -> tuple[EvidenceFile, DaySums]:
    """As ``read``, checked the same way, but with the clinician-days summed by day instead
    of kept one by one: what combining needs, in a fraction of the time and memory."""
    sums: DaySums = {}
    return read(data, name, sums), sums


def day_sums(evidence: EvidenceFile) -> DaySums:
    """The clinician-days of a file already read, summed by day as ``read_sums`` does."""
    sums: DaySums = {}
    for row in evidence.clinician_days:
        cell = sums.get(row.day)
        if cell is None:
            cell = sums[row.day] = [[0] * len(CONTACT_TYPES), 0, 0, 0]
        for k, n in enumerate(row.contacts):
            cell[0][k] += n
        cell[1] += 1
        cell[2] += row.at_cap
        cell[3] += row.urgent
    return sums


def _fields(
    parsed: Mapping[str, Any], version: int, checksum: str, sums: DaySums | None = None
) -> EvidenceFile:
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
    if parsed["contact_types"] != [t.value for t in CONTACT_TYPES]:
        raise _Bad("contact_types should be " + ", ".join(t.value for t in CONTACT_TYPES))
    if parsed["clinician_day_columns"] != list(CLINICIAN_DAY_COLUMNS):
        raise _Bad("clinician_day_columns should be " + ", ".join(CLINICIAN_DAY_COLUMNS))

    # Days repeat on every row: each is checked once and then looked up.
    days: dict[str, date] = {}

    def day_of(value: Any, where: str) -> date:
        found = days.get(value) if isinstance(value, str) else None
        if found is None:
            found = _day(value, where)
            if not start <= found <= end:
                raise _Bad(f"{where} {found.isoformat()} is outside the file's period")
            days[value] = found
        return found

    width = len(CONTACT_TYPES)
    rows = []
    make = ClinicianDayEvidence
    for i, row in enumerate(_list(parsed["clinician_days"], "clinician_days")):
        if type(row) is not list or len(row) != 9:
            raise _Bad(f"clinician_days[{i}] should be a list of the 9 clinician_day_columns")
        day, clinician, role, sessions, contacts, counted, cap, urgent, at_cap = row
        if (
            type(clinician) is not str
            or not clinician.startswith(PSEUDONYM_PREFIX)
            or role not in _ROLES
            or not (sessions is None or (type(sessions) is int and sessions >= 0))
            or type(contacts) is not list
            or len(contacts) != width
            or not all(type(n) is int and n >= 0 for n in contacts)
            or type(counted) is not int
            or counted < 0
            or not (cap is None or (type(cap) is int and cap >= 0))
            or type(urgent) is not int
            or urgent < 0
            or type(at_cap) is not bool
        ):
            raise _Bad(_row_problem(i, row))
        when = days.get(day) or day_of(day, f"clinician_days[{i}] day")
        if sums is None:
            rows.append(
                make(
                    when,
                    clinician,
                    _ROLES[role],
                    sessions,
                    tuple(contacts),
                    counted,
                    cap,
                    urgent,
                    at_cap,
                )
            )
            continue
        cell = sums.get(when)
        if cell is None:
            cell = sums[when] = [[0] * width, 0, 0, 0]
        counts = cell[0]
        for k, n in enumerate(contacts):
            counts[k] += n
        cell[1] += 1
        cell[2] += at_cap
        cell[3] += urgent
    diversions = []
    for i, row in enumerate(_list(parsed["diversions"], "diversions")):
        if (
            type(row) is not list
            or len(row) != 3
            or row[1] not in _DESTINATIONS
            or type(row[2]) is not int
            or row[2] < 0
        ):
            raise _Bad(
                f"diversions[{i}] should be [day, destination, patients] with a destination "
                "of " + ", ".join(_DESTINATIONS)
            )
        diversions.append(
            DiversionEvidence(day_of(row[0], f"diversions[{i}] day"), _DESTINATIONS[row[1]], row[2])
        )
    safety = []
    for i, row in enumerate(_list(parsed["safety"], "safety")):
        if (
            type(row) is not list
            or len(row) != 3
            or row[1] not in _CATEGORIES
            or row[2] not in _HARMS
        ):
            raise _Bad(
                f"safety[{i}] should be [day, category, harm]: categories "
                + ", ".join(_CATEGORIES)
                + "; harm levels "
                + ", ".join(_HARMS)
            )
        safety.append(
            SafetyEvidence(day_of(row[0], f"safety[{i}] day"), _CATEGORIES[row[1]], _HARMS[row[2]])
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


def _row_problem(i: int, row: list[Any]) -> str:
    """Which column of a clinician-day is wrong, for the message (the slow path)."""
    names = CLINICIAN_DAY_COLUMNS
    checks = (
        lambda v: True,
        lambda v: isinstance(v, str) and v.startswith(PSEUDONYM_PREFIX),
        lambda v: v in _ROLES,
        lambda v: v is None or (type(v) is int and v >= 0),
        lambda v: (
            type(v) is list
            and len(v) == len(CONTACT_TYPES)
            and all(type(n) is int and n >= 0 for n in v)
        ),
        lambda v: type(v) is int and v >= 0,
        lambda v: v is None or (type(v) is int and v >= 0),
        lambda v: type(v) is int and v >= 0,
        lambda v: type(v) is bool,
    )
    for name, check, value in zip(names, checks, row, strict=True):
        if not check(value):
            return f"clinician_days[{i}] {name} {json.dumps(value)} is not allowed there"
    return f"clinician_days[{i}] is not allowed"


# --- what the file holds, in words -----------------------------------------------------------


def summary(evidence: EvidenceFile) -> list[str]:
    """Exactly what the file holds, for the practice to read before saving it."""
    from practice_action.domain.words import plural

    by_type: dict[ContactType, int] = {}
    for row in evidence.clinician_days:
        for kind, n in zip(CONTACT_TYPES, row.contacts, strict=True):
            if n:
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
    "contacts_tuple",
    "content",
    "day_sums",
    "file_checksum",
    "new_key",
    "pseudonyms",
    "read",
    "read_sums",
    "summary",
    "to_bytes",
]
