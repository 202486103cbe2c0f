"""Removing complainants' contact data once the retention period after the end of handling has
passed.

Law 91/2025/QH15 and Decree 356/2025: personal data is kept no longer than its purpose needs.
The purpose is answering the complaint, so the clock starts when handling ended, whichever state
ended it: answered or rejected (the answer's time), closed (the closing time, or the answer's),
transferred and left there (the transfer's time: the unit that held the contact is done with
it). A ticket still open keeps its contact. An answered ticket closes by itself after the unit's
`auto_close_days` working days (survey_app.services.tickets.auto_close), so none waits forever.

Name, phone and e-mail go, and so do the files the citizen attached: a photo of a dossier or an
ID card is personal data held for the same purpose. The complaint's text stays (it is the unit's
record of what it answered, and the contact patterns in it were masked before any report showed
it), and so do the consent wording and time: they identify nobody once the contact is gone, and
they are the unit's proof that what it held was held with consent.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from survey_app.core.extensions import db
from survey_app.models import Ticket, TicketAttachment, TicketEvent, TicketStatus
from survey_app.services.tickets.attachments import attachment_path

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


@dataclass(frozen=True)
class Purge:
    contacts: int  # tickets whose name, phone or e-mail was erased
    files: int  # attached files removed


def purge_contacts(now: datetime) -> Purge:
    """Erase the contact and the attached files of every ticket whose handling ended before
    now - retention. A second run finds nothing left to erase."""
    tickets = db.session.scalars(
        sa.select(Ticket).where(
            handling_ended_at() < now - retention_period(),
            sa.or_(
                sa.and_(Ticket.contact_purged_at.is_(None), has_contact()),
                Ticket.attachments.any(),
            ),
        )
    ).all()
    contacts = [ticket for ticket in tickets if _holds_contact(ticket)]
    for ticket in contacts:
        erase_contact(ticket, now)
    files = [path for ticket in tickets for path in _remove_attachments(ticket, now)]
    db.session.commit()
    # The files go once their rows are gone for good: a failed commit leaves both in place.
    for path in files:
        path.unlink(missing_ok=True)
    return Purge(contacts=len(contacts), files=len(files))


def _holds_contact(ticket: Ticket) -> bool:
    contact = (ticket.contact_name, ticket.contact_phone, ticket.contact_email)
    return ticket.contact_purged_at is None and any(contact)


def _remove_attachments(ticket: Ticket, now: datetime) -> list[Path]:
    """Delete the ticket's attachment rows (the history says how many there were); returns
    their files, to be deleted after the commit."""
    attachments: list[TicketAttachment] = list(ticket.attachments)
    if not attachments:
        return []
    ticket.attachments.clear()  # delete-orphan: the rows go with the flush
    ticket.events.append(
        TicketEvent(at=now, kind="attachments_purged", details={"files": len(attachments)})
    )
    return [attachment_path(attachment) for attachment in attachments]
