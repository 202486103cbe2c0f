"""Counting responses for the SIPAS figures (analytics/figures.py) of any set of responses, any
local months and any grouping (per month, officer, counter, channel, unit, ...).

Counting happens in SQL (one GROUP BY over responses, one over answers and one over rated
complaints, whatever the number of groups; the same statements on SQLite and PostgreSQL);
turning the counts into indices happens in Python. Spam never counts.
"""

from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from analytics.figures import (
    EMPTY_FIGURES,
    FactorFigure,
    Figures,
    ItemFigure,
    build_figures,
    is_below_average,
    sum_figures,
)
from analytics.months import Month, months_ending, survey_zone
from survey_app.extensions import db
from survey_app.models import SATISFIED_FROM, Answer, Factor, Instrument, Item, Ticket
from survey_app.models import SurveyResponse as Response
from survey_app.queries import list_unit_subtree_ids

__all__ = [
    "EMPTY_FIGURES",
    "MIN_SAMPLE",
    "FactorFigure",
    "Figures",
    "Grouping",
    "ItemFigure",
    "ResponseFilter",
    "compute_figures",
    "figures_by_group",
    "figures_by_month",
    "is_below_average",
    "min_sample",
    "monthly_trend",
    "response_conditions",
    "sum_figures",
]

# The citizen's rating of a complaint's handling counts as this item of the PA factor.
TICKET_RATING_ITEM = "PA-XL"
TICKET_RATING_SOURCE = "tickets"
TICKET_RATING_POSITION = 10_000  # after every questionnaire item
# Below this many responses in a month an officer's figures are "chưa đủ mẫu" (domain.md §2).
MIN_SAMPLE = 5


def min_sample() -> int:
    """The configured minimum sample (SURVEY_MIN_SAMPLE), MIN_SAMPLE when not set."""
    return int(current_app.config.get("SURVEY_MIN_SAMPLE", MIN_SAMPLE))


@dataclass(frozen=True)
class ResponseFilter:
    """Which responses count; every given condition must hold, None means "any"."""

    unit_ids: frozenset[int] | None = None
    officer_id: int | None = None
    counter_id: int | None = None

    @classmethod
    def unit_subtree(cls, unit_id: int) -> "ResponseFilter":
        """Responses of a unit and of every unit below it."""
        return cls(unit_ids=frozenset(list_unit_subtree_ids(unit_id)))


Key = sa.ColumnElement | tuple[sa.ColumnElement, ...]


@dataclass(frozen=True)
class Grouping:
    """How to split responses into groups: SQL expressions giving each response its group's
    key (with the outer joins they need), and the same for rated complaints. Without a
    `ticket_key` complaint ratings are left out (a channel has no complaints). With a tuple of
    expressions the groups are keyed by tuples."""

    response_key: Key
    ticket_key: Key | None = None
    response_joins: tuple[tuple[sa.FromClause, sa.ColumnElement], ...] = ()

    @property
    def width(self) -> int:
        return len(self.response_key) if isinstance(self.response_key, tuple) else 1


def compute_figures(
    response_filter: ResponseFilter, month: Month, zone: ZoneInfo | None = None
) -> Figures:
    return figures_by_month(response_filter, [month], zone)[month]


def monthly_trend(
    response_filter: ResponseFilter,
    last_month: Month,
    months: int = 12,
    zone: ZoneInfo | None = None,
) -> list[tuple[Month, Figures]]:
    """The figures of `months` consecutive months ending with `last_month`, oldest first."""
    chosen = months_ending(last_month, months)
    found = figures_by_month(response_filter, chosen, zone)
    return [(month, found[month]) for month in chosen]


