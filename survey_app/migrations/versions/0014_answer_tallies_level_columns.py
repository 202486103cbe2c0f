"""answer tallies: one row per (key, item) with the answers at each level in five columns,
instead of one row per (key, item, level)

The rows are converted through a scratch table: each batch of BATCH old rows (keyset by id) is
added to it, a row per (key, item) with its level columns (an upsert adding to a row an earlier
batch made), then the old table is dropped, the new one made under the same name, constraint
and sequence names, and filled from the scratch table in batches. All of it is the migration's
one transaction (PostgreSQL rolls the DDL back with it): a run cut short leaves the old table
as it was. Tallies are small (a few rows per response at most), so one transaction is fine;
the batches keep each statement's work bounded.

Downgrade: the same the other way, a row per level that has answers.

Revision ID: 0014_level_columns
Revises: 0013_levels
Create Date: 2026-12-06 21:30:00

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql, sqlite

# revision identifiers, used by Alembic.
revision = "0014_level_columns"
down_revision = "0013_levels"
branch_labels = None
depends_on = None

BATCH = 5_000
SCALE = (1, 2, 3, 4, 5)
LEVELS = [f"answers_{value}" for value in SCALE]
KEY = ["month", "unit_id", "officer_id", "counter_id", "channel", "item_id"]
SCRATCH = "answer_tallies_converted"


def upgrade():
    bind = op.get_bind()
    old = _narrow_table("answer_tallies")
    scratch = _wide_table(SCRATCH)
    scratch.create(bind)
    last = 0
    while (upper := _batch_end(bind, old, last)) is not None:
        in_batch = sa.and_(old.c.id > last, old.c.id <= upper)
        at_level = [
            sa.func.sum(sa.case((old.c.value == value, old.c.answers), else_=0)).label(name)
            for value, name in zip(SCALE, LEVELS, strict=True)
        ]
        keys = [old.c[name] for name in KEY]
        rows = sa.select(*keys, *at_level).where(in_batch).group_by(*keys)
        insert = _dialect(bind).insert(scratch).from_select([*KEY, *LEVELS], rows)
        added = {name: scratch.c[name] + insert.excluded[name] for name in LEVELS}
        bind.execute(insert.on_conflict_do_update(index_elements=KEY, set_=added))
        last = upper
    op.drop_table("answer_tallies")
    _create_answer_tallies(wide=True)
    _copy(bind, scratch, _wide_table("answer_tallies"), [*KEY, *LEVELS])
    op.drop_table(SCRATCH)


def downgrade():
    bind = op.get_bind()
    wide = _wide_table("answer_tallies")
    scratch = _narrow_table(SCRATCH)
    scratch.create(bind)
    last = 0
    while (upper := _batch_end(bind, wide, last)) is not None:
        in_batch = sa.and_(wide.c.id > last, wide.c.id <= upper)
        keys = [wide.c[name] for name in KEY]
        for value, name in zip(SCALE, LEVELS, strict=True):
            rows = sa.select(*keys, sa.literal(value, sa.SmallInteger), wide.c[name]).where(
                in_batch, wide.c[name] != 0
            )
            columns = [*KEY, "value", "answers"]
            bind.execute(sa.insert(scratch).from_select(columns, rows))
        last = upper
    op.drop_table("answer_tallies")
    _create_answer_tallies(wide=False)
    _copy(bind, scratch, _narrow_table("answer_tallies"), [*KEY, "value", "answers"])
    op.drop_table(SCRATCH)


def _batch_end(bind, table: sa.Table, last: int) -> int | None:
    """The id ending the batch after `last` (None when no row is left)."""
    ids = sa.select(table.c.id).where(table.c.id > last).order_by(table.c.id).limit(BATCH)
    return bind.scalar(sa.select(sa.func.max(ids.subquery().c.id)))


def _copy(bind, source: sa.Table, target: sa.Table, columns: list[str]) -> None:
    last = 0
    while (upper := _batch_end(bind, source, last)) is not None:
        rows = sa.select(*(source.c[name] for name in columns)).where(
            source.c.id > last, source.c.id <= upper
        )
        bind.execute(sa.insert(target).from_select(columns, rows.order_by(source.c.id)))
        last = upper


def _dialect(bind):
    return postgresql if bind.dialect.name == "postgresql" else sqlite


def _key_columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("counter_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
    ]


def _wide_table(name: str) -> sa.Table:
    """The new layout (the scratch table without foreign keys; the unique key for the upsert)."""
    levels = [sa.Column(level, sa.Integer(), nullable=False) for level in LEVELS]
    return sa.Table(
        name, sa.MetaData(), *_key_columns(), *levels, sa.UniqueConstraint(*KEY, name=f"uq_{name}")
    )


def _narrow_table(name: str) -> sa.Table:
    return sa.Table(
        name,
        sa.MetaData(),
        *_key_columns(),
        sa.Column("value", sa.SmallInteger(), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
    )


def _create_answer_tallies(*, wide: bool) -> None:
    """answer_tallies as the models have it (wide) or as 0006 made it."""
    if wide:
        counts = [sa.Column(level, sa.Integer(), nullable=False) for level in LEVELS]
        key = KEY
    else:
        counts = [
            sa.Column("value", sa.SmallInteger(), nullable=False),
            sa.Column("answers", sa.Integer(), nullable=False),
        ]
        key = [*KEY, "value"]
    op.create_table(
        "answer_tallies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("counter_id", sa.Integer(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "qr",
                "kiosk",
                "web",
                "paper",
                name="channel",
                native_enum=False,
                create_constraint=True,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("item_id", sa.Integer(), nullable=False),
        *counts,
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_answer_tallies_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_answer_tallies_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_tallies")),
        sa.UniqueConstraint(*key, name="uq_answer_tallies_key"),
    )
