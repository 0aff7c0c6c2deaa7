"""action plan: versions, decisions, checklist tasks, declined requests, the practice's own actions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 17:46:52.554353
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "custom_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("wording", sa.Text(), nullable=False),
        sa.Column("attribution", sa.String(length=300), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("involves", sa.Text(), nullable=False),
        sa.Column("detail_kind", sa.String(length=30), nullable=False),
        sa.Column("tasks", sa.JSON(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custom_action")),
        sa.UniqueConstraint("action_id", name=op.f("uq_custom_action_action_id")),
    )
    op.create_table(
        "declined_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("declined_on", sa.Date(), nullable=False),
        sa.Column("requester", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_declined_request")),
    )
    op.create_table(
        "plan_task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.String(length=80), nullable=False),
        sa.Column("task_key", sa.String(length=80), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("done_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_task")),
        sa.UniqueConstraint("action_id", "task_key", name="action_task"),
    )
    op.create_table(
        "plan_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("menu_id", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_by_staff_id", sa.Integer(), nullable=True),
        sa.Column("approved_by", sa.String(length=200), nullable=True),
        sa.Column("approved_by_staff_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by_staff_id"],
            ["staff.id"],
            name=op.f("fk_plan_version_approved_by_staff_id_staff"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_staff_id"],
            ["staff.id"],
            name=op.f("fk_plan_version_created_by_staff_id_staff"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_version")),
        sa.UniqueConstraint("number", name=op.f("uq_plan_version_number")),
    )
    op.create_table(
        "plan_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.String(length=80), nullable=False),
        sa.Column("menu_id", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("detail_kind", sa.String(length=30), nullable=False),
        sa.Column("choice", sa.String(length=20), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["plan_version.id"],
            name=op.f("fk_plan_decision_version_id_plan_version"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_decision")),
        sa.UniqueConstraint("version_id", "action_id", name="version_action"),
    )
    with op.batch_alter_table("plan_decision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plan_decision_version_id"), ["version_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("plan_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_decision_version_id"))
    op.drop_table("plan_decision")
    op.drop_table("plan_version")
    op.drop_table("plan_task")
    op.drop_table("declined_request")
    op.drop_table("custom_action")
