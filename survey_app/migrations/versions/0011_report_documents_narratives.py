"""document settings of each unit (NĐ 30/2020 report header, signer, recipients) and the
narratives managers edit for a report's period

Revision ID: 0007_report
Revises: 0007 (follow-ups)
Create Date: 2026-12-06 15:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007_report"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "unit_documents",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("governing_body", sa.String(length=200), nullable=False),
        sa.Column("issuing_body", sa.String(length=200), nullable=False),
        sa.Column("symbol", sa.String(length=40), nullable=False),
        sa.Column("place", sa.String(length=100), nullable=False),
        sa.Column("signer_authority", sa.String(length=120), nullable=False),
        sa.Column("signer_title", sa.String(length=120), nullable=False),
        sa.Column("signer_name", sa.String(length=120), nullable=False),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_unit_documents_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("unit_id", name=op.f("pk_unit_documents")),
    )
    op.create_table(
        "report_narratives",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("assessment", sa.Text(), nullable=False),
        sa.Column("shortcomings", sa.Text(), nullable=False),
        sa.Column("proposals", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("frozen", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_report_narratives_unit_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_report_narratives_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_narratives")),
        sa.UniqueConstraint("unit_id", "period", name=op.f("uq_report_narratives_unit_id_period")),
    )
    with op.batch_alter_table("report_narratives", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_narratives_unit_id"), ["unit_id"], unique=False)


def downgrade():
    with op.batch_alter_table("report_narratives", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_narratives_unit_id"))
    op.drop_table("report_narratives")
    op.drop_table("unit_documents")
