"""the safety log's national patient-safety event fields

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 19:55:00

Each entry gains its category, where it happened, the time of day (if known) and the level
of harm, so that a practice can transcribe it into NHS England's national recording and an
evidence file can carry category, date and harm level without any of the words. Entries made
before read 'other' and 'not recorded' until someone completes them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("category", 30, "other"),
    ("harm", 20, "not_recorded"),
    ("place", 20, "not_recorded"),
    ("time_of_day", 5, ""),
)


def upgrade() -> None:
    with op.batch_alter_table("safety_concern", schema=None) as batch_op:
        for name, length, default in COLUMNS:
            batch_op.add_column(
                sa.Column(name, sa.String(length=length), nullable=False, server_default=default)
            )


def downgrade() -> None:
    with op.batch_alter_table("safety_concern", schema=None) as batch_op:
        for name, _, _ in reversed(COLUMNS):
            batch_op.drop_column(name)
