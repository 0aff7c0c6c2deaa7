"""Tables of the action plan (the BMA menu decisions and their history).

A plan is a list of versions; each version holds one decision per action, whole, so any two
versions can be compared and none is ever changed after it is written (only its approval is
added). Checklist tasks and the log of declined data sharing requests belong to the plan as a
whole: a task ticked in one version stays ticked in the next.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from practice_action.store.models import Base, UtcDateTime


class PlanVersionRow(Base):
    __tablename__ = "plan_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    menu_id: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(200))
    created_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    approved_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    approved_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")

    decisions: Mapped[list[PlanDecisionRow]] = relationship(
        back_populates="version", order_by="PlanDecisionRow.position", cascade="all"
    )


class PlanDecisionRow(Base):
    __tablename__ = "plan_decision"
    __table_args__ = (UniqueConstraint("version_id", "action_id", name="version_action"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("plan_version.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    action_id: Mapped[str] = mapped_column(String(80))
    menu_id: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))  # as it read when decided
    detail_kind: Mapped[str] = mapped_column(String(30))
    choice: Mapped[str] = mapped_column(String(20))
    effective_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON)

    version: Mapped[PlanVersionRow] = relationship(back_populates="decisions")


class PlanTaskRow(Base):
    __tablename__ = "plan_task"
    __table_args__ = (UniqueConstraint("action_id", "task_key", name="action_task"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[str] = mapped_column(String(80))
    task_key: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    done_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    done_by: Mapped[str] = mapped_column(String(200), default="")


class DeclinedRequestRow(Base):
    """A data sharing request the practice turned down under the freeze."""

    __tablename__ = "declined_request"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    received_on: Mapped[date] = mapped_column(Date)
    declined_on: Mapped[date] = mapped_column(Date)
    requester: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CustomActionRow(Base):
    """An action the practice added itself (say, from its LMC), with a menu action's fields."""

    __tablename__ = "custom_action"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    wording: Mapped[str] = mapped_column(Text)
    attribution: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(500))
    explanation: Mapped[str] = mapped_column(Text)
    involves: Mapped[str] = mapped_column(Text)
    detail_kind: Mapped[str] = mapped_column(String(30))
    tasks: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    notes: Mapped[list[dict[str, str | None]]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AddedMenuRow(Base):
    """A menu file a practice (or its LMC) added: its text as given, checked when added and
    each time it is read, so every desk (SQLite or PostgreSQL) offers the same actions."""

    __tablename__ = "added_menu"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    menu_id: Mapped[str] = mapped_column(String(40), unique=True)
    file_name: Mapped[str] = mapped_column(String(255))
    content: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime)
    added_by: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
