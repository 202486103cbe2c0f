"""What a tally run (survey_app.services.tallies) adds to the tallies: one pass over the run's
new responses, every month at once, summed per month, key and instrument into a scratch table
(the responses, the flagged ones, the answers at each level of each position, the responses
with an answer in each factor), then each tally's rows from that small table. The arrival
tallies come from the run's table of taken responses instead (their unit and time): 0.5–0.6 s
per million.

One pass rather than one per tally or per month, and each position's level read once per
response (in a subquery the planners keep: LIMIT/OFFSET stops them from repeating its
expressions in every sum), as a character code, and counted with FILTER. On PostgreSQL the pass
groups by both keys of the tallies at once (GROUPING SETS: by person, and by place), so the
scratch table holds only the rows the tallies need; SQLite has no grouping sets and groups by
both keys together, which the rows of each key then sum (a province's month: a few thousand
rows). Per million responses on PostgreSQL (2 shared cores, bench/tally_run.py): one month
17.7 s → 7.0 s, a year 26.4 s → 10.6–12.2 s (a national quarter of 10 M in one run,
bench/national.py: 15.6 s), with the run's scratch table analysed, the queue taken in one
statement, this one pass, the grouping sets' rows read as they are and tallies without
foreign keys (migration 0016). Most of what is left is that pass (reading 23 positions of each
response and the 120 sums: over half of a national run), then the upserts (one row per key and
item: inserting them costs 6 µs a row).
"""

import functools
import operator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from survey_app.models import GRAINS, SCALE, Factor, Grain, Item
from survey_app.models import SurveyResponse as Response
from survey_app.models.levels import UNANSWERED, code_of, level_code
from survey_app.models.response import counted
from survey_app.models.tallies import (
    HOURS_A_DAY,
    LEVEL_COLUMNS,
    NOBODY,
    ArrivalTally,
    tally_key,
    weekly_slot_in,
)
from survey_app.months import Month

KEY_NAMES = ("month", "unit_id", "officer_id", "counter_id", "channel")
SCRATCH = "tally_month_counts"


@dataclass(frozen=True)
class ItemLayout:
    """Where the answers sit in a response's levels: the positions, and each instrument's
    factor spans (instrument id, factor, first position, count). Read once per run."""

    positions: range
    spans: list


def read_item_layout(connection: Connection) -> ItemLayout:
    last = connection.scalar(sa.select(sa.func.max(Item.position))) or 0
    spans = connection.execute(
        sa.select(Item.instrument_id, Item.factor, sa.func.min(Item.position), sa.func.count())
        .where(Item.factor.is_not(None))
        .group_by(Item.instrument_id, Item.factor)
    ).all()
    return ItemLayout(range(1, last + 1), spans)


def count_months(
    connection: Connection, months: list[Month], zone: ZoneInfo, taken: sa.Table, layout: ItemLayout
) -> None:
    """Add the counts of the responses taken off the queue by this run (`taken`: id and time of
    each, all of them in `months`; spam and held ones left out), in one pass for every month."""
    new = Response.id.in_(sa.select(taken.c.response_id))
    positions, spans = layout.positions, layout.spans
    scratch = _scratch_table(len(positions))
    # No try/finally: after an error the transaction is rolled back, and the table with it.
    scratch.create(connection)
    by_both_keys = connection.dialect.name == "postgresql"
    month = _month_of(Response.submitted_at, months, zone)
    pivot = _pivot(sa.and_(new, counted()), month, positions, spans, by_both_keys)
    connection.execute(sa.insert(scratch).from_select(list(pivot.selected_columns.keys()), pivot))
    for grain in GRAINS:
        rows = _of_grain(scratch, grain, summed=not by_both_keys)
        keys = [rows.c[name] for name in grain.key]
        add_counts(connection, grain.responses, _responses(rows, keys))
        add_counts(connection, grain.answers, _answers(rows, keys, positions))
        add_counts(connection, grain.factors, _factors(rows, keys))
    scratch.drop(connection)
    add_counts(connection, ArrivalTally, _arrivals(taken, months, zone))


