"""The SIPAS figures (analytics/figures.py) of any set of responses, any local months and any
grouping (per month, officer, counter, channel, unit, ...).

The counts come from analytics.counting (the tallies and the responses not tallied yet), summed
in SQL per group and per item whatever the number of groups; rated complaints add one item to
the PA factor of their unit, never of an officer or a counter (domain.md §2: an officer's figures
use only the responses attributed to that officer). Turning the counts into indices happens in
Python.
"""

from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from analytics.counting import (
    ITEM_COUNTS,
    LEVEL_COLUMNS,
    factor_rows,
    item_rows,
    key_columns,
    level_rows,
    response_rows,
)
from analytics.figures import (
    EMPTY_FIGURES,
    Counts,
    FactorFigure,
    Figures,
    ItemFigure,
    is_below_average,
    sum_figures,
)
from analytics.selection import (
    Dimension,
    ResponseFilter,
    Selection,
    position_in,
    response_conditions,
)
from survey_app.core.extensions import db
from survey_app.models import SATISFIED_FROM, SCALE, Factor, Instrument, Item, Ticket
from survey_app.months import Month, months_ending, survey_zone

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
    "grouped_counts",
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
TICKET_RATING_NAME = (TICKET_RATING_SOURCE, TICKET_RATING_ITEM, Factor.FEEDBACK)
# Item id → level (1–5) → answers.
ItemLevels = defaultdict[int, defaultdict[int, int]]
# Below this many responses in a month an officer's figures are "chưa đủ mẫu" (domain.md §2).
MIN_SAMPLE = 5


def min_sample() -> int:
    """The configured minimum sample (SURVEY_MIN_SAMPLE), MIN_SAMPLE when not set."""
    return int(current_app.config.get("SURVEY_MIN_SAMPLE", MIN_SAMPLE))


@dataclass(frozen=True)
class Grouping:
    """How to split responses into groups: the dimensions giving each response its group's key,
    and the same for rated complaints as SQL on tickets. Without a `ticket_key` complaint
    ratings are left out (a channel has no complaints); a key of NULL where responses have an
    officer or a counter keeps the ratings out of those (they go to the unit's cell without
    one). With several dimensions the groups are keyed by tuples."""

    dimensions: tuple[Dimension, ...]
    ticket_key: tuple[sa.ColumnElement, ...] | None = None

    @property
    def width(self) -> int:
        return len(self.dimensions)


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
    selection = Selection(response_filter, tuple(dict.fromkeys(months)), zone or survey_zone())
    ticket_month = position_in(Ticket.rated_at, selection.bounds)
    grouping = Grouping((selection.month_dimension(),), (ticket_month,))
    found = _grouped_figures(selection, grouping)
    return {
        month: found.get(position, EMPTY_FIGURES) for position, month in enumerate(selection.months)
    }


def figures_by_group(
    response_filter: ResponseFilter,
    month: Month,
    grouping: Grouping,
    zone: ZoneInfo | None = None,
) -> dict[Hashable, Figures]:
    """Figures of each group that has responses (or rated complaints) in the month; responses
    whose key is NULL (no officer, ...) are the group None."""
    return _grouped_figures(Selection(response_filter, (month,), zone or survey_zone()), grouping)


def _grouped_figures(
    selection: Selection, grouping: Grouping, levels: ItemLevels | None = None
) -> dict[Hashable, Figures]:
    """`levels`, when given, is filled with the answers at each level of each item over all
    the groups, from the same pass over the answers (see _item_sums)."""
    cells = grouped_counts(selection, grouping, levels)
    return {key: counts.figures() for key, counts in cells.items()}


def grouped_counts(
    selection: Selection, grouping: Grouping, levels: ItemLevels | None = None
) -> dict[Hashable, Counts]:
    """The counts of each group, for callers that add groups up before making figures."""
    responses = _response_counts(selection, grouping)
    items = _item_counts(selection, grouping, levels)
    weights = _factor_weights(selection, grouping)
    if grouping.ticket_key is not None and _counts_complaints(selection.response_filter):
        for key, counts in _ticket_ratings(selection, grouping).items():
            items[key][TICKET_RATING_NAME] = counts
    return {
        key: Counts(*responses.get(key, (0, 0)), items.get(key), weights.get(key))
        for key in responses.keys() | items.keys()
    }


def _counts_complaints(response_filter: ResponseFilter) -> bool:
    """Complaint ratings belong to a unit's PA only: not to one officer's or counter's figures."""
    return response_filter.officer_id is None and response_filter.counter_id is None


def _factor_weights(selection: Selection, grouping: Grouping) -> dict[Hashable, dict]:
    """Per group, (instrument code, factor) → responses with an answer in the factor; the
    versions of one instrument added up, as their items are."""
    rows = factor_rows(selection, grouping.dimensions)
    keys = key_columns(rows, grouping.width)
    groups = [*keys, rows.c.instrument_id, rows.c.factor]
    query = sa.select(*groups, sa.func.sum(rows.c.responses)).group_by(*groups)
    codes = dict(db.session.execute(sa.select(Instrument.id, Instrument.code)).all())
    found: dict[Hashable, dict] = defaultdict(lambda: defaultdict(int))
    for row in db.session.execute(query):
        key, (instrument_id, factor, responses) = _split(row, grouping.width)
        if responses:
            found[key][(codes[instrument_id], Factor(factor))] += int(responses)
    return found


