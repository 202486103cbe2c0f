"""Counting responses into the tallies (survey_app.models.tallies), and taking one out again.

`tally_responses` is the periodic run (`survey-app report tally`, every few minutes from a
timer): month by month, it adds the counts of the responses not tallied yet (those with an
UntalliedResponse row) to the tally rows of their keys (an upsert) and deletes their rows from
that queue. All of it is one transaction — REPEATABLE READ on PostgreSQL, so the responses
counted are exactly the ones taken off the queue even while others arrive; a response that
commits meanwhile waits for the next run. Runs wait for one
another on the state row. Figures are right whether a run has been or not: they add the
responses not tallied yet to the tallies (analytics.counting).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, OperationalError

from analytics.counting import tallied_zone
from survey_app.core.extensions import db
from survey_app.models import (
    SCALE,
    AnswerTally,
    Factor,
    FactorTally,
    Item,
    ResponseTally,
    TallyState,
    UntalliedResponse,
    utcnow,
)
from survey_app.models import SurveyResponse as Response
from survey_app.models.levels import any_answered, level_at
from survey_app.models.response import counted, not_tallied
from survey_app.models.tallies import ANSWER_KEY, FACTOR_KEY, LEVEL_COLUMNS, NOBODY, RESPONSE_KEY
from survey_app.months import Month, survey_zone

ATTEMPTS = 5
TallyModel = type[ResponseTally] | type[AnswerTally] | type[FactorTally]
TALLY_COUNTS = {
    ResponseTally: (RESPONSE_KEY, ("responses", "flagged")),
    AnswerTally: (ANSWER_KEY, LEVEL_COLUMNS),
    FactorTally: (FACTOR_KEY, ("responses",)),
}
# SQLSTATE of a REPEATABLE READ transaction that met a concurrent change: run it again.
SERIALIZATION_FAILURE = "40001"


@dataclass(frozen=True)
class TallyRun:
    months: list[Month]  # the months that had responses not tallied yet
    responses: int  # responses tallied by this run (spam included: it is marked, not counted)


def tally_responses() -> TallyRun:
    """Count every response not tallied yet into the tallies; one transaction."""
    # REPEATABLE READ on PostgreSQL; on SQLite the first statement (a write) takes the
    # database's write lock, which serialises as well.
    options = {"isolation_level": "REPEATABLE READ"} if _is_postgresql() else {}
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with (
                db.engine.connect().execution_options(**options) as connection,
                connection.begin(),
            ):
                return _run(connection, survey_zone())
        except (OperationalError, IntegrityError) as error:
            # Another run or a spam mark got there first (a concurrent change of the same
            # rows, or of the state row just made): run again on what they left.
            if attempt == ATTEMPTS or not _is_race(error):
                raise
    raise AssertionError("unreachable")


def untally_response(response: Response, *, was_counted: bool) -> None:
    """Take a tallied response out of the tallies and leave it to the next run, before changing
    what it counts for (marking it as spam). `was_counted`: it was not spam before."""
    if requeue([response.id]) and was_counted:
        _subtract(response, ZoneInfo(tallied_zone()))


def requeue(response_ids: list[int]) -> int:
    """Leave the responses to the next tally run (their queue rows made again); returns how many
    of them were tallied already. Deleting the queue row first locks it: a run that read it
    waits, then fails to take it off the queue and starts again (40001), so it never counts a
    response as it was before this change; a run that took it off first is seen here as
    "tallied" once it commits."""
    queue = UntalliedResponse.__table__
    chosen = queue.c.response_id.in_(response_ids)
    queued = db.session.execute(sa.delete(queue).where(chosen)).rowcount
    db.session.execute(sa.insert(queue), [{"response_id": id_} for id_ in response_ids])
    return len(response_ids) - queued


def _subtract(response: Response, zone: ZoneInfo) -> None:
    key = {
        "month": str(Month.containing(response.submitted_at, zone)),
        "unit_id": response.unit_id,
        "officer_id": response.officer_id or NOBODY,
        "counter_id": response.counter_id or NOBODY,
        "channel": response.channel,
    }
    connection = db.session.connection()
    _add_counts(connection, ResponseTally, [key | {"responses": -1, "flagged": -response.flagged}])
    items = {item.code: item for item in response.instrument.items}
    answered = [(items[code], value) for code, value in response.answer_values().items()]
    answers = [key | {"item_id": i.id, **_one_answer(value, -1)} for i, value in answered]
    _add_counts(connection, AnswerTally, answers)  # a response always has its CHUNG answer
    factors = {item.factor for item, _value in answered if item.factor is not None}
    weights = [
        key | {"instrument_id": response.instrument_id, "factor": f, "responses": -1}
        for f in sorted(factors)
    ]
    if weights:
        _add_counts(connection, FactorTally, weights)


def _run(connection: Connection, zone: ZoneInfo) -> TallyRun:
    state = TallyState.__table__
    # First statement, a write: runs wait here for one another (and SQLite locks for writing).
    if not connection.execute(sa.update(state).values(last_run_at=utcnow())).rowcount:
        # The row the migration made is gone (a restore of part of the data): make it again.
        connection.execute(sa.insert(state).values(id=1, zone="", last_run_at=utcnow()))
    if connection.scalar(sa.select(state.c.zone)) != zone.key:
        _start_over(connection, zone)
    months = list(_untallied_months(connection, zone))
    tallied = sum(_tally_month(connection, month, zone) for month in months)
    return TallyRun(months=months, responses=tallied)


def _start_over(connection: Connection, zone: ZoneInfo) -> None:
    """Tallies of another zone have other months: count everything again in this one."""
    connection.execute(sa.delete(ResponseTally))
    connection.execute(sa.delete(AnswerTally))
    connection.execute(sa.delete(FactorTally))
    queue = UntalliedResponse.__table__
    # NOT EXISTS, not NOT IN: PostgreSQL runs the NOT IN of a large queue row by row.
    queued = sa.exists().where(queue.c.response_id == Response.id)
    connection.execute(
        sa.insert(queue).from_select(["response_id"], sa.select(Response.id).where(~queued))
    )
    connection.execute(sa.update(TallyState).values(zone=zone.key))


def _untallied_months(connection: Connection, zone: ZoneInfo) -> Iterator[Month]:
    """Every month from the first to the last response not tallied yet (few, usually one)."""
    first, last = connection.execute(
        sa.select(sa.func.min(Response.submitted_at), sa.func.max(Response.submitted_at)).where(
            not_tallied()
        )
    ).one()
    if first is None:
        return
    month, last_month = Month.containing(first, zone), Month.containing(last, zone)
    while month <= last_month:
        yield month
        month = month.next()


def _tally_month(connection: Connection, month: Month, zone: ZoneInfo) -> int:
    start, end = month.bounds(zone)
    new = sa.and_(not_tallied(), Response.submitted_at >= start, Response.submitted_at < end)
    counting = sa.and_(new, counted())
    keys = [
        sa.literal(str(month), sa.String),
        Response.unit_id,
        sa.func.coalesce(Response.officer_id, NOBODY),
        sa.func.coalesce(Response.counter_id, NOBODY),
        Response.channel,
    ]
    flagged = sa.func.sum(sa.case((Response.flagged, 1), else_=0))
    responses = sa.select(*keys, sa.func.count(), flagged).where(counting).group_by(*keys[1:])
    _add_counts(connection, ResponseTally, responses)
    _add_counts(connection, AnswerTally, _answer_counts(connection, keys, counting))
    _add_counts(connection, FactorTally, _factor_counts(connection, keys, counting))
    # The queue's rows of the month's responses: those counted above, in this snapshot.
    queue = UntalliedResponse.__table__
    month_ids = sa.select(Response.id).where(
        Response.submitted_at >= start, Response.submitted_at < end
    )
    return connection.execute(sa.delete(queue).where(queue.c.response_id.in_(month_ids))).rowcount


def _answer_counts(connection: Connection, keys: list, counting) -> sa.Select:
    """Per key and item: the answers at each level. One pass over the responses, a sum per
    position and level for each key and instrument, then a row per item of the instrument with
    its position's five sums: several times cheaper than a row per answer (20 a response)
    grouped (bench/analytics.py)."""
    positions = range(1, (connection.scalar(sa.select(sa.func.max(Item.position))) or 0) + 1)
    cells = {(p, v): f"p{p}v{v}" for p in positions for v in SCALE}
    sums = [
        sa.func.sum(sa.case((level_at(Response.levels, p) == str(v), 1), else_=0)).label(name)
        for (p, v), name in cells.items()
    ]
    pivot = _pivot(keys, counting, sums)
    at_level = [
        sa.case({p: pivot.c[cells[p, v]] for p in positions}, value=Item.position).label(name)
        for v, name in zip(SCALE, LEVEL_COLUMNS, strict=True)
    ]
    rows = (
        sa.select(*_keys(keys, pivot), Item.id.label("item_id"), *at_level)
        .select_from(pivot)
        .join(Item, Item.instrument_id == pivot.c.instrument_id)
        .subquery("rows")
    )
    answered = sum(rows.c[name] for name in LEVEL_COLUMNS)
    return sa.select(*rows.c).where(answered > 0)


def _factor_counts(connection: Connection, keys: list, counting) -> sa.Select:
    """Per key, instrument and factor: the responses with at least one answer in the factor
    (a factor's items are one span of the levels), summed in one pass as the answers are."""
    spans = connection.execute(
        sa.select(Item.instrument_id, Item.factor, sa.func.min(Item.position), sa.func.count())
        .where(Item.factor.is_not(None))
        .group_by(Item.instrument_id, Item.factor)
    ).all()

    def answered_in(factor: Factor) -> sa.ColumnElement:
        whens = [
            (sa.and_(Response.instrument_id == i, any_answered(Response.levels, first, n)), 1)
            for i, found, first, n in spans
            if found == factor
        ]
        return sa.case(*whens, else_=0) if whens else sa.literal(0)

    pivot = _pivot(keys, counting, [sa.func.sum(answered_in(f)).label(f.value) for f in Factor])
    factors = _constants("factor", [factor.value for factor in Factor], sa.String)
    count = sa.case({f.value: pivot.c[f.value] for f in Factor}, value=factors.c.factor)
    columns = [*_keys(keys, pivot), pivot.c.instrument_id, factors.c.factor, count.label("count")]
    rows = sa.select(*columns).select_from(pivot).join(factors, sa.true()).subquery("rows")
    return sa.select(*rows.c).where(rows.c["count"] > 0)


KEY_NAMES = ("unit_id", "officer_id", "counter_id", "channel")


def _pivot(keys: list, counting, sums: list) -> sa.Subquery:
    """The sums per key (after the month) and instrument, over the responses counted."""
    grouped = [key.label(name) for key, name in zip(keys[1:], KEY_NAMES, strict=True)]
    query = sa.select(*grouped, Response.instrument_id, *sums).where(counting)
    return query.group_by(*keys[1:], Response.instrument_id).subquery("pivot")


def _keys(keys: list, pivot: sa.Subquery) -> list:
    return [keys[0].label("month"), *(pivot.c[name] for name in KEY_NAMES)]


def _constants(name: str, values: list, type_) -> sa.Subquery:
    """A one-column table of the values (portable: no VALUES list)."""
    rows = [sa.select(sa.literal(value, type_).label(name)) for value in values]
    return sa.union_all(*rows).subquery(f"{name}s")


def _one_answer(value: int, sign: int) -> dict[str, int]:
    """The level columns of one answer at `value` (added, or taken out with `sign` -1)."""
    return {name: sign * (level == value) for level, name in zip(SCALE, LEVEL_COLUMNS, strict=True)}


def _add_counts(connection: Connection, model: TallyModel, rows: sa.Select | list[dict]) -> None:
    """Add `rows` (a SELECT giving the key's columns then the counts, or dicts) to the tallies:
    a row already there with the same key gets the counts added to its own."""
    key, counts = TALLY_COUNTS[model]
    table = model.__table__
    insert = (postgresql if connection.dialect.name == "postgresql" else sqlite).insert(table)
    if isinstance(rows, sa.Select):
        insert = insert.from_select([*key, *counts], rows)
    else:
        insert = insert.values(rows)
    added = {name: table.c[name] + insert.excluded[name] for name in counts}
    connection.execute(insert.on_conflict_do_update(index_elements=list(key), set_=added))


def _is_postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


def _is_race(error: OperationalError | IntegrityError) -> bool:
    if isinstance(error, IntegrityError):
        return True
    return getattr(error.orig, "sqlstate", None) == SERIALIZATION_FAILURE
