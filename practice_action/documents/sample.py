"""A realistic, made-up practice and its document pack, for previews, tests and benchmarks.

Everything here is invented: the practice, its ICB and LMC, its partners and services.
"""

from __future__ import annotations

import math
import struct
import zlib
from datetime import date, time, timedelta

from practice_action.documents.model import (
    AdoptedActionItem,
    DataSharingWithdrawal,
    DocumentPack,
    Letterhead,
    PatientChange,
    PatientNotice,
    ReferralLetterTemplate,
    ServiceChangesNotification,
    ServiceNoticeItem,
    Signer,
    VoluntaryServicesNotice,
)
from practice_action.domain.enums import ServiceKind, Weekday
from practice_action.domain.records import DayHours, LocalService, PostalAddress, PracticeProfile


def png(width: int, height: int, pixel: object) -> bytes:
    """A small RGBA PNG from ``pixel(x, y) -> (r, g, b, a)``, with no imaging library."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)
        for x in range(width):
            rows.extend(pixel(x, y))  # type: ignore[operator]

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + chunk(b"IEND", b"")
    )


def sample_logo() -> bytes:
    """A blue rounded tile with a white cross."""

    def pixel(x: int, y: int) -> tuple[int, int, int, int]:
        cx, cy = x - 60, y - 60
        if max(abs(cx), abs(cy)) > 58:
            return (0, 0, 0, 0)
        if (abs(cx) < 12 and abs(cy) < 40) or (abs(cy) < 12 and abs(cx) < 40):
            return (255, 255, 255, 255)
        return (0, 94, 184, 255)

    return png(120, 120, pixel)


def sample_signature() -> bytes:
    """A pen-like squiggle on a transparent ground."""

    def pixel(x: int, y: int) -> tuple[int, int, int, int]:
        wave = 30 + 18 * math.sin(x / 17.0) * math.cos(x / 41.0)
        return (20, 30, 90, 255) if abs(y - wave) < 2.2 else (0, 0, 0, 0)

    return png(240, 60, pixel)


ICB = PostalAddress(
    "NHS Midshire Integrated Care Board",
    "Primary Care Contracting Team\nFenwick House, 12 Station Road\nMidtown",
    "LE1 6TP",
)
LMC = PostalAddress("Midshire Local Medical Committee", "4 Chapel Yard\nMidtown", "LE1 5WW")


def sample_practice() -> PracticeProfile:
    return PracticeProfile(
        name="Riverside Medical Practice",
        ods_code="C82099",
        address="Riverside Health Centre\n27 Mill Lane\nMidtown",
        postcode="LE2 7LX",
        phone="0116 496 0321",
        email="riverside.c82099@nhs.net",
        website="www.riverside-medical.example.nhs.uk",
        list_size=11_400,
        opening_hours=tuple(DayHours(day, time(8, 0), time(18, 30)) for day in list(Weekday)[:5]),
        icb=ICB,
        lmc=LMC,
    )


def sample_local_services() -> tuple[LocalService, ...]:
    return (
        LocalService(
            "Midtown Urgent Treatment Centre",
            ServiceKind.UTC,
            address="Midtown General Hospital, Infirmary Square, Midtown",
            postcode="LE1 5WW",
            phone="0116 496 0999",
            hours="Every day, 8am to 10pm",
        ),
        LocalService(
            "Eastgate Walk-in Centre",
            ServiceKind.WALK_IN,
            address="2 Eastgate Parade, Midtown",
            postcode="LE5 4PW",
            hours="Monday to Friday 8am to 8pm; weekends 9am to 5pm",
        ),
        LocalService(
            "Midshire Mental Health Crisis Line",
            ServiceKind.CRISIS_LINE,
            phone="0808 196 3494",
            hours="24 hours a day, every day",
        ),
    )


def sample_pack(today: date = date(2026, 9, 1)) -> DocumentPack:
    practice = sample_practice()
    head = Letterhead(practice, logo=sample_logo())
    signer = Signer("Dr Amelia Okafor", "GP partner", signature=sample_signature())
    served = today
    services = (
        ServiceNoticeItem(
            "Phlebotomy for hospital-requested blood tests", served, 90, served + timedelta(days=90)
        ),
        ServiceNoticeItem("Ear irrigation (microsuction)", served, 30, served + timedelta(days=30)),
        ServiceNoticeItem(
            "Wound care after hospital surgery", served, 60, served + timedelta(days=60)
        ),
    )
    other_commissioner = PostalAddress(
        "Midshire Community Health Services NHS Trust",
        "Orchard House\nCastle Street\nMidtown",
        "LE3 9QP",
    )
    notices = (
        VoluntaryServicesNotice(head, ICB, "RMP/VS/2026-01", today, signer, services),
        VoluntaryServicesNotice(
            head,
            other_commissioner,
            "RMP/VS/2026-02",
            today,
            signer,
            (
                ServiceNoticeItem(
                    "Anticoagulation (warfarin) monitoring", served, 90, served + timedelta(days=90)
                ),
            ),
            cc=(ICB,),
        ),
    )
    withdrawals = (
        DataSharingWithdrawal(
            head,
            PostalAddress(
                "Midshire Population Health Analytics Ltd",
                "Unit 5, Enterprise Park\nMidtown",
                "LE4 1AB",
            ),
            "RMP/DSA/2026-01",
            today,
            signer,
            agreement="Midshire Population Health Management Data Agreement",
            purpose="population health analysis and service planning for the ICB",
            permission_ends=today + timedelta(days=30),
            copy_to=ICB,
            signed_on=date(2022, 4, 11),
        ),
        DataSharingWithdrawal(
            head,
            PostalAddress(
                "Regional Research Data Service",
                "The Old Library\nUniversity Road\nMidtown",
                "LE1 7RH",
            ),
            "RMP/DSA/2026-02",
            today,
            signer,
            agreement="Research Data Extract (quarterly)",
            purpose="research and the planning of local services",
            permission_ends=today + timedelta(days=30),
            copy_to=ICB,
        ),
    )
    start = date(2026, 10, 1)
    actions = (
        AdoptedActionItem(
            "Limit daily patient contacts per clinician to the recommended safe maximum of 25. "
            "Divert patients to local urgent care settings once daily maximum capacity has been reached.",
            start,
        ),
        AdoptedActionItem(
            "Serve notice on any voluntary services currently undertaken that plug local commissioning gaps.",
            served,
        ),
        AdoptedActionItem(
            "Stop rationing referrals, investigations, and admissions.",
            start,
        ),
        AdoptedActionItem(
            "Withdraw permission for data sharing agreements that exclusively use data for secondary "
            "purposes (i.e. not direct care).",
            served,
        ),
        AdoptedActionItem(
            "Freeze sign-up to any new data sharing agreements or local system data sharing platforms.",
            served,
        ),
    )
    changes_letter = ServiceChangesNotification(
        head, ICB, "RMP/SC/2026-01", today, signer, actions, LMC
    )
    referral = ReferralLetterTemplate(
        head,
        wording=(
            "I am referring this patient for your assessment and advice. I have written this letter "
            "in place of a local referral form: it gives the clinical information you need to "
            "decide how soon to see the patient.\n\n"
            "The patient has agreed to this referral and knows why it is being made. Please send "
            "your reply to the practice, marked for the attention of the referring clinician."
        ),
    )
    notice = PatientNotice(
        practice,
        changes=(
            PatientChange(
                "Each doctor and nurse will see at most 25 patients a day, the safe limit doctors "
                "recommend. When a doctor or nurse has reached that limit, reception will help you "
                "find the right care elsewhere or book you the next available appointment.",
                start,
            ),
            PatientChange(
                "Blood tests asked for by the hospital will be done at the hospital, not at the practice.",
                served + timedelta(days=90),
            ),
        ),
        local_services=sample_local_services(),
        logo=sample_logo(),
    )
    return DocumentPack(
        service_notices=notices,
        withdrawals=withdrawals,
        service_changes=changes_letter,
        referral_template=referral,
        notice=notice,
    )