def _month_of(moment: sa.ColumnElement, months: list[Month], zone: ZoneInfo) -> sa.ColumnElement:
    """SQL: the month ("YYYY-MM") of a time in one of `months` (consecutive). One pass for a
    run's months rather than one a month: a year's run read the responses twelve times."""
    earlier = [(moment < month.bounds(zone)[1], str(month)) for month in months[:-1]]
    return sa.case(*earlier, else_=str(months[-1])) if earlier else sa.literal(str(months[0]))


@functools.cache
def _scratch_table(last_position: int) -> sa.Table:
    """One Table object per number of positions, made in each run's connection: SQLAlchemy keys
    its cache of compiled statements by the Table object, and a new one per month compiled the
    wide counting statements again every time (0.3 s a month, most of a small run)."""
    positions = range(1, last_position + 1)
    counts = [
        "responses",
        "flagged",
        *(_cell(p, v) for p in positions for v in SCALE),
        *(_factor(f) for f in Factor),
    ]
    return sa.Table(
        SCRATCH,
        sa.MetaData(),
        sa.Column("month", sa.String(7)),
        sa.Column("unit_id", sa.Integer),
        sa.Column("officer_id", sa.Integer),
        sa.Column("counter_id", sa.Integer),
        sa.Column("channel", sa.String(10)),
        sa.Column("instrument_id", sa.Integer),
        *(sa.Column(name, sa.Integer) for name in counts),
        prefixes=["TEMPORARY"],
    )


def _pivot(
    counting: sa.ColumnElement[bool],
    month: sa.ColumnElement,
    positions: range,
    spans: list,
    by_both_keys: bool,
) -> sa.Select:
    """Per month, key and instrument, over the responses counted: the scratch table's columns.
    With `by_both_keys`, per person and per place (the other key's columns NULL); else per both."""
    keys = [
        month,
        Response.unit_id,
        sa.func.coalesce(Response.officer_id, NOBODY),
        sa.func.coalesce(Response.counter_id, NOBODY),
        Response.channel,
    ]

    read = (
        sa.select(
            *(key.label(name) for key, name in zip(keys, KEY_NAMES, strict=True)),
            Response.instrument_id,
            Response.flagged,
            *(level_code(Response.levels, p).label(f"l{p}") for p in positions),
        )
        .where(counting)
        .offset(0)  # keeps the planners from reading the positions again in every sum below
        .subquery("read")
    )

    unanswered = code_of(UNANSWERED)

    def answered_in(factor: Factor) -> sa.ColumnElement[bool]:
        """Of the instrument, an answer in one of the factor's positions (one span)."""
        found = [
            sa.and_(
                read.c.instrument_id == instrument_id,
                sa.or_(*(read.c[f"l{p}"] != unanswered for p in range(first, first + count))),
            )
            for instrument_id, of, first, count in spans
            if of == factor
        ]
        return sa.or_(*found) if found else sa.false()

    grouped = [*(read.c[name] for name in KEY_NAMES), read.c.instrument_id]
    grouping = grouped
    if by_both_keys:
        month, unit, officer, counter, channel, instrument = grouped
        person, place = (
            sa.tuple_(month, unit, officer, instrument),
            sa.tuple_(month, unit, counter, channel, instrument),
        )
        grouping = [sa.func.grouping_sets(person, place)]
    count = sa.func.count()
    sums = [
        count.label("responses"),
        count.filter(read.c.flagged).label("flagged"),
        *(
            count.filter(read.c[f"l{p}"] == code_of(str(v))).label(_cell(p, v))
            for p in positions
            for v in SCALE
        ),
        *(count.filter(answered_in(f)).label(_factor(f)) for f in Factor),
    ]
    return sa.select(*grouped, *sums).group_by(*grouping)


