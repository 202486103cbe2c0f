"""load the shipped instruments (sipas-2023, sipas-2017, kiosk-5)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

A fresh database is ready for surveys and imports right after `survey-app db upgrade`.
Later instrument versions are loaded by a new data migration calling sync_instruments again
(or by `survey-app instruments sync`).
"""

from alembic import op

from survey_app.services.instruments import sync_instruments

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    sync_instruments(op.get_bind())


def downgrade():
    op.execute("DELETE FROM items")
    op.execute("DELETE FROM instruments")
