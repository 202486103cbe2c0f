"""What a count selects: which responses (`ResponseFilter`), in which months and zone
(`Selection`), keyed by which dimensions (`Dimension`: the unit, officer, counter, channel, or a
response's month). analytics.counting reads the counts of a selection from the tallies and the
responses not tallied yet.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from survey_app.models import SurveyResponse as Response
from survey_app.models.response import counted
from survey_app.models.tallies import NOBODY
from survey_app.months import Month
from survey_app.queries.units import list_unit_subtree_ids


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

    def conditions(self, table) -> list[sa.ColumnElement[bool]]:
        """The filter on anything with unit_id, officer_id and counter_id: the responses,
        their tallies, rated complaints."""
        found = []
        if self.unit_ids is not None:
            found.append(table.unit_id.in_(sorted(self.unit_ids)))
        if self.officer_id is not None:
            found.append(table.officer_id == self.officer_id)
        if self.counter_id is not None:
            found.append(table.counter_id == self.counter_id)
        return found

    def tally_columns(self) -> set[str]:
        """The tally columns `conditions` reads."""
        given = {
            "unit_id": self.unit_ids,
            "officer_id": self.officer_id,
            "counter_id": self.counter_id,
        }
        return {name for name, value in given.items() if value is not None}


@dataclass(frozen=True)
class Dimension:
    """One way of keying responses: its SQL on a response (with the outer joins that needs) and,
    when the tallies keep it, on a tally table (reading its `tally_column`)."""

    raw: sa.ColumnElement
    tallied: Callable[[type], sa.ColumnElement] | None = None
    tally_column: str = "month"
    joins: tuple[tuple[sa.FromClause, sa.ColumnElement], ...] = ()


UNIT = Dimension(Response.unit_id, lambda table: table.unit_id, "unit_id")
# The tallies write "no officer", "no counter" as NOBODY (0): read back as NULL, as in responses.
OFFICER = Dimension(
    Response.officer_id, lambda table: sa.func.nullif(table.officer_id, NOBODY), "officer_id"
)
COUNTER = Dimension(
    Response.counter_id, lambda table: sa.func.nullif(table.counter_id, NOBODY), "counter_id"
)
CHANNEL = Dimension(Response.channel, lambda table: table.channel, "channel")


@dataclass(frozen=True)
class Selection:
    """The responses to count: those of the filter in the months (local, in `zone`); only those
    received by `received_by` when given."""

    response_filter: ResponseFilter
    months: tuple[Month, ...]
    zone: ZoneInfo
    received_by: datetime | None = None

    @property
    def bounds(self) -> list[tuple[datetime, datetime]]:
        return [month.bounds(self.zone) for month in self.months]

    def month_dimension(self) -> Dimension:
        """The position of a response's month in `months`."""
        if len(self.months) == 1:
            # One period: a constant spares a CASE on every answer row.
            return Dimension(sa.literal(0, sa.Integer), lambda table: sa.literal(0, sa.Integer))
        names = [str(month) for month in self.months]
        return Dimension(
            position_in(Response.submitted_at, self.bounds),
            lambda table: sa.case({name: n for n, name in enumerate(names)}, value=table.month),
        )


def response_conditions(
    response_filter: ResponseFilter, start: datetime, end: datetime
) -> sa.ColumnElement[bool]:
    """The WHERE clause shared by every count of raw responses: the filter, [start, end) in
    UTC, neither spam nor held."""
    return sa.and_(
        Response.submitted_at >= start,
        Response.submitted_at < end,
        counted(),
        *response_filter.conditions(Response),
    )


def position_in(
    column: sa.ColumnElement, bounds: list[tuple[datetime, datetime]]
) -> sa.ColumnElement:
    """The position in `bounds` of the period holding `column`'s instant (NULL if none)."""
    return sa.case(
        *[
            (sa.and_(column >= start, column < end), position)
            for position, (start, end) in enumerate(bounds)
        ]
    )
