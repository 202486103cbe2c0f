"""Ratings sent by a counter tablet: stored once, at the time of the tap, with an optional
call-back request filed as a complaint ticket in the same commit.

A tablet keeps ratings in a queue while offline and sends each with the id it gave it, so a
retry, or two racing copies of one rating, store one response and one ticket.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from kiosk.contact import DeviceContact, note_contact, record_contact, stage_copy_contact
from kiosk.pairing import WITH_PLACE
from survey_app.core.extensions import db
from survey_app.display.labels import SCALE_LABELS
from survey_app.models import (
    FLAG_AT_OR_BELOW,
    OVERALL_ITEM,
    Channel,
    Kiosk,
    Officer,
    SurveyResponse,
    Ticket,
    TicketChannel,
    utcnow,
)
from survey_app.queries.code_cache import KioskCopy, OfficerCopy, remember_kiosk_contact
from survey_app.queries.instruments import InstrumentCopy, get_cached_instrument
from survey_app.queries.responses import get_response_by_ref
from survey_app.services.errors import InvalidSubmission
from survey_app.services.kiosk_replay import check_true_repeat
from survey_app.services.responses.inserts import insert_response
from survey_app.services.responses.submit import (
    Submission,
    build_response,
    screen_new_response,
    submission_errors,
    submit_response,
)
from survey_app.services.tickets.opening import TicketRequest, open_ticket

KIOSK_INSTRUMENT = "kiosk-5"
# A tablet's clock may run a little fast; a rating older than this is not accepted any more.
CLOCK_SKEW = timedelta(minutes=5)
MAX_AGE = timedelta(days=90)


@dataclass(frozen=True, kw_only=True)
class CallbackRequest:
    phone: str
    consent_text: str
    name: str | None = None


@dataclass(frozen=True, kw_only=True)
class KioskRating:
    client_ref: str
    submitted_at: datetime
    answers: Mapping[str, int | None]
    officer_code: str | None = None
    comment: str = ""
    callback: CallbackRequest | None = None
    # The tablet found it a repeat of the rating before (kiosk config's repeat_seconds).
    repeat_on_tablet: bool = False


@dataclass(frozen=True)
class StoredRating:
    # The rating's id as stored: the same text the response holds, known without reading the
    # response again (the commit expired it; reading it back would cost a query).
    client_ref: str
    response: SurveyResponse
    created: bool
    ticket: Ticket | None = None  # the call-back ticket filed with a new rating


def submit_kiosk_rating(
    kiosk: KioskCopy, rating: KioskRating, contact: DeviceContact | None = None
) -> StoredRating:
    """Store the rating once with the tablet's last contact; a repeat of its id returns the
    stored one (created False) and records the contact alone."""
    instrument = get_cached_instrument(KIOSK_INSTRUMENT)
    officer = _officer(kiosk, rating.officer_code)
    if errors := rating_errors(rating, officer):
        raise InvalidSubmission(errors)
    contact = contact or DeviceContact()
    if rating.callback is not None:
        return _submit_with_callback(_kiosk_row(kiosk.id), rating, instrument, contact)
    staged = stage_copy_contact(kiosk, contact)
    result = submit_response(_submission(kiosk, rating, instrument, officer))
    if not result.created:
        # The clash with the stored copy rolled the staged contact back.
        staged = stage_copy_contact(kiosk, contact)
        db.session.commit()
    remember_kiosk_contact(kiosk, staged)
    if not result.created:
        check_true_repeat(result.response, rating)
    return StoredRating(rating.client_ref, result.response, result.created)


def rating_errors(rating: KioskRating, officer: Officer | None) -> dict[str, str]:
    errors = {}
    now = utcnow()
    if rating.submitted_at > now + CLOCK_SKEW:
        errors["submitted_at"] = str(
            _l("Lies more than 5 minutes in the future: check the tablet's clock.")
        )
    elif rating.submitted_at < now - MAX_AGE:
        errors["submitted_at"] = str(_l("Older than 90 days: too late to count."))
    if rating.officer_code is not None and officer is None:
        errors["officer_code"] = str(_l("No officer of this counter's unit has this code."))
    overall = rating.answers.get(OVERALL_ITEM)
    if rating.callback is not None and isinstance(overall, int) and overall > FLAG_AT_OR_BELOW:
        errors["callback"] = str(
            _l("A call back is offered only when the overall rating is 3 or below.")
        )
    return errors


def _officer(kiosk: Kiosk | KioskCopy, code: str | None) -> Officer | OfficerCopy | None:
    """The officer named, of the counter's unit; without a name, the kiosk's fixed officer
    while active. Not only the counter's officers of today: a rating may arrive after a change
    of duty."""
    if code is None:
        return kiosk.serving_officer
    return db.session.scalar(
        sa.select(Officer).where(Officer.code == code, Officer.unit_id == kiosk.counter.unit_id)
    )


def _kiosk_row(kiosk_id: int) -> Kiosk:
    """The kiosk with its counter, unit and officer as models: a ticket is filed with them."""
    return db.session.get(Kiosk, kiosk_id, options=WITH_PLACE)


def _submission(
    kiosk: Kiosk | KioskCopy,
    rating: KioskRating,
    instrument: InstrumentCopy,
    officer: Officer | OfficerCopy | None,
) -> Submission:
    return Submission(
        client_ref=rating.client_ref,
        unit=kiosk.unit,
        counter=kiosk.counter,
        officer=officer,
        instrument=instrument,
        channel=Channel.KIOSK,
        answers=rating.answers,
        comment=rating.comment,
        submitted_at=rating.submitted_at,
        kiosk=kiosk,
        repeat_on_tablet=rating.repeat_on_tablet,
    )


def _submit_with_callback(
    kiosk: Kiosk, rating: KioskRating, instrument: InstrumentCopy, contact: DeviceContact
) -> StoredRating:
    """The response and its ticket in one commit: the ticket's unique client id (the rating's
    id) decides which of two racing copies wins, and the loser finds both stored."""
    note_contact(kiosk, contact)
    submission = _submission(kiosk, rating, instrument, _officer(kiosk, rating.officer_code))
    if errors := submission_errors(submission):
        raise InvalidSubmission(errors)
    ref = submission.client_ref
    existing = get_response_by_ref(submission.unit.id, ref)
    if existing is not None:
        db.session.commit()  # the kiosk's last contact
        check_true_repeat(existing, rating)
        return StoredRating(ref, existing, created=False)
    response = build_response(submission)
    screen_new_response(response, submission)

    def write_response(ticket: Ticket) -> None:
        # Written as every rating is (insert_response, with its queue row), in the ticket's
        # transaction; the ticket names it by id.
        response.id = ticket.response_id = insert_response(response)

    request = _ticket_request(kiosk, submission, rating.callback)
    opened = open_ticket(request, write_first=write_response)
    if not opened.created:
        record_contact(kiosk, contact)  # rolled back with the losing copy
        check_true_repeat(opened.ticket.response, rating)
        return StoredRating(ref, opened.ticket.response, created=False)
    return StoredRating(ref, response, created=True, ticket=opened.ticket)


def _ticket_request(
    kiosk: Kiosk, submission: Submission, callback: CallbackRequest
) -> TicketRequest:
    return TicketRequest(
        client_ref=submission.client_ref,
        unit=submission.unit,
        content=callback_content(kiosk, submission),
        channel=TicketChannel.KIOSK,
        counter=submission.counter,
        officer=submission.officer,
        contact_name=callback.name,
        contact_phone=callback.phone,
        consent_text=callback.consent_text,
        received_at=submission.submitted_at,
    )


def callback_content(kiosk: Kiosk, submission: Submission) -> str:
    """What the handler reads, in the office's language: the low ratings and the comment.
    The phone number stays in the ticket's contact fields, never in this text."""
    answers = submission.answers
    low = [
        (item, answers[item.code])
        for item in submission.instrument.items  # in the form's order
        if answers.get(item.code) is not None and answers[item.code] <= FLAG_AT_OR_BELOW
    ]
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        locale = current_app.config["BABEL_DEFAULT_LOCALE"]
        lines = [
            _(
                "Call-back request left at the counter tablet %(kiosk)s (%(counter)s) "
                "after a rating of average or below.",
                kiosk=kiosk.name,
                counter=kiosk.counter.name,
            )
        ]
        lines += [f"- {item.text(locale)}: {value} ({SCALE_LABELS[value]})" for item, value in low]
        if submission.comment:
            lines.append(_("Comment: %(comment)s", comment=submission.comment))
    return "\n".join(lines)
