"""The SIPAS figures of domain.md §2 "Formulas": item, factor and SIPAS indices, overall
satisfaction, mean scores and flagged responses, for any set of responses and local months.

Counting happens in SQL (one GROUP BY over answers, one over responses, the same statements on
SQLite and PostgreSQL); turning the counts into indices happens here in Python. Spam never counts.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from analytics.months import Month, months_ending, survey_zone
from survey_app.extensions import db
from survey_app.models import (
    OVERALL_ITEM,
    SATISFIED_FROM,
    Answer,
    Factor,
    Instrument,
    Item,
    Ticket,
)
from survey_app.models import SurveyResponse as Response
from survey_app.queries import list_unit_subtree_ids

# The citizen's rating of a complaint's handling counts as this item of the PA factor.
TICKET_RATING_ITEM = "PA-XL"
TICKET_RATING_SOURCE = "tickets"
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


@dataclass(frozen=True)
class ItemFigure:
    """One question of one instrument (CC1 of sipas-2017 is not CC1 of sipas-2023)."""

    instrument: str
    code: str
    factor: Factor | None
    answers: int
    satisfied: int
    total: int  # sum of the values, for the mean

    @property
    def index(self) -> float:
        return 100 * self.satisfied / self.answers

    @property
    def mean(self) -> float:
        return self.total / self.answers


@dataclass(frozen=True)
class FactorFigure:
    """index and mean are None when no item of the factor was answered (no data is not 0)."""

    index: float | None
    mean: float | None
    answers: int


@dataclass(frozen=True)
class Figures:
    responses: int
    flagged: int
    overall_pct: float | None
    mean_overall: float | None
    sipas_index: float | None
    sipas_mean: float | None
    factors: dict[Factor, FactorFigure]
    items: tuple[ItemFigure, ...]

    def has_sample(self, minimum: int) -> bool:
        return self.responses >= minimum

    @property
    def flagged_pct(self) -> float | None:
        return _ratio(100 * self.flagged, self.responses)


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
    """Figures of each month, counted in two queries whatever the number of months."""
    months = list(dict.fromkeys(months))
    periods = _periods(response_filter, months, zone or survey_zone())
    responses = _response_counts(periods)
    items = _item_counts(periods)
    for period, figure in _ticket_ratings(response_filter, months, zone or survey_zone()).items():
        items[period].append(figure)
    return {
        month: _figures(*responses.get(period, (0, 0)), items.get(period, []))
        for period, month in enumerate(months)
    }


def is_below_average(own: Figures, reference: Figures, minimum: int) -> bool | None:
    """Whether an officer's SIPAS index is under the unit's; None when the officer's sample is
    too small to say anything ("chưa đủ mẫu" flags nothing) or either index has no data."""
    if not own.has_sample(minimum) or own.sipas_index is None or reference.sipas_index is None:
        return None
    # Rounded so that two computations of equal data never differ by floating-point noise.
    return round(own.sipas_index, 9) < round(reference.sipas_index, 9)


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


def _periods(response_filter: ResponseFilter, months: list[Month], zone: ZoneInfo) -> sa.Subquery:
    """The selected responses, each with the position of its month in `months`.

    The month is worked out by comparing with UTC bounds (no date functions, so both databases
    agree) inside a subquery, so that the outer GROUP BY names a plain column."""
    bounds = [month.bounds(zone) for month in months]
    period = sa.case(
        *[
            (sa.and_(Response.submitted_at >= start, Response.submitted_at < end), position)
            for position, (start, end) in enumerate(bounds)
        ]
    )
    selected = response_conditions(
        response_filter, min(start for start, _ in bounds), max(end for _, end in bounds)
    )
    return (
        sa.select(Response.id.label("response_id"), Response.flagged, period.label("period"))
        .where(selected)
        .subquery("periods")
    )


def _ticket_ratings(
    response_filter: ResponseFilter, months: list[Month], zone: ZoneInfo
) -> dict[int, ItemFigure]:
    """Citizens' ratings of how their complaints were handled, by month of rating: one more
    item of the PA factor (issue 4), averaged with the questionnaire's PA items."""
    bounds = [month.bounds(zone) for month in months]
    rated = [sa.and_(Ticket.rated_at >= start, Ticket.rated_at < end) for start, end in bounds]
    conditions = [Ticket.handling_rating.is_not(None), sa.or_(*rated)]
    for column, value in (
        (Ticket.officer_id, response_filter.officer_id),
        (Ticket.counter_id, response_filter.counter_id),
    ):
        if value is not None:
            conditions.append(column == value)
    if response_filter.unit_ids is not None:
        conditions.append(Ticket.unit_id.in_(sorted(response_filter.unit_ids)))
    period = sa.case(*[(condition, position) for position, condition in enumerate(rated)])
    ratings = (
        sa.select(Ticket.handling_rating.label("value"), period.label("period"))
        .where(*conditions)
        .subquery("ratings")
    )
    satisfied = sa.func.sum(sa.case((ratings.c.value >= SATISFIED_FROM, 1), else_=0))
    query = sa.select(
        ratings.c.period, sa.func.count(), satisfied, sa.func.sum(ratings.c.value)
    ).group_by(ratings.c.period)
    return {
        period: _item_figure(TICKET_RATING_SOURCE, TICKET_RATING_ITEM, Factor.FEEDBACK, *counts)
        for period, *counts in _rows(query)
    }


