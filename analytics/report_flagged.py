"""All the flagged responses of a month, streamed for the report workbook.

analytics.flagged.list_flagged_responses builds a list, which suits a page; a province's month
can hold 150,000 flagged responses (about 0.5 GB as objects). Here two queries in the same
order, both read in batches, the responses and their low answers, are walked side by side, so
memory stays flat whatever the month. Same order and same contents as the list.
"""

from collections.abc import Iterator
from itertools import groupby
from operator import itemgetter

import sqlalchemy as sa

from analytics.closures import get_closure
from analytics.comments import DEFAULT_MASKS, Masks, mask_personal_data
from analytics.flagged import FlaggedResponse
from analytics.indices import ResponseFilter, response_conditions
from analytics.months import Month, survey_zone
from survey_app.extensions import db
from survey_app.models import FLAG_AT_OR_BELOW, Answer, Counter, Item, Officer, Unit
from survey_app.models import SurveyResponse as Response

BATCH = 5000


def iter_flagged_responses(
    unit: Unit, month: Month, *, masks: Masks = DEFAULT_MASKS
) -> Iterator[FlaggedResponse]:
    """The month's flagged responses of the unit and the units below it, newest first."""
    zone = survey_zone()
    closure = get_closure(unit, month)
    closed_at = closure.closed_at if closure is not None else None
    selected = sa.and_(
        response_conditions(ResponseFilter.unit_subtree(unit.id), *month.bounds(zone)),
        Response.flagged.is_(True),
    )
    low_answers = _LowAnswers(_stream(_low_answers(selected)))
    for response_id, submitted, received, unit_name, counter, officer, channel, comment in _stream(
        _responses(selected)
    ):
        yield FlaggedResponse(
            submitted_at=submitted.astimezone(zone),
            unit_name=unit_name,
            counter_name=counter,
            officer_name=officer,
            channel=channel,
            low_items=low_answers.of(response_id),
            comment=mask_personal_data(comment.strip(), masks),
            late=closed_at is not None and received > closed_at,
        )


# Both streams come in the same order, so the low answers of a response are the next group.
ORDER = (Response.submitted_at.desc(), Response.id.desc())


def _responses(selected: sa.ColumnElement[bool]) -> sa.Select:
    return (
        sa.select(
            Response.id,
            Response.submitted_at,
            Response.received_at,
            Unit.name,
            Counter.name,
            Officer.full_name,
            Response.channel,
            Response.comment,
        )
        .join(Unit, Unit.id == Response.unit_id)
        .outerjoin(Counter, Counter.id == Response.counter_id)
        .outerjoin(Officer, Officer.id == Response.officer_id)
        .where(selected)
        .order_by(*ORDER)
    )


def _low_answers(selected: sa.ColumnElement[bool]) -> sa.Select:
    return (
        sa.select(Answer.response_id, Item.code, Answer.value)
        .join(Response, Response.id == Answer.response_id)
        .join(Item, Item.id == Answer.item_id)
        .where(selected, Answer.value <= FLAG_AT_OR_BELOW)
        .order_by(*ORDER, Item.position)
    )


def _stream(query: sa.Select):
    """Plain rows through the connection, fetched in batches: the ORM result layer would add
    tens of µs to each of the million low answers of a large month."""
    return db.session.connection().execution_options(yield_per=BATCH).execute(query)


class _LowAnswers:
    """The low answers, consumed response by response along the responses' stream."""

    def __init__(self, rows) -> None:
        self._groups = groupby(rows, key=itemgetter(0))
        self._next = next(self._groups, None)

    def of(self, response_id: int) -> list[tuple[str, int]]:
        if self._next is None or self._next[0] != response_id:
            return []  # only if the flag and the answers disagree; nothing to list then
        found = [(code, value) for _, code, value in self._next[1]]
        self._next = next(self._groups, None)
        return found
