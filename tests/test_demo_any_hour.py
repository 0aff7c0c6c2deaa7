"""The demo made at awkward instants: any minute of any day, bank holidays and clock changes.

Each instant is a clock injected into the services. At every one the demo must be made, its
counter must be as busy as the time of day allows (nobody seen before 8am, the day complete by
evening), nothing may be stamped outside today or after the moment the demo was made, and its
plan, letters and audit trail must verify. The history of earlier weeks depends on the date
only, never on the hour.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from conftest import faketime
from sqlalchemy import select

from practice_action import paths
from practice_action.domain.calendar import LONDON, day_bounds_utc, is_working_day
from practice_action.domain.enums import StaffRole
from practice_action.services import audit, counter, demo, documents, plan, staff
from practice_action.services.context import Actor, Context
from practice_action.services.health import open_context
from practice_action.store.counter_models import Contact, Diversion

TIMES = ("00:00", "00:01", "07:59", "12:00", "18:30", "22:28", "22:45", "23:59")

DAYS = {
    "weekday": date(2026, 11, 17),  # a Tuesday
    "saturday": date(2026, 11, 21),
    "sunday": date(2026, 11, 22),
    "christmas": date(2026, 12, 25),  # a bank holiday (a Friday)
    "clocks-back": date(2026, 10, 25),  # 02:00 BST becomes 01:00 GMT
    "clocks-forward": date(2026, 3, 29),  # 01:00 GMT becomes 02:00 BST
}

# The hour that happens twice, and the moments either side of the hour that never happens.
EXTRA_UTC = {
    "clocks-back": (
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
        datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
    ),
    "clocks-forward": (
        datetime(2026, 3, 29, 0, 59, tzinfo=UTC),
        datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
    ),
}


def _instants(label: str) -> list[datetime]:
    day = DAYS[label]
    local = [datetime.combine(day, time.fromisoformat(t), LONDON).astimezone(UTC) for t in TIMES]
    return sorted([*local, *EXTRA_UTC.get(label, ())])


def _made_at(folder: Path, at: datetime) -> tuple[Context, str]:
    ctx = open_context(paths.resolve(folder), clock=lambda: at)
    return ctx, demo.create_demo(ctx)


def _history(ctx: Context, today: date) -> list[tuple[date, tuple[tuple[str, int, int, int], ...]]]:
    days = []
    day = today - timedelta(days=35)
    while day < today:
        board = counter.board(ctx, day)
        days.append(
            (day, tuple((c.name, c.counted, c.urgent, c.diverted) for c in board.clinicians))
        )
        day += timedelta(days=1)
    return days


def _check_today(ctx: Context, at: datetime) -> counter.Board:
    """Everything recorded today lies between the desk opening and the moment of the demo."""
    today = at.astimezone(LONDON).date()
    board = counter.board(ctx)
    assert board.day == today and board.clinicians
    for count in board.clinicians:
        assert count.cap is None or count.counted <= count.cap
    start, end = day_bounds_utc(today)
    opens = datetime.combine(today, demo.OPENS, LONDON).astimezone(UTC)
    with ctx.store.read() as session:
        for row in session.scalars(select(Contact).where(Contact.day == today)):
            assert opens <= row.at <= at, (row.at, at)
            assert row.voided_at is None or row.at < row.voided_at <= at
        for row in session.scalars(select(Diversion).where(Diversion.day == today)):
            assert opens <= row.at <= at
        for row in session.scalars(select(Contact).where(Contact.day != today)):
            assert not start <= row.at < end  # every contact's day agrees with its time
    return board


def _check_plan_letters_audit(ctx: Context) -> None:
    current = plan.current_plan(ctx)
    assert current.version is not None and current.adopted
    partner = next(m for m in staff.list_staff(ctx) if m.role is StaffRole.PARTNER)
    made = documents.generate(ctx, Actor(partner.name, partner.role, partner.id))
    assert len(made) >= 10 and all(g.content for g in made)
    report = audit.verify(ctx)
    assert report.intact, report


@pytest.mark.parametrize("label", list(DAYS))
def test_demo_at_every_awkward_instant_of_the_day(tmp_path: Path, label: str) -> None:
    instants = _instants(label)
    boards: dict[datetime, counter.Board] = {}
    histories = []
    for n, at in enumerate(instants):
        ctx, summary = _made_at(tmp_path / f"demo-{n}", at)
        try:
            assert "Demo practice created" in summary
            boards[at] = _check_today(ctx, at)
            histories.append(_history(ctx, at.astimezone(LONDON).date()))
            _check_plan_letters_audit(ctx)
        finally:
            ctx.store.dispose()

    # The earlier weeks are the same whatever the hour (the date alone decides them).
    assert all(h == histories[0] for h in histories)
    assert sum(c[1] for _, day in histories[0] for c in day) > 1000

    # Nobody seen before 8am; busier as the day goes on; complete in the evening.
    day = DAYS[label]
    opens = datetime.combine(day, demo.OPENS, LONDON).astimezone(UTC)
    evening = datetime.combine(day, time(18, 30), LONDON).astimezone(UTC)
    totals = [boards[at].total_counted + boards[at].total_diverted for at in instants]
    assert totals == sorted(totals)
    for at, board in boards.items():
        if at < opens:
            assert board.total_counted == board.total_diverted == board.total_urgent == 0
    late = [boards[at] for at in instants if at >= evening]
    assert len(late) == 4
    complete = [(c.name, c.counted, c.urgent, c.diverted) for c in late[0].clinicians]
    assert all(
        [(c.name, c.counted, c.urgent, c.diverted) for c in b.clinicians] == complete for b in late
    )
    assert late[0].all_full is False and late[0].clinicians[0].counted == 25
    assert late[0].total_diverted == 3 and late[0].total_urgent == 1
    noon = boards[datetime.combine(day, time(12, 0), LONDON).astimezone(UTC)]
    assert 0 < noon.total_counted < late[0].total_counted
    if not is_working_day(day):  # nobody on the rota: the demo puts four on today's counter
        assert len(late[0].clinicians) == 4


def test_demo_summary_says_the_desk_has_not_opened_yet(tmp_path: Path) -> None:
    at = datetime(2026, 11, 17, 6, 45, tzinfo=LONDON).astimezone(UTC)
    ctx, summary = _made_at(tmp_path / "early", at)
    ctx.store.dispose()
    assert "the desk opens at 8am, so nobody has been seen yet" in summary


@pytest.mark.parametrize("moment", ["2026-12-01 22:45:00", "2026-11-21 23:59:30"])
def test_the_demo_command_works_late_in_the_evening_on_the_computer_clock(
    tmp_path: Path, moment: str
) -> None:
    """The command a new user types, in its own process, with the computer's clock moved."""
    env = {**os.environ, "TZ": "Europe/London", "QT_QPA_PLATFORM": "offscreen"}
    env.pop("PRACTICE_ACTION_DATABASE_URL", None)
    folder = tmp_path / "demo"
    command = [sys.executable, "-m", "practice_action", "--data-dir", str(folder)]
    made = subprocess.run(
        [faketime(), moment, *command, "demo"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert made.returncode == 0, made.stderr
    assert "Demo practice created" in made.stdout
    assert "already full" in made.stdout  # the whole day has happened by the evening
    checked = subprocess.run(
        [faketime(), moment, *command, "audit", "verify"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert checked.returncode == 0, checked.stderr
    assert "Audit trail intact" in checked.stdout
