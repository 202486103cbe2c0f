"""tally keys that carry the counts: a unit's month read from the index alone (PostgreSQL)

Each tally run adds rows in the order ratings arrive, for every unit of the country at once, so
the rows of one province's month lie scattered: on the national bench (bench/national.py) its
21,569 answer tallies sat on 13,397 heap pages, and the dashboard's counts read each of them.
The unique key of every tally table now INCLUDEs its counts, so those reads are index-only
scans of a few hundred pages (PostgreSQL; SQLite keeps its plain unique key).

Without taking the service down: each new index is built CONCURRENTLY while ratings and tally
runs go on; then, in one short transaction per table, the old key constraint is dropped and the
new index becomes the constraint, under the same name (the tally run's upserts name its
columns). The downgrade builds the plain keys back the same way.

Revision ID: 0019_covering_keys
Revises: 0018_arrival_tallies
Create Date: 2026-12-07 13:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0019_covering_keys"
down_revision = "0018_arrival_tallies"
branch_labels = None
depends_on = None

# table → (its key's columns, its counts), as survey_app/models/tallies.py declares them.
LEVELS = ("answers_1", "answers_2", "answers_3", "answers_4", "answers_5")
PERSON, PLACE = ("month", "unit_id", "officer_id"), ("month", "unit_id", "counter_id", "channel")
TALLIES = {
    "person_response_tallies": (PERSON, ("responses", "flagged")),
    "person_answer_tallies": ((*PERSON, "item_id"), LEVELS),
    "person_factor_tallies": ((*PERSON, "instrument_id", "factor"), ("responses",)),
    "place_response_tallies": (PLACE, ("responses", "flagged")),
    "place_answer_tallies": ((*PLACE, "item_id"), LEVELS),
    "place_factor_tallies": ((*PLACE, "instrument_id", "factor"), ("responses",)),
    "arrival_tallies": (("month", "unit_id", "slot"), ("responses",)),
}


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table, (key, counts) in TALLIES.items():
            _replace_key(table, key, counts)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table, (key, _) in TALLIES.items():
            _replace_key(table, key, ())


def _replace_key(table: str, key: tuple[str, ...], counts: tuple[str, ...]) -> None:
    """Build the new index beside the old key, then make it the key under the old name."""
    name, building = f"uq_{table}_key", f"uq_{table}_key_new"
    include = f" INCLUDE ({', '.join(counts)})" if counts else ""
    with op.get_context().autocommit_block():
        op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {building}")  # a build cut off before
        op.execute(
            f"CREATE UNIQUE INDEX CONCURRENTLY {building} ON {table} ({', '.join(key)}){include}"
        )
    op.execute(
        f"ALTER TABLE {table} DROP CONSTRAINT {name}, "
        f"ADD CONSTRAINT {name} UNIQUE USING INDEX {building}"
    )
