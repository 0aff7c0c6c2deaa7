"""daily contact counter

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 17:49:24.750236
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "counter_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("default_contact_type", sa.String(length=20), nullable=False),
        sa.Column("undo_minutes", sa.Integer(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_counter_settings_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counter_settings")),
    )
    op.create_table(
        "clinician_day",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinician_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("counted", sa.Integer(), nullable=False),
        sa.Column("cap", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "cap IS NULL OR counted <= cap", name=op.f("ck_clinician_day_counted_within_cap")
        ),
        sa.CheckConstraint("counted >= 0", name=op.f("ck_clinician_day_counted_not_negative")),
        sa.ForeignKeyConstraint(
            ["clinician_id"], ["clinician.id"], name=op.f("fk_clinician_day_clinician_id_clinician")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinician_day")),
        sa.UniqueConstraint("clinician_id", "day", name="uq_clinician_day_clinician_id_day"),
    )
    op.create_table(
        "contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinician_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("contact_type", sa.String(length=20), nullable=False),
        sa.Column("counted", sa.Boolean(), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("urgent_reason", sa.String(length=300), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("voided_by", sa.String(length=200), nullable=False),
        sa.Column("void_reason", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["clinician_id"], ["clinician.id"], name=op.f("fk_contact_clinician_id_clinician")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact")),
    )
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.create_index("ix_contact_day_clinician", ["day", "clinician_id"], unique=False)

    op.create_table(
        "diversion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("clinician_id", sa.Integer(), nullable=True),
        sa.Column("destination", sa.String(length=30), nullable=False),
        sa.Column("local_service_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["clinician_id"], ["clinician.id"], name=op.f("fk_diversion_clinician_id_clinician")
        ),
        sa.ForeignKeyConstraint(
            ["local_service_id"],
            ["local_service.id"],
            name=op.f("fk_diversion_local_service_id_local_service"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_diversion")),
    )
    with op.batch_alter_table("diversion", schema=None) as batch_op:
        batch_op.create_index("ix_diversion_day", ["day"], unique=False)

    op.create_table(
        "extra_duty",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinician_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["clinician_id"], ["clinician.id"], name=op.f("fk_extra_duty_clinician_id_clinician")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extra_duty")),
        sa.UniqueConstraint("clinician_id", "day", name="uq_extra_duty_clinician_id_day"),
    )


def downgrade() -> None:
    op.drop_table("extra_duty")
    with op.batch_alter_table("diversion", schema=None) as batch_op:
        batch_op.drop_index("ix_diversion_day")

    op.drop_table("diversion")
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_day_clinician")

    op.drop_table("contact")
    op.drop_table("clinician_day")
    op.drop_table("counter_settings")
