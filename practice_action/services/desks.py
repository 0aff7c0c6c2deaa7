"""Which desks have the practice's database open, so that nothing replaces it under them.

Each running desk (the desktop app, from the moment it opens the database) has a row that it
refreshes every ``HEARTBEAT_SECONDS``; a desk seen within ``FRESH_SECONDS`` is open. A restore
refuses while another desk is open, and a desk whose row has gone (its database was replaced
by a restore from elsewhere) stops saving. On PostgreSQL the times are the server's, so desks
whose own clocks disagree still agree on who is open; on SQLite every desk is on one computer
and shares its clock.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session

from practice_action.domain.errors import DatabaseReplaced
from practice_action.domain.words import plural
from practice_action.services import witness
from practice_action.services.context import Context
from practice_action.store.desk_models import DeskRow
from practice_action.store.raw import transaction_now

HEARTBEAT_SECONDS = 15
FRESH_SECONDS = 60


@dataclass(frozen=True)
class OpenDesk:
    id: str
    computer: str
    process: int
    person: str
    seen_seconds_ago: int

    def describe(self) -> str:
        who = f", {self.person} signed in" if self.person else ", at the sign-in window"
        ago = self.seen_seconds_ago
        when = "just now" if ago < 2 else f"{ago} second{'s' if ago != 1 else ''} ago"
        return f"{self.computer} (program {self.process}{who}), last seen {when}"


def _now(session: Session, ctx: Context) -> datetime:
    """The time that counts: the server's on PostgreSQL, this computer's on SQLite."""
    return transaction_now(session, ctx.clock)


def _server_now(session: Session) -> datetime:
    value = session.execute(text("SELECT CURRENT_TIMESTAMP")).scalar_one()
    return value.astimezone(UTC)


def this_computer() -> str:
    try:
        return socket.gethostname()[:200] or "this computer"
    except OSError:
        return "this computer"


def register(ctx: Context) -> str:
    """Say that this desk has the database open; returns the desk's id (kept in ctx.extra)."""
    desk_id = str(uuid.uuid4())
    with ctx.store.write() as session:
        now = _now(session, ctx)
        session.add(
            DeskRow(
                id=desk_id,
                computer=this_computer(),
                process=os.getpid(),
                person="",
                opened_at=now,
                seen_at=now,
            )
        )
    ctx.extra["desk_id"] = desk_id
    return desk_id


# A desk whose clock is further than this from the server's says so (status bar, check).
SKEW_WARNING_SECONDS = 120


def clock_skew(ctx: Context) -> float | None:
    """How far this computer's clock is ahead of the database server's, in seconds (negative
    when behind); None on SQLite, where there is no other clock."""
    if ctx.store.is_sqlite:
        return None
    with ctx.store.read() as session:
        server = _server_now(session)
    return (ctx.clock() - server).total_seconds()


def skew_words(seconds: float | None) -> str | None:
    """A warning about this computer's clock, when it is far enough out to matter."""
    if seconds is None or abs(seconds) <= SKEW_WARNING_SECONDS:
        return None
    minutes = round(abs(seconds) / 60)
    amount = plural(minutes, "minute") if minutes < 180 else f"{abs(seconds) / 3600:.0f} hours"
    way = "fast" if seconds > 0 else "slow"
    return (
        f"this computer's clock is {amount} {way} compared with the database server's. The "
        "counter and the records use the server's time, so nothing is miscounted, but ask "
        "your IT support to set this computer's clock right."
    )


def heartbeat(ctx: Context, person: str = "") -> float | None:
    """Refresh this desk's row; returns this computer's clock skew (PostgreSQL), as
    ``clock_skew``. Raises DatabaseReplaced when the row has gone: the database is no longer
    the one this desk opened."""
    desk_id = ctx.extra.get("desk_id")
    if not isinstance(desk_id, str):
        return None
    with ctx.store.write() as session:
        now = _now(session, ctx)
        skew = None if ctx.store.is_sqlite else (ctx.clock() - _server_now(session)).total_seconds()
        changed = session.execute(
            update(DeskRow).where(DeskRow.id == desk_id).values(seen_at=now, person=person[:200])
        ).rowcount
        head = session.execute(text("SELECT seq, hash FROM audit_head WHERE id = 1")).first()
    if changed and head is not None:
        witness.remember(ctx, int(head[0]), str(head[1]))  # a copy of the head outside
    if not changed:
        witness.forget(ctx)  # what this desk saw is of the history that was replaced
        message = (
            "The practice's database was replaced while this desk had it open (perhaps a "
            "backup was restored from another desk). This desk has stopped saving, so that "
            "nothing is written where it would be lost: close Practice Action and start it "
            "again."
        )
        ctx.store.stop(DatabaseReplaced(message))
        raise DatabaseReplaced(message)
    return skew


def leave(ctx: Context) -> None:
    """This desk is closing: its row goes."""
    desk_id = ctx.extra.pop("desk_id", None)
    if not isinstance(desk_id, str):
        return
    with ctx.store.write() as session:
        session.execute(delete(DeskRow).where(DeskRow.id == desk_id))


def open_desks(ctx: Context, *, besides: str | None = None) -> list[OpenDesk]:
    """The desks seen within FRESH_SECONDS, other than ``besides`` (this desk's own id)."""
    with ctx.store.read() as session:
        now = _now(session, ctx)
        rows = session.scalars(
            select(DeskRow).where(DeskRow.seen_at >= now - timedelta(seconds=FRESH_SECONDS))
        ).all()
    return [
        OpenDesk(
            row.id,
            row.computer,
            row.process,
            row.person,
            max(0, int((now - row.seen_at).total_seconds())),
        )
        for row in sorted(rows, key=lambda r: r.seen_at, reverse=True)
        if row.id != besides
    ]


def forget_all(session: Session) -> None:
    """A restored copy starts with no desks: those in it were open when the copy was taken."""
    session.execute(delete(DeskRow))
