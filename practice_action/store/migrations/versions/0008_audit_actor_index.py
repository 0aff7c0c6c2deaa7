"""an index on the audit trail's actor

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 09:50:00

The audit screen lists everyone who appears in the trail and filters by person: with an index
on ``actor`` both read the index instead of every entry (a practice's trail reaches a million
entries in a few years).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_audit_entry_actor", "audit_entry", ["actor"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_audit_entry_actor", table_name="audit_entry")
