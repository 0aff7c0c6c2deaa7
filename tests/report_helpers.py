"""A small data set for the report tests, whose every figure is worked out by hand below.

Cap 3, online contacts not counted. Two clinicians, each on duty every day.

Wednesday 1 July 2026 (British Summer Time, UTC+1):
  Ash: 3 face to face (counted; reaches the cap), then 1 urgent override by telephone.
       1 diversion to NHS 111 from Ash.
  Birch: 1 telephone (counted), 1 online (not counted), 1 face to face undone a minute later,
       1 telephone at 23:59 local (22:59 UTC).
Thursday 2 July 2026:
  Birch: 1 video at 00:01 local (23:01 UTC on 1 July: a UTC day would put it on the 1st).
  1 diversion to Pharmacy First with no clinician named.
Tuesday 1 December 2026 (winter, UTC+0): Birch 1 face to face at 23:59.
Wednesday 2 December 2026: Birch 1 telephone at 00:01.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from counter_helpers import add_clinician, adopt_cap

from practice_action.domain.calendar import LONDON
from practice_action.domain.enums import ContactType, DivertDestination
from practice_action.services import counter
from practice_action.services.context import Actor, Context

SUMMER_1 = date(2026, 7, 1)
SUMMER_2 = date(2026, 7, 2)
WINTER_1 = date(2026, 12, 1)
WINTER_2 = date(2026, 12, 2)


@dataclass(frozen=True)
class Fixture:
    ash: int
    birch: int


def at(ctx: Context, day: date, hour: int, minute: int) -> None:
    moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)
    ctx.clock = lambda: moment


def build_small_practice(ctx: Context, manager: Actor, partner: Actor) -> Fixture:
    at(ctx, date(2026, 6, 1), 9, 0)
    ash = add_clinician(ctx, manager, "Dr Amy Ash")
    birch = add_clinician(ctx, manager, "Dr Ben Birch")
    adopt_cap(
        ctx,
        partner,
        3,
        counted=frozenset(ContactType) - {ContactType.ONLINE},
        start=date(2026, 6, 1),
    )
    f2f, tel, online, video = (
        ContactType.FACE_TO_FACE,
        ContactType.TELEPHONE,
        ContactType.ONLINE,
        ContactType.VIDEO,
    )

    at(ctx, SUMMER_1, 9, 0)
    for _ in range(3):
        counter.record_contact(ctx, manager, ash, f2f)
    counter.record_contact(ctx, manager, ash, tel, urgent_reason="Deteriorating patient")
    counter.record_diversion(ctx, manager, DivertDestination.NHS_111, clinician_id=ash)
    counter.record_contact(ctx, manager, birch, tel)
    counter.record_contact(ctx, manager, birch, online)
    mistake = counter.record_contact(ctx, manager, birch, f2f)
    at(ctx, SUMMER_1, 9, 1)
    counter.void_contact(ctx, manager, mistake.contact_id, "Recorded by mistake")
    at(ctx, SUMMER_1, 23, 59)
    counter.record_contact(ctx, manager, birch, tel)

    at(ctx, SUMMER_2, 0, 1)
    counter.record_contact(ctx, manager, birch, video)
    at(ctx, SUMMER_2, 10, 0)
    counter.record_diversion(ctx, manager, DivertDestination.PHARMACY_FIRST)

    at(ctx, WINTER_1, 23, 59)
    counter.record_contact(ctx, manager, birch, f2f)
    at(ctx, WINTER_2, 0, 1)
    counter.record_contact(ctx, manager, birch, tel)
    at(ctx, date(2026, 12, 10), 12, 0)
    return Fixture(ash, birch)
