"""The desks that have the practice's database open: one row each, kept fresh by a heartbeat.

Nothing here is a practice record (no audit entry, no backup needs it): it lets a restore see
that another desk is open, and lets a desk see that its database was replaced under it (its
own row is gone).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from practice_action.store.models import Base, UtcDateTime


class DeskRow(Base):
    __tablename__ = "desk"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # a random UUID per run
    computer: Mapped[str] = mapped_column(String(200))
    process: Mapped[int] = mapped_column(Integer)
    person: Mapped[str] = mapped_column(String(200), default="")  # who is signed in, if anyone
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