def figures_by_month(
    response_filter: ResponseFilter, months: Sequence[Month], zone: ZoneInfo | None = None
) -> dict[Month, Figures]:
    """Figures of each month, counted in the same few queries whatever the number of months.

    The month of a response is worked out by comparing with UTC bounds (no date functions, so
    both databases agree)."""
    months = list(dict.fromkeys(months))
    bounds = [month.bounds(zone or survey_zone()) for month in months]
    grouping = Grouping(
        _position(Response.submitted_at, bounds), _position(Ticket.rated_at, bounds)
    )
    start, end = min(start for start, _ in bounds), max(end for _, end in bounds)
    found = _grouped_figures(response_filter, start, end, grouping)
    return {month: found.get(position, EMPTY_FIGURES) for position, month in enumerate(months)}


def figures_by_group(
    response_filter: ResponseFilter,
    month: Month,
    grouping: Grouping,
    zone: ZoneInfo | None = None,
) -> dict[Hashable, Figures]:
    """Figures of each group that has responses (or rated complaints) in the month; responses
    whose key is NULL (no officer, ...) are the group None."""
    start, end = month.bounds(zone or survey_zone())
    return _grouped_figures(response_filter, start, end, grouping)


def response_conditions(
    response_filter: ResponseFilter, start: datetime, end: datetime
) -> sa.ColumnElement[bool]:
    """The WHERE clause shared by every figure: the filter, [start, end) in UTC, no spam."""
    conditions = [
        Response.submitted_at >= start,
        Response.submitted_at < end,
        Response.is_spam.is_(False),
    ]
    if response_filter.unit_ids is not None:
        conditions.append(Response.unit_id.in_(sorted(response_filter.unit_ids)))
    if response_filter.officer_id is not None:
        conditions.append(Response.officer_id == response_filter.officer_id)
    if response_filter.counter_id is not None:
        conditions.append(Response.counter_id == response_filter.counter_id)
    return sa.and_(*conditions)


def _position(
    column: sa.ColumnElement, bounds: list[tuple[datetime, datetime]]
) -> sa.ColumnElement:
    """The position in `bounds` of the period holding `column`'s instant (NULL if none)."""
    if len(bounds) == 1:
        # The query selects that one period: a constant spares a CASE on every answer row.
        return sa.literal(0, sa.Integer)
    return sa.case(
        *[
            (sa.and_(column >= start, column < end), position)
            for position, (start, end) in enumerate(bounds)
        ]
    )


def _grouped_figures(
    response_filter: ResponseFilter, start: datetime, end: datetime, grouping: Grouping
) -> dict[Hashable, Figures]:
    keyed = _keyed_responses(response_filter, start, end, grouping)
    responses = _response_counts(keyed, grouping.width)
    items = _item_counts(keyed, grouping.width)
    if grouping.ticket_key is not None:
        for key, figure in _ticket_ratings(response_filter, start, end, grouping).items():
            items[key].append(figure)
    return {
        key: build_figures(*responses.get(key, (0, 0)), items.get(key, []))
        for key in responses.keys() | items.keys()
    }


def _keyed_responses(
    response_filter: ResponseFilter, start: datetime, end: datetime, grouping: Grouping
) -> sa.Subquery:
    """The selected responses with their group's key, as a subquery, so that the outer GROUP BY
    names a plain column."""
    keys = _labelled(grouping.response_key)
    query = sa.select(Response.id.label("response_id"), Response.flagged, *keys).select_from(
        Response
    )
    for target, condition in grouping.response_joins:
        query = query.outerjoin(target, condition)
    return query.where(response_conditions(response_filter, start, end)).subquery("keyed")


