"""rating integrity: held ratings (left out of figures until a manager decides), the decisions,
each unit's thresholds, and the keyed hashes of the phone and the address a QR rating came from

Revision ID: 0007_integrity
Revises: 0007_fc_kiosk
Create Date: 2026-12-06 15:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007_integrity"
down_revision = "0007_fc_kiosk"
branch_labels = None
depends_on = None

HOLD_REASONS = (
    "phone_repeat",
    "no_phone",
    "address_burst",
    "target_burst",
    "same_answers",
    "kiosk_repeat",
)


def upgrade():
    op.create_table(
        "rating_rules",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("repeat_minutes", sa.Integer(), nullable=False),
        sa.Column("burst_minutes", sa.Integer(), nullable=False),
        sa.Column("address_limit", sa.Integer(), nullable=False),
        sa.Column("target_limit", sa.Integer(), nullable=False),
        sa.Column("pattern_limit", sa.Integer(), nullable=False),
        sa.Column("kiosk_repeat_seconds", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_rating_rules_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("unit_id", name=op.f("pk_rating_rules")),
    )
    op.create_table(
        "rating_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("ratings", sa.Integer(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_rating_decisions_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_rating_decisions_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rating_decisions")),
    )
    with op.batch_alter_table("rating_decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rating_decisions_unit_id"), ["unit_id"], unique=False)

    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("held", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "hold_reason",
                sa.Enum(
                    *HOLD_REASONS,
                    name="holdreason",
                    native_enum=False,
                    create_constraint=True,
                    length=20,
                ),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("decision_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("phone_hash", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("address_hash", sa.String(length=16), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_survey_responses_decision_id_rating_decisions"),
            "rating_decisions",
            ["decision_id"],
            ["id"],
        )
        batch_op.create_index(
            "ix_survey_responses_kiosk_submitted", ["kiosk_id", "submitted_at"], unique=False
        )
        batch_op.create_index(
            "ix_survey_responses_held",
            ["unit_id", "submitted_at"],
            unique=False,
            postgresql_where=sa.text("held"),
            sqlite_where=sa.text("held = 1"),
        )


def downgrade():
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_survey_responses_held",
            postgresql_where=sa.text("held"),
            sqlite_where=sa.text("held = 1"),
        )
        batch_op.drop_index("ix_survey_responses_kiosk_submitted")
        batch_op.drop_constraint(
            batch_op.f("fk_survey_responses_decision_id_rating_decisions"), type_="foreignkey"
        )
        batch_op.drop_constraint(op.f("ck_survey_responses_holdreason"), type_="check")
        batch_op.drop_column("address_hash")
        batch_op.drop_column("phone_hash")
        batch_op.drop_column("decision_id")
        batch_op.drop_column("hold_reason")
        batch_op.drop_column("held")
    with op.batch_alter_table("rating_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rating_decisions_unit_id"))
    op.drop_table("rating_decisions")
    op.drop_table("rating_rules")
