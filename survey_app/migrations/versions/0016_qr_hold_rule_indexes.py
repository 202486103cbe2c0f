"""indexes for the hold rules of a QR rating: a phone's and an address's ratings (by their
keyed hashes), and the counted QR ratings of a target (unit, counter, officer)

The rules' counts passed every rating of the unit in the last four weeks (kiosk ratings and
held ones included) to find a target's; during a burst that was thousands of rows per rating.
Each index is partial: only QR ratings carry the hashes, and only counted QR ratings are in the
target's index, so a kiosk rating writes no entry in them.

Revision ID: 0016_qr_counts
Revises: 0015_tally_grains
Create Date: 2026-12-07 00:45:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016_qr_counts"
down_revision = "0015_tally_grains"
branch_labels = None
depends_on = None

TABLE = "survey_responses"
COUNTED = {
    "postgresql": "is_spam IS false AND held IS false",
    "sqlite": "is_spam IS 0 AND held IS 0",
}


def upgrade():
    for column in ("phone_hash", "address_hash"):
        op.create_index(
            f"ix_survey_responses_{column.removesuffix('_hash')}",
            TABLE,
            [column, "submitted_at"],
            postgresql_where=sa.text(f"{column} IS NOT NULL"),
            sqlite_where=sa.text(f"{column} IS NOT NULL"),
        )
    op.create_index(
        "ix_survey_responses_qr_counted",
        TABLE,
        ["unit_id", "counter_id", "officer_id", "submitted_at"],
        postgresql_where=sa.text(f"channel = 'qr' AND {COUNTED['postgresql']}"),
        sqlite_where=sa.text(f"channel = 'qr' AND {COUNTED['sqlite']}"),
    )


def downgrade():
    for name in ("qr_counted", "address", "phone"):
        op.drop_index(f"ix_survey_responses_{name}", table_name=TABLE)
