"""Answered tickets close by themselves once the citizen has been silent for the unit's
`auto_close_days` working days (default 10) after the answer, or after rating it: otherwise an
answered ticket would stay open, and its contact data kept, for ever. The citizen is told, as
when an officer closes it."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.models import Ticket, TicketEvent, TicketStatus
from survey_app.services.tickets.mail import send_ticket_mail
from survey_app.workdays import WorkCalendar

WAITING_STATUSES = (TicketStatus.ANSWERED, TicketStatus.REJECTED)


@dataclass(frozen=True)
class IdleTicket:
    ticket: Ticket
    last_heard: datetime  # the answer, or the citizen's rating when later
    wait_ended: datetime  # the end of the unit's working days after it


def close_idle_tickets(now: datetime) -> int:
    """Close every answered or rejected ticket whose unit's wait has passed, as of the end of
    the wait (a run that comes late does not lengthen the retention); one commit. Returns how
    many were closed."""
    idle = [found for found in _waiting(WorkCalendar()) if found.wait_ended < now]
    for found in idle:
        _close(found)
    db.session.commit()
    for found in idle:
        send_ticket_mail(found.ticket, "closed")
    return len(idle)


def _waiting(calendar: WorkCalendar) -> list[IdleTicket]:
    tickets = db.session.scalars(
        sa.select(Ticket).where(
            Ticket.status.in_(WAITING_STATUSES), Ticket.answered_at.is_not(None)
        )
    )
    found = []
    for ticket in tickets:
        last_heard = max(filter(None, (ticket.answered_at, ticket.rated_at)))
        wait_ended = calendar.answer_due(last_heard, ticket.unit.auto_close_days)
        found.append(IdleTicket(ticket, last_heard, wait_ended))
    return found


def _close(found: IdleTicket) -> None:
    ticket = found.ticket
    details = {
        "automatic": True,
        "working_days": ticket.unit.auto_close_days,
        "last_heard": found.last_heard.isoformat(),
    }
    ticket.events.append(
        TicketEvent(
            at=found.wait_ended,
            actor=None,
            kind="closed",
            from_status=ticket.status,
            to_status=TicketStatus.CLOSED,
            details=details,
        )
    )
    ticket.status = TicketStatus.CLOSED
    ticket.closed_at = found.wait_ended
