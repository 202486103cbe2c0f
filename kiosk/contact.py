"""A tablet's last contact: when it was last heard from, its app version and the ratings still
in its queue, as the kiosk admin page shows them.

It is written with the request's own commit and only when it changed: the time to the minute
the page shows, the version and queue at once. A tablet sending a rating every few seconds
thus writes its row about once a minute, not with every rating.
"""

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.models import Kiosk, utcnow
from survey_app.queries.code_cache import KioskCopy

CONTACT_PRECISION = timedelta(minutes=1)


@dataclass(frozen=True)
class DeviceContact:
    """What the tablet says about itself in each request's headers (None: not said)."""

    app_version: str | None = None
    queue_length: int | None = None


def contact_changes(kiosk: Kiosk | KioskCopy, contact: DeviceContact) -> dict:
    """The contact columns to write, by name; empty when the row already says it all."""
    now, changes = utcnow(), {}
    if kiosk.last_seen_at is None or now - kiosk.last_seen_at >= CONTACT_PRECISION:
        changes["last_seen_at"] = now
    if contact.app_version is not None and contact.app_version != kiosk.app_version:
        changes["app_version"] = contact.app_version
    if contact.queue_length is not None and contact.queue_length != kiosk.queue_length:
        changes["queue_length"] = contact.queue_length
    return changes


def note_contact(kiosk: Kiosk, contact: DeviceContact) -> None:
    """Stage the contact on a kiosk of the session; the request's own commit writes it."""
    for name, value in contact_changes(kiosk, contact).items():
        setattr(kiosk, name, value)


def record_contact(kiosk: Kiosk, contact: DeviceContact) -> None:
    """For a request that writes nothing else (the tablet reading its settings)."""
    note_contact(kiosk, contact)
    db.session.commit()


def stage_copy_contact(kiosk: KioskCopy, contact: DeviceContact) -> dict:
    """Stage the contact of a kiosk this process keeps a copy of (code_cache.py): an UPDATE
    through the kiosks table, which the copies do not count as a change of settings. Returns
    what it staged, for code_cache.remember_kiosk_contact once committed."""
    changes = contact_changes(kiosk, contact)
    if changes:
        table = Kiosk.__table__
        db.session.execute(sa.update(table).where(table.c.id == kiosk.id).values(**changes))
    return changes
