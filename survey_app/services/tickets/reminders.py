"""Reminders to staff: the assignee before a ticket falls due, the managers once it is late."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.core.mail import Mail, send_mail
from survey_app.models import Role, Ticket, TicketStatus, Unit, User
from survey_app.months import survey_zone
from survey_app.services.tickets.mail import render_mail
from survey_app.workdays import answer_due, is_working_day

OPEN_STATUSES = (TicketStatus.RECEIVED, TicketStatus.ASSIGNED, TicketStatus.TRANSFERRED)
EFFECTIVE_DUE = sa.func.coalesce(Ticket.extended_due_at, Ticket.due_at)


@dataclass(frozen=True)
class ReminderRun:
    working_day: bool
    due_soon_sent: int = 0
    overdue_sent: int = 0


def send_reminders(now: datetime) -> ReminderRun:
    """Mail each stage of each open ticket once; nothing on a day off (nobody reads it and the
    office would wake up to a pile). A stamp is stored only for a mail the server accepted."""
    if not is_working_day(now.astimezone(_zone()).date()):
        return ReminderRun(working_day=False)
    due_soon = sum(_remind_due_soon(ticket, now) for ticket in _due_soon_tickets(now))
    overdue = sum(_remind_overdue(ticket, now) for ticket in _overdue_tickets(now))
    db.session.commit()
    return ReminderRun(working_day=True, due_soon_sent=due_soon, overdue_sent=overdue)


def due_soon_limit(now: datetime) -> datetime:
    """End of office hours on the next working day: 'due within one working day'."""
    return answer_due(now, 1)


def _due_soon_tickets(now: datetime) -> list[Ticket]:
    return _open_tickets(
        Ticket.reminded_due_soon_at.is_(None),
        now < EFFECTIVE_DUE,
        due_soon_limit(now) >= EFFECTIVE_DUE,
        Ticket.assignee_id.is_not(None),
    )


def _overdue_tickets(now: datetime) -> list[Ticket]:
    return _open_tickets(Ticket.reminded_overdue_at.is_(None), now >= EFFECTIVE_DUE)


def _open_tickets(*conditions) -> list[Ticket]:
    query = sa.select(Ticket).where(Ticket.status.in_(OPEN_STATUSES), *conditions)
    return list(db.session.scalars(query.order_by(EFFECTIVE_DUE, Ticket.id)))


def _remind_due_soon(ticket: Ticket, now: datetime) -> bool:
    assignee = ticket.assignee
    if not (assignee.active and assignee.email):
        return False
    body = render_mail("mail/reminder_due_soon.txt", ticket=ticket)
    subject = f"[Phản ánh {ticket.code}] Sắp đến hạn trả lời"
    if not send_mail(Mail(to=[assignee.email], subject=subject, body=body)):
        return False
    ticket.reminded_due_soon_at = now
    return True


def _remind_overdue(ticket: Ticket, now: datetime) -> bool:
    addresses = [user.email for user in responsible_managers(ticket.unit)]
    if not addresses:
        return False
    body = render_mail("mail/reminder_overdue.txt", ticket=ticket)
    subject = f"[Phản ánh {ticket.code}] Quá hạn trả lời"
    if not send_mail(Mail(to=addresses, subject=subject, body=body)):
        return False
    ticket.reminded_overdue_at = now
    return True


def responsible_managers(unit: Unit) -> list[User]:
    """The managers of the ticket's unit, or else of the nearest unit above that has some: a
    late ticket of a commune goes to the commune's managers, not to every province manager."""
    current: Unit | None = unit
    while current is not None:
        managers = db.session.scalars(
            sa.select(User)
            .where(
                User.unit_id == current.id,
                User.role == Role.MANAGER,
                User.active.is_(True),
                User.email.is_not(None),
                User.email != "",
            )
            .order_by(User.id)
        ).all()
        if managers:
            return list(managers)
        current = current.parent
    return []


def _zone() -> ZoneInfo:
    return survey_zone()
