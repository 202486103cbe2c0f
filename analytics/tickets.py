"""Reading tickets: the office queue, how urgent each ticket is, and the monthly figures.

Late open tickets (decision): a ticket still unanswered at the end of the month in which its
effective due time passed counts as late in that month (`overdue_open`), once. When it is
answered in a later month it counts there as answered late (`late_answered`), so each month
keeps answered = on time + on time after extension + answered late.
"""

import enum
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from analytics.months import Month, survey_zone
from analytics.ticket_search import search_condition
from survey_app import workdays
from survey_app.extensions import db
from survey_app.models import Ticket, TicketStatus

OPEN = (TicketStatus.RECEIVED, TicketStatus.ASSIGNED, TicketStatus.TRANSFERRED)
EFFECTIVE_DUE = sa.func.coalesce(Ticket.extended_due_at, Ticket.due_at)


class Urgency(enum.StrEnum):
    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"  # due before the end of the next working day
    OVERDUE = "overdue"


def urgency(
    ticket: Ticket, now: datetime, calendar: workdays.WorkCalendar | None = None
) -> Urgency | None:
    """None once the ticket is answered: it no longer races its due time. A queue passes one
    calendar for all its rows, so the override table is not read once per ticket."""
    if ticket.status not in OPEN:
        return None
    due = ticket.effective_due_at
    if due < now:
        return Urgency.OVERDUE
    if (calendar or workdays.WorkCalendar()).is_due_soon(due, now, 1):
        return Urgency.DUE_SOON
    return Urgency.ON_TRACK


@dataclass(frozen=True, kw_only=True)
class QueueFilter:
    status: TicketStatus | None = None  # None: the open ones, or every status when searching
    counter_id: int | None = None
    officer_id: int | None = None
    search: str = ""  # a tracking code, a phone number or words of the complaint


def list_queue(unit_ids: Collection[int], chosen: QueueFilter) -> list[Ticket]:
    """Every ticket of these units that the filter keeps, in queue order."""
    return list(db.session.scalars(queue_query(unit_ids, chosen)))


def queue_query(unit_ids: Collection[int], chosen: QueueFilter) -> sa.Select:
    """Open tickets first, the soonest due first; then answered ones, the latest answer first;
    then closed ones, the most recently closed first."""
    query = sa.select(Ticket).where(*queue_conditions(unit_ids, chosen))
    return query.order_by(
        sa.case((Ticket.status.in_(OPEN), 0), (Ticket.status == TicketStatus.CLOSED, 2), else_=1),
        sa.case((Ticket.status.in_(OPEN), EFFECTIVE_DUE)),
        sa.func.coalesce(Ticket.closed_at, Ticket.answered_at).desc(),
        Ticket.id.desc(),
    )


def queue_conditions(unit_ids: Collection[int], chosen: QueueFilter) -> list:
    found = [Ticket.unit_id.in_(unit_ids)]
    if chosen.status is not None:
        found.append(Ticket.status == chosen.status)
    elif not chosen.search:
        found.append(Ticket.status.in_(OPEN))
    if chosen.counter_id is not None:
        found.append(Ticket.counter_id == chosen.counter_id)
    if chosen.officer_id is not None:
        found.append(Ticket.officer_id == chosen.officer_id)
    if chosen.search:
        found.append(search_condition(chosen.search))
    return found


@dataclass(frozen=True)
class TicketFigures:
    received: int
    answered: int  # answers and rejections given in the month
    on_time: int
    on_time_after_extension: int
    late_answered: int
    overdue_open: int
    still_open: int  # unanswered at the end of the month
    average_working_days: float | None  # from receipt to answer, of the month's answers

    @property
    def late(self) -> int:
        return self.late_answered + self.overdue_open


def ticket_figures(unit_ids: Collection[int], month: Month) -> TicketFigures:
    start, end = month.bounds(survey_zone())
    mine = Ticket.unit_id.in_(unit_ids)
    answers = list(
        db.session.execute(
            sa.select(
                Ticket.received_at, Ticket.answered_at, Ticket.due_at, Ticket.extended_due_at
            ).where(mine, Ticket.answered_at >= start, Ticket.answered_at < end)
        )
    )
    unanswered_at_end = sa.or_(Ticket.answered_at.is_(None), Ticket.answered_at >= end)
    open_at_end = sa.and_(mine, Ticket.received_at < end, unanswered_at_end)
    return TicketFigures(
        received=_count(mine, Ticket.received_at >= start, Ticket.received_at < end),
        answered=len(answers),
        on_time=sum(row.answered_at <= row.due_at for row in answers),
        on_time_after_extension=sum(_after_extension(row) for row in answers),
        late_answered=sum(row.answered_at > _effective(row) for row in answers),
        overdue_open=_count(open_at_end, start <= EFFECTIVE_DUE, end > EFFECTIVE_DUE),
        still_open=_count(open_at_end),
        average_working_days=_average_days(answers),
    )


def _count(*conditions) -> int:
    return db.session.scalar(sa.select(sa.func.count(Ticket.id)).where(*conditions))


def _effective(row) -> datetime:
    return row.extended_due_at or row.due_at


def _after_extension(row) -> bool:
    return row.extended_due_at is not None and row.due_at < row.answered_at <= row.extended_due_at


def _average_days(answers) -> float | None:
    if not answers:
        return None
    calendar = workdays.WorkCalendar()  # one calendar: the override table is read once a year
    days = [calendar.working_days_between(row.received_at, row.answered_at) for row in answers]
    return round(sum(days) / len(days), 1)
