"""Flagged responses ("mức trung bình trở xuống", domain.md §2): any answered item, CHUNG
included, at 3 or below. The unit must follow each one up, so the manager's list names the
counter and the officer; officers never see this list.

One query serves the dashboard's few rows and the report's hundreds of thousands: each response
with its low answers already joined into one text by the database (a province's month can hold
150,000 flagged responses with over a million low answers), read in batches, so memory stays
flat whatever the month.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from analytics.closures import get_closure
from analytics.comments import DEFAULT_MASKS, Masks, mask_personal_data
from analytics.indices import ResponseFilter, response_conditions
from analytics.newest import NEWEST_FIRST, newest_ids
from survey_app.core.extensions import db
from survey_app.models import FLAG_AT_OR_BELOW, Channel, Counter, Item, Officer, Unit
from survey_app.models import SurveyResponse as Response
from survey_app.models.levels import answered, value_at
from survey_app.models.response import flagged_only
from survey_app.months import Month, survey_zone

BATCH = 5000
# Each low answer is aggregated as "<position + 1000><code> (<value>)": four digits in front
# sort the answers in questionnaire order whatever order the database joined them in.
POSITION_OFFSET = 1000
SORT_DIGITS = 4


@dataclass
class FlaggedResponse:
    submitted_at: datetime  # aware, in the survey's time zone
    unit_name: str
    counter_name: str | None
    officer_name: str | None
    channel: Channel
    low_items_text: str  # "TC1 (2), CHUNG (3)": questionnaire order, CHUNG included
    comment: str  # personal data masked
    late: bool  # received after the month was closed: part of the amendment

    @property
    def low_items(self) -> list[tuple[str, int]]:
        """(item code, value) of each low answer."""
        pairs = (item.rpartition(" (") for item in self.low_items_text.split(", ") if item)
        return [(code, int(value.rstrip(")"))) for code, _, value in pairs]


def iter_flagged_responses(
    unit: Unit, month: Month, *, limit: int | None = None, masks: Masks = DEFAULT_MASKS
) -> Iterator[FlaggedResponse]:
    """The month's flagged responses of the unit and the units below it, newest first; all of
    them, or the `limit` newest."""
    zone = survey_zone()
    closure = get_closure(unit, month)
    closed_at = closure.closed_at if closure is not None else None
    query = _flagged(unit, month, limit)
    for submitted, received, unit_name, counter, officer, channel, comment, low in _stream(query):
        yield FlaggedResponse(
            submitted_at=submitted.astimezone(zone),
            unit_name=unit_name,
            counter_name=counter,
            officer_name=officer,
            channel=channel,
            low_items_text=_in_order(low),
            comment=mask_personal_data(comment.strip(), masks),
            late=closed_at is not None and received > closed_at,
        )


def list_flagged_responses(
    unit: Unit, month: Month, *, limit: int | None = None, masks: Masks = DEFAULT_MASKS
) -> list[FlaggedResponse]:
    return list(iter_flagged_responses(unit, month, limit=limit, masks=masks))


def _flagged(unit: Unit, month: Month, limit: int | None) -> sa.Select:
    subtree, bounds = ResponseFilter.unit_subtree(unit.id), month.bounds(survey_zone())
    selected = sa.and_(response_conditions(subtree, *bounds), flagged_only())
    chosen = sa.select(Response.id).where(selected)
    if limit is not None:
        # Named once (a CTE), the `limit` newest are picked once, not for each of the two reads
        # (SQLite ran the subquery twice: a province's year workbook's 10,000 newest of
        # December took 0.5 s, now 0.35 s).
        newest = newest_ids(subtree, *bounds, flagged_only(), limit).cte("chosen")
        chosen = sa.select(newest.c.id)
    low = _low_answers(chosen)
    return (
        sa.select(
            Response.submitted_at,
            Response.received_at,
            Unit.name,
            Counter.name,
            Officer.full_name,
            Response.channel,
            Response.comment,
            low.c.low,
        )
        .join(Unit, Unit.id == Response.unit_id)
        .outerjoin(Counter, Counter.id == Response.counter_id)
        .outerjoin(Officer, Officer.id == Response.officer_id)
        .outerjoin(low, low.c.response_id == Response.id)
        .where(Response.id.in_(chosen) if limit is not None else selected)
        .order_by(*NEWEST_FIRST)
    )


def _low_answers(chosen: sa.Select) -> sa.Subquery:
    """Per chosen response, its low answers as one text (unordered: see POSITION_OFFSET). An
    alias of the responses, so that `chosen` is not correlated with them."""
    rated = aliased(Response)
    value = value_at(rated.levels, Item.position)
    token = (
        sa.cast(Item.position + POSITION_OFFSET, sa.String)
        + Item.code
        + " ("
        + sa.cast(value, sa.String)
        + ")"
    )
    return (
        sa.select(rated.id.label("response_id"), sa.func.aggregate_strings(token, ",").label("low"))
        .join(Item, answered(rated, Item))
        .where(rated.id.in_(chosen), value <= FLAG_AT_OR_BELOW)
        .group_by(rated.id)
        .subquery("low")
    )


def _in_order(aggregated: str | None) -> str:
    """ "1020CHUNG (3),1001TC1 (2)" → "TC1 (2), CHUNG (3)"."""
    if not aggregated:
        return ""  # only if the flag and the answers disagree; nothing to list then
    return ", ".join(token[SORT_DIGITS:] for token in sorted(aggregated.split(",")))


def _stream(query: sa.Select):
    """Plain rows through the connection, fetched in batches: the ORM result layer would add
    tens of µs to each of 150,000 rows. The batches are the statement's option, not the
    connection's: Connection.execution_options changes the connection in place, and every
    later statement of the request would run on a server-side cursor (three round trips each,
    planned for its first rows)."""
    return db.session.connection().execute(query.execution_options(yield_per=BATCH))
