"""The newest few counted responses of a month that meet a condition (a comment, a flag): what a
dashboard lists of a unit and the units below it.

Sorting a province's month to keep ten read every matching response first: 14,500 comments of
100 communes, each response's page read to tell spam and held ones apart, 0.6 s on a national
database whose pages were not in memory (bench/dashboard_sections.py). On PostgreSQL each unit's
newest are read from its own end of its (unit_id, submitted_at) index, `limit` of them at most,
and merged (a LATERAL join per unit); SQLite, a development database, sorts them all.
"""

import dataclasses
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from analytics.selection import ResponseFilter, response_conditions
from survey_app.core.extensions import db
from survey_app.models import SurveyResponse as Response

NEWEST_FIRST = (Response.submitted_at.desc(), Response.id.desc())


def newest_ids(
    response_filter: ResponseFilter,
    start: datetime,
    end: datetime,
    condition: sa.ColumnElement[bool],
    limit: int,
) -> sa.Select:
    """The ids of the `limit` newest counted responses of the filter in [start, end) that meet
    `condition` (whose predicate a partial (unit_id, submitted_at) index should share), newest
    first, ties by id: a SELECT to use in an IN."""
    if db.engine.dialect.name != "postgresql" or response_filter.unit_ids is None:
        selected = sa.and_(response_conditions(response_filter, start, end), condition)
        return sa.select(Response.id).where(selected).order_by(*NEWEST_FIRST).limit(limit)
    # The units as one array parameter: a VALUES list with data has no cache key, so SQLAlchemy
    # compiled it again on every call, and each set of units made a statement text of its own.
    unit_ids = sa.literal(sorted(response_filter.unit_ids), type_=postgresql.ARRAY(sa.Integer))
    units = sa.func.unnest(unit_ids).table_valued("unit_id").render_derived(name="units")
    others = dataclasses.replace(response_filter, unit_ids=None)
    of_unit = (
        sa.select(Response.id, Response.submitted_at)
        .where(
            Response.unit_id == units.c.unit_id,
            response_conditions(others, start, end),
            condition,
        )
        .order_by(*NEWEST_FIRST)
        .limit(limit)
        .lateral("of_unit")
    )
    return (
        sa.select(of_unit.c.id)
        .select_from(units)
        .join(of_unit, sa.true())
        .order_by(of_unit.c.submitted_at.desc(), of_unit.c.id.desc())
        .limit(limit)
    )
