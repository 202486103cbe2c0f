"""kiosks.always_open: a tablet that takes ratings at every hour, days off too (the demo's, a
training tablet)

Revision ID: 0007_fc_kiosk
Revises: 0006
Create Date: 2026-12-06 15:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007_fc_kiosk"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("kiosks") as batch_op:
        batch_op.add_column(
            sa.Column("always_open", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    with op.batch_alter_table("kiosks") as batch_op:
        batch_op.drop_column("always_open")
