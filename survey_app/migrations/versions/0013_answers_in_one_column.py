"""answers in one column: survey_responses.levels replaces the answers table; the tally run's
queue (untallied_responses) replaces the tallied flag; partial indexes

Each response keeps its answers as one digit per item position of its instrument version
("0" unanswered, "1"–"5" the level; survey_app.models.levels). The stored answers are
converted in batches of BATCH responses, keyset by id, each batch its own transaction (in an
autocommit block: one statement per batch), so that no transaction holds a whole table; a run
cut short is taken up again where it stopped (only responses without levels are converted).
The indexes on dossier, officer and tablet leave out the rows that name none; the counter's
goes (a counter's responses are read with its unit's). The responses not tallied yet get a
row in untallied_responses (no index: a short queue); the flag and its index go (a tally run
then deletes queue rows instead of rewriting every response it counts).

Downgrade: the answers table again, filled from the levels in the same batches, the full
indexes, and the flag (false for the responses on the queue). The format is written out
here, not imported, so that this revision keeps working when the models change.

Revision ID: 0013_levels
Revises: 0012_hours
Create Date: 2026-12-06 18:30:00

"""

from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013_levels"
down_revision = "0012_hours"
branch_labels = None
depends_on = None

BATCH = 2000
UNANSWERED = "0"
PARTIAL = ("officer_id", "kiosk_id")
COUNTER_INDEX = "ix_survey_responses_counter_submitted"

responses = sa.table(
    "survey_responses",
    sa.column("id", sa.Integer),
    sa.column("instrument_id", sa.Integer),
    sa.column("levels", sa.String),
)
items = sa.table(
    "items",
    sa.column("id", sa.Integer),
    sa.column("instrument_id", sa.Integer),
    sa.column("position", sa.Integer),
)
answers = sa.table(
    "answers",
    sa.column("response_id", sa.Integer),
    sa.column("item_id", sa.Integer),
    sa.column("value", sa.SmallInteger),
)


def upgrade():
    bind = op.get_bind()
    columns = {column["name"] for column in sa.inspect(bind).get_columns(responses.name)}
    if "levels" not in columns:
        with op.batch_alter_table("survey_responses", schema=None) as batch_op:
            batch_op.add_column(sa.Column("levels", sa.String(length=40), nullable=True))
    with op.get_context().autocommit_block():
        _answers_to_levels(op.get_bind())
    _create_queue()
    op.execute(
        "INSERT INTO untallied_responses (response_id) "
        "SELECT id FROM survey_responses WHERE NOT tallied"
    )
    with _foreign_keys_off(), op.batch_alter_table("survey_responses") as batch_op:
        batch_op.alter_column("levels", existing_type=sa.String(length=40), nullable=False)
        batch_op.drop_index("ix_survey_responses_untallied")
        batch_op.drop_column("tallied")
        batch_op.drop_constraint("uq_survey_responses_unit_id_dossier_code", type_="unique")
        batch_op.create_index(
            "uq_survey_responses_unit_id_dossier_code",
            ["unit_id", "dossier_code"],
            unique=True,
            postgresql_where=sa.text("dossier_code IS NOT NULL"),
            sqlite_where=sa.text("dossier_code IS NOT NULL"),
        )
        # A counter's responses are read with its unit's (unit_id, submitted_at).
        batch_op.drop_index(COUNTER_INDEX)
        for column in PARTIAL:
            batch_op.drop_index(_index_name(column))
            batch_op.create_index(
                _index_name(column),
                [column, "submitted_at"],
                unique=False,
                postgresql_where=sa.text(f"{column} IS NOT NULL"),
                sqlite_where=sa.text(f"{column} IS NOT NULL"),
            )
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_answers_item_id"))
    op.drop_table("answers")


