"""The office queue: open tickets by urgency, with filters."""

import enum
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from survey_app import workdays
from survey_app.core.extensions import db
from survey_app.models import Ticket, TicketAttachment, TicketStatus
from survey_app.queries.ticket_search import search_condition

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


def get_ticket_by_code(code: str) -> Ticket | None:
    return db.session.scalar(sa.select(Ticket).where(Ticket.code == code))


def get_filed_text(unit_id: int, client_ref: str) -> str | None:
    """The text a form id already filed at the unit, if any: a citizen who went Back."""
    return db.session.scalar(
        sa.select(Ticket.content).where(Ticket.unit_id == unit_id, Ticket.client_ref == client_ref)
    )


def get_attachment(attachment_id: int) -> TicketAttachment | None:
    return db.session.get(TicketAttachment, attachment_id)
