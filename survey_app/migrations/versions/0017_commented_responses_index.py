"""an index of the responses with a comment, for a month's comments of a province

A province's month of comments (its themes, its latest ones on the dashboard) was read from
every response of the month: 101,000 ratings spread over 75,000 pages of a national database,
0.5 s for each of the two reads (bench/national.py). A partial index of the responses with a
comment (one in seven) reads their pages alone: 0.03–0.06 s. It costs about 4 bytes a response.

Built without taking the service down: CONCURRENTLY on PostgreSQL (ratings keep arriving while
it builds: 2 s for 10 million responses); SQLite builds it in its write lock, as every write.

Revision ID: 0017_commented_index
Revises: 0016_tally_keys
Create Date: 2026-12-07 09:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017_commented_index"
down_revision = "0016_tally_keys"
branch_labels = None
depends_on = None

INDEX = "ix_survey_responses_commented"
COMMENTED = sa.text("comment <> ''")


def upgrade():
    _outside_transaction_on_postgresql(
        lambda **concurrently: op.create_index(
            INDEX,
            "survey_responses",
            ["unit_id", "submitted_at"],
            unique=False,
            postgresql_where=COMMENTED,
            sqlite_where=COMMENTED,
            **concurrently,
        )
    )


def downgrade():
    _outside_transaction_on_postgresql(
        lambda **concurrently: op.drop_index(INDEX, table_name="survey_responses", **concurrently)
    )


def _outside_transaction_on_postgresql(change) -> None:
    """CONCURRENTLY on PostgreSQL, which needs to run outside the migration's transaction."""
    if op.get_bind().dialect.name != "postgresql":
        return change()
    with op.get_context().autocommit_block():
        change(postgresql_concurrently=True)
