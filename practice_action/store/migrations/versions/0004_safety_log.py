"""safety log

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 17:52:24.962628
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "safety_concern",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("what_happened", sa.Text(), nullable=False),
        sa.Column("action_taken", sa.Text(), nullable=False),
        sa.Column("clinician_id", sa.Integer(), nullable=True),
        sa.Column("diversion_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("edited_by", sa.String(length=200), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["clinician_id"],
            ["clinician.id"],
            name=op.f("fk_safety_concern_clinician_id_clinician"),
        ),
        sa.ForeignKeyConstraint(
            ["diversion_id"],
            ["diversion.id"],
            name=op.f("fk_safety_concern_diversion_id_diversion"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_concern")),
    )
    with op.batch_alter_table("safety_concern", schema=None) as batch_op:
        batch_op.create_index("ix_safety_concern_day", ["day"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("safety_concern", schema=None) as batch_op:
        batch_op.drop_index("ix_safety_concern_day")
    op.drop_table("safety_concern")
