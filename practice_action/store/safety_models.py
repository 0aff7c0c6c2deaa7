"""The safety log: patient-safety concerns and near misses the practice records.

An entry holds the minimum: the day (and the time, if known), what happened and what was done
about it, its category, where it happened and the level of harm, who wrote it and when it was
last changed. The form asks people not to write patient identifiers unless
they are truly needed; nothing here is meant to carry them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from practice_action.store.models import Base, UtcDateTime


class SafetyConcern(Base):
    __tablename__ = "safety_concern"
    __table_args__ = (Index("ix_safety_concern_day", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))  # concern | near_miss
    what_happened: Mapped[str] = mapped_column(Text)
    action_taken: Mapped[str] = mapped_column(Text, default="")
    clinician_id: Mapped[int | None] = mapped_column(ForeignKey("clinician.id"), nullable=True)
    diversion_id: Mapped[int | None] = mapped_column(ForeignKey("diversion.id"), nullable=True)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    edited_by: Mapped[str] = mapped_column(String(200), default="")
    edited_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # The national patient-safety event fields (domain.safety_event); entries made before
    # they existed read 'not_recorded' / 'other' until someone completes them.
    category: Mapped[str] = mapped_column(String(30), default="other")
    harm: Mapped[str] = mapped_column(String(20), default="not_recorded")
    place: Mapped[str] = mapped_column(String(20), default="not_recorded")
    time_of_day: Mapped[str] = mapped_column(String(5), default="")  # HH:MM, or '' if not known
