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
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from practice_action.domain.calendar import LONDON, is_working_day, local_now, local_today
from practice_action.domain.enums import (
    ClinicianRole,
    ContactType,
    CounterState,
    DivertDestination,
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
from practice_action.domain.reports import ConcernKind, SafetyEntry
from practice_action.domain.safety_event import HarmLevel, SafetyCategory, SafetyPlace
from practice_action.domain.words import plural
from practice_action.services import counter, practice, registers, safety, staff
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

# The demo plan gives notice on the first two: one to the trust, one to the ICB under its LES.
VOLUNTARY_SERVICES = (
    VoluntaryService(
        "Phlebotomy for hospital-requested blood tests",
        PostalAddress(
            "Soar Valley Hospitals NHS Trust",
            "Contracts Office, Gwendolen Way\nLeicester",
            "LE5 9ZT",
        ),
        90,
        "Bloods requested by hospital clinics and taken here at the hospital's request; "
        "never commissioned or funded.",
        commissioner_kind=RecipientKind.TRUST,
        patient_name="Blood tests that the hospital asked for",
        instead="Book them with the hospital's blood test clinic at Soar Valley General",
        instead_phone="0116 496 0400",
    ),
    VoluntaryService(
        "Ear irrigation",
        _ICB,
        30,
        "Provided under the ICB's ear care local enhanced service since 2019.",
        basis=ServiceBasis.LOCAL_AGREEMENT,
        termination_clause="clause 12.2 of the Soar Valley Ear Care LES 2025/26",
        patient_name="Ear washing (ear irrigation)",
        instead="Ask a pharmacist about ear wax, or book at the community ear care clinic",
        instead_phone="0116 496 0420",
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
        commissioner_kind=RecipientKind.TRUST,
        patient_name="Wound care and taking out stitches after a hospital operation",
        instead="Call the ward that did your operation to book it",
        instead_phone="0116 496 0410",
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
        purpose_text="showing each patient's record to the clinicians who treat them",
        lawful_basis="UK GDPR Articles 6(1)(e) and 9(2)(h)",
        dpia=DpiaStatus.EXISTS,
        required_by=Requirement.CONTRACT,
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
        party_kind=RecipientKind.COMMISSIONER,
        purpose_text="population health analysis and the planning of services for the ICB",
        lawful_basis="UK GDPR Articles 6(1)(e) and 9(2)(h)",
        dpia=DpiaStatus.EXISTS,
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
        purpose_text="research studies run by the network's member universities",
        lawful_basis="UK GDPR Articles 6(1)(e) and 9(2)(j)",
        dpia=DpiaStatus.NOT_KNOWN,
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
        purpose_text="finding patients at high risk of admission, and planning services",
        dpia=DpiaStatus.NONE,
    ),
)


@dataclass(frozen=True)
class DemoStep:
    title: str
    run: Callable[[Context, Actor], str]


def _add_staff(ctx: Context, manager: Actor) -> str:
    first_partner: staff.Countersign | None = None
    for member in OTHER_STAFF:
        # The first partner is added by the manager alone; each later one with their agreement.
        partner = member.role is StaffRole.PARTNER
        made = staff.add_staff(
            ctx,
            manager,
            member,
            DEMO_PINS[member.name],
            countersign=first_partner if partner else None,
        )
        if partner and first_partner is None and made.id is not None:
            first_partner = staff.Countersign(made.id, DEMO_PINS[member.name])
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

# The desk's day, London time. Every event of a replayed day happens at a time inside it, so a
# replayed day can never run into the next one, whatever the hour the demo is made.
OPENS = time(8, 0)
MORNING_ENDS = time(13, 0)
CLOSES = time(18, 30)

_TYPES = (
    ContactType.FACE_TO_FACE,
    ContactType.TELEPHONE,
    ContactType.FACE_TO_FACE,
    ContactType.TELEPHONE,
    ContactType.ONLINE,
    ContactType.FACE_TO_FACE,
    ContactType.VIDEO,
)


class _SetClock:
    """A clock that reads whatever time the demo has set: one event of a replayed day at a time."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@dataclass(frozen=True)
class _Event:
    """One thing done at the desk: when it happens (UTC) and what it does, given that context."""

    at: datetime
    run: Callable[[Context], object]


def _instant(day: date, at: time) -> datetime:
    return datetime.combine(day, at, LONDON).astimezone(UTC)


def _spread(day: date, start: time, end: time, count: int) -> list[datetime]:
    """``count`` instants spread evenly from ``start`` to before ``end`` on ``day`` (UTC)."""
    first, last = _instant(day, start), _instant(day, end)
    step = (last - first) / max(count, 1)
    return [first + step * i for i in range(count)]


def _session_hours(sessions: int) -> tuple[time, time]:
    return (OPENS, CLOSES) if sessions >= 2 else (OPENS, MORNING_ENDS)


def _play(ctx: Context, day: date, events: list[_Event], until: datetime | None = None) -> int:
    """Run the day's events in time order, those up to ``until`` only; return how many ran."""
    day_start, day_end = _instant(day, time(0, 0)), _instant(day, CLOSES)
    clock = _SetClock(day_start)
    at_desk = Context(ctx.store, clock, ctx.data_dir, ctx.backups_dir)
    ran = 0
    for event in sorted(events, key=lambda e: e.at):
        if until is not None and event.at > until:
            break
        if not day_start <= event.at <= day_end:  # a guard: no replayed day leaves its own day
            raise AssertionError(f"demo event at {event.at} is outside {day}")
        clock.at = event.at
        event.run(at_desk)
        ran += 1
    return ran


def _board_before_opening(ctx: Context, day: date) -> counter.Board:
    clock = _SetClock(_instant(day, time(7, 0)))
    return counter.board(Context(ctx.store, clock, ctx.data_dir, ctx.backups_dir))


def _history_day(
    rng: random.Random, ctx: Context, desk: Actor, day: date, tally: dict[str, int]
) -> None:
    """One working day under the cap: each clinician's demand spread over their sessions."""
    events: list[_Event] = []
    for count in _board_before_opening(ctx, day).clinicians:
        demand = rng.randint(11, 15) * count.sessions_today
        left = count.cap if count.cap is not None else demand
        start, end = _session_hours(count.sessions_today)
        for at in _spread(day, start, end, demand):
            kind = rng.choice(_TYPES)
            who = count.clinician_id
            if left > 0:
                left -= 1
                tally["contacts"] += 1
                events.append(_Event(at, _contact(desk, who, kind)))
            elif rng.random() < 0.05:
                tally["urgent"] += 1
                events.append(_Event(at, _contact(desk, who, kind, _URGENT)))
            else:
                destination = rng.choices(
                    [d for d, _ in _DIVERT_SHARES], weights=[w for _, w in _DIVERT_SHARES]
                )[0]
                tally["diverted"] += 1
                events.append(_Event(at, _diversion(desk, who, destination)))
    _play(ctx, day, events)


_URGENT = "Deteriorating patient: duty doctor"


def _contact(
    desk: Actor, clinician_id: int, kind: ContactType, urgent: str | None = None
) -> Callable[[Context], object]:
    def run(at: Context) -> object:
        return counter.record_contact(at, desk, clinician_id, kind, urgent_reason=urgent)

    return run


def _diversion(
    desk: Actor, clinician_id: int, destination: DivertDestination
) -> Callable[[Context], object]:
    def run(at: Context) -> object:
        return counter.record_diversion(at, desk, destination, clinician_id=clinician_id)

    return run


def _slip(desk: Actor, clinician_id: int) -> Callable[[Context], object]:
    """A contact recorded against the wrong clinician and undone half a minute later."""

    def run(at: Context) -> object:
        slip = counter.record_contact(at, desk, clinician_id)
        later = Context(at.store, _SetClock(at.clock() + timedelta(seconds=30)), at.data_dir)
        counter.void_contact(later, desk, slip.contact_id, "Recorded by mistake")
        return slip

    return run


def _history(ctx: Context, manager: Actor) -> str:
    """Three weeks of desk work under the cap, so that Reports has something to show.

    The same whatever the hour the demo is made: it depends only on today's date."""
    rng = random.Random(42)
    desk = Actor("Liam Foster", StaffRole.RECEPTIONIST)
    tally = {"contacts": 0, "diverted": 0, "urgent": 0}
    day = _history_start(ctx)
    today = local_today(ctx.clock)
    while day < today:
        if is_working_day(day):
            _history_day(rng, ctx, desk, day, tally)
        day += timedelta(days=1)
    return (
        f"three weeks of history ({tally['contacts']} contacts, {tally['diverted']} patients "
        f"diverted, {tally['urgent']} urgent overrides)"
    )


@dataclass(frozen=True)
class _SafetyStory:
    """A safety log entry of the demo: on which working day of the history (counting from its
    first), when, who logged it, and what it says, in words that identify nobody."""

    working_day: int
    weekdays: frozenset[Weekday]  # the days the clinician it names works
    at: time
    recorded_by: str
    clinician: str
    entry: SafetyEntry
    linked_to: DivertDestination | None = None  # linked to that day's first such diversion
    logged_next_day: bool = False  # heard of, and logged, the next working day at ``at``


_ALL_WEEK = frozenset(Weekday)
_SAFETY_STORIES = (
    _SafetyStory(
        2,
        _ALL_WEEK,
        time(12, 5),
        "Jade Barker",
        "Dr Asha Mistry",
        SafetyEntry(
            None,
            date.min,
            ConcernKind.NEAR_MISS,
            "At the cap, a caller describing chest tightness when walking was about to be "
            "signposted to Pharmacy First. The receptionist went through the red-flag list "
            "before ending the call and put it through to the duty doctor instead.",
            "The duty doctor spoke to the patient within the hour and arranged a same-day "
            "assessment. Raised at the next morning's huddle: chest pain never goes to "
            "Pharmacy First; it goes to the duty doctor, or 999.",
            category=SafetyCategory.DIVERSION,
            harm=HarmLevel.NONE,
            place=SafetyPlace.TELEPHONE,
            time_of_day="11:50",
        ),
    ),
    _SafetyStory(
        7,
        _ALL_WEEK,
        time(9, 40),
        "Karen Holt",
        "",
        SafetyEntry(
            None,
            date.min,
            ConcernKind.CONCERN,
            "A patient sent to NHS 111 when the day's contacts were full waited over four "
            "hours for a call back, then went to the urgent treatment centre with a spreading "
            "skin infection.",
            "Treated with antibiotics at the urgent treatment centre, and recovering. Raised "
            "with the ICB's urgent care lead and shared with the LMC as an effect of the cap "
            "on other services.",
            category=SafetyCategory.ACCESS_DELAY,
            harm=HarmLevel.LOW,
            place=SafetyPlace.ELSEWHERE,
        ),
        DivertDestination.NHS_111,
        logged_next_day=True,
    ),
    _SafetyStory(
        11,
        frozenset({Weekday.TUE, Weekday.THU}),
        time(16, 45),
        "Dr Asha Mistry",
        "Ravi Chauhan",
        SafetyEntry(
            None,
            date.min,
            ConcernKind.NEAR_MISS,
            "An online request about an overdue blood test for a patient on an anticoagulant "
            "came in after the cap was reached and was queued for the next routine day. The "
            "clinical pharmacist spotted it while reading through the afternoon's requests.",
            "The pharmacist reviewed the result that afternoon and the dose was changed. Online "
            "requests about anticoagulants now go to the duty clinician, whatever the cap.",
            category=SafetyCategory.MEDICATION,
            harm=HarmLevel.NONE,
            place=SafetyPlace.ONLINE,
            time_of_day="14:20",
        ),
    ),
)


def _safety_log(ctx: Context, manager: Actor) -> str:
    """A few entries in the safety log on days of the history, with the fields the national
    recording asks for, so that Reports and the evidence file have some to show. The same
    whatever the hour the demo is made."""
    days = []
    day = _history_start(ctx)
    today = local_today(ctx.clock)
    while day < today:
        if is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    people = {m.name: m for m in staff.list_staff(ctx)}
    clinicians = {c.name: c.id for c in registers.list_records(ctx, registers.CLINICIANS)}
    kinds = []
    for story in _SAFETY_STORIES:
        last = len(days) - 1 if story.logged_next_day else len(days)  # logged before today
        chosen = [d for d in days[story.working_day : last] if _weekday(d) in story.weekdays]
        if not chosen:
            continue
        on = chosen[0]
        logged_on = days[days.index(on) + 1] if story.logged_next_day else on
        member = people[story.recorded_by]
        who = Actor(member.name, member.role, member.id)
        entry = replace(story.entry, day=on, clinician_id=clinicians.get(story.clinician))
        if story.linked_to is not None:
            wanted = story.linked_to.label
            linked = next(
                (
                    (d_id, text)
                    for d_id, text in safety.diversions_on(ctx, manager, on)
                    if wanted in text
                ),
                None,
            )
            if linked is not None:  # "03 Nov 14:05 NHS 111 from Dr Asha Mistry"
                at_time = re.search(r"\b\d\d:\d\d\b", linked[1])
                entry = replace(
                    entry, diversion_id=linked[0], time_of_day=at_time.group() if at_time else ""
                )

        def run(at: Context, who: Actor = who, entry: SafetyEntry = entry) -> object:
            return safety.record(at, who, entry)

        _play(ctx, logged_on, [_Event(_instant(logged_on, story.at), run)])
        kinds.append(story.entry.kind)
    near = kinds.count(ConcernKind.NEAR_MISS)
    return (
        f"{plural(len(kinds), 'safety log entry', 'safety log entries')} ("
        f"{plural(near, 'near miss', 'near misses')}, "
        f"{plural(len(kinds) - near, 'concern')})"
    )


def _weekday(day: date) -> Weekday:
    return next(w for w in Weekday if w.index == day.weekday())


# Today's contacts per clinician (in the counter's order), for a whole day at the desk. The
# first clinician is full by late morning; the diversions and an urgent override follow.
_TODAY = (25, 21, 17, 13, 9, 8, 15, 6)
FIRST_FULL_BY = time(11, 30)


def _today_events(on_duty: tuple[counter.ClinicianCount, ...], day: date) -> list[_Event]:
    desk = Actor("Jade Barker", StaffRole.RECEPTIONIST)
    events: list[_Event] = []
    for i, count in enumerate(on_duty):
        target = _TODAY[i % len(_TODAY)]
        if count.cap is not None:
            target = min(target, count.cap)
        start, end = _session_hours(count.sessions_today)
        if i == 0:
            end = FIRST_FULL_BY
        for n, at in enumerate(_spread(day, start, end, target)):
            events.append(_Event(at, _contact(desk, count.clinician_id, _TYPES[(i + n) % 7])))
    full = on_duty[0].clinician_id
    after = [time(11, 40), time(12, 25), time(14, 10)]
    for at, destination in zip(
        after,
        (
            DivertDestination.NHS_111,
            DivertDestination.PHARMACY_FIRST,
            DivertDestination.NEXT_ROUTINE,
        ),
        strict=True,
    ):
        events.append(_Event(_instant(day, at), _diversion(desk, full, destination)))
    urgent = _contact(desk, full, ContactType.TELEPHONE, _URGENT)
    events.append(_Event(_instant(day, time(15, 5)), urgent))
    events.append(_Event(_instant(day, time(9, 20)), _slip(desk, on_duty[-1].clinician_id)))
    return events


def _morning(ctx: Context, manager: Actor) -> str:
    """Today at the desk, as far as the time of day allows: nothing before 8am, all by 6:30pm."""
    on_duty = counter.board(ctx).clinicians
    if not on_duty:  # a weekend or bank holiday: put the first four on today's counter
        for clinician in registers.list_records(ctx, registers.CLINICIANS)[:4]:
            assert clinician.id is not None
            counter.add_to_today(ctx, manager, clinician.id)
        on_duty = counter.board(ctx).clinicians
    today = local_today(ctx.clock)
    now = ctx.clock()
    # The slip and its undo count as one event, timed when it is recorded; its undo lands
    # 30 seconds on, so it is left out until that moment has passed too.
    _play(ctx, today, _today_events(on_duty, today), until=now - timedelta(seconds=30))
    board = counter.board(ctx)
    if local_now(ctx.clock).time() < OPENS:
        return "today's counter ready (the desk opens at 8am, so nobody has been seen yet)"
    full = [c.name for c in board.clinicians if c.state is CounterState.FULL]
    return (
        f"today at the desk so far ({board.total_counted} contacts, "
        f"{', '.join(full) + ' already full' if full else 'nobody full yet'}, "
        f"{board.total_diverted} diverted, {board.total_urgent} urgent "
        f"{'override' if board.total_urgent == 1 else 'overrides'})"
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
    DemoStep("safety log", _safety_log),
    DemoStep("today at the desk", _morning),
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
    # One reading of the clock for the whole demo: a demo made a moment before midnight still
    # lays out one day, and everything it sets up is stamped with the moment it was asked for.
    ctx = Context(ctx.store, _SetClock(ctx.clock()), ctx.data_dir, ctx.backups_dir, ctx.extra)
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
