"""The practice's set-up as plain frozen dataclasses, with whole-record validation.

Services hand these to the screens and the documents; nothing here knows about the
database or Qt. ``validate_*`` returns a tidied copy or raises ``ValidationError`` naming
every field that is wrong, so a record is saved whole or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, time

from practice_action.domain import validators as v
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
from practice_action.domain.staff_member import StaffMember as StaffMember

DEFAULT_OPENS = time(8, 0)
DEFAULT_CLOSES = time(18, 30)
WORKING_WEEK = (Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI)


@dataclass(frozen=True)
class DayHours:
    day: Weekday
    opens: time
    closes: time


def default_opening_hours() -> tuple[DayHours, ...]:
    return tuple(DayHours(day, DEFAULT_OPENS, DEFAULT_CLOSES) for day in WORKING_WEEK)


@dataclass(frozen=True)
class PostalAddress:
    name: str
    address: str  # street lines, one per line, without the postcode
    postcode: str

    def lines(self) -> list[str]:
        body = [line.strip() for line in self.address.splitlines() if line.strip()]
        return [self.name, *body, self.postcode]

    @property
    def is_complete(self) -> bool:
        return bool(self.name.strip() and self.address.strip() and self.postcode.strip())


@dataclass(frozen=True)
class PracticeProfile:
    name: str
    ods_code: str
    address: str
    postcode: str
    phone: str
    email: str
    website: str = ""
    list_size: int = 0
    opening_hours: tuple[DayHours, ...] = field(default_factory=default_opening_hours)
    icb: PostalAddress = PostalAddress("", "", "")
    lmc: PostalAddress = PostalAddress("", "", "")
    idle_lock_minutes: int = 5


@dataclass(frozen=True)
class Clinician:
    name: str
    role: ClinicianRole
    sessions: frozenset[tuple[Weekday, Session]] = frozenset()
    active: bool = True
    id: int | None = None

    @property
    def sessions_per_week(self) -> int:
        return len(self.sessions)

    def works_on(self, day: Weekday) -> bool:
        return any(d == day for d, _ in self.sessions)

    def sessions_on(self, day: Weekday) -> int:
        return sum(1 for d, _ in self.sessions if d == day)

    def pattern_text(self) -> str:
        """E.g. 'Mon am+pm, Tue am' in week order."""
        parts = []
        for day in Weekday:
            slots = [s.value for s in Session if (day, s) in self.sessions]
            if slots:
                parts.append(f"{day.short} {'+'.join(slots)}")
        return ", ".join(parts) or "No usual sessions"


@dataclass(frozen=True)
class LocalService:
    name: str
    kind: ServiceKind
    address: str = ""
    postcode: str = ""
    phone: str = ""
    hours: str = ""
    active: bool = True
    id: int | None = None


@dataclass(frozen=True)
class VoluntaryService:
    """A service the practice provides beyond its contract, and what its letters need.

    ``patient_name`` and ``instead``/``instead_phone`` are for patients: what they call the
    service and where to go when it ends. A service under a local agreement (a local enhanced
    or locally commissioned service) ends under that agreement's ``termination_clause``.
    """

    name: str
    commissioner: PostalAddress
    notice_days: int
    notes: str = ""
    active: bool = True
    id: int | None = None
    commissioner_kind: RecipientKind = RecipientKind.COMMISSIONER
    basis: ServiceBasis = ServiceBasis.NO_AGREEMENT
    termination_clause: str = ""
    patient_name: str = ""
    instead: str = ""
    instead_phone: str = ""


@dataclass(frozen=True)
class DataSharingAgreement:
    """An agreement to share patient data, with what the withdrawal letter must name.

    One that the GP contract or the law requires (``required_by``) cannot be withdrawn.
    """

    name: str
    party: PostalAddress
    purpose: DsaPurpose
    signed_on: date | None = None
    active: bool = True
    id: int | None = None
    party_kind: RecipientKind = RecipientKind.DATA_CONTROLLER
    purpose_text: str = ""
    lawful_basis: str = ""
    dpia: DpiaStatus = DpiaStatus.NOT_KNOWN
    required_by: Requirement = Requirement.VOLUNTARY

    @property
    def can_be_withdrawn(self) -> bool:
        return self.required_by is Requirement.VOLUNTARY

    def why_kept(self) -> str:
        """Why the practice cannot withdraw it, in a sentence; empty when it can."""
        if self.required_by is Requirement.CONTRACT:
            return (
                f"{self.name} cannot be withdrawn: the GP contract requires the practice to "
                "share this data."
            )
        if self.required_by is Requirement.LAW:
            return (
                f"{self.name} cannot be withdrawn: the law requires the practice to share this "
                "data."
            )
        return ""


def _check_address(
    problems: v.Problems, prefix: str, what: str, value: PostalAddress, *, required: bool
) -> PostalAddress:
    if not required and not (value.name.strip() or value.address.strip() or value.postcode.strip()):
        return PostalAddress("", "", "")
    name = problems.check(f"{prefix}_name", v.check_name, value.name, f"{what} name")
    address = problems.check(
        f"{prefix}_address", v.check_optional_text, value.address, f"{what} address", 500
    )
    if address is not None and not address:
        problems.add(f"{prefix}_address", f"{what} address is required: the street and town.")
    postcode = problems.check(f"{prefix}_postcode", v.check_postcode, value.postcode)
    return PostalAddress(name or "", address or "", postcode or "")


def validate_profile(profile: PracticeProfile) -> PracticeProfile:
    p = v.Problems()
    name = p.check("name", v.check_name, profile.name, "Practice name")
    ods = p.check("ods_code", v.check_ods_code, profile.ods_code)
    address = p.check("address", v.check_optional_text, profile.address, "Address", 500)
    if address is not None and not address:
        p.add("address", "Address is required: the street and town, one per line.")
    postcode = p.check("postcode", v.check_postcode, profile.postcode)
    phone = p.check("phone", v.check_phone, profile.phone)
    email = p.check("email", v.check_email, profile.email)
    website = p.check("website", v.check_website, profile.website)
    list_size = p.check(
        "list_size", v.check_int_range, profile.list_size, "Registered list size", 1, 200_000
    )
    days = [h.day for h in profile.opening_hours]
    if len(days) != len(set(days)):
        p.add("opening_hours", "Each day may appear only once in the opening hours.")
    for hours in profile.opening_hours:
        p.check(
            "opening_hours", v.check_hours, hours.opens, hours.closes, f"{hours.day.label} hours"
        )
    icb = _check_address(p, "icb", "ICB", profile.icb, required=True)
    lmc = _check_address(p, "lmc", "LMC", profile.lmc, required=True)
    idle = p.check(
        "idle_lock_minutes", v.check_int_range, profile.idle_lock_minutes, "Lock after", 1, 120
    )
    p.raise_if_any()
    ordered = tuple(sorted(profile.opening_hours, key=lambda h: h.day.index))
    return replace(
        profile,
        name=name,
        ods_code=ods,
        address=address,
        postcode=postcode,
        phone=phone,
        email=email,
        website=website,
        list_size=list_size,
        opening_hours=ordered,
        icb=icb,
        lmc=lmc,
        idle_lock_minutes=idle,
    )


def validate_clinician(clinician: Clinician) -> Clinician:
    p = v.Problems()
    name = p.check("name", v.check_name, clinician.name, "Clinician's name")
    if not isinstance(clinician.role, ClinicianRole):
        p.add("role", "Choose the clinician's role from the list.")
    p.raise_if_any()
    return replace(clinician, name=name, sessions=frozenset(clinician.sessions))


def validate_local_service(service: LocalService) -> LocalService:
    p = v.Problems()
    name = p.check("name", v.check_name, service.name, "Service name")
    address = p.check("address", v.check_optional_text, service.address, "Address", 500)
    postcode = ""
    if service.postcode.strip():
        postcode = p.check("postcode", v.check_postcode, service.postcode)
    elif address:
        p.add("postcode", "A service with an address needs its postcode, e.g. LE1 5WW.")
    phone = p.check("phone", v.check_phone, service.phone, required=False, allow_short=True)
    hours = p.check("hours", v.check_optional_text, service.hours, "Opening hours", 200)
    if service.kind is not ServiceKind.NHS_111 and not (address or phone):
        p.add("phone", "Give a phone number or an address so reception can send patients there.")
    p.raise_if_any()
    return replace(service, name=name, address=address, postcode=postcode, phone=phone, hours=hours)


def validate_voluntary_service(service: VoluntaryService) -> VoluntaryService:
    p = v.Problems()
    name = p.check("name", v.check_name, service.name, "Service name")
    commissioner = _check_address(
        p, "commissioner", "Commissioner", service.commissioner, required=True
    )
    days = p.check("notice_days", v.check_int_range, service.notice_days, "Notice period", 0, 730)
    notes = p.check("notes", v.check_optional_text, service.notes, "Notes")
    if service.commissioner_kind not in (RecipientKind.COMMISSIONER, RecipientKind.TRUST):
        p.add(
            "commissioner_kind",
            "The notice goes to the ICB (or another commissioner) or to the NHS trust that asks "
            "for the work: choose one of those.",
        )
    clause = p.check(
        "termination_clause",
        v.check_optional_text,
        service.termination_clause,
        "Termination clause",
        200,
    )
    if service.basis is ServiceBasis.LOCAL_AGREEMENT:
        if service.commissioner_kind is RecipientKind.TRUST:
            p.add(
                "basis",
                "A local enhanced or locally commissioned service is commissioned by the ICB "
                "(or another commissioner), not by a trust: choose 'ICB or other commissioner' "
                "as who it is for, or 'No agreement'.",
            )
        if clause is not None and not clause:
            p.add(
                "termination_clause",
                "Give the agreement's termination clause, as the letter cites it, e.g. "
                "'clause 12.2 of the Ear care LES 2025/26'.",
            )
        if days == 0:
            p.add(
                "notice_days",
                "Give the notice period the agreement's termination clause sets, in days.",
            )
    patient_name = p.check(
        "patient_name", v.check_optional_text, service.patient_name, "Name for patients", 120
    )
    instead = p.check(
        "instead", v.check_optional_text, service.instead, "What patients should do instead", 300
    )
    phone = p.check(
        "instead_phone", v.check_phone, service.instead_phone, required=False, allow_short=True
    )
    if phone and instead is not None and not instead:
        p.add(
            "instead",
            "Say where patients should go, e.g. 'Book a blood test at the hospital's clinic', "
            "so that the phone number means something to them.",
        )
    p.raise_if_any()
    return replace(
        service,
        name=name,
        commissioner=commissioner,
        notice_days=days,
        notes=notes,
        termination_clause=clause,
        patient_name=patient_name,
        instead=instead,
        instead_phone=phone,
    )


def validate_dsa(
    agreement: DataSharingAgreement, today: date | None = None
) -> DataSharingAgreement:
    p = v.Problems()
    name = p.check("name", v.check_name, agreement.name, "Agreement name")
    party = _check_address(p, "party", "Other party", agreement.party, required=True)
    if not isinstance(agreement.purpose, DsaPurpose):
        p.add("purpose", "Choose the agreement's purpose.")
    if agreement.signed_on and today and agreement.signed_on > today:
        p.add("signed_on", "The date signed cannot be in the future.")
    purpose_text = p.check(
        "purpose_text", v.check_optional_text, agreement.purpose_text, "Purpose in words", 300
    )
    lawful_basis = p.check(
        "lawful_basis", v.check_optional_text, agreement.lawful_basis, "Lawful basis", 200
    )
    for field_name, value, enum in (
        ("party_kind", agreement.party_kind, RecipientKind),
        ("dpia", agreement.dpia, DpiaStatus),
        ("required_by", agreement.required_by, Requirement),
    ):
        if not isinstance(value, enum):
            p.add(field_name, "Choose one of the answers in the list.")
    p.raise_if_any()
    return replace(
        agreement,
        name=name,
        party=party,
        purpose_text=purpose_text,
        lawful_basis=lawful_basis,
    )


def validate_staff(member: StaffMember) -> StaffMember:
    p = v.Problems()
    name = p.check("name", v.check_name, member.name, "Name")
    if not isinstance(member.role, StaffRole):
        p.add("role", "Choose a role.")
    p.raise_if_any()
    return replace(member, name=name)


def check_pin(pin: str) -> str:
    if not pin or not pin.isdigit() or not pin.isascii():
        raise ValueError("A PIN is digits only: type at least 6 digits.")
    if len(pin) < 6:
        raise ValueError(f"A PIN needs at least 6 digits; this one has {len(pin)}.")
    if len(pin) > 12:
        raise ValueError("Keep the PIN to 12 digits or fewer.")
    if len(set(pin)) == 1 or pin in "01234567890" or pin in "09876543210":
        raise ValueError(
            "That PIN is too easy to guess (one digit repeated or a run): pick another."
        )
    return pin
