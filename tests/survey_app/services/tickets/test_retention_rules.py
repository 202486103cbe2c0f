"""Issue 18, part 2: contact data expires for every kind of ticket — the retention is counted
from when handling ended, whichever state ended it — and answered tickets close by themselves
after the unit's working days without a reply."""

import functools
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.models import Role, Ticket, TicketChannel, TicketStatus
from survey_app.services.tickets import handling
from survey_app.services.tickets.auto_close import close_idle_tickets
from survey_app.services.tickets.opening import TicketRequest, open_ticket
from survey_app.services.tickets.retention import purge_contacts
from tests.helpers.builders import make_unit, make_user
from tests.helpers.smtp_server import run_tickets_command

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
# Monday 5 October 2026, 9:00 in Hà Nội.
ANSWERED = datetime(2026, 10, 5, 9, tzinfo=HANOI)
CONSENT = "Tôi đồng ý để đơn vị gọi lại cho tôi."


@pytest.fixture
def tickets(runner):
    return functools.partial(run_tickets_command, runner)


def callback_ticket(unit, received_at=ANSWERED - timedelta(days=1)) -> Ticket:
    """A kiosk call-back request: a phone number left with consent."""
    request = TicketRequest(
        client_ref=uuid.uuid4().hex,
        unit=unit,
        content="Công dân đề nghị gọi lại về đánh giá tại quầy.",
        channel=TicketChannel.KIOSK,
        contact_name="Lê Thị Hoa",
        contact_phone="0912 345 678",
        consent_text=CONSENT,
        received_at=received_at,
    )
    return open_ticket(request).ticket


def handler_of(unit):
    return make_user(role=Role.MANAGER, unit=unit)


def stored(ticket) -> Ticket:
    db.session.expire_all()
    return db.session.scalar(sa.select(Ticket).where(Ticket.id == ticket.id))


def test_an_answered_never_closed_callback_loses_its_contact_after_retention(app, tickets):
    """The case of the issue: before, `purge-contacts --now 2035-01-01` left it untouched."""
    unit = make_unit()
    ticket = callback_ticket(unit)
    handling.answer_ticket(
        ticket, "Đã gọi lại và giải thích.", actor=handler_of(unit), now=ANSWERED
    )

    result = tickets("purge-contacts", "--now", "2035-01-01T08:00:00+07:00")

    assert result.exit_code == 0, result.output
    assert "Closed 1 answered ticket without reply." in result.output
    assert "Contact data erased from 1 ticket." in result.output
    found = stored(ticket)
    assert (found.contact_name, found.contact_phone, found.contact_email) == (None, None, None)
    assert found.consent_text == CONSENT  # the proof of consent stays
    assert found.status is TicketStatus.CLOSED


def test_retention_runs_from_the_answer_when_nothing_closed_the_ticket(app):
    unit = make_unit()
    old, recent = callback_ticket(unit), callback_ticket(unit)
    handler = handler_of(unit)
    handling.answer_ticket(old, "Đã gọi lại và giải thích.", actor=handler, now=ANSWERED)
    later = ANSWERED + timedelta(days=10)
    handling.answer_ticket(recent, "Đã gọi lại và giải thích.", actor=handler, now=later)
    still_open = callback_ticket(unit)

    # Without the auto-close: the answer alone starts the clock.
    assert purge_contacts(ANSWERED + timedelta(days=366)).contacts == 1

    assert stored(old).contact_phone is None
    assert stored(recent).contact_phone == "0912 345 678"
    assert stored(still_open).contact_phone == "0912 345 678"


def test_a_rejected_ticket_and_one_transferred_and_left_lose_their_contact(app):
    unit, other = make_unit(), make_unit()
    handler = handler_of(unit)
    rejected, transferred, picked_up = (callback_ticket(unit) for _ in range(3))
    handling.reject_ticket(rejected, "Không thuộc thẩm quyền.", actor=handler, now=ANSWERED)
    handling.transfer_ticket(transferred, other, actor=handler, now=ANSWERED)
    handling.transfer_ticket(picked_up, other, actor=handler, now=ANSWERED)
    # The receiving unit took it up: its handling has not ended.
    handling.assign_ticket(picked_up, handler_of(other), actor=handler_of(other))

    assert purge_contacts(ANSWERED + timedelta(days=366)).contacts == 2

    assert stored(rejected).contact_phone is None
    assert stored(transferred).contact_phone is None
    assert stored(picked_up).contact_phone == "0912 345 678"


def test_answered_tickets_close_after_ten_working_days_without_reply(app):
    unit = make_unit()
    ticket = callback_ticket(unit)
    handling.answer_ticket(
        ticket, "Đã gọi lại và giải thích.", actor=handler_of(unit), now=ANSWERED
    )
    # Answered Mon 5/10: the 10th working day after is Mon 19/10, until 17:00.
    assert close_idle_tickets(datetime(2026, 10, 19, 16, 59, tzinfo=HANOI)) == 0
    assert close_idle_tickets(datetime(2026, 10, 19, 17, 1, tzinfo=HANOI)) == 1

    found = stored(ticket)
    assert found.status is TicketStatus.CLOSED
    # Closed as of the end of the wait: a late run does not lengthen the retention.
    assert found.closed_at == datetime(2026, 10, 19, 17, tzinfo=HANOI)
    event = found.events[-1]
    assert (event.kind, event.actor_id, event.details["automatic"]) == ("closed", None, True)
    assert close_idle_tickets(datetime(2026, 12, 1, tzinfo=HANOI)) == 0  # once


def test_the_unit_sets_its_wait_and_a_rating_counts_as_a_reply(app):
    unit = make_unit()
    unit.auto_close_days = 2
    db.session.commit()
    quiet, rated = callback_ticket(unit), callback_ticket(unit)
    for ticket in (quiet, rated):
        handling.answer_ticket(
            ticket, "Đã gọi lại và giải thích.", actor=handler_of(unit), now=ANSWERED
        )
    rated.handling_rating, rated.rated_at = 4, datetime(2026, 10, 7, 9, tzinfo=HANOI)
    db.session.commit()

    # Wed 7/10 17:01: two working days after the answer (Mon), one after the rating (Wed).
    assert close_idle_tickets(datetime(2026, 10, 7, 17, 1, tzinfo=HANOI)) == 1
    assert stored(quiet).status is TicketStatus.CLOSED
    assert stored(rated).status is TicketStatus.ANSWERED
