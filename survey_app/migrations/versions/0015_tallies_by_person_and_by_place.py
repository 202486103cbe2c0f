"""tallies by person (month, unit, officer) and by place (month, unit, counter, channel), instead
of one set keyed by officer × counter × channel

Upgrade: each new table is the old one summed over the columns its key leaves out (one INSERT …
SELECT … GROUP BY per table, in the migration's one transaction: a run cut short leaves the old
tables as they were), so the figures stay fast through the upgrade. Downgrade: the old tables
come back empty and the tally state forgets its zone, so the next tally run counts every
response again (the crossed key cannot be rebuilt from the two grains); until it has, the
figures are counted from the responses — slower, the same numbers.

Revision ID: 0015_tally_grains
Revises: 0014_level_columns
Create Date: 2026-12-07 01:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015_tally_grains"
down_revision = "0014_level_columns"
branch_labels = None
depends_on = None

LEVELS = [f"answers_{value}" for value in (1, 2, 3, 4, 5)]
# The key below the unit of each grain, and of the old tallies.
BELOW_UNIT = {"person": ["officer_id"], "place": ["counter_id", "channel"]}
CROSSED = ["officer_id", "counter_id", "channel"]
# What each tally counts: the columns after the key below the unit, then the counts.
KINDS = {
    "response": ([], ["responses", "flagged"]),
    "answer": (["item_id"], LEVELS),
    "factor": (["instrument_id", "factor"], ["responses"]),
}


def upgrade():
    for grain, below_unit in BELOW_UNIT.items():
        for kind, (of, counts) in KINDS.items():
            table = f"{grain}_{kind}_tallies"
            _create(table, below_unit, of, counts)
            key = ["month", "unit_id", *below_unit, *of]
            old = sa.table(f"{kind}_tallies", *(sa.column(name) for name in [*key, *counts]))
            grouped = [old.c[name] for name in key]
            summed = sa.select(*grouped, *(sa.func.sum(old.c[name]) for name in counts))
            new = sa.table(table, *(sa.column(name) for name in [*key, *counts]))
            op.execute(sa.insert(new).from_select([*key, *counts], summed.group_by(*grouped)))
    for kind in KINDS:
        op.drop_table(f"{kind}_tallies")


def downgrade():
    for kind, (of, counts) in KINDS.items():
        _create(f"{kind}_tallies", CROSSED, of, counts)
    for grain in BELOW_UNIT:
        for kind in KINDS:
            op.drop_table(f"{grain}_{kind}_tallies")
    op.execute("UPDATE tally_state SET zone = ''")


def _create(table: str, below_unit: list[str], of: list[str], counts: list[str]) -> None:
    """A tally table as the models have it: id, month, unit, the key's columns, then counts."""
    columns = {
        "officer_id": lambda: sa.Column("officer_id", sa.Integer(), nullable=False),
        "counter_id": lambda: sa.Column("counter_id", sa.Integer(), nullable=False),
        "channel": lambda: sa.Column(
            "channel", _enum("channel", "qr kiosk web paper", 10), nullable=False
        ),
        "item_id": lambda: sa.Column("item_id", sa.Integer(), nullable=False),
        "instrument_id": lambda: sa.Column("instrument_id", sa.Integer(), nullable=False),
        "factor": lambda: sa.Column("factor", _enum("factor", "TC TT CC KQ PA"), nullable=False),
    }
    references = {"item_id": "items", "instrument_id": "instruments", "unit_id": "units"}
    keys = [*below_unit, *of]
    op.create_table(
        table,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        *(columns[name]() for name in keys),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in counts),
        *(
            sa.ForeignKeyConstraint(
                [name], [f"{target}.id"], name=op.f(f"fk_{table}_{name}_{target}")
            )
            for name, target in references.items()
            if name == "unit_id" or name in keys
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        sa.UniqueConstraint("month", "unit_id", *keys, name=op.f(f"uq_{table}_key")),
    )


def _enum(name: str, values: str, length: int | None = None) -> sa.Enum:
    return sa.Enum(
        *values.split(), name=name, native_enum=False, create_constraint=True, length=length
    )
