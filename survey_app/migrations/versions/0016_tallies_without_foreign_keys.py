"""tallies without foreign keys: their unit, item and instrument are the counted responses'

A tally row is counted from responses, whose own foreign keys hold its unit and instrument
(and so the instrument's items); units and items are never deleted. The tallies' own checks
were a trigger per row written: 9 µs a row, half the upserts' time (2.75 → 1.37 s for a year's
153,600 place answer tallies, bench/tally_run.py's database). Both directions keep every row:
on SQLite the tables are copied (batch mode), on PostgreSQL the constraints are dropped, and
added back (checked) by the downgrade.

Revision ID: 0016_tally_keys
Revises: 0015_tally_grains
Create Date: 2026-12-07 06:30:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0016_tally_keys"
down_revision = "0015_tally_grains"
branch_labels = None
depends_on = None

# Each tally table's columns that referred to another table, and that table.
REFERENCES = {
    f"{grain}_{kind}_tallies": {"unit_id": "units", **of}
    for grain in ("person", "place")
    for kind, of in (
        ("response", {}),
        ("answer", {"item_id": "items"}),
        ("factor", {"instrument_id": "instruments"}),
    )
}


def upgrade():
    for table, references in REFERENCES.items():
        with op.batch_alter_table(table) as batch:
            for column, target in references.items():
                batch.drop_constraint(_name(table, column, target), type_="foreignkey")


def downgrade():
    for table, references in REFERENCES.items():
        with op.batch_alter_table(table) as batch:
            for column, target in references.items():
                name = _name(table, column, target)
                batch.create_foreign_key(name, target, [column], ["id"])


def _name(table: str, column: str, target: str) -> str:
    return op.f(f"fk_{table}_{column}_{target}")
