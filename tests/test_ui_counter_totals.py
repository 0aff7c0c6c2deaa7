"""The counter's line of totals reads as English whether a figure is one or many."""

from __future__ import annotations

from datetime import UTC, datetime

from counter_helpers import add_clinician, adopt_cap

from practice_action.domain.calendar import LONDON
from practice_action.domain.enums import ContactType, DivertDestination
from practice_action.services import counter
from practice_action.services.context import Actor, Context
from practice_action.ui.counter_screen import CounterScreen


def test_totals_say_one_and_many_properly(
    qtbot, ctx: Context, manager: Actor, partner: Actor, receptionist: Actor
) -> None:
    monday_morning = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON).astimezone(UTC)
    ctx.clock = lambda: monday_morning  # a working day, whenever the test runs
    ada = add_clinician(ctx, manager, "Dr Ada Lovelace")
    adopt_cap(ctx, partner, 1)
    counter.record_contact(ctx, receptionist, ada, ContactType.TELEPHONE)
    counter.record_contact(ctx, receptionist, ada, urgent_reason="Safeguarding concern")
    counter.record_diversion(ctx, receptionist, DivertDestination.NHS_111, clinician_id=ada)
    screen = CounterScreen(ctx, receptionist, live=False)
    qtbot.addWidget(screen)

    assert screen.totals.text() == (
        "Today so far: 1 contact, 1 urgent override, 1 patient diverted."
    )

    counter.record_contact(ctx, receptionist, ada, urgent_reason="Safeguarding concern")
    counter.record_diversion(ctx, receptionist, DivertDestination.PHARMACY_FIRST, clinician_id=ada)
    screen.refresh()

    assert screen.totals.text() == (
        "Today so far: 1 contact, 2 urgent overrides, 2 patients diverted."
    )


def test_desk_messages_are_stamped_with_the_practice_clock(
    qtbot, ctx: Context, receptionist: Actor
) -> None:
    half_past_ten = datetime(2026, 11, 23, 10, 30, 5, tzinfo=LONDON).astimezone(UTC)
    ctx.clock = lambda: half_past_ten
    screen = CounterScreen(ctx, receptionist, live=False)
    qtbot.addWidget(screen)

    screen.say("Diversion recorded: NHS 111.")

    assert screen.message.text() == "10:30:05  Diversion recorded: NHS 111."
