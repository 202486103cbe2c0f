"""Storing a citizen's response, from any channel, exactly once."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from survey_app.extensions import db
from survey_app.models import (
    FLAG_AT_OR_BELOW,
    OVERALL_ITEM,
    SCALE,
    Answer,
    Channel,
    Counter,
    Instrument,
    Officer,
    Procedure,
    SurveyResponse,
    Unit,
    utcnow,
)
from survey_app.models.response import CLIENT_REF_MAX_LENGTH, COMMENT_MAX_LENGTH
from survey_app.queries import get_response_by_ref
from survey_app.services.errors import InvalidSubmission


@dataclass(frozen=True, kw_only=True)
class Submission:
    client_ref: str
    unit: Unit
    instrument: Instrument
    answers: Mapping[str, int | None]
    channel: Channel
    comment: str = ""
    counter: Counter | None = None
    officer: Officer | None = None
    procedure: Procedure | None = None
    submitted_at: datetime | None = None


@dataclass(frozen=True)
class SubmitResult:
    response: SurveyResponse
    created: bool


def answer_errors(instrument: Instrument, answers: Mapping[str, int | None]) -> dict[str, str]:
    """The rules every channel shares: known items, values on the scale, overall answered."""
    known = {item.code for item in instrument.items}
    errors = {
        code: str(_l("This question is not on the form.")) for code in answers if code not in known
    }
    for code, value in answers.items():
        if code in known and value is not None and value not in SCALE:
            errors[code] = str(_l("Choose a level from 1 to 5."))
    if answers.get(OVERALL_ITEM) is None and OVERALL_ITEM not in errors:
        errors[OVERALL_ITEM] = str(_l("Please rate your overall satisfaction."))
    return errors


def submission_errors(submission: Submission) -> dict[str, str]:
    errors = answer_errors(submission.instrument, submission.answers)
    if len(submission.comment) > COMMENT_MAX_LENGTH:
        errors["comment"] = str(
            _l("The comment is too long (at most %(max)d characters).", max=COMMENT_MAX_LENGTH)
        )
    if not submission.client_ref or len(submission.client_ref) > CLIENT_REF_MAX_LENGTH:
        errors["client_ref"] = str(_l("The submission id is missing or too long."))
    return errors


def is_flagged(answers: Mapping[str, int | None]) -> bool:
    return any(value is not None and value <= FLAG_AT_OR_BELOW for value in answers.values())


def submit_response(submission: Submission) -> SubmitResult:
    """Store a response once; a repeat of the same client_ref returns the stored one."""
    errors = submission_errors(submission)
    if errors:
        raise InvalidSubmission(errors)
    existing = get_response_by_ref(submission.unit.id, submission.client_ref)
    if existing is not None:
        return SubmitResult(existing, created=False)
    response = build_response(submission)
    db.session.add(response)
    try:
        db.session.commit()
    except IntegrityError:
        # Two copies of the same submission raced (double tap); the other one won.
        db.session.rollback()
        existing = get_response_by_ref(submission.unit.id, submission.client_ref)
        if existing is None:
            raise
        return SubmitResult(existing, created=False)
    return SubmitResult(response, created=True)


def build_response(submission: Submission) -> SurveyResponse:
    items = {item.code: item for item in submission.instrument.items}
    answered = {code: value for code, value in submission.answers.items() if value is not None}
    return SurveyResponse(
        client_ref=submission.client_ref,
        unit=submission.unit,
        counter=submission.counter,
        officer=submission.officer,
        procedure=submission.procedure,
        instrument=submission.instrument,
        channel=submission.channel,
        submitted_at=submission.submitted_at or utcnow(),
        comment=submission.comment,
        flagged=is_flagged(answered),
        answers=[Answer(item=items[code], value=value) for code, value in answered.items()],
    )
