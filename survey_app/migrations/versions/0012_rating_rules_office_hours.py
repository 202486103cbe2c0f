"""rating rules: office hours. A unit may take no QR or web ratings outside its opening hours;
those are held with the new reason outside_hours (the hold reason is a string column with a
check constraint, not a native enum: the constraint is widened, not the type).

Downgrade: ratings held for outside_hours stay held, with no reason (the review lists them
without one), since the narrower check would refuse the value.

Revision ID: 0012_hours
Revises: 0007_report
Create Date: 2026-12-06 17:05:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012_hours"
down_revision = "0007_report"
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
OUTSIDE_HOURS = "outside_hours"


def _hold_reason_check(reasons: tuple[str, ...]) -> str:
    listed = ", ".join(f"'{reason}'" for reason in reasons)
    return f"hold_reason IN ({listed})"


def _replace_hold_reason_check(reasons: tuple[str, ...]) -> None:
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_survey_responses_holdreason"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_survey_responses_holdreason"), _hold_reason_check(reasons)
        )


def upgrade():
    with op.batch_alter_table("rating_rules", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("office_hours_only", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("opens_at", sa.Time(), server_default=sa.text("'07:00:00'"), nullable=False)
        )
        batch_op.add_column(
            sa.Column("closes_at", sa.Time(), server_default=sa.text("'17:00:00'"), nullable=False)
        )
    _replace_hold_reason_check((*HOLD_REASONS, OUTSIDE_HOURS))


def downgrade():
    op.execute(
        sa.text(
            "UPDATE survey_responses SET hold_reason = NULL WHERE hold_reason = :reason"
        ).bindparams(reason=OUTSIDE_HOURS)
    )
    _replace_hold_reason_check(HOLD_REASONS)
    with op.batch_alter_table("rating_rules", schema=None) as batch_op:
        batch_op.drop_column("closes_at")
        batch_op.drop_column("opens_at")
        batch_op.drop_column("office_hours_only")
