"""A realistic demo practice, so that a newcomer sees every screen with something in it.

Everything goes through the same services as the screens (validated and audited), acting as
the demo's practice manager. The practice, people, addresses and phone numbers are made up:
the phone numbers come from the ranges Ofcom keeps for drama, the web addresses use the
reserved ``.example`` name, and the ODS code belongs to no real practice we know of.

The demo is a list of steps run in order. A feature that wants demo data of its own (a plan,
a morning of contacts) writes a function ``(ctx, manager) -> str`` in its own service module
and adds a ``DemoStep`` to ``STEPS`` below; the string it returns is one line of the summary.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from practice_action.domain.calendar import LONDON, is_working_day, local_today
from practice_action.domain.enums import (
    ClinicianRole,
    ContactType,
    DivertDestination,
    DsaPurpose,
    ServiceKind,
    Session,
    StaffRole,
    Weekday,
)
from practice_action.domain.errors import ConflictError
from practice_action.domain.records import (
    Clinician,
    DataSharingAgreement,
    LocalService,
    PostalAddress,
    PracticeProfile,
    StaffMember,
    VoluntaryService,
)
from practice_action.services import counter, practice, registers, staff
from practice_action.services.context import Actor, Context

PRACTICE = PracticeProfile(
    name="Fernbrook Medical Practice",
    ods_code="Y99042",
    address="21 Station Road\nWigston Fold\nLeicester",
    postcode="LE18 9ZQ",
    phone="0116 496 0123",
    email="reception@fernbrook-medical.example",
    website="www.fernbrook-medical.example",
    list_size=9850,
    icb=PostalAddress(
        "Soar Valley Integrated Care Board",
        "Primary Care Contracts Team\nRiverside House, 4 Bridge Court\nLeicester",
        "LE1 9ZY",
    ),
    lmc=PostalAddress(
        "Soar Valley Local Medical Committee",
        "Suite 3, Navigation Wharf\nLeicester",
        "LE2 9ZB",
    ),
)

MANAGER = StaffMember("Karen Holt", StaffRole.PRACTICE_MANAGER)

# Demo only: these PINs are printed in the summary so that anyone can try every role.
DEMO_PINS = {
    "Karen Holt": "246802",
    "Dr Asha Mistry": "135791",
    "Dr Tom Whitfield": "135792",
    "Jade Barker": "202471",
    "Liam Foster": "202482",
}

OTHER_STAFF = (
    StaffMember("Dr Asha Mistry", StaffRole.PARTNER),
    StaffMember("Dr Tom Whitfield", StaffRole.PARTNER),
    StaffMember("Jade Barker", StaffRole.RECEPTIONIST),
    StaffMember("Liam Foster", StaffRole.RECEPTIONIST),
)

MON, TUE, WED, THU, FRI = Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI


def _days(*days: Weekday, parts: tuple[Session, ...] = (Session.AM, Session.PM)) -> set:
    return {(day, part) for day in days for part in parts}


CLINICIANS = (
    Clinician(
        "Dr Asha Mistry", ClinicianRole.GP_PARTNER, frozenset(_days(MON, TUE, WED, THU, FRI))
    ),
    Clinician("Dr Tom Whitfield", ClinicianRole.GP_PARTNER, frozenset(_days(MON, TUE, THU))),
    Clinician(
        "Dr Grace Okafor",
        ClinicianRole.GP_PARTNER,
        frozenset(_days(MON, WED, THU) | _days(FRI, parts=(Session.AM,))),
    ),
    Clinician("Dr Hannah Lowe", ClinicianRole.SALARIED_GP, frozenset(_days(TUE, WED, THU))),
    Clinician(
        "Dr Imran Qureshi",
        ClinicianRole.SALARIED_GP,
        frozenset(_days(MON, TUE, WED, THU, FRI, parts=(Session.AM,))),
    ),
    Clinician("Dr Peter Hale", ClinicianRole.LOCUM_GP, frozenset(_days(FRI))),
    Clinician("Claire Dunmore", ClinicianRole.ANP, frozenset(_days(MON, TUE, WED, THU))),
    Clinician("Ravi Chauhan", ClinicianRole.PHARMACIST, frozenset(_days(TUE, THU))),
)

LOCAL_SERVICES = (
    LocalService(
        "NHS 111",
        ServiceKind.NHS_111,
        phone="111",
        hours="24 hours, every day; online at 111.nhs.uk",
    ),
    LocalService(
        "Wigston Fold Pharmacy (Pharmacy First)",
        ServiceKind.PHARMACY_FIRST,
        address="3 The Parade\nWigston Fold\nLeicester",
        postcode="LE18 9ZR",
        phone="0116 496 0321",
        hours="Mon-Fri 08:30-18:30, Sat 09:00-13:00",
    ),
    LocalService(
        "Soar Valley Urgent Treatment Centre",
        ServiceKind.UTC,
        address="General Hospital site, Gwendolen Way\nLeicester",
        postcode="LE5 9ZT",
        phone="0116 496 0555",
        hours="08:00-22:00 every day, including bank holidays",
    ),
    LocalService(
        "Fold Lane Minor Injuries Unit",
        ServiceKind.MIU,
        address="Fold Lane Health Centre, Fold Lane\nWigston Fold\nLeicester",
        postcode="LE18 9ZW",
        phone="0116 496 0777",
        hours="Mon-Fri 08:00-20:00, Sat-Sun 09:00-17:00",
    ),
    LocalService(
        "Soar Valley Mental Health Crisis Line",
        ServiceKind.CRISIS_LINE,
        phone="0808 157 0123",
        hours="24 hours, every day (free to call)",
    ),
)

_ICB = PRACTICE.icb

VOLUNTARY_SERVICES = (
    VoluntaryService(
        "Phlebotomy for hospital-requested blood tests",
        _ICB,
        90,
        "Bloods requested by hospital clinics and taken here at the hospital's request; "
        "never commissioned or funded.",
    ),
    VoluntaryService(
        "Post-operative wound care and suture removal",
        PostalAddress(
            "Soar Valley Hospitals NHS Trust",
            "Contracts Office, Gwendolen Way\nLeicester",
            "LE5 9ZT",
        ),
        60,
        "Dressings and removal of sutures for patients discharged after surgery.",
    ),
    VoluntaryService(
        "Ear irrigation",
        _ICB,
        30,
        "Removed from the local community service specification in 2019; we carried on.",
    ),
)

AGREEMENTS = (
    DataSharingAgreement(
        "Soar Valley Shared Care Record",
        PostalAddress(
            "Soar Valley Shared Care Record Partnership",
            "Riverside House, 4 Bridge Court\nLeicester",
            "LE1 9ZY",
        ),
        DsaPurpose.DIRECT_CARE,
        date(2021, 6, 14),
    ),
    DataSharingAgreement(
        "Population health management analytics",
        PostalAddress(
            "Soar Valley ICB Business Intelligence Unit",
            "Riverside House, 4 Bridge Court\nLeicester",
            "LE1 9ZY",
        ),
        DsaPurpose.SECONDARY,
        date(2022, 3, 1),
    ),
    DataSharingAgreement(
        "East Midlands research data extraction",
        PostalAddress(
            "Midlands Health Research Network",
            "Innovation Centre, 9 University Road\nNottingham",
            "NG7 9ZD",
        ),
        DsaPurpose.SECONDARY,
        date(2020, 11, 20),
    ),
    DataSharingAgreement(
        "Risk stratification and case finding",
        PostalAddress(
            "Soar Valley Commissioning Support Unit",
            "Unit 7, Meridian Business Park\nLeicester",
            "LE19 9ZN",
        ),
        DsaPurpose.MIXED,
        date(2019, 9, 2),
    ),
)


@dataclass(frozen=True)
class DemoStep:
    title: str
    run: Callable[[Context, Actor], str]


def _add_staff(ctx: Context, manager: Actor) -> str:
    for member in OTHER_STAFF:
        staff.add_staff(ctx, manager, member, DEMO_PINS[member.name])
    return f"{len(OTHER_STAFF) + 1} staff accounts (a practice manager, partners, receptionists)"


def _saver(
    register: registers.Register, items: tuple, what: str
) -> Callable[[Context, Actor], str]:
    def run(ctx: Context, manager: Actor) -> str:
        for item in items:
            registers.save_record(ctx, manager, register, item)
        return f"{len(items)} {what}"

    return run


HISTORY_WORKING_DAYS = 15  # three weeks of the action already behind the demo practice


def _history_start(ctx: Context) -> date:
    day = local_today(ctx.clock)
    for _ in range(HISTORY_WORKING_DAYS):
        day -= timedelta(days=1)
        while not is_working_day(day):
            day -= timedelta(days=1)
    return day


def _plan(ctx: Context, manager: Actor) -> str:
    from practice_action.services import plan

    return plan.demo_plan(ctx, manager, cap_from=_history_start(ctx))


_DIVERT_SHARES = (
    (DivertDestination.NHS_111, 0.45),
    (DivertDestination.PHARMACY_FIRST, 0.25),
    (DivertDestination.NEXT_ROUTINE, 0.2),
    (DivertDestination.UTC, 0.1),
)


def _history(ctx: Context, manager: Actor) -> str:
    """Three weeks of desk work under the cap, so that Reports has something to show."""
    rng = random.Random(42)
    desk = Actor("Liam Foster", StaffRole.RECEPTIONIST)
    day = _history_start(ctx)
    today = local_today(ctx.clock)
    contacts = diverted = urgent = 0
    while day < today:
        if not is_working_day(day):
            day += timedelta(days=1)
            continue
        opens = datetime.combine(day, time(8, 0), LONDON).astimezone(UTC)
        clock = _SteppingClock(opens, timedelta(seconds=50))
        past = Context(ctx.store, clock, ctx.data_dir, ctx.backups_dir)
        for count in counter.board(past).clinicians:
            demand = rng.randint(11, 15) * count.sessions_today
            left = count.cap if count.cap is not None else demand
            for _ in range(demand):
                kind = rng.choice(_TYPES)
                if left > 0:
                    left = counter.record_contact(past, desk, count.clinician_id, kind).left or 0
                    contacts += 1
                    continue
                if rng.random() < 0.05:
                    counter.record_contact(
                        past,
                        desk,
                        count.clinician_id,
                        kind,
                        urgent_reason="Deteriorating patient: duty doctor",
                    )
                    urgent += 1
                    continue
                destination = rng.choices(
                    [d for d, _ in _DIVERT_SHARES], weights=[w for _, w in _DIVERT_SHARES]
                )[0]
                counter.record_diversion(past, desk, destination, clinician_id=count.clinician_id)
                diverted += 1
        day += timedelta(days=1)
    return (
        f"three weeks of history ({contacts} contacts, {diverted} patients diverted, "
        f"{urgent} urgent overrides)"
    )


class _SteppingClock:
    """A clock that moves on a few minutes at each reading: a morning at the desk, replayed."""

    def __init__(self, start: datetime, step: timedelta) -> None:
        self.now = start
        self.step = step

    def __call__(self) -> datetime:
        self.now += self.step
        return self.now


# (clinician index in CLINICIANS order on duty, contacts this morning, contact types cycled)
_MORNING = (25, 17, 12, 9, 14, 6, 11, 4)
_TYPES = (
    ContactType.FACE_TO_FACE,
    ContactType.TELEPHONE,
    ContactType.FACE_TO_FACE,
    ContactType.TELEPHONE,
    ContactType.ONLINE,
    ContactType.FACE_TO_FACE,
    ContactType.VIDEO,
)


def _morning(ctx: Context, manager: Actor) -> str:
    """Today's contacts so far, one clinician already full, with the diversions that follow."""
    desk = Actor("Jade Barker", StaffRole.RECEPTIONIST)
    on_duty = counter.board(ctx).clinicians
    if not on_duty:  # a weekend or bank holiday: put the first four on today's counter
        for clinician in registers.list_records(ctx, registers.CLINICIANS)[:4]:
            assert clinician.id is not None
            counter.add_to_today(ctx, manager, clinician.id)
        on_duty = counter.board(ctx).clinicians
    total = sum(_MORNING[i % len(_MORNING)] for i in range(len(on_duty)))
    now = ctx.clock()
    midnight = datetime.combine(local_today(ctx.clock), time(0, 1), LONDON).astimezone(UTC)
    start = max(now - timedelta(hours=3), midnight)
    step = (now - start) / (total * 2 + 10)
    morning = Context(ctx.store, _SteppingClock(start, step), ctx.data_dir, ctx.backups_dir)
    recorded = 0
    for i, count in enumerate(on_duty):
        for n in range(_MORNING[i % len(_MORNING)]):
            kind = _TYPES[(i + n) % len(_TYPES)]
            try:
                counter.record_contact(morning, desk, count.clinician_id, kind)
                recorded += 1
            except counter.AtCap:
                break
    full = on_duty[0]
    for destination in (
        DivertDestination.NHS_111,
        DivertDestination.PHARMACY_FIRST,
        DivertDestination.NEXT_ROUTINE,
    ):
        counter.record_diversion(morning, desk, destination, clinician_id=full.clinician_id)
    counter.record_contact(
        morning,
        desk,
        full.clinician_id,
        ContactType.TELEPHONE,
        urgent_reason="Deteriorating patient: duty doctor",
    )
    slip = counter.record_contact(morning, desk, on_duty[-1].clinician_id)
    counter.void_contact(morning, desk, slip.contact_id, "Recorded by mistake")
    return (
        f"a morning at the desk ({recorded} contacts, {full.name} already full, "
        "3 patients diverted, 1 urgent override)"
    )