def _arrivals(taken: sa.Table, months: list[Month], zone: ZoneInfo) -> sa.Select:
    """Per month, unit and local weekday, the responses taken that count at each local hour:
    from the run's table of them, which holds their unit and time (a second read of the
    responses cost 1.4 s per million). The hour of the week is worked out once per response,
    in subqueries the planners keep (OFFSET 0: they would repeat it in each hour's count), and
    grouped by plain columns (PostgreSQL matches a GROUP BY to its SELECT only on those)."""
    slot = weekly_slot_in(taken.c.submitted_at, months, zone)
    keyed = (
        sa.select(
            _month_of(taken.c.submitted_at, months, zone).label("month"),
            taken.c.unit_id,
            slot.label("slot"),
        )
        .where(taken.c.counted)
        .offset(0)
        .subquery("keyed")
    )
    split = sa.select(
        keyed.c.month,
        keyed.c.unit_id,
        (keyed.c.slot // HOURS_A_DAY).label("weekday"),
        (keyed.c.slot % HOURS_A_DAY).label("hour"),
    )
    day = split.offset(0).subquery("day")
    at_hour = [sa.func.count().filter(day.c.hour == hour) for hour in range(HOURS_A_DAY)]
    keys = [day.c.month, day.c.unit_id, day.c.weekday]
    return sa.select(*keys, *at_hour).group_by(*keys)


def _of_grain(scratch: sa.Table, grain: Grain, *, summed: bool) -> sa.Subquery:
    """The scratch table's counts per key of the grain and instrument: its rows as they are
    when grouped by the grain's key already (PostgreSQL's grouping sets), else `summed`. Each
    tally reads them again, and summing a national scratch table seven times took 60 % of the
    upserts (bench/national.py)."""
    names = [*grain.key, "instrument_id"]
    grouped = [scratch.c[name] for name in names]
    counts = [column for column in scratch.c if column.name not in (*KEY_NAMES, "instrument_id")]
    # The rows of the grain's grouping set (on PostgreSQL): those with its column below the unit.
    kept = scratch.c[grain.key[2]].is_not(None)
    if not summed:
        return sa.select(*grouped, *counts).where(kept).subquery("of_grain")
    sums = [sa.func.sum(column).label(column.name) for column in counts]
    return sa.select(*grouped, *sums).where(kept).group_by(*grouped).subquery("of_grain")


def _responses(rows: sa.Subquery, keys: list) -> sa.Select:
    sums = [sa.func.sum(rows.c.responses), sa.func.sum(rows.c.flagged)]
    return sa.select(*keys, *sums).group_by(*keys)


def _answers(scratch: sa.Subquery, keys: list, positions: range) -> sa.Select:
    """A row per key and item of the instrument, with its position's five sums."""
    at_level = [
        sa.case({p: scratch.c[_cell(p, v)] for p in positions}, value=Item.position).label(name)
        for v, name in zip(SCALE, LEVEL_COLUMNS, strict=True)
    ]
    rows = (
        sa.select(*keys, Item.id.label("item_id"), *at_level)
        .select_from(scratch)
        .join(Item, Item.instrument_id == scratch.c.instrument_id)
        .subquery("rows")
    )
    answered = functools.reduce(operator.add, (rows.c[name] for name in LEVEL_COLUMNS))
    return sa.select(*rows.c).where(answered > 0)


def _factors(scratch: sa.Subquery, keys: list) -> sa.CompoundSelect:
    """A row per key, instrument and factor with responses that answered in it."""

    def answered_in(factor: Factor) -> sa.Select:
        column = scratch.c[_factor(factor)]
        factor_key = sa.literal(factor.value, sa.String)
        return sa.select(*keys, scratch.c.instrument_id, factor_key, column).where(column > 0)

    return sa.union_all(*(answered_in(factor) for factor in Factor))


def _cell(position: int, value: int) -> str:
    return f"p{position}v{value}"


def _factor(factor: Factor) -> str:
    return f"f_{factor.value.lower()}"


def add_counts(
    connection: Connection, model: type, rows: sa.Select | sa.CompoundSelect | list[dict]
) -> None:
    """Add `rows` (a SELECT giving the key's columns then the counts, or dicts) to the tally
    table `model`: a row already there with the same key gets the counts added to its own."""
    key, counts = tally_key(model), model.counts
    table = model.__table__
    insert = (postgresql if connection.dialect.name == "postgresql" else sqlite).insert(table)
    if isinstance(rows, list):
        insert = insert.values(rows)
    else:
        insert = insert.from_select([*key, *counts], rows)
    added = {name: table.c[name] + insert.excluded[name] for name in counts}
    connection.execute(insert.on_conflict_do_update(index_elements=list(key), set_=added))
