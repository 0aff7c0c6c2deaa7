"""Rows to records and back. Kept in one place so every service speaks the same dataclasses."""

from __future__ import annotations

from dataclasses import asdict, is_dataclass
from datetime import date, time
from enum import Enum
from typing import Any

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
from practice_action.store.models import (
    ClinicianRow,
    DataSharingAgreementRow,
    LocalServiceRow,
    Practice,
    StaffRow,
    VoluntaryServiceRow,
)


def plain(value: Any) -> Any:
    """A record as JSON-ready data, for the audit trail and the export file."""
    if is_dataclass(value) and not isinstance(value, type):
        return {k: plain(v) for k, v in asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, frozenset | set):
        return sorted(plain(v) for v in value)
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | time):
        return value.isoformat(timespec="minutes") if isinstance(value, time) else value.isoformat()
    return value


def session_keys(sessions: frozenset[tuple[Weekday, Session]]) -> list[str]:
    return sorted(f"{d.value}-{s.value}" for d, s in sessions)


def parse_session_keys(keys: list[str]) -> frozenset[tuple[Weekday, Session]]:
    out = set()
    for key in keys:
        day, _, part = key.partition("-")
        out.add((Weekday(day), Session(part)))
    return frozenset(out)


def hours_to_json(hours: tuple[DayHours, ...]) -> list[dict[str, str]]:
    return [
        {
            "day": h.day.value,
            "opens": h.opens.strftime("%H:%M"),
            "closes": h.closes.strftime("%H:%M"),
        }
        for h in hours
    ]


def hours_from_json(data: list[dict[str, str]]) -> tuple[DayHours, ...]:
    return tuple(
        DayHours(Weekday(d["day"]), time.fromisoformat(d["opens"]), time.fromisoformat(d["closes"]))
        for d in data
    )


def profile_from_row(row: Practice) -> PracticeProfile:
    return PracticeProfile(
        name=row.name,
        ods_code=row.ods_code,
        address=row.address,
        postcode=row.postcode,
        phone=row.phone,
        email=row.email,
        website=row.website,
        list_size=row.list_size,
        opening_hours=hours_from_json(row.opening_hours),
        icb=PostalAddress(row.icb_name, row.icb_address, row.icb_postcode),
        lmc=PostalAddress(row.lmc_name, row.lmc_address, row.lmc_postcode),
        idle_lock_minutes=row.idle_lock_minutes,
    )


def profile_to_row(profile: PracticeProfile, row: Practice) -> None:
    row.name = profile.name
    row.ods_code = profile.ods_code
    row.address = profile.address
    row.postcode = profile.postcode
    row.phone = profile.phone
    row.email = profile.email
    row.website = profile.website
    row.list_size = profile.list_size
    row.opening_hours = hours_to_json(profile.opening_hours)
    row.icb_name, row.icb_address, row.icb_postcode = (
        profile.icb.name,
        profile.icb.address,
        profile.icb.postcode,
    )
    row.lmc_name, row.lmc_address, row.lmc_postcode = (
        profile.lmc.name,
        profile.lmc.address,
        profile.lmc.postcode,
    )
    row.idle_lock_minutes = profile.idle_lock_minutes


def clinician_from_row(row: ClinicianRow) -> Clinician:
    return Clinician(
        name=row.name,
        role=ClinicianRole(row.role),
        sessions=parse_session_keys(row.sessions),
        active=row.active,
        id=row.id,
    )


def clinician_to_row(record: Clinician, row: ClinicianRow) -> None:
    row.name = record.name
    row.role = record.role.value
    row.sessions = session_keys(record.sessions)
    row.active = record.active


def local_service_from_row(row: LocalServiceRow) -> LocalService:
    return LocalService(
        name=row.name,
        kind=ServiceKind(row.kind),
        address=row.address,
        postcode=row.postcode,
        phone=row.phone,
        hours=row.hours,
        active=row.active,
        id=row.id,
    )


def local_service_to_row(record: LocalService, row: LocalServiceRow) -> None:
    row.name = record.name
    row.kind = record.kind.value
    row.address = record.address
    row.postcode = record.postcode
    row.phone = record.phone
    row.hours = record.hours
    row.active = record.active


def voluntary_from_row(row: VoluntaryServiceRow) -> VoluntaryService:
    return VoluntaryService(
        name=row.name,
        commissioner=PostalAddress(
            row.commissioner_name, row.commissioner_address, row.commissioner_postcode
        ),
        notice_days=row.notice_days,
        notes=row.notes,
        active=row.active,
        id=row.id,
        commissioner_kind=RecipientKind(row.commissioner_kind),
        basis=ServiceBasis(row.basis),
        termination_clause=row.termination_clause,
        patient_name=row.patient_name,
        instead=row.instead,
        instead_phone=row.instead_phone,
    )


def voluntary_to_row(record: VoluntaryService, row: VoluntaryServiceRow) -> None:
    row.name = record.name
    row.commissioner_name = record.commissioner.name
    row.commissioner_address = record.commissioner.address
    row.commissioner_postcode = record.commissioner.postcode
    row.notice_days = record.notice_days
    row.notes = record.notes
    row.active = record.active
    row.commissioner_kind = record.commissioner_kind.value
    row.basis = record.basis.value
    row.termination_clause = record.termination_clause
    row.patient_name = record.patient_name
    row.instead = record.instead
    row.instead_phone = record.instead_phone


def dsa_from_row(row: DataSharingAgreementRow) -> DataSharingAgreement:
    return DataSharingAgreement(
        name=row.name,
        party=PostalAddress(row.party_name, row.party_address, row.party_postcode),
        purpose=DsaPurpose(row.purpose),
        signed_on=row.signed_on,
        active=row.active,
        id=row.id,
        party_kind=RecipientKind(row.party_kind),
        purpose_text=row.purpose_text,
        lawful_basis=row.lawful_basis,
        dpia=DpiaStatus(row.dpia),
        required_by=Requirement(row.required_by),
    )


def dsa_to_row(record: DataSharingAgreement, row: DataSharingAgreementRow) -> None:
    row.name = record.name
    row.party_name = record.party.name
    row.party_address = record.party.address
    row.party_postcode = record.party.postcode
    row.purpose = record.purpose.value
    row.signed_on = record.signed_on
    row.active = record.active
    row.party_kind = record.party_kind.value
    row.purpose_text = record.purpose_text
    row.lawful_basis = record.lawful_basis
    row.dpia = record.dpia.value
    row.required_by = record.required_by.value


def staff_from_row(row: StaffRow) -> StaffMember:
    return StaffMember(name=row.name, role=StaffRole(row.role), active=row.active, id=row.id)
