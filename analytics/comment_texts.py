"""Each different comment of a span of time with the number of responses that wrote it: what
the comment themes (analytics.themes) are counted from, one grouped query over the span.

SQLite keeps no statistics for its planner unless told to: it always finds the selected
responses through their unit's index (ix_survey_responses_unit_submitted), one seek into the
table for each, about 1.3 µs a response. A pass over the whole table reads a row in 0.05 to
0.2 µs. A province's year (or month) is most of the table: there the pass is five times
cheaper (1,000,000 responses: 0.25 s against 1.35 s, bench/analytics.py --year); a commune's
month is a sliver, where the index wins. PostgreSQL plans with its statistics and is left to.
"""

import dataclasses
from collections.abc import Iterator
from datetime import datetime

import sqlalchemy as sa

from analytics.indices import ResponseFilter, response_conditions
from survey_app.core.extensions import db
from survey_app.models import SurveyResponse as Response

# The pass over the table is taken when the span's responses are at least this share of the
# table: the seeks then cost more than the pass, even at its dearest (1.3 µs a seek against
# 0.2 µs a row read in full, 0.05 µs a row left out).
PASS_FROM_SHARE = 0.1


def different_comments(
    response_filter: ResponseFilter, start: datetime, end: datetime
) -> Iterator[tuple[str, int]]:
    """Each different comment written in [start, end) with the number of responses that wrote
    it, stripped, in the order they were first written: a text written by many (a year of
    "Hài lòng") is read once."""
    first_written = sa.func.min(Response.submitted_at)
    query = (
        sa.select(Response.comment, sa.func.count())
        .where(_selected(response_filter, start, end), Response.comment != "")
        .group_by(Response.comment)
        .order_by(first_written, Response.comment)
    )
    for comment, times in db.session.execute(query.execution_options(yield_per=5000)):
        if text := comment.strip():
            yield text, times


def _selected(response_filter: ResponseFilter, start: datetime, end: datetime):
    """response_conditions, the units' condition written as an expression when a pass over the
    table is cheaper: SQLite uses no index for `unit_id + 0`, and then reads the table."""
    if not pass_is_cheaper(response_filter, start, end):
        return response_conditions(response_filter, start, end)
    unit_ids = sorted(response_filter.unit_ids or ())
    others = dataclasses.replace(response_filter, unit_ids=None)
    return sa.and_(response_conditions(others, start, end), (Response.unit_id + 0).in_(unit_ids))


def pass_is_cheaper(response_filter: ResponseFilter, start: datetime, end: datetime) -> bool:
    """On SQLite, whether the responses of the units in [start, end) are so large a share of the
    table that reading the whole table costs less than seeking each of them. Counted from the
    units' index alone (35 ms for a million responses, a millisecond for a commune's); the
    table's size is its largest id (ids are handed out in order and responses are kept)."""
    if (
        db.session.get_bind().dialect.name != "sqlite"
        or response_filter.unit_ids is None
        or response_filter.officer_id is not None  # a person's responses: their own index
        or response_filter.counter_id is not None
    ):
        return False
    in_span = sa.select(sa.func.count()).where(
        Response.unit_id.in_(sorted(response_filter.unit_ids)),
        Response.submitted_at >= start,
        Response.submitted_at < end,
    )
    table_size = sa.select(sa.func.max(Response.id))
    selected, rows = db.session.execute(
        sa.select(in_span.scalar_subquery(), table_size.scalar_subquery())
    ).one()
    return bool(rows) and selected >= PASS_FROM_SHARE * rows
