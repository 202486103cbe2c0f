"""Where the counts behind every figure come from: the tallies (survey_app.models.tallies) plus
the responses not tallied yet, or, when the tallies cannot answer, the responses alone.

Three row sources, keyed by the same dimensions and additive:
  response_rows  key…, responses, flagged
  item_rows      key…, item_id, answers, satisfied, total
  level_rows     key…, item_id, answers_1 … answers_5 (the answers at each level)
  factor_rows    key…, instrument_id, factor, responses (with an answer in the factor)
Callers sum them by whatever key they need. The tallies keep month and unit, and below the unit
either the officer (by person) or the counter and channel (by place): the rows come from the
grain that has every dimension and filter asked for. A dimension no grain keeps (a procedure's
field; an officer with a counter), a condition on the time of receipt (a closed month's
figures), or tallies made in another time zone mean the responses alone are counted: slower,
the same numbers. Spam and held ratings never count
(survey_app.models.response.counted).
"""

import functools
import operator
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from analytics.selection import Dimension, Selection, response_conditions
from survey_app.core.extensions import db
from survey_app.models import GRAINS, SATISFIED_FROM, SCALE, Grain, Item, TallyState
from survey_app.models import SurveyResponse as Response
from survey_app.models.levels import answered, value_at
from survey_app.models.response import not_tallied
from survey_app.models.tallies import LEVEL_COLUMNS

ITEM_COUNTS = ("answers", "satisfied", "total")
# Each answer of a response (joined to the items it answered): its item and level.
_ANSWER = [Item.id.label("item_id"), value_at(Response.levels, Item.position).label("value")]


def response_rows(selection: Selection, dimensions: Sequence[Dimension]) -> sa.Subquery:
    """key0…, responses, flagged."""

    def counted(rows: sa.Subquery) -> tuple[list, list]:
        flagged = sa.func.sum(sa.case((rows.c.flagged, 1), else_=0))
        return [], [sa.func.count().label("responses"), flagged.label("flagged")]

    def tallied(table) -> list:
        return [table.responses, table.flagged]

    return _rows(selection, dimensions, [Response.flagged], counted, "responses", tallied)


def item_rows(selection: Selection, dimensions: Sequence[Dimension]) -> sa.Subquery:
    """key0…, item_id, answers, satisfied (answers at SATISFIED_FROM or above), total (the sum
    of the values)."""

    def counted(rows: sa.Subquery) -> tuple[list, list]:
        satisfied = sa.func.sum(sa.case((rows.c.value >= SATISFIED_FROM, 1), else_=0))
        counts = [sa.func.count(), satisfied, sa.func.sum(rows.c.value)]
        return [rows.c.item_id], [
            c.label(name) for c, name in zip(counts, ITEM_COUNTS, strict=True)
        ]

    def tallied(table) -> list:
        levels = [(value, table.at_level(value)) for value in SCALE]
        counts = [
            _added(column for _value, column in levels),
            _added(column for value, column in levels if value >= SATISFIED_FROM),
            _added(column if value == 1 else value * column for value, column in levels),
        ]
        return [table.item_id, *_labelled(counts, ITEM_COUNTS)]

    return _rows(selection, dimensions, _ANSWER, counted, "answers", tallied, per_answer=True)


def level_rows(selection: Selection, dimensions: Sequence[Dimension]) -> sa.Subquery:
    """key0…, item_id, answers_1 … answers_5: the answers at each level of each item."""

    def counted(rows: sa.Subquery) -> tuple[list, list]:
        at_level = [sa.func.sum(sa.case((rows.c.value == value, 1), else_=0)) for value in SCALE]
        return [rows.c.item_id], _labelled(at_level, LEVEL_COLUMNS)

    def tallied(table) -> list:
        return [table.item_id, *(table.at_level(value) for value in SCALE)]

    return _rows(selection, dimensions, _ANSWER, counted, "answers", tallied, per_answer=True)


def factor_rows(selection: Selection, dimensions: Sequence[Dimension]) -> sa.Subquery:
    """key0…, instrument_id, factor, responses: the responses of each instrument with at least
    one answer in each factor (the weights of the mixed-instrument factor index)."""

    def counted(rows: sa.Subquery) -> tuple[list, list]:
        responses = sa.func.count(sa.distinct(rows.c.response_id)).label("responses")
        return [rows.c.instrument_id, rows.c.factor], [responses]

    def tallied(table) -> list:
        return [table.instrument_id, table.factor, table.responses]

    raw = [
        Response.instrument_id.label("instrument_id"),
        Item.factor.label("factor"),
        Response.id.label("response_id"),
    ]
    return _rows(selection, dimensions, raw, counted, "factors", tallied, per_answer=True)


