"""how long a chosen contact type stays chosen at the desk; counter keys kept for the day

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-02 19:50:00

By default the counter goes back to the practice's usual contact type after every contact. A
practice whose desks take telephone contacts in runs may prefer the chosen type to stay for a
few minutes after the last contact; ``type_hold_minutes`` records that (0 means back at once).

``counter_key`` keeps the key each clinician has on a day's counter, so that no key moves
during the day whatever is changed in the register.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "counter_key",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("clinician_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["clinician_id"], ["clinician.id"], name=op.f("fk_counter_key_clinician_id_clinician")
        ),
        sa.PrimaryKeyConstraint("day", "clinician_id", name=op.f("pk_counter_key")),
        sa.UniqueConstraint("day", "position", name=op.f("uq_counter_key_day_position")),
    )
    with op.batch_alter_table("counter_settings") as batch:
        batch.add_column(
            sa.Column("type_hold_minutes", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    op.drop_table("counter_key")
    with op.batch_alter_table("counter_settings") as batch:
        batch.drop_column("type_hold_minutes")