def _response_counts(periods: sa.Subquery) -> dict[int, tuple[int, int]]:
    flagged = sa.func.sum(sa.case((periods.c.flagged, 1), else_=0))
    query = sa.select(periods.c.period, sa.func.count(), flagged).group_by(periods.c.period)
    return {period: (int(count), int(flagged)) for period, count, flagged in _rows(query)}


def _item_counts(periods: sa.Subquery) -> dict[int, list[ItemFigure]]:
    satisfied = sa.func.sum(sa.case((Answer.value >= SATISFIED_FROM, 1), else_=0))
    query = (
        sa.select(
            periods.c.period,
            Instrument.code,
            Item.code,
            Item.factor,
            sa.func.count(),
            satisfied,
            sa.func.sum(Answer.value),
        )
        .select_from(Answer)
        .join(periods, periods.c.response_id == Answer.response_id)
        .join(Item, Item.id == Answer.item_id)
        .join(Instrument, Instrument.id == Item.instrument_id)
        .group_by(periods.c.period, Instrument.code, Item.code, Item.factor)
        .order_by(periods.c.period, Instrument.code, sa.func.min(Item.position), Item.code)
    )
    found = defaultdict(list)
    for period, *counts in db.session.execute(query):
        found[period].append(_item_figure(*counts))
    return found


def _item_figure(instrument, code, factor, answers, satisfied, total) -> ItemFigure:
    # PostgreSQL sums come back as bigint or Decimal; the figures use plain ints.
    return ItemFigure(instrument, code, factor, int(answers), int(satisfied), int(total))


def _figures(responses: int, flagged: int, items: list[ItemFigure]) -> Figures:
    factors = {
        factor: _factor_figure(item for item in items if item.factor is factor) for factor in Factor
    }
    with_data = [figure for figure in factors.values() if figure.index is not None]
    overall = [item for item in items if item.code == OVERALL_ITEM]
    return Figures(
        responses=responses,
        flagged=flagged,
        overall_pct=_ratio(100 * sum(item.satisfied for item in overall), responses),
        mean_overall=_ratio(sum(item.total for item in overall), sum(i.answers for i in overall)),
        sipas_index=_mean([figure.index for figure in with_data]),
        sipas_mean=_mean([figure.mean for figure in with_data]),
        factors=factors,
        items=tuple(items),
    )


def _factor_figure(items: Iterable[ItemFigure]) -> FactorFigure:
    """The mean of the item indices (and of the item means) of the items that were answered."""
    answered = [item for item in items if item.answers]
    return FactorFigure(
        index=_mean([item.index for item in answered]),
        mean=_mean([item.mean for item in answered]),
        answers=sum(item.answers for item in answered),
    )


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def _rows(query: sa.Select) -> list[tuple]:
    return [tuple(row) for row in db.session.execute(query)]
