import functools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.models import Ticket, TicketStatus
from survey_app.services.tickets.retention import purge_contacts
from tests.helpers.builders import make_unit
from tests.helpers.smtp_server import run_tickets_command
from tests.helpers.tickets import file_ticket

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2027, 11, 1, 2, 0, tzinfo=HANOI)


@pytest.fixture
def tickets(runner):
    return functools.partial(run_tickets_command, runner)


def closed_ticket(email, closed_at, unit):
    ticket = file_ticket(email=email, unit=unit)
    ticket.contact_phone = "0912 345 678"
    ticket.status = TicketStatus.CLOSED
    ticket.closed_at = closed_at
    db.session.commit()
    return ticket


def contact_of(ticket):
    return (ticket.contact_name, ticket.contact_phone, ticket.contact_email)


def test_only_tickets_closed_before_the_retention_period_lose_their_contact(app):
    unit = make_unit()
    old = closed_ticket("cu@example.vn", NOW - timedelta(days=366), unit)
    recent = closed_ticket("moi@example.vn", NOW - timedelta(days=364), unit)
    still_open = file_ticket(email="mo@example.vn", unit=unit)

    assert purge_contacts(NOW) == 1

    assert contact_of(old) == (None, None, None)
    assert old.contact_purged_at == NOW
    assert old.consent_text and old.consent_at  # the proof of consent stays
    assert contact_of(recent) == ("Trần Văn Nam", "0912 345 678", "moi@example.vn")
    assert still_open.contact_email == "mo@example.vn"
    assert recent.contact_purged_at is None and still_open.contact_purged_at is None


def test_purge_is_idempotent(app):
    old = closed_ticket("cu@example.vn", NOW - timedelta(days=400), make_unit())
    purge_contacts(NOW)

    assert purge_contacts(NOW + timedelta(days=1)) == 0
    assert old.contact_purged_at == NOW


def test_retention_period_comes_from_configuration(app, monkeypatch):
    monkeypatch.setitem(app.config, "SURVEY_CONTACT_RETENTION_DAYS", 30)
    ticket = closed_ticket("cu@example.vn", NOW - timedelta(days=31), make_unit())

    purge_contacts(NOW)

    stored = db.session.scalar(sa.select(Ticket).where(Ticket.id == ticket.id))
    assert stored.contact_email is None


def test_purge_command_prints_the_count_and_takes_now(app, tickets):
    unit = make_unit()
    closed_ticket("a@example.vn", datetime(2026, 10, 1, tzinfo=HANOI), unit)
    closed_ticket("b@example.vn", datetime(2026, 10, 2, tzinfo=HANOI), unit)

    first = tickets("purge-contacts", "--now", "2027-10-02T12:00:00+07:00")
    second = tickets("purge-contacts", "--now", "2027-10-02T12:00:00+07:00")

    assert first.exit_code == 0, first.output
    assert "Contact data erased from 2 tickets." in first.output
    assert "Contact data erased from 0 tickets." in second.output
    emails = db.session.scalars(sa.select(Ticket.contact_email)).all()
    assert emails == [None, None]
