"""users without failed_logins and locked_until: nothing ever wrote or read them

The staff sign-in is throttled by counts in the rate-limit storage, per address, per
username and address, and per username (survey_app/auth/sign_in_throttle.py), and never locks
an account: a lock would let anyone who knows a username lock its owner out
(docs/security.md). The two columns of an account lock were left from the first schema and
said otherwise to whoever read the table.

Dropping a column rewrites no row on PostgreSQL; SQLite drops it in place (3.35 and later,
which the service needs anyway for INSERT … RETURNING), so the users table is not copied and
the rows naming a user (audit events, tickets) are never touched. The downgrade adds the
columns back as they were, every account unlocked.

Revision ID: 0020_account_lock
Revises: 0019_covering_keys
Create Date: 2026-12-07 16:05:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020_account_lock"
down_revision = "0019_covering_keys"
branch_labels = None
depends_on = None


COLUMNS = ("locked_until", "failed_logins")


def upgrade():
    for column in COLUMNS:
        op.drop_column("users", column)


def downgrade():
    op.add_column(
        "users", sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column("users", sa.Column("locked_until", sa.DateTime(), nullable=True))