STEPS: list[DemoStep] = [
    DemoStep("staff", _add_staff),
    DemoStep("clinicians", _saver(registers.CLINICIANS, CLINICIANS, "clinicians")),
    DemoStep("local services", _saver(registers.LOCAL_SERVICES, LOCAL_SERVICES, "local services")),
    DemoStep(
        "voluntary services",
        _saver(registers.VOLUNTARY_SERVICES, VOLUNTARY_SERVICES, "voluntary services"),
    ),
    DemoStep(
        "data sharing agreements",
        _saver(registers.AGREEMENTS, AGREEMENTS, "data sharing agreements"),
    ),
    DemoStep("action plan", _plan),
    DemoStep("three weeks of history", _history),
    DemoStep("a morning of contacts", _morning),
]


def create_demo(ctx: Context) -> str:
    """Fill an empty database with the demo practice and say what was made, PINs included."""
    if practice.is_set_up(ctx):
        existing = practice.get_profile(ctx)
        raise ConflictError(
            f"This data folder already holds a practice ({existing.name}, {existing.ods_code}), "
            "so the demo was not created: it only fills an empty one. Choose a new folder, "
            "e.g. practice-action --data-dir ~/practice-action-demo demo."
        )
    signed_in = practice.first_run_setup(ctx, PRACTICE, MANAGER.name, DEMO_PINS[MANAGER.name])
    done = [step.run(ctx, signed_in.actor) for step in STEPS]
    pins = "\n".join(
        f"  {name:<18} {role:<18} PIN {DEMO_PINS[name]}"
        for name, role in [(MANAGER.name, MANAGER.role.label)]
        + [(m.name, m.role.label) for m in OTHER_STAFF]
    )
    where = f" in {ctx.data_dir}" if ctx.data_dir else ""
    return (
        f"Demo practice created{where}: {PRACTICE.name} ({PRACTICE.ods_code}), with "
        + ", ".join(done)
        + ".\nSign in with these demo PINs (demo only: never use them for a real practice):\n"
        + pins
    )
