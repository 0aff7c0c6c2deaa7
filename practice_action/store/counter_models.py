"""Tables of the daily contact counter. No patient data: a contact is a clinician, a time, a
type and who recorded it.

``clinician_day`` holds the guarded count: recording a capped contact is one
``UPDATE ... SET counted = counted + 1 WHERE ... AND counted < :cap``, which holds the cap on
SQLite and PostgreSQL under any interleaving of desks (see DESIGN.md), and the CHECK
constraints are a cheap backstop.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from practice_action.store.models import Base, UtcDateTime


class ClinicianDay(Base):
    __tablename__ = "clinician_day"
    __table_args__ = (
        UniqueConstraint("clinician_id", "day", name="uq_clinician_day_clinician_id_day"),
        CheckConstraint("counted >= 0", name="counted_not_negative"),
        CheckConstraint("cap IS NULL OR counted <= cap", name="counted_within_cap"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinician_id: Mapped[int] = mapped_column(ForeignKey("clinician.id"))
    day: Mapped[date] = mapped_column(Date)
    counted: Mapped[int] = mapped_column(Integer, default=0)
    cap: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Contact(Base):
    __tablename__ = "contact"
    # The day and clinician, then what the reports count (migration 0014): the reports'
    # grouped counts are answered from the index alone.
    __table_args__ = (
        Index(
            "ix_contact_day_clinician_figures",
            "day",
            "clinician_id",
            "contact_type",
            "urgent",
            "counted",
            "voided_at",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinician_id: Mapped[int] = mapped_column(ForeignKey("clinician.id"))
    day: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    contact_type: Mapped[str] = mapped_column(String(20))
    counted: Mapped[bool] = mapped_column(Boolean)  # counts against the cap
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    urgent_reason: Mapped[str] = mapped_column(String(300), default="")
    recorded_by: Mapped[str] = mapped_column(String(200))
    voided_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    voided_by: Mapped[str] = mapped_column(String(200), default="")
    void_reason: Mapped[str] = mapped_column(String(300), default="")


class Diversion(Base):
    __tablename__ = "diversion"
    __table_args__ = (Index("ix_diversion_day", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    clinician_id: Mapped[int | None] = mapped_column(ForeignKey("clinician.id"), nullable=True)
    destination: Mapped[str] = mapped_column(String(30))
    local_service_id: Mapped[int | None] = mapped_column(
        ForeignKey("local_service.id"), nullable=True
    )
    note: Mapped[str] = mapped_column(String(300), default="")
    recorded_by: Mapped[str] = mapped_column(String(200))


class ExtraDuty(Base):
    """A clinician on duty on a day outside their usual pattern (a locum for today)."""

    __tablename__ = "extra_duty"
    __table_args__ = (
        UniqueConstraint("clinician_id", "day", name="uq_extra_duty_clinician_id_day"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinician_id: Mapped[int] = mapped_column(ForeignKey("clinician.id"))
    day: Mapped[date] = mapped_column(Date)
    sessions: Mapped[int] = mapped_column(Integer, default=2)


class CounterKey(Base):
    """The key (1-9, then 0) each clinician has on a day's counter, given when they first
    appear on it and kept all day: someone added later takes the next free key, and a
    clinician renamed, retired or taken off today's pattern leaves everyone else's key alone."""

    __tablename__ = "counter_key"
    __table_args__ = (UniqueConstraint("day", "position", name="uq_counter_key_day_position"),)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    clinician_id: Mapped[int] = mapped_column(ForeignKey("clinician.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)  # 1 for the first row of the day


class CounterSettings(Base):
    """Practice-wide counter settings shared by every desk (one row)."""

    __tablename__ = "counter_settings"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    default_contact_type: Mapped[str] = mapped_column(String(20), default="face_to_face")
    undo_minutes: Mapped[int] = mapped_column(Integer, default=10)
    # Minutes a chosen contact type stays chosen after a contact; 0 = back to the usual at once.
    type_hold_minutes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
