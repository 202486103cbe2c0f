"""Handling a ticket in the office: each step changes its status, leaves an event, commits once
and tells the citizen (issue 4, "Handling")."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from survey_app.auth.permissions import Permission, can
from survey_app.core.extensions import db
from survey_app.models import Ticket, TicketEvent, TicketStatus, Unit, User, utcnow
from survey_app.months import survey_zone
from survey_app.queries.units import list_unit_subtree_ids
from survey_app.services.errors import DomainError
from survey_app.services.tickets.mail import send_ticket_mail
from survey_app.workdays import OFFICE_CLOSES, is_working_day

ANSWER_MIN_LENGTH = 10
# A transferred ticket waits in its new unit exactly like a received one.
OPEN_STATUSES = frozenset({TicketStatus.RECEIVED, TicketStatus.ASSIGNED, TicketStatus.TRANSFERRED})
DONE_STATUSES = frozenset({TicketStatus.ANSWERED, TicketStatus.REJECTED})


class InvalidTransition(DomainError):
    """The step is not possible from the ticket's status, or its input breaks a rule."""


def assign_ticket(ticket: Ticket, assignee: User, *, actor: User, now: datetime | None = None):
    _require_open(ticket)
    if not (assignee.active and can(assignee.role, Permission.HANDLE_COMPLAINTS)):
        raise InvalidTransition(_l("This person cannot handle complaints."))
    if ticket.unit_id not in list_unit_subtree_ids(assignee.unit_id):
        raise InvalidTransition(_l("This person does not work for the ticket's unit."))
    ticket.assignee = assignee
    _step(ticket, actor, "assigned", TicketStatus.ASSIGNED, {"assignee": assignee.username}, now)
    _finish(ticket, "assigned")


def answer_ticket(ticket: Ticket, answer: str, *, actor: User, now: datetime | None = None):
    _give_answer(ticket, answer, actor, TicketStatus.ANSWERED, now)
    _finish(ticket, "answered")


def reject_ticket(ticket: Ticket, reason: str, *, actor: User, now: datetime | None = None):
    """A rejection's reason is its answer: it counts as answered in the figures."""
    _give_answer(ticket, reason, actor, TicketStatus.REJECTED, now)
    _finish(ticket, "rejected")


def close_ticket(ticket: Ticket, *, actor: User, now: datetime | None = None):
    if ticket.status not in DONE_STATUSES:
        raise InvalidTransition(_l("Only an answered or rejected ticket can be closed."))
    ticket.closed_at = now or utcnow()
    _step(ticket, actor, "closed", TicketStatus.CLOSED, {}, ticket.closed_at)
    _finish(ticket, "closed")


def transfer_ticket(ticket: Ticket, unit: Unit, *, actor: User, now: datetime | None = None):
    """To any active unit, often outside the sender's scope; the due time does not move."""
    _require_open(ticket)
    if not unit.active or unit.id == ticket.unit_id:
        raise InvalidTransition(_l("Choose another active unit."))
    details = {"from_unit": ticket.unit.code, "to_unit": unit.code}
    ticket.unit = unit
    ticket.assignee = None  # the new unit decides who handles it
    ticket.reminded_overdue_at = None  # the new unit's managers must hear of it too
    _step(ticket, actor, "transferred", TicketStatus.TRANSFERRED, details, now)
    _finish(ticket, "transferred")


def extend_ticket(
    ticket: Ticket, new_day: date, reason: str, *, actor: User, now: datetime | None = None
):
    """A new due time (end of office hours of `new_day`); due_at stays for the report."""
    if not can(actor.role, Permission.GRANT_EXTENSIONS):
        raise InvalidTransition(_l("Only a manager can grant an extension."))
    _require_open(ticket)
    if not reason.strip():
        raise InvalidTransition(_l("Give the reason for the extension."))
    zone = survey_zone()
    new_due = datetime.combine(new_day, OFFICE_CLOSES, zone)
    if new_due <= ticket.effective_due_at:
        raise InvalidTransition(_l("The new due date must be later than the current one."))
    if not is_working_day(new_day):
        raise InvalidTransition(_l("The new due date must be a working day."))
    details = {"previous_due": ticket.effective_due_at.isoformat(), "new_due": new_due.isoformat()}
    ticket.extended_due_at = new_due
    # A new deadline earns its own reminders.
    ticket.reminded_due_soon_at = ticket.reminded_overdue_at = None
    ticket.extension_reason = reason.strip()
    _step(ticket, actor, "extended", ticket.status, details | {"reason": reason.strip()}, now)
    _finish(ticket, "extended")


def _give_answer(ticket, text, actor, status, now) -> None:
    _require_open(ticket)
    if len(text.strip()) < ANSWER_MIN_LENGTH:
        raise InvalidTransition(_l("Write at least %(min)d characters.", min=ANSWER_MIN_LENGTH))
    ticket.answer = text.strip()
    ticket.answered_at = now or utcnow()
    _step(ticket, actor, status.value, status, {}, ticket.answered_at)


def _require_open(ticket: Ticket) -> None:
    if ticket.status not in OPEN_STATUSES:
        raise InvalidTransition(_l("This ticket is already answered or closed."))


def _step(ticket, actor, kind, to_status, details, now) -> None:
    ticket.events.append(
        TicketEvent(
            at=now or utcnow(),
            actor=actor,
            kind=kind,
            from_status=ticket.status,
            to_status=to_status,
            details=details,
        )
    )
    ticket.status = to_status


def _finish(ticket: Ticket, stage: str) -> None:
    db.session.commit()
    send_ticket_mail(ticket, stage)
