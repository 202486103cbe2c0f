"""Removing complainants' contact data once the retention period after closing has passed.

Law 91/2025/QH15 and Decree 356/2025: personal data is kept no longer than its purpose needs.
Name, phone and e-mail go. The consent wording and time stay: they identify nobody once the
contact is gone, and they are the unit's proof that what it held was held with consent.
"""

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from survey_app.extensions import db
from survey_app.models import Ticket

DEFAULT_RETENTION_DAYS = 365


def retention_period() -> timedelta:
    days = current_app.config.get("SURVEY_CONTACT_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)
    return timedelta(days=int(days))


def purge_contacts(now: datetime) -> int:
    """Erase the contact of every ticket closed before now - retention; returns how many
    tickets had one. A second run finds nothing left to erase."""
    tickets = db.session.scalars(
        sa.select(Ticket).where(
            Ticket.closed_at < now - retention_period(),
            Ticket.contact_purged_at.is_(None),
            sa.or_(
                Ticket.contact_name.is_not(None),
                Ticket.contact_phone.is_not(None),
                Ticket.contact_email.is_not(None),
            ),
        )
    ).all()
    for ticket in tickets:
        ticket.contact_name = ticket.contact_phone = ticket.contact_email = None
        ticket.contact_purged_at = now
    db.session.commit()
    return len(tickets)
