"""The follow-up of flagged responses (survey_app.models.follow_ups), as the office reads it: the
month's list with each low answer's question, who handles it, by when and what was done; the
counts of the dashboard and the report (flagged, followed up on time, late, still open); and the
handler's queue of those due soon or overdue.

A flagged response without a follow-up row is "mới" (new). Its due time is computed, not stored:
the end of office hours on the 3rd working day after it arrived, on the project calendar.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from analytics.comments import DEFAULT_MASKS, Masks, mask_personal_data
from analytics.indices import ResponseFilter, response_conditions
from survey_app.core.extensions import db
from survey_app.models import (
    FINISHED_STATES,
    FLAG_AT_OR_BELOW,
    FOLLOW_UP_DAYS,
    Channel,
    Counter,
    FollowUp,
    FollowUpState,
    Item,
    Officer,
    Ticket,
    Unit,
    User,
)
from survey_app.models import SurveyResponse as Response
from survey_app.models.levels import answered, value_at
from survey_app.models.response import flagged_only
from survey_app.months import Month, survey_zone
from survey_app.queries.units import list_unit_subtree_ids
from survey_app.workdays import WorkCalendar

# The queue looks this far back for open follow-ups; older ones are all overdue and counted.
QUEUE_WINDOW = timedelta(days=90)
QUEUE_SHOWN = 20
ON_TIME, LATE, OPEN, OVERDUE = "on_time", "late", "open", "overdue"


@dataclass(frozen=True)
class LowAnswer:
    code: str
    text: str
    value: int


@dataclass
class FollowUpRow:
    token: str  # names the response in forms and URLs (never its id)
    received_at: datetime  # aware, local
    due_at: datetime
    unit_name: str
    counter_name: str | None
    officer_name: str | None
    channel: Channel
    comment: str  # personal data masked
    state: FollowUpState
    handler_name: str | None
    action: str
    note: str
    finished_at: datetime | None
    ticket_code: str | None  # the citizen's complaint, left with contact and consent
    low_answers: list[LowAnswer]
    standing: str  # on_time, late, open, overdue


@dataclass(frozen=True)
class FollowUpCounts:
    flagged: int
    on_time: int
    late: int
    open: int
    overdue: int  # of the open ones


def response_token(response_id: int) -> str:
    return _serializer().dumps(response_id)


def response_id_of(token: str) -> int | None:
    try:
        found = _serializer().loads(token)
    except BadSignature:
        return None
    return found if isinstance(found, int) else None


def standing(
    state: FollowUpState, due_at: datetime, finished_at: datetime | None, now: datetime | None
) -> str:
    if state in FINISHED_STATES and finished_at is not None:
        return ON_TIME if finished_at <= due_at else LATE
    return OVERDUE if now is not None and now > due_at else OPEN


def list_follow_ups(
    unit: Unit, month: Month, now: datetime, *, only_open: bool = False,
    masks: Masks = DEFAULT_MASKS, locale: str = "vi",
) -> list[FollowUpRow]:  # fmt: skip
    """The month's flagged responses of the unit and the units below it, newest first."""
    calendar, zone = WorkCalendar(), survey_zone()
    query = _rows_query(_month_flagged(unit, month))
    if only_open:
        query = query.where(_not_finished())
    rows = db.session.execute(query).all()
    lows = _low_answers([row.id for row in rows], locale)
    return [_row(row, lows.get(row.id, []), calendar, zone, masks, now) for row in rows]


def count_follow_ups(unit: Unit, month: Month, now: datetime) -> FollowUpCounts:
    """Of the month's flagged responses: followed up on time, late, and still open (overdue)."""
    calendar = WorkCalendar()
    query = sa.select(Response.received_at, FollowUp.state, FollowUp.finished_at).outerjoin(
        FollowUp, FollowUp.response_id == Response.id
    )
    counts = defaultdict(int)
    rows = db.session.execute(query.where(_month_flagged(unit, month))).all()
    dues: dict[date, datetime] = {}  # the due time depends on the day of receipt alone
    for received_at, state, finished_at in rows:
        day = calendar.local_day(received_at)
        if day not in dues:
            dues[day] = calendar.answer_due(received_at, FOLLOW_UP_DAYS)
        due = dues[day]
        counts[standing(state or FollowUpState.NEW, due, finished_at, now)] += 1
    return FollowUpCounts(
        flagged=len(rows),
        on_time=counts[ON_TIME],
        late=counts[LATE],
        open=counts[OPEN] + counts[OVERDUE],
        overdue=counts[OVERDUE],
    )


