"""Filing a complaint ticket, from any channel, exactly once."""

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from survey_app.core.extensions import db
from survey_app.core.patterns import EMAIL_PATTERN
from survey_app.models import (
    CONTENT_MAX_LENGTH,
    Counter,
    Officer,
    Procedure,
    SurveyResponse,
    Ticket,
    TicketChannel,
    TicketEvent,
    TicketStatus,
    Unit,
    User,
    utcnow,
)
from survey_app.services.errors import InvalidSubmission
from survey_app.services.once import commit_once
from survey_app.services.org.members import CODE_ALPHABET
from survey_app.services.tickets.mail import send_ticket_mail
from survey_app.workdays import answer_due

TRACKING_CODE_LENGTH = 10
PHONE_PATTERN = re.compile(r"^\+?[0-9 .()-]{8,20}$")


@dataclass(frozen=True, kw_only=True)
class TicketRequest:
    client_ref: str
    unit: Unit
    content: str
    channel: TicketChannel
    counter: Counter | None = None
    officer: Officer | None = None
    procedure: Procedure | None = None
    response: SurveyResponse | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    consent_text: str | None = None  # the exact wording the citizen agreed to
    received_at: datetime | None = None
    actor: User | None = None  # staff entering a hotline, paper or mailbox complaint


@dataclass(frozen=True)
class OpenedTicket:
    ticket: Ticket
    created: bool


def ticket_errors(request: TicketRequest) -> dict[str, str]:
    errors = {}
    content = request.content.strip()
    if not content:
        errors["content"] = str(_l("Describe your complaint or recommendation."))
    elif len(content) > CONTENT_MAX_LENGTH:
        errors["content"] = str(_l("Use at most %(max)d characters.", max=CONTENT_MAX_LENGTH))
    errors |= _contact_errors(request)
    for name, owned in (("counter", request.counter), ("officer", request.officer)):
        if owned is not None and owned.unit_id != request.unit.id:
            errors[name] = str(_l("Choose one of this unit's."))
    return errors


def _contact_errors(request: TicketRequest) -> dict[str, str]:
    errors = {}
    contact = (request.contact_name, request.contact_phone, request.contact_email)
    if any(contact) and not request.consent_text:
        errors["consent"] = str(_l("Tick the consent box, or leave the contact fields empty."))
    if request.contact_email and not EMAIL_PATTERN.match(request.contact_email):
        errors["contact_email"] = str(_l("Enter an address such as name@example.com."))
    if request.contact_phone and not PHONE_PATTERN.match(request.contact_phone):
        errors["contact_phone"] = str(_l("Enter a phone number such as 0912 345 678."))
    return errors


def open_ticket(
    request: TicketRequest,
    *,
    stage: Callable[[Ticket], None] | None = None,
    write_first: Callable[[Ticket], None] | None = None,
) -> OpenedTicket:
    """File a ticket; a repeat of the same client_ref returns the one already filed.
    `stage` adds more to a new ticket (its attachments) before the one commit. `write_first`
    writes rows of its own in the same transaction just before the ticket (a kiosk rating's
    response): a unique key it meets counts as a race lost, as the ticket's own would."""
    if errors := ticket_errors(request):
        raise InvalidSubmission(errors)
    existing = _ticket_by_ref(request.unit.id, request.client_ref)
    if existing is not None:
        return OpenedTicket(existing, created=False)
    ticket = _build_ticket(request)
    if stage is not None:
        stage(ticket)

    def write(new: Ticket) -> None:
        if write_first is not None:
            write_first(new)
        db.session.add(new)

    stored, created = commit_once(
        ticket, lambda: _ticket_by_ref(request.unit.id, request.client_ref), write
    )
    if created:
        send_ticket_mail(stored, "received")
    return OpenedTicket(stored, created=created)


def _build_ticket(request: TicketRequest) -> Ticket:
    received_at = request.received_at or utcnow()
    consented = any((request.contact_name, request.contact_phone, request.contact_email))
    ticket = Ticket(
        code=new_tracking_code(),
        client_ref=request.client_ref,
        unit=request.unit,
        counter=request.counter,
        officer=request.officer,
        procedure=request.procedure,
        channel=request.channel,
        content=request.content.strip(),
        status=TicketStatus.RECEIVED,
        received_at=received_at,
        due_at=answer_due(received_at, request.unit.answer_days),
        contact_name=request.contact_name or None,
        contact_phone=request.contact_phone or None,
        contact_email=request.contact_email or None,
        consent_text=request.consent_text if consented else None,
        consent_at=received_at if consented else None,
    )
    if request.response is not None:
        # Never set to None: that would empty a response_id a `write_first` gives the ticket.
        ticket.response = request.response
    ticket.events.append(
        TicketEvent(
            at=received_at,
            actor=request.actor,
            kind="received",
            to_status=TicketStatus.RECEIVED,
            details={"channel": request.channel.value},
        )
    )
    return ticket


def _ticket_by_ref(unit_id: int, client_ref: str) -> Ticket | None:
    return db.session.scalar(
        sa.select(Ticket).where(Ticket.unit_id == unit_id, Ticket.client_ref == client_ref)
    )


def new_tracking_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(TRACKING_CODE_LENGTH))
        if db.session.scalar(sa.select(Ticket.id).where(Ticket.code == code)) is None:
            return code
