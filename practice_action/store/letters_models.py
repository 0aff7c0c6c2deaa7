"""The correspondence register: every document the practice generated, kept exactly.

A row is one generation: what it was, to whom, who generated it and when, its reference,
the SHA-256 of the file and the file itself (a letter is tens of kilobytes), so a letter
that was sent can be produced again byte for byte. Printing and sending are recorded on
the same row.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from practice_action.store.models import Base, UtcDateTime


class CorrespondenceRow(Base):
    __tablename__ = "correspondence"
    __table_args__ = (Index("ix_correspondence_document_key", "document_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Which document of the plan this is, stable across generations (kind + its party).
    document_key: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(300))
    recipient: Mapped[str] = mapped_column(Text)
    reference: Mapped[str] = mapped_column(String(80), unique=True)
    dated: Mapped[date] = mapped_column(Date)
    file_name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(60))
    # A digest of the inputs (without date and reference): tells whether the plan moved on.
    inputs_digest: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    signed_by: Mapped[str] = mapped_column(String(200))
    generated_by: Mapped[str] = mapped_column(String(200))
    generated_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    generated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    printed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    printed_by: Mapped[str] = mapped_column(String(200), default="")
    sent_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    sent_by: Mapped[str] = mapped_column(String(200), default="")
