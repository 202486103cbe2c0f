"""Removing complainants' contact data once the retention period after the end of handling has
passed.

Law 91/2025/QH15 and Decree 356/2025: personal data is kept no longer than its purpose needs.
The purpose is answering the complaint, so the clock starts when handling ended, whichever state
ended it: answered or rejected (the answer's time), closed (the closing time, or the answer's),
transferred and left there (the transfer's time: the unit that held the contact is done with
it). A ticket still open keeps its contact. An answered ticket closes by itself after the unit's
`auto_close_days` working days (survey_app.services.tickets.auto_close), so none waits forever.

Name, phone and e-mail go. The consent wording and time stay: they identify nobody once the
contact is gone, and they are the unit's proof that what it held was held with consent.
"""

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from survey_app.core.extensions import db
from survey_app.models import Ticket, TicketEvent, TicketStatus

DEFAULT_RETENTION_DAYS = 365


def retention_period() -> timedelta:
    days = current_app.config.get("SURVEY_CONTACT_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)
    return timedelta(days=int(days))


def handling_ended_at() -> sa.ColumnElement:
    """When the ticket's handling ended (SQL on tickets); NULL while it is still open."""
    transferred_at = (
        sa.select(sa.func.max(TicketEvent.at))
        .where(TicketEvent.ticket_id == Ticket.id, TicketEvent.kind == "transferred")
        .scalar_subquery()
    )
    return sa.case(
        (
            Ticket.status == TicketStatus.CLOSED,
            sa.func.coalesce(Ticket.closed_at, Ticket.answered_at),
        ),
        (Ticket.status.in_([TicketStatus.ANSWERED, TicketStatus.REJECTED]), Ticket.answered_at),
        (Ticket.status == TicketStatus.TRANSFERRED, transferred_at),
        else_=sa.null(),
    )


def has_contact() -> sa.ColumnElement[bool]:
    return sa.or_(
        Ticket.contact_name.is_not(None),
        Ticket.contact_phone.is_not(None),
        Ticket.contact_email.is_not(None),
    )


def erase_contact(ticket: Ticket, now: datetime) -> None:
    ticket.contact_name = ticket.contact_phone = ticket.contact_email = None
    ticket.contact_purged_at = now


def purge_contacts(now: datetime) -> int:
    """Erase the contact of every ticket whose handling ended before now - retention; returns
    how many tickets had one. A second run finds nothing left to erase."""
    tickets = db.session.scalars(
        sa.select(Ticket).where(
            handling_ended_at() < now - retention_period(),
            Ticket.contact_purged_at.is_(None),
            has_contact(),
        )
    ).all()
    for ticket in tickets:
        erase_contact(ticket, now)
    db.session.commit()
    return len(tickets)
