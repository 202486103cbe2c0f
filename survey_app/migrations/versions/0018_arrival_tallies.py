"""arrival tallies: responses per month and unit by the local hour of the week they arrived in

A manager's dashboard shows when ratings arrive (weekday × hour). It was counted from the
month's responses: for a province, 101,000 ratings spread over 75,000 pages of a national
database, 0.5 s of a 3.5 s page (bench/national.py). The tally run now counts them as it counts
the rest, and the grid reads at most 168 rows a unit.

The upgrade makes the table empty and clears the tallies' zone: the next tally run counts every
response again (tallies of another zone are counted again the same way), arrivals included.
Until it has, every figure is counted from the responses: the same numbers, slower. The
downgrade drops the table; the other tallies stay as they are.

Revision ID: 0018_arrival_tallies
Revises: 0017_commented_index
Create Date: 2026-12-07 10:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018_arrival_tallies"
down_revision = "0017_commented_index"
branch_labels = None
depends_on = None

TABLE = "arrival_tallies"


def upgrade():
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.SmallInteger(), nullable=False),
        sa.Column("responses", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{TABLE}")),
        sa.UniqueConstraint("month", "unit_id", "slot", name=op.f(f"uq_{TABLE}_key")),
    )
    op.execute(sa.text("UPDATE tally_state SET zone = ''"))


def downgrade():
    op.drop_table(TABLE)
