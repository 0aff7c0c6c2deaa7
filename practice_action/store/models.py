"""SQLAlchemy 2 typed models. Times are stored in UTC; local days as plain dates.

The models are internal to ``store`` and ``services``: screens receive frozen dataclasses
from ``domain.records`` instead.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime in, an aware UTC datetime out, on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC time is stored")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Practice(Base):
    """The one practice this database belongs to (id is always 1)."""

    __tablename__ = "practice"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    ods_code: Mapped[str] = mapped_column(String(6))
    address: Mapped[str] = mapped_column(Text)
    postcode: Mapped[str] = mapped_column(String(8))
    phone: Mapped[str] = mapped_column(String(30))
    email: Mapped[str] = mapped_column(String(200))
    website: Mapped[str] = mapped_column(String(200), default="")
    list_size: Mapped[int] = mapped_column(Integer)
    opening_hours: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    icb_name: Mapped[str] = mapped_column(String(200))
    icb_address: Mapped[str] = mapped_column(Text)
    icb_postcode: Mapped[str] = mapped_column(String(8))
    lmc_name: Mapped[str] = mapped_column(String(200))
    lmc_address: Mapped[str] = mapped_column(Text)
    lmc_postcode: Mapped[str] = mapped_column(String(8))
    idle_lock_minutes: Mapped[int] = mapped_column(Integer, default=5)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ClinicianRow(Base):
    __tablename__ = "clinician"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40))
    sessions: Mapped[list[str]] = mapped_column(JSON)  # e.g. ["mon-am", "mon-pm"]
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class LocalServiceRow(Base):
    __tablename__ = "local_service"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    address: Mapped[str] = mapped_column(Text, default="")
    postcode: Mapped[str] = mapped_column(String(8), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    hours: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class VoluntaryServiceRow(Base):
    __tablename__ = "voluntary_service"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    commissioner_name: Mapped[str] = mapped_column(String(200))
    commissioner_address: Mapped[str] = mapped_column(Text)
    commissioner_postcode: Mapped[str] = mapped_column(String(8))
    notice_days: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    commissioner_kind: Mapped[str] = mapped_column(String(20), default="commissioner")
    basis: Mapped[str] = mapped_column(String(20), default="none")
    termination_clause: Mapped[str] = mapped_column(String(200), default="")
    patient_name: Mapped[str] = mapped_column(String(120), default="")
    instead: Mapped[str] = mapped_column(Text, default="")
    instead_phone: Mapped[str] = mapped_column(String(30), default="")


class DataSharingAgreementRow(Base):
    __tablename__ = "data_sharing_agreement"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    party_name: Mapped[str] = mapped_column(String(200))
    party_address: Mapped[str] = mapped_column(Text)
    party_postcode: Mapped[str] = mapped_column(String(8))
    purpose: Mapped[str] = mapped_column(String(20))
    signed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    party_kind: Mapped[str] = mapped_column(String(20), default="data_controller")
    purpose_text: Mapped[str] = mapped_column(Text, default="")
    lawful_basis: Mapped[str] = mapped_column(String(200), default="")
    dpia: Mapped[str] = mapped_column(String(20), default="not_known")
    required_by: Mapped[str] = mapped_column(String(20), default="voluntary")


class LetterWordingRow(Base):
    """A paragraph of a letter in the practice's own words, in place of the shipped one."""

    __tablename__ = "letter_wording"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    letter_kind: Mapped[str] = mapped_column(String(60))
    paragraph: Mapped[str] = mapped_column(String(60))
    text: Mapped[str] = mapped_column(Text)
    changed_by: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        UniqueConstraint("letter_kind", "paragraph", name="uq_letter_wording_letter_kind"),
    )


class StaffRow(Base):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30))
    pin_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class AuditHead(Base):
    """One row holding the chain's tip; updating it serialises appends on every database."""

    __tablename__ = "audit_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class AuditEntry(Base):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(200), index=True)
    actor_kind: Mapped[str] = mapped_column(String(20))  # staff | system-user | app
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    kind: Mapped[str] = mapped_column(String(60), index=True)
    summary: Mapped[str] = mapped_column(Text)
    before: Mapped[str] = mapped_column(Text, default="")
    after: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