def downgrade():
    with _foreign_keys_off(), op.batch_alter_table("survey_responses") as batch_op:
        batch_op.add_column(
            sa.Column("tallied", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.execute(
        "UPDATE survey_responses SET tallied = true WHERE NOT EXISTS "
        "(SELECT 1 FROM untallied_responses q WHERE q.response_id = survey_responses.id)"
    )
    if not sa.inspect(op.get_bind()).has_table("answers"):
        _create_answers()
    with op.get_context().autocommit_block():
        _levels_to_answers(op.get_bind())
    with _foreign_keys_off(), op.batch_alter_table("survey_responses") as batch_op:
        batch_op.create_index(
            "ix_survey_responses_untallied",
            ["submitted_at"],
            unique=False,
            postgresql_where=sa.text("NOT tallied"),
            sqlite_where=sa.text("tallied = 0"),
        )
        for column in PARTIAL:
            batch_op.drop_index(_index_name(column))
            batch_op.create_index(_index_name(column), [column, "submitted_at"], unique=False)
        batch_op.create_index(COUNTER_INDEX, ["counter_id", "submitted_at"], unique=False)
        batch_op.drop_index("uq_survey_responses_unit_id_dossier_code")
        batch_op.create_unique_constraint(
            "uq_survey_responses_unit_id_dossier_code", ["unit_id", "dossier_code"]
        )
        batch_op.drop_column("levels")
    op.drop_table("untallied_responses")


@contextmanager
def _foreign_keys_off():
    """SQLite copies a table to change it and drops the old one, which deletes its rows: with
    foreign keys enforced, that would delete the rows referring to them (answers, the queue,
    follow-ups) or fail. The pragma only works outside a transaction."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        with op.get_context().autocommit_block():
            op.execute("PRAGMA foreign_keys=OFF")
    yield
    if sqlite:
        with op.get_context().autocommit_block():
            op.execute("PRAGMA foreign_keys=ON")


def _create_queue() -> None:
    op.create_table(
        "untallied_responses",
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["survey_responses.id"],
            name=op.f("fk_untallied_responses_response_id_survey_responses"),
            ondelete="CASCADE",
        ),
    )


def _create_answers() -> None:
    op.create_table(
        "answers",
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.SmallInteger(), nullable=False),
        sa.CheckConstraint("value BETWEEN 1 AND 5", name=op.f("ck_answers_value_on_scale")),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name=op.f("fk_answers_item_id_items")),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["survey_responses.id"],
            name=op.f("fk_answers_response_id_survey_responses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("response_id", "item_id", name=op.f("pk_answers")),
    )
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_answers_item_id"), ["item_id"], unique=False)


def _index_name(column: str) -> str:
    return f"ix_survey_responses_{column.removesuffix('_id')}_submitted"


def _positions(bind) -> dict[int, dict[int, int]]:
    """Instrument id → item id → position (1…n)."""
    found: dict[int, dict[int, int]] = {}
    for item_id, instrument_id, position in bind.execute(
        sa.select(items.c.id, items.c.instrument_id, items.c.position)
    ):
        found.setdefault(instrument_id, {})[item_id] = position
    return found


def _answers_to_levels(bind) -> None:
    positions, last = _positions(bind), 0
    while True:
        batch = bind.execute(
            sa.select(responses.c.id, responses.c.instrument_id)
            .where(responses.c.id > last, responses.c.levels.is_(None))
            .order_by(responses.c.id)
            .limit(BATCH)
        ).all()
        if not batch:
            return
        last = batch[-1].id
        given = {row.id: {} for row in batch}
        for response_id, item_id, value in bind.execute(
            sa.select(answers.c.response_id, answers.c.item_id, answers.c.value).where(
                answers.c.response_id.between(batch[0].id, last)
            )
        ):
            if response_id in given:
                given[response_id][item_id] = value
        levels = {row.id: _levels(positions[row.instrument_id], given[row.id]) for row in batch}
        bind.execute(
            sa.update(responses)
            .where(responses.c.id.in_(list(levels)))
            .values(levels=sa.case(levels, value=responses.c.id))
        )


def _levels(positions: dict[int, int], values: dict[int, int]) -> str:
    symbols = [UNANSWERED] * len(positions)
    for item_id, value in values.items():
        symbols[positions[item_id] - 1] = str(value)
    return "".join(symbols)


def _levels_to_answers(bind) -> None:
    """One INSERT … SELECT per batch: each answered position of a response joined to its item."""
    level = sa.func.substr(responses.c.levels, items.c.position, 1)
    last = bind.scalar(sa.select(sa.func.max(answers.c.response_id))) or 0
    while True:
        ids = bind.scalars(
            sa.select(responses.c.id)
            .where(responses.c.id > last)
            .order_by(responses.c.id)
            .limit(BATCH)
        ).all()
        if not ids:
            return
        first, last = ids[0], ids[-1]
        rows = (
            sa.select(responses.c.id, items.c.id, sa.cast(level, sa.Integer))
            .join(items, items.c.instrument_id == responses.c.instrument_id)
            .where(responses.c.id.between(first, last), level != UNANSWERED)
        )
        bind.execute(sa.insert(answers).from_select(["response_id", "item_id", "value"], rows))