def _rows(
    selection: Selection,
    dimensions: Sequence[Dimension],
    raw_columns: list[sa.ColumnElement],
    counted: Callable[[sa.Subquery], tuple[list, list]],
    kind: str,
    tallied: Callable[[type], list[sa.ColumnElement]],
    *,
    per_answer: bool = False,
) -> sa.Subquery:
    """The rows of the grain's tally of `kind` (its `tallied` columns after the keys) and the
    counts of the responses not tallied yet (`counted`: the columns to group by after the keys,
    and the counts), in one subquery; or the counts of all the responses when no grain of the
    tallies can answer."""
    grain = _grain(selection, dimensions)
    untallied_only = grain is not None
    raw = _raw(
        selection, dimensions, raw_columns, counted, per_answer, untallied_only=untallied_only
    )
    if grain is None:
        return raw.subquery("counted")
    table = getattr(grain, kind)
    tallies = _tallies(table, selection, dimensions, tallied(table))
    return sa.union_all(tallies, raw).subquery("counted")


def key_columns(rows: sa.Subquery, width: int) -> list[sa.ColumnElement]:
    return [rows.c[f"key{position}"] for position in range(width)]


def tallied_zone() -> str:
    """The zone the tallies' months are in; empty before the first tally run."""
    return db.session.scalar(sa.select(TallyState.zone)) or ""


def _grain(selection: Selection, dimensions: Sequence[Dimension]) -> Grain | None:
    """The grain of the tallies keeping every dimension and filtered column; None when the
    responses must be counted instead."""
    if (
        selection.received_by is not None
        or any(dimension.tallied is None for dimension in dimensions)
        or tallied_zone() != selection.zone.key
    ):
        return None
    needed = {d.tally_column for d in dimensions} | selection.response_filter.tally_columns()
    return next((grain for grain in GRAINS if needed <= set(grain.key)), None)


def _raw(
    selection: Selection,
    dimensions: Sequence[Dimension],
    columns: list[sa.ColumnElement],
    counted: Callable[[sa.Subquery], tuple[list, list]],
    per_answer: bool,
    *,
    untallied_only: bool,
) -> sa.Select:
    """The selected responses (or their answers), counted per key. Keyed in a subquery first, so
    that the GROUP BY names plain columns (a CASE repeated with other bind parameters would not
    match its SELECT on PostgreSQL)."""
    keys = [dimension.raw.label(f"key{n}") for n, dimension in enumerate(dimensions)]
    query = sa.select(*keys, *columns).select_from(Response)
    if per_answer:
        query = query.join(Item, answered(Response, Item))
    if any(column.key == "factor" for column in columns):
        query = query.where(Item.factor.is_not(None))
    for target, condition in dict.fromkeys(join for d in dimensions for join in d.joins):
        query = query.outerjoin(target, condition)
    start, end = min(b[0] for b in selection.bounds), max(b[1] for b in selection.bounds)
    query = query.where(response_conditions(selection.response_filter, start, end))
    if selection.received_by is not None:
        query = query.where(Response.received_at <= selection.received_by)
    if untallied_only:
        query = query.where(untallied(start, end))
    keyed = query.subquery("keyed")
    groups, counts = counted(keyed)
    groups = [*key_columns(keyed, len(dimensions)), *groups]
    return sa.select(*groups, *counts).group_by(*groups)


def _added(columns: Iterable[sa.ColumnElement]) -> sa.ColumnElement:
    """SQL: the sum of the columns (without the literal 0 that sum() would start with)."""
    return functools.reduce(operator.add, columns)


def _labelled(columns: list[sa.ColumnElement], names: Sequence[str]) -> list[sa.Label]:
    return [column.label(name) for column, name in zip(columns, names, strict=True)]


def untallied(start: datetime, end: datetime) -> sa.ColumnElement[bool]:
    """The responses of [start, end) not tallied yet: those on the tally run's queue (few), by
    id, so that neither planner reads the whole month to find them."""
    pending = aliased(Response)
    return Response.id.in_(
        sa.select(pending.id).where(
            not_tallied(pending), pending.submitted_at >= start, pending.submitted_at < end
        )
    )


def _tallies(
    table: type, selection: Selection, dimensions: Sequence[Dimension], counts: list
) -> sa.Select:
    keys = [dimension.tallied(table).label(f"key{n}") for n, dimension in enumerate(dimensions)]
    months = table.month.in_([str(month) for month in selection.months])
    return sa.select(*keys, *counts).where(months, *selection.response_filter.conditions(table))
