"""onboarding: officers' e-mail addresses (for their accounts in bulk); accounts without a
local password (awaiting activation by e-mail, or signing in only through the province's
single sign-on)

Revision ID: 0007_onboarding
Revises: 0007_integrity
Create Date: 2026-12-06 15:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007_onboarding"
down_revision = "0007_integrity"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("officers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("password_hash", existing_type=sa.String(length=255), nullable=True)
        batch_op.add_column(
            sa.Column("sso_only", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    # An account without a password cannot sign in with one either: an unusable hash.
    op.execute("UPDATE users SET password_hash = '!' WHERE password_hash IS NULL")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("sso_only")
        batch_op.alter_column("password_hash", existing_type=sa.String(length=255), nullable=False)
    with op.batch_alter_table("officers", schema=None) as batch_op:
        batch_op.drop_column("email")