def _ticket_ratings(
    response_filter: ResponseFilter, start: datetime, end: datetime, grouping: Grouping
) -> dict[Hashable, ItemFigure]:
    """Citizens' ratings of how their complaints were handled, by month of rating: one more
    item of the PA factor (issue 4), averaged with the questionnaire's PA items."""
    conditions = [
        Ticket.handling_rating.is_not(None),
        Ticket.rated_at >= start,
        Ticket.rated_at < end,
    ]
    for column, value in (
        (Ticket.officer_id, response_filter.officer_id),
        (Ticket.counter_id, response_filter.counter_id),
    ):
        if value is not None:
            conditions.append(column == value)
    if response_filter.unit_ids is not None:
        conditions.append(Ticket.unit_id.in_(sorted(response_filter.unit_ids)))
    ratings = (
        sa.select(Ticket.handling_rating.label("value"), *_labelled(grouping.ticket_key))
        .where(*conditions)
        .subquery("ratings")
    )
    keys = _key_columns(ratings, grouping.width)
    satisfied = sa.func.sum(sa.case((ratings.c.value >= SATISFIED_FROM, 1), else_=0))
    query = sa.select(*keys, sa.func.count(), satisfied, sa.func.sum(ratings.c.value)).group_by(
        *keys
    )
    found = {}
    for row in db.session.execute(query):
        key, (answers, satisfied_count, total) = _split(row, grouping.width)
        found[key] = ItemFigure(
            TICKET_RATING_SOURCE,
            TICKET_RATING_ITEM,
            Factor.FEEDBACK,
            int(answers),
            int(satisfied_count),
            int(total),
            TICKET_RATING_POSITION,
        )
    return found


def _response_counts(keyed: sa.Subquery, width: int) -> dict[Hashable, tuple[int, int]]:
    keys = _key_columns(keyed, width)
    flagged = sa.func.sum(sa.case((keyed.c.flagged, 1), else_=0))
    query = sa.select(*keys, sa.func.count(), flagged).group_by(*keys)
    found = {}
    for row in db.session.execute(query):
        key, (count, flagged_count) = _split(row, width)
        found[key] = (int(count), int(flagged_count))
    return found


def _item_counts(keyed: sa.Subquery, width: int) -> dict[Hashable, list[ItemFigure]]:
    """Counted per item id (integers group fastest over millions of answers); the items'
    instrument, code and factor are attached afterwards, and the versions of one instrument
    merged, from the small items table."""
    keys = _key_columns(keyed, width)
    satisfied = sa.func.sum(sa.case((Answer.value >= SATISFIED_FROM, 1), else_=0))
    query = (
        sa.select(*keys, Answer.item_id, sa.func.count(), satisfied, sa.func.sum(Answer.value))
        .select_from(Answer)
        .join(keyed, keyed.c.response_id == Answer.response_id)
        .group_by(*keys, Answer.item_id)
    )
    catalogue = _item_catalogue()
    merged: dict[Hashable, dict[tuple, list[int]]] = defaultdict(dict)
    for row in db.session.execute(query):
        key, (item_id, answers, satisfied_count, total) = _split(row, width)
        instrument, code, factor, position = catalogue[item_id]
        counts = merged[key].setdefault((instrument, code, factor), [0, 0, 0, position])
        counts[0] += int(answers)
        counts[1] += int(satisfied_count)
        counts[2] += int(total)
        counts[3] = min(counts[3], position)
    found = defaultdict(list)
    for key, items in merged.items():
        figures = [ItemFigure(*name, *counts) for name, counts in items.items()]
        found[key] = sorted(figures, key=lambda item: (item.instrument, item.position, item.code))
    return found


def _item_catalogue() -> dict[int, tuple[str, str, Factor | None, int]]:
    query = sa.select(Item.id, Instrument.code, Item.code, Item.factor, Item.position).join(
        Instrument, Instrument.id == Item.instrument_id
    )
    return {item_id: tuple(rest) for item_id, *rest in db.session.execute(query)}


def _labelled(key: Key) -> list[sa.ColumnElement]:
    columns = key if isinstance(key, tuple) else (key,)
    return [column.label(f"key{position}") for position, column in enumerate(columns)]


def _key_columns(selection: sa.Subquery, width: int) -> list[sa.ColumnElement]:
    return [selection.c[f"key{position}"] for position in range(width)]


def _split(row, width: int) -> tuple[Hashable, tuple]:
    """A result row as (its group's key, the counts): a scalar key for one key column."""
    values = tuple(row)
    key = values[0] if width == 1 else values[:width]
    return key, values[width:]
