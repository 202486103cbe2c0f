"""arrival tallies a row per weekday with a column per hour, instead of a row per hour of the week

A national quarter (bench/national.py, 10 million ratings over 3,355 units) filled 1,683,262
arrival rows, 323 MB with their key, and adding them took about 17 s of the 142 s run: nearly
every unit has ratings at most of its 168 hours a week. A row per unit, month and weekday with
24 hour columns holds the same counts in 70,455 rows; the grid reads 7 rows a unit.

The upgrade converts the stored tallies in place (one statement, in the migration's
transaction): nothing is counted again. The downgrade writes them back a row per hour. Deploy
as every release: migrate, then reload the workers (docs/deploy.md); a worker of the old
release that reads the grid between the two fails that page once.

Revision ID: 0021_arrival_days
Revises: 0020_account_lock
Create Date: 2026-12-08 00:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0021_arrival_days"
down_revision = "0020_account_lock"
branch_labels = None
depends_on = None

OLD, NEW = "arrival_tallies", "arrival_day_tallies"
HOURS = tuple(f"hour_{hour}" for hour in range(24))
# The tables as statements name them; numbers written into the SQL (no parameters), so that
# PostgreSQL sees the same weekday expression in the SELECT and the GROUP BY.
_KEY = ("month", "unit_id")


def _table(name: str, *counted: str) -> sa.TableClause:
    numbers = (sa.column(column, sa.Integer) for column in ("unit_id", *counted))
    return sa.table(name, sa.column("month", sa.String), *numbers)


_old, _new = _table(OLD, "slot", "responses"), _table(NEW, "weekday", *HOURS)
A_DAY = sa.literal_column("24", sa.Integer)


def upgrade():
    _create(NEW, "weekday", HOURS)
    keys = [_old.c[name] for name in _KEY]
    weekday = _old.c.slot // A_DAY
    at_hour = [
        sa.func.sum(
            sa.case(
                (_old.c.slot % A_DAY == sa.literal_column(str(hour)), _old.c.responses), else_=0
            )
        )
        for hour in range(24)
    ]
    rows = sa.select(*keys, weekday, *at_hour).select_from(_old).group_by(*keys, weekday)
    op.execute(sa.insert(_new).from_select([*_KEY, "weekday", *HOURS], rows))
    op.drop_table(OLD)


def downgrade():
    _create(OLD, "slot", ("responses",))
    keys = [_new.c[name] for name in _KEY]
    hours = [
        sa.select(*keys, _new.c.weekday * A_DAY + sa.literal_column(str(hour)), _new.c[name])
        .select_from(_new)
        .where(_new.c[name] != 0)
        for hour, name in enumerate(HOURS)
    ]
    op.execute(sa.insert(_old).from_select([*_KEY, "slot", "responses"], sa.union_all(*hours)))
    op.drop_table(NEW)


def _create(table: str, key: str, counts: tuple[str, ...]) -> None:
    """A tally table as survey_app/models/tallies.py declares it: the key carries the counts on
    PostgreSQL (INCLUDE, migration 0019)."""
    op.create_table(
        table,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column(key, sa.SmallInteger(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in counts),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        sa.UniqueConstraint(
            "month", "unit_id", key, name=op.f(f"uq_{table}_key"), postgresql_include=list(counts)
        ),
    )
