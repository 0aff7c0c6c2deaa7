"""correspondence

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 17:59:01.143605
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "correspondence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_key", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("recipient", sa.Text(), nullable=False),
        sa.Column("reference", sa.String(length=80), nullable=False),
        sa.Column("dated", sa.Date(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=60), nullable=False),
        sa.Column("inputs_digest", sa.String(length=64), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("signed_by", sa.String(length=200), nullable=False),
        sa.Column("generated_by", sa.String(length=200), nullable=False),
        sa.Column("generated_by_staff_id", sa.Integer(), nullable=True),
        sa.Column("generated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("printed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("printed_by", sa.String(length=200), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=True),
        sa.Column("sent_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["generated_by_staff_id"],
            ["staff.id"],
            name=op.f("fk_correspondence_generated_by_staff_id_staff"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_correspondence")),
        sa.UniqueConstraint("reference", name=op.f("uq_correspondence_reference")),
    )
    with op.batch_alter_table("correspondence", schema=None) as batch_op:
        batch_op.create_index("ix_correspondence_document_key", ["document_key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("correspondence", schema=None) as batch_op:
        batch_op.drop_index("ix_correspondence_document_key")
    op.drop_table("correspondence")
