"""what the letters need from the registers, and the practice's own wording

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 20:00:00

Voluntary services gain who the notice goes to (a commissioner or an NHS trust), the terms
they are provided on (none, or a local agreement with its termination clause) and what
patients are told (the name they know it by, where to go instead and its phone). Data sharing
agreements gain the kind of other party, their own purpose in words, the lawful basis, whether
a DPIA exists and whether the contract or the law requires them. ``letter_wording`` holds the
paragraphs a partner has reworded.

Existing rows keep working: a voluntary service's commissioner whose name has the word "Trust"
is taken to be an NHS trust (the guess the letters made until now), every other one a
commissioner; an agreement's other party is a trust by the same guess, the practice's ICB when
its name is the ICB's, and otherwise another data controller.
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TRUST = re.compile(r"\btrust\b", re.IGNORECASE)


def upgrade() -> None:
    with op.batch_alter_table("voluntary_service", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "commissioner_kind",
                sa.String(length=20),
                nullable=False,
                server_default="commissioner",
            )
        )
        batch_op.add_column(
            sa.Column("basis", sa.String(length=20), nullable=False, server_default="none")
        )
        batch_op.add_column(
            sa.Column(
                "termination_clause", sa.String(length=200), nullable=False, server_default=""
            )
        )
        batch_op.add_column(
            sa.Column("patient_name", sa.String(length=120), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("instead", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("instead_phone", sa.String(length=30), nullable=False, server_default="")
        )
    with op.batch_alter_table("data_sharing_agreement", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "party_kind",
                sa.String(length=20),
                nullable=False,
                server_default="data_controller",
            )
        )
        batch_op.add_column(sa.Column("purpose_text", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("lawful_basis", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("dpia", sa.String(length=20), nullable=False, server_default="not_known")
        )
        batch_op.add_column(
            sa.Column(
                "required_by", sa.String(length=20), nullable=False, server_default="voluntary"
            )
        )
    op.create_table(
        "letter_wording",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("letter_kind", sa.String(length=60), nullable=False),
        sa.Column("paragraph", sa.String(length=60), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("changed_by", sa.String(length=200), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_wording")),
        sa.UniqueConstraint("letter_kind", "paragraph", name="uq_letter_wording_letter_kind"),
    )
    _fill_kinds()


def _fill_kinds() -> None:
    """The one place the old guess from the name survives: to fill the new field once."""
    connection = op.get_bind()
    icb = connection.execute(sa.text("SELECT icb_name FROM practice WHERE id = 1")).scalar()
    icb_key = (icb or "").strip().casefold()
    services = connection.execute(sa.text("SELECT id, commissioner_name FROM voluntary_service"))
    for row_id, name in services.all():
        if _TRUST.search(name or ""):
            connection.execute(
                sa.text("UPDATE voluntary_service SET commissioner_kind = 'trust' WHERE id = :i"),
                {"i": row_id},
            )
    parties = connection.execute(sa.text("SELECT id, party_name FROM data_sharing_agreement"))
    for row_id, name in parties.all():
        if _TRUST.search(name or ""):
            kind = "trust"
        elif icb_key and (name or "").strip().casefold() == icb_key:
            kind = "commissioner"
        else:
            continue
        connection.execute(
            sa.text("UPDATE data_sharing_agreement SET party_kind = :k WHERE id = :i"),
            {"k": kind, "i": row_id},
        )


def downgrade() -> None:
    op.drop_table("letter_wording")
    with op.batch_alter_table("data_sharing_agreement", schema=None) as batch_op:
        for column in ("required_by", "dpia", "lawful_basis", "purpose_text", "party_kind"):
            batch_op.drop_column(column)
    with op.batch_alter_table("voluntary_service", schema=None) as batch_op:
        for column in (
            "instead_phone",
            "instead",
            "patient_name",
            "termination_clause",
            "basis",
            "commissioner_kind",
        ):
            batch_op.drop_column(column)