def _ticket_ratings(selection: Selection, grouping: Grouping) -> dict[Hashable, list[int]]:
    """Citizens' ratings of how their complaints were handled, by month of rating: one more
    item of the PA factor (issue 4), averaged with the questionnaire's PA items."""
    bounds = selection.bounds
    conditions = [
        Ticket.handling_rating.is_not(None),
        Ticket.rated_at >= min(start for start, _ in bounds),
        Ticket.rated_at < max(end for _, end in bounds),
        *selection.response_filter.conditions(Ticket),
    ]
    keys = [column.label(f"key{n}") for n, column in enumerate(grouping.ticket_key)]
    ratings = sa.select(Ticket.handling_rating.label("value"), *keys).where(*conditions)
    ratings = ratings.subquery("ratings")
    keys = key_columns(ratings, grouping.width)
    satisfied = sa.func.sum(sa.case((ratings.c.value >= SATISFIED_FROM, 1), else_=0))
    query = sa.select(*keys, sa.func.count(), satisfied, sa.func.sum(ratings.c.value))
    found = {}
    for row in db.session.execute(query.group_by(*keys)):
        key, (answers, satisfied_count, total) = _split(row, grouping.width)
        found[key] = [int(answers), int(satisfied_count), int(total), TICKET_RATING_POSITION]
    return found


def _response_counts(selection: Selection, grouping: Grouping) -> dict[Hashable, tuple[int, int]]:
    rows = response_rows(selection, grouping.dimensions)
    keys = key_columns(rows, grouping.width)
    query = sa.select(*keys, sa.func.sum(rows.c.responses), sa.func.sum(rows.c.flagged))
    found = {}
    for row in db.session.execute(query.group_by(*keys)):
        key, (count, flagged_count) = _split(row, grouping.width)
        if count:  # a key whose only response was taken out of the tallies again has none
            found[key] = (int(count), int(flagged_count))
    return found


def _item_counts(
    selection: Selection, grouping: Grouping, levels: ItemLevels | None = None
) -> dict[Hashable, dict[tuple, list[int]]]:
    """Per group, item name → [answers, satisfied, total, position]. Counted per item id
    (integers group fastest); the items' instrument, code and factor are attached afterwards,
    and the versions of one instrument merged, from the small items table."""
    catalogue = _item_catalogue()
    # Each item's (instrument, code, factor): the name its versions are merged under.
    names = {item_id: entry[:3] for item_id, entry in catalogue.items()}
    merged: dict[Hashable, dict[tuple, list[int]]] = defaultdict(dict)
    # A year by (unit, officer, month) is some 100,000 rows: each one looked up once.
    for key, item_id, answered, satisfied_count, total in _item_sums(selection, grouping, levels):
        if not answered:  # answers taken out of the tallies again (spam) leave a zero sum
            continue
        cell, name, position = merged[key], names[item_id], catalogue[item_id][3]
        counts = cell.get(name)
        if counts is None:  # the first version of the item: most often the only one
            cell[name] = [int(answered), int(satisfied_count), int(total), position]
            continue
        counts[0] += int(answered)
        counts[1] += int(satisfied_count)
        counts[2] += int(total)
        counts[3] = min(counts[3], position)
    return merged


def _item_sums(selection: Selection, grouping: Grouping, levels: ItemLevels | None):
    """(key, item id, answers, satisfied, total) rows. With `levels` the answers are counted
    at each level, in columns (one row per item still), which `levels` (item id → level →
    answers) adds up over the groups: a report that shows both reads the period's answers
    once."""
    if levels is None:
        rows = item_rows(selection, grouping.dimensions)
        keys = key_columns(rows, grouping.width)
        sums = [sa.func.sum(rows.c[name]) for name in ITEM_COUNTS]
        query = sa.select(*keys, rows.c.item_id, *sums).group_by(*keys, rows.c.item_id)
        for row in db.session.execute(query):
            key, counts = _split(row, grouping.width)
            yield key, *counts
        return
    rows = level_rows(selection, grouping.dimensions)
    keys = [*key_columns(rows, grouping.width), rows.c.item_id]
    at = [sa.func.sum(rows.c[name]) for name in LEVEL_COLUMNS]
    for row in db.session.execute(sa.select(*keys, *at).group_by(*keys)):
        key, (item_id, *counts) = _split(row, grouping.width)
        at_level = dict(zip(SCALE, map(int, counts), strict=True))
        answered = sum(at_level.values())
        if not answered:  # answers taken out of the tallies again (spam) leave a zero sum
            continue
        found = levels[item_id]
        for level, count in at_level.items():
            found[level] += count
        satisfied = sum(count for level, count in at_level.items() if level >= SATISFIED_FROM)
        total = sum(level * count for level, count in at_level.items())
        yield key, item_id, answered, satisfied, total


def _item_catalogue() -> dict[int, tuple[str, str, Factor | None, int]]:
    query = sa.select(Item.id, Instrument.code, Item.code, Item.factor, Item.position).join(
        Instrument, Instrument.id == Item.instrument_id
    )
    return {item_id: tuple(rest) for item_id, *rest in db.session.execute(query)}


def _split(row, width: int) -> tuple[Hashable, tuple]:
    """A result row as (its group's key, the counts): a scalar key for one key column."""
    values = tuple(row)
    key = values[0] if width == 1 else values[:width]
    return key, values[width:]
