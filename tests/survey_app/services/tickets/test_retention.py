import functools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.models import Ticket, TicketAttachment, TicketStatus
from survey_app.services.tickets.attachments import CheckedFile, attach_files, attachment_path
from survey_app.services.tickets.retention import Purge, purge_contacts
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

    assert purge_contacts(NOW).contacts == 1

    assert contact_of(old) == (None, None, None)
    assert old.contact_purged_at == NOW
    assert old.consent_text and old.consent_at  # the proof of consent stays
    assert contact_of(recent) == ("Trần Văn Nam", "0912 345 678", "moi@example.vn")
    assert still_open.contact_email == "mo@example.vn"
    assert recent.contact_purged_at is None and still_open.contact_purged_at is None


def test_purge_is_idempotent(app):
    old = closed_ticket("cu@example.vn", NOW - timedelta(days=400), make_unit())
    purge_contacts(NOW)

    assert purge_contacts(NOW + timedelta(days=1)) == Purge(contacts=0, files=0)
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


def attach_pdf(ticket, name="CCCD Trần Văn Nam.pdf"):
    attach_files(ticket, [CheckedFile(name, "application/pdf", ".pdf", b"%PDF-1.7 x")])
    return attachment_path(ticket.attachments[-1])


def test_attached_files_go_with_the_contact_and_the_history_says_how_many(app):
    unit = make_unit()
    old = closed_ticket("cu@example.vn", NOW - timedelta(days=366), unit)
    recent = closed_ticket("moi@example.vn", NOW - timedelta(days=364), unit)
    old_files = [attach_pdf(old), attach_pdf(old, "don.pdf")]
    recent_file = attach_pdf(recent)

    assert purge_contacts(NOW) == Purge(contacts=1, files=2)

    assert not any(path.exists() for path in old_files)
    assert recent_file.exists()
    rows = db.session.scalars(sa.select(TicketAttachment.ticket_id)).all()
    assert rows == [recent.id]  # the old ticket's rows, with the citizen's file names, are gone
    assert old.events[-1].kind == "attachments_purged"
    assert old.events[-1].details == {"files": 2}
    assert old.content  # the complaint's text stays: it is what the unit answered


def test_files_of_a_ticket_without_contact_go_after_the_retention_period_too(app):
    unit = make_unit()
    anonymous = closed_ticket(None, NOW - timedelta(days=366), unit)
    anonymous.contact_phone = None
    db.session.commit()
    path = attach_pdf(anonymous)

    assert purge_contacts(NOW) == Purge(contacts=0, files=1)

    assert not path.exists()
    assert anonymous.contact_purged_at is None  # it never held a contact to erase
    assert purge_contacts(NOW) == Purge(contacts=0, files=0)


def test_files_stay_when_the_commit_fails(app, monkeypatch):
    old = closed_ticket("cu@example.vn", NOW - timedelta(days=366), make_unit())
    path = attach_pdf(old)

    def refuse():
        raise RuntimeError("database went away")

    monkeypatch.setattr(db.session, "commit", refuse)
    with pytest.raises(RuntimeError):
        purge_contacts(NOW)
    monkeypatch.undo()
    db.session.rollback()

    assert path.exists()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TicketAttachment)) == 1


def test_purge_command_prints_the_files_removed(app, tickets):
    attach_pdf(closed_ticket("a@example.vn", datetime(2026, 10, 1, tzinfo=HANOI), make_unit()))

    printed = tickets("purge-contacts", "--now", "2027-10-02T12:00:00+07:00").output

    assert "1 attached file removed." in printed
