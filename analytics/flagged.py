"""Flagged responses ("mức trung bình trở xuống", domain.md §2): any answered item, CHUNG
included, at 3 or below. The unit must follow each one up, so the manager's list names the
counter and the officer; officers never see this list."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from analytics.closures import get_closure
from analytics.comments import DEFAULT_MASKS, Masks, mask_personal_data
from analytics.indices import ResponseFilter, response_conditions
from analytics.months import Month, survey_zone
from survey_app.extensions import db
from survey_app.models import FLAG_AT_OR_BELOW, Answer, Channel, Counter, Item, Officer, Unit
from survey_app.models import SurveyResponse as Response


@dataclass
class FlaggedResponse:
    submitted_at: datetime  # aware, in the survey's time zone
    unit_name: str
    counter_name: str | None
    officer_name: str | None
    channel: Channel
    low_items: list[tuple[str, int]]  # (item code, value), questionnaire order, CHUNG included
    comment: str  # personal data masked
    late: bool  # received after the month was closed: part of the amendment


def list_flagged_responses(
    unit: Unit, month: Month, *, limit: int | None = None, masks: Masks = DEFAULT_MASKS
) -> list[FlaggedResponse]:
    """The month's flagged responses of the unit and the units below it, newest first."""
    zone = survey_zone()
    chosen = _flagged_ids(unit, month, limit)
    rows = db.session.execute(
        sa.select(
            Response.id,
            Response.submitted_at,
            Response.received_at,
            Unit.name.label("unit_name"),
            Counter.name.label("counter_name"),
            Officer.full_name.label("officer_name"),
            Response.channel,
            Response.comment,
        )
        .join(Unit, Unit.id == Response.unit_id)
        .outerjoin(Counter, Counter.id == Response.counter_id)
        .outerjoin(Officer, Officer.id == Response.officer_id)
        .where(Response.id.in_(chosen))
        .order_by(Response.submitted_at.desc(), Response.id.desc())
    ).all()
    low = _low_items(chosen)
    closure = get_closure(unit, month)
    return [
        FlaggedResponse(
            submitted_at=row.submitted_at.astimezone(zone),
            unit_name=row.unit_name,
            counter_name=row.counter_name,
            officer_name=row.officer_name,
            channel=row.channel,
            low_items=low.get(row.id, []),
            comment=mask_personal_data(row.comment.strip(), masks),
            late=closure is not None and row.received_at > closure.closed_at,
        )
        for row in rows
    ]


def _flagged_ids(unit: Unit, month: Month, limit: int | None) -> sa.Select:
    """The ids as a subquery, so that neither query ships a long list of ids."""
    start, end = month.bounds(survey_zone())
    query = (
        sa.select(Response.id)
        .where(response_conditions(ResponseFilter.unit_subtree(unit.id), start, end))
        .where(Response.flagged.is_(True))
        .order_by(Response.submitted_at.desc(), Response.id.desc())
    )
    return query if limit is None else query.limit(limit)


def _low_items(chosen: sa.Select) -> dict[int, list[tuple[str, int]]]:
    query = (
        sa.select(Answer.response_id, Item.code, Answer.value)
        .join(Item, Item.id == Answer.item_id)
        .where(Answer.response_id.in_(chosen), Answer.value <= FLAG_AT_OR_BELOW)
        .order_by(Answer.response_id, Item.position)
    )
    found: dict[int, list[tuple[str, int]]] = {}
    for response_id, code, value in db.session.execute(query):
        found.setdefault(response_id, []).append((code, value))
    return found
