"""Storing a citizen's response, from any channel, exactly once."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from survey_app.core.extensions import db
from survey_app.models import (
    FLAG_AT_OR_BELOW,
    OVERALL_ITEM,
    SCALE,
    Channel,
    Counter,
    Instrument,
    Kiosk,
    Officer,
    Procedure,
    SurveyCode,
    SurveyResponse,
    Unit,
    max_length,
    utcnow,
)
from survey_app.models.levels import encode
from survey_app.models.response import CLIENT_REF_MAX_LENGTH, COMMENT_MAX_LENGTH
from survey_app.queries.code_cache import CounterCopy, OfficerCopy, RulesCopy, UnitCopy
from survey_app.queries.instruments import InstrumentCopy
from survey_app.queries.responses import get_response_by_dossier, get_response_by_ref
from survey_app.services.comment_alerts import alert_if_serious
from survey_app.services.errors import DomainError, InvalidSubmission
from survey_app.services.once import commit_once
from survey_app.services.responses.holding_rules import QrCheck, RatingSource, screen_qr_rating
from survey_app.services.responses.inserts import insert_response
from survey_app.services.responses.kiosk_repeats import screen_kiosk_rating

DOSSIER_CODE_MAX_LENGTH = max_length(SurveyResponse.dossier_code)


class DossierAlreadyRated(DomainError):
    """One dossier counts once: another response already carries its code."""


@dataclass(frozen=True, kw_only=True)
class Submission:
    client_ref: str
    unit: Unit | UnitCopy
    instrument: Instrument | InstrumentCopy
    answers: Mapping[str, int | None]
    channel: Channel
    comment: str = ""
    counter: Counter | CounterCopy | None = None
    officer: Officer | OfficerCopy | None = None
    procedure: Procedure | None = None
    submitted_at: datetime | None = None
    dossier_code: str | None = None
    # The one-time dossier link the response came through: marked used in the same commit.
    link: SurveyCode | None = None
    kiosk: Kiosk | None = None  # the counter tablet a kiosk rating came from
    # A QR rating's phone and address (hashed): its hold rules read them.
    source: RatingSource | None = None
    # Its unit's rules, read with its target's lock already taken (services/responses/
    # target_lock.py, read_code_locking_target); None: the rating takes the lock itself.
    locked_rules: RulesCopy | None = None
    # The tablet saw the same rating just before, within the unit's repeat window.
    repeat_on_tablet: bool = False


@dataclass(frozen=True)
class SubmitResult:
    response: SurveyResponse
    created: bool


def answer_errors(
    instrument: Instrument | InstrumentCopy, answers: Mapping[str, int | None]
) -> dict[str, str]:
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
    if (
        submission.dossier_code is not None
        and not 0 < len(submission.dossier_code) <= DOSSIER_CODE_MAX_LENGTH
    ):
        errors["dossier_code"] = str(_l("The dossier code is empty or too long."))
    return errors


def is_flagged(answers: Mapping[str, int | None]) -> bool:
    return any(value is not None and value <= FLAG_AT_OR_BELOW for value in answers.values())


def submit_response(submission: Submission) -> SubmitResult:
    """Store a response once; a repeat of the same client_ref returns the stored one.

    Raises DossierAlreadyRated if another response already carries the dossier code.

    Insert first, look up only on a clash: nearly every submission is new, and the unique keys
    (unit, client_ref) and (unit, dossier_code) decide a repeat or a race anyway. A clash rolls
    back everything the caller staged for this commit."""
    errors = submission_errors(submission)
    if errors:
        raise InvalidSubmission(errors)
    response = build_response(submission)
    qr_check = screen_new_response(response, submission)
    if submission.link is not None:
        submission.link.used_at = utcnow()
    unit_id = submission.unit.id  # read now: the rollback of a clash expires the unit
    try:
        stored, created = commit_once(
            response,
            lambda: get_response_by_ref(unit_id, submission.client_ref),
            lambda new: _write_rating(new, qr_check),
        )
    except IntegrityError:
        _check_dossier_not_rated(submission)  # two ratings of one dossier raced; one won
        raise
    if created:  # the submission's comment: reading the stored one would cost a query
        alert_if_serious(stored, submission.comment)
    return SubmitResult(stored, created=created)


def _write_rating(response: SurveyResponse, qr_check: QrCheck | None) -> None:
    """commit_once's write for a new rating: insert_response's statements, not the unit of
    work; the unique key (unit, client_ref) still tells a repeat or a lost race."""
    alone = _nothing_else_to_commit()
    response.id = insert_response(response, alone=alone, qr_check=qr_check)


def _nothing_else_to_commit() -> bool:
    """Whether the rating is all the request writes: no transaction begun, nothing staged."""
    session = db.session()  # the request's Session behind the scoped proxy
    return not (session.in_transaction() or session.new or session.dirty or session.deleted)


def _check_dossier_not_rated(submission: Submission) -> None:
    if submission.dossier_code is None:
        return
    if get_response_by_dossier(submission.unit.id, submission.dossier_code) is not None:
        raise DossierAlreadyRated(str(_l("This dossier has already been rated.")))


def screen_new_response(response: SurveyResponse, submission: Submission) -> QrCheck | None:
    """Hold (or filter) a new response that looks like stuffing: services/rating_rules.py. A
    one-time dossier link is its own control: one dossier, one rating. A QR rating's rules are
    decided by its insert: the check returned goes to insert_response."""
    if submission.source is not None and submission.link is None:
        return screen_qr_rating(response, submission.source, submission.locked_rules)
    if submission.source is not None:
        response.phone_hash = submission.source.phone_hash
        response.address_hash = submission.source.address_hash
    elif submission.channel == Channel.KIOSK:
        screen_kiosk_rating(response, repeat_on_tablet=submission.repeat_on_tablet)
    return None


def build_response(submission: Submission) -> SurveyResponse:
    """The new response, naming what it rates by id: the instrument and a survey code's unit,
    counter and officer may be copies kept by the process, never pulled into the session. Not
    for the session's unit of work: insert_response writes it, with its queue row."""
    codes = [item.code for item in submission.instrument.items]
    return SurveyResponse(
        client_ref=submission.client_ref,
        unit_id=submission.unit.id,
        counter_id=_id(submission.counter),
        officer_id=_id(submission.officer),
        procedure_id=_id(submission.procedure),
        instrument_id=submission.instrument.id,
        channel=submission.channel,
        submitted_at=submission.submitted_at or utcnow(),
        comment=submission.comment,
        dossier_code=submission.dossier_code,
        kiosk_id=_id(submission.kiosk),
        flagged=is_flagged(submission.answers),
        levels=encode(codes, submission.answers),
    )


def _id(owner) -> int | None:
    return owner.id if owner is not None else None
