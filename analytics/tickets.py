"""Reading tickets: the office queue, how urgent each ticket is, and the monthly figures.

Late open tickets (decision): a ticket still unanswered at the end of the month in which its
effective due time passed counts as late in that month (`overdue_open`), once. When it is
answered in a later month it counts there as answered late (`late_answered`), so each month
keeps answered = on time + on time after extension + answered late."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from survey_app import workdays
from survey_app.core.extensions import db
from survey_app.display.numbers import rounded_float
from survey_app.models import Ticket
from survey_app.months import Month, survey_zone
from survey_app.queries.tickets import EFFECTIVE_DUE


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

    @property
    def answered_on_time(self) -> int:
        return self.on_time + self.on_time_after_extension

    @property
    def on_time_pct(self) -> float | None:
        """Answered on time (extensions included) among the answers given."""
        return 100 * self.answered_on_time / self.answered if self.answered else None


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
    return rounded_float(sum(days) / len(days), 1)