@dataclass(frozen=True)
class DueFollowUp:
    token: str
    unit: Unit
    received_at: datetime
    due_at: datetime
    overdue: bool
    response_id: int
    month: Month  # of the response, where its follow-up page lists it


def list_due_follow_ups(unit_ids: Iterable[int], now: datetime) -> list[DueFollowUp]:
    """Open follow-ups of the units due within one working day or overdue, most urgent first
    (the handler's queue and the reminders)."""
    calendar = WorkCalendar()
    soon = calendar.answer_due(now, 1)
    query = (
        sa.select(Response.id, Response.received_at, Response.unit_id, Response.submitted_at)
        .outerjoin(FollowUp, FollowUp.response_id == Response.id)
        .where(
            Response.unit_id.in_(list(unit_ids)),
            flagged_only(),
            Response.is_spam.is_(False),
            Response.received_at >= now - QUEUE_WINDOW,
            _not_finished(),
        )
    )
    units = {}
    found = []
    zone = survey_zone()
    for response_id, received_at, unit_id, submitted_at in db.session.execute(query):
        due = calendar.answer_due(received_at, FOLLOW_UP_DAYS)
        if due <= soon:
            unit = units.get(unit_id) or units.setdefault(unit_id, db.session.get(Unit, unit_id))
            month = Month.containing(submitted_at, zone)
            token = response_token(response_id)
            found.append(DueFollowUp(token, unit, received_at, due, now > due, response_id, month))
    return sorted(found, key=lambda due: (due.due_at, due.response_id))


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="follow-up")


def _month_flagged(unit: Unit, month: Month) -> sa.ColumnElement[bool]:
    subtree = ResponseFilter(unit_ids=frozenset(list_unit_subtree_ids(unit.id)))
    return sa.and_(response_conditions(subtree, *month.bounds(survey_zone())), flagged_only())


def _not_finished() -> sa.ColumnElement[bool]:
    return sa.or_(FollowUp.id.is_(None), FollowUp.state.not_in(list(FINISHED_STATES)))


def _rows_query(selected: sa.ColumnElement[bool]) -> sa.Select:
    ticket_code = (
        sa.select(sa.func.min(Ticket.code))
        .where(Ticket.response_id == Response.id, Ticket.consent_at.is_not(None))
        .scalar_subquery()
    )
    return (
        sa.select(
            Response.id,
            Response.received_at,
            Response.channel,
            Response.comment,
            Unit.name.label("unit_name"),
            Counter.name.label("counter_name"),
            Officer.full_name.label("officer_name"),
            FollowUp.state,
            FollowUp.action,
            FollowUp.note,
            FollowUp.finished_at,
            User.full_name.label("handler_name"),
            ticket_code.label("ticket_code"),
        )
        .join(Unit, Unit.id == Response.unit_id)
        .outerjoin(Counter, Counter.id == Response.counter_id)
        .outerjoin(Officer, Officer.id == Response.officer_id)
        .outerjoin(FollowUp, FollowUp.response_id == Response.id)
        .outerjoin(User, User.id == FollowUp.handler_id)
        .where(selected)
        .order_by(Response.received_at.desc(), Response.id.desc())
    )


def _low_answers(response_ids: list[int], locale: str) -> dict[int, list[LowAnswer]]:
    found = defaultdict(list)
    if not response_ids:
        return found
    value = value_at(Response.levels, Item.position)
    query = (
        sa.select(Response.id, Item.code, Item.text_vi, Item.text_en, value)
        .join(Item, answered(Response, Item))
        .where(Response.id.in_(response_ids), value <= FLAG_AT_OR_BELOW)
        .order_by(Response.id, Item.position)
    )
    for response_id, code, text_vi, text_en, value in db.session.execute(query):
        found[response_id].append(LowAnswer(code, text_en if locale == "en" else text_vi, value))
    return found


def _row(
    row, lows: list[LowAnswer], calendar: WorkCalendar, zone, masks: Masks, now
) -> FollowUpRow:
    due_at = calendar.answer_due(row.received_at, FOLLOW_UP_DAYS)
    state = row.state or FollowUpState.NEW
    return FollowUpRow(
        token=response_token(row.id),
        received_at=row.received_at.astimezone(zone),
        due_at=due_at.astimezone(zone),
        unit_name=row.unit_name,
        counter_name=row.counter_name,
        officer_name=row.officer_name,
        channel=row.channel,
        comment=mask_personal_data((row.comment or "").strip(), masks),
        state=state,
        handler_name=row.handler_name,
        action=row.action or "",
        note=row.note or "",
        finished_at=row.finished_at,
        ticket_code=row.ticket_code,
        low_answers=lows,
        standing=standing(state, due_at, row.finished_at, now),
    )
