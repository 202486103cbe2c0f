"""The citizen's QR survey: /s/<code> opens the unit's instrument for a counter or an officer."""

from functools import cache
from typing import NoReturn

from flask import (
    Blueprint,
    abort,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from werkzeug.wrappers import Response

from forms import honeypot
from forms.errors import attach_errors
from forms.survey import (
    PostedSurvey,
    SurveyForm,
    build_survey_form,
    read_posted_survey,
    unknown_field_names,
)
from survey_app.blueprints.phone_cookie import give_phone_id, rating_source, set_survey_cookie
from survey_app.core.errors import (
    DATABASE_DOWN,
    database_unavailable,
    log_database_down,
    with_retry_after,
)
from survey_app.core.extensions import csrf
from survey_app.display.labels import FACTOR_LABELS, NO_OPINION_LABEL, SCALE_LABELS
from survey_app.models import Channel, Factor, Instrument, Item, SurveyCode
from survey_app.queries.code_cache import RulesCopy, SurveyCodeCopy, get_live_survey_code
from survey_app.queries.codes import get_survey_code, is_link_answered
from survey_app.queries.instruments import get_cached_instrument
from survey_app.queries.responses import get_response_by_dossier, get_response_by_ref
from survey_app.services.errors import InvalidSubmission
from survey_app.services.instruments import instrument_headings, read_instrument_files
from survey_app.services.responses.submit import DossierAlreadyRated, Submission, submit_response
from survey_app.services.responses.target_lock import read_code_locking_target

bp = Blueprint("survey", __name__)
# Going back from the thank-you page and sending again re-uses the first id, so the same visit
# is never counted twice; a later visit (another dossier) gets a new one. The phone remembers
# its last rating in a plain cookie that expires with the window, not in the signed session:
# it holds only the id the form itself carries (a phone may send any id it likes), and signing
# the session again cost every rating about 5 % of its CPU.
RESEND_WINDOW_SECONDS = 30 * 60
SENT_COOKIE = "sipas_sent"
# The form checks its own CSRF token, so an expired token re-renders the page with every answer
# kept instead of failing before the view runs.
csrf.exempt(bp)


@bp.route("/s/<code>", methods=["GET", "POST"])
def answer_survey(code: str):
    survey_code, locked_rules = _code_of_request(code)
    if request.method == "POST" and honeypot.caught():
        return _drop_bot_submission(survey_code)
    if survey_code.single_use and is_link_answered(survey_code):
        return _show_answered(survey_code)
    unit = survey_code.unit
    instrument = get_cached_instrument(unit.instrument_code, unit.instrument_version)
    if request.method == "POST":
        return _take_rating(survey_code, instrument, code, locked_rules)
    form = build_survey_form(instrument)
    sent_before = _recently_sent(survey_code.code)
    if sent_before:
        form.submission_id.data = sent_before
    form.fresh_submission_id()
    page = _render_form(form, survey_code, instrument, [], sent_before=bool(sent_before))
    return give_phone_id(make_response(page))


def _take_rating(
    survey_code: SurveyCode | SurveyCodeCopy, instrument, code: str, locked_rules: RulesCopy | None
):
    """Store the sent rating and go to the thank-you page, or show the form again (422) with
    what is wrong. A form with nothing wrong is read without WTForms (forms/survey.py)."""
    canonical_code = survey_code.code  # read now: a clash's rollback expires a stored code
    codes = tuple(item.code for item in instrument.items)
    form = None
    posted = read_posted_survey(codes)
    if posted is None:
        form = build_survey_form(instrument)
        unknown = unknown_field_names(request.form.keys(), form)
        submission_id = form.fresh_submission_id()
        if not form.validate() or unknown:
            return _form_again(form, survey_code, instrument, unknown)
        posted = PostedSurvey(form.answers(list(codes)), form.comment.data or "", submission_id)
    try:
        submit_response(_submission(posted, survey_code, instrument, locked_rules))
    except InvalidSubmission as error:
        if form is None:  # the form as sent, with the id the rating was sent with
            form = build_survey_form(instrument)
            form.submission_id.data = posted.submission_id
        attach_errors(form, error.errors)
        return _form_again(form, survey_code, instrument, [])
    except DossierAlreadyRated:
        return _show_answered(survey_code)
    # The stored response carries this id (found by it, or made with it): reading it back
    # from the committed, expired objects would cost two more queries.
    thanks = redirect(url_for(".thank_you", code=code, ref=posted.submission_id), code=303)
    return _remember_sent(thanks, canonical_code, posted.submission_id)


def _form_again(form: SurveyForm, survey_code, instrument, unknown: list[str]):
    page = _render_form(form, survey_code, instrument, unknown)
    return give_phone_id(make_response(page, 422))


@bp.get("/s/<code>/cam-on/<ref>")
def thank_you(code: str, ref: str):
    survey_code = _survey_code_or_404(code)
    response = get_response_by_ref(survey_code.unit_id, ref) or abort(404)
    return render_template("survey/thanks.html", survey_code=survey_code, response=response)


def keep_answers_while_database_down(error: Exception):
    """The database went away as a citizen sent the form: show the form again with every answer
    and the same submission id, so pressing Send once it is back stores the response once.
    Built from the shipped instrument files, since nothing can be read from the database."""
    instrument = _shipped_instrument(request.form.get("instrument", ""))
    if request.method != "POST" or instrument is None:
        return database_unavailable(error)
    log_database_down(error)
    form = build_survey_form(instrument)
    form.fresh_submission_id()
    return with_retry_after(make_response(_render_form(form, None, instrument, [], busy=True)))


for _error_class in DATABASE_DOWN:
    bp.register_error_handler(_error_class, keep_answers_while_database_down)


@cache
def _shipped_instrument(code: str) -> Instrument | None:
    """The newest shipped version of an instrument, as models never added to a session."""
    documents = [document for document in read_instrument_files() if document["code"] == code]
    if not documents:
        return None
    newest = max(documents, key=lambda document: document["version"])
    items = [
        Item(
            code=item["code"],
            factor=Factor(item["factor"]) if item["factor"] else None,
            position=position,
            text_vi=item["text_vi"],
            text_en=item["text_en"],
        )
        for position, item in enumerate(newest["items"], start=1)
    ]
    return Instrument(code=code, version=newest["version"], items=items)


def _drop_bot_submission(survey_code: SurveyCode | SurveyCodeCopy):
    """The bot sees the thank-you page a person would; nothing is stored."""
    honeypot.log_dropped("survey", survey_code.unit.code)
    return render_template(
        "survey/thanks.html", survey_code=survey_code, response=honeypot.decoy_response()
    )


def _show_answered(survey_code: SurveyCode):
    """A spent one-time link. 410 Gone: this survey will never open again, which the dossier
    software or a link checker can tell; the citizen reads a friendly page. The phone that sent
    the rating (a double tap on Send) still lands on its thank-you page."""
    response = get_response_by_dossier(survey_code.unit_id, survey_code.dossier_code)
    own = response is not None and response.client_ref == request.form.get("submission_id")
    if request.method == "POST" and own:
        return redirect(url_for(".thank_you", code=survey_code.code, ref=response.client_ref), 303)
    return render_template("survey/answered.html", survey_code=survey_code), 410


def _remember_sent(response: Response, code: str, ref: str) -> Response:
    return set_survey_cookie(response, SENT_COOKIE, f"{code}:{ref}", RESEND_WINDOW_SECONDS)


def _recently_sent(code: str) -> str | None:
    """The id of this phone's last response for the code, if sent within the resend window
    (the browser drops the cookie after it)."""
    sent_code, _, ref = request.cookies.get(SENT_COOKIE, "").partition(":")
    return ref if sent_code == code and ref else None


def _code_of_request(code: str) -> tuple[SurveyCode | SurveyCodeCopy, RulesCopy | None]:
    """The code that opens the survey, or the 404 page. Opening the form reads the database, so
    a visitor learns at once when it is down. A rating sent from the form reads the code with
    its target's lock taken and its unit's rules (PostgreSQL: one statement; SQLite: the copy
    the form's read renewed, and the rating takes the lock itself)."""
    if request.method == "POST":
        survey_code, locked_rules = read_code_locking_target(code.upper())
    else:
        survey_code, locked_rules = get_live_survey_code(code.upper(), reread=True), None
    if survey_code is None:
        _unavailable()
    return survey_code, locked_rules


def _survey_code_or_404(code: str) -> SurveyCode:
    """Any code, revoked ones too (a thank-you page outlives its code)."""
    return get_survey_code(code.upper()) or _unavailable()


def _unavailable() -> NoReturn:
    abort(make_response(render_template("survey/unavailable.html"), 404))


def _submission(
    posted: PostedSurvey,
    survey_code: SurveyCode | SurveyCodeCopy,
    instrument,
    locked_rules: RulesCopy | None,
) -> Submission:
    return Submission(
        client_ref=posted.submission_id,
        unit=survey_code.unit,
        counter=survey_code.counter,
        officer=survey_code.officer,
        instrument=instrument,
        channel=Channel.QR,
        answers=posted.answers,
        comment=posted.comment,
        dossier_code=survey_code.dossier_code,
        link=survey_code if survey_code.single_use else None,
        source=rating_source(),
        locked_rules=locked_rules,
    )


def _render_form(
    form: SurveyForm,
    survey_code: SurveyCode | SurveyCodeCopy | None,
    instrument,
    unknown: list[str],
    sent_before=False,
    busy=False,
):
    sections = [
        (factor, FACTOR_LABELS[factor], [i for i in instrument.items if i.factor == factor])
        for factor in Factor
    ]
    overall = [item for item in instrument.items if item.factor is None]
    return render_template(
        "survey/form.html",
        form=form,
        survey_code=survey_code,
        instrument_code=instrument.code,
        busy=busy,
        sections=[section for section in sections if section[2]],
        overall_items=overall,
        unknown_fields=unknown,
        sent_before=sent_before,
        # Translated once here, not once per radio button (about 400 per page).
        scale_labels={level: str(label) for level, label in SCALE_LABELS.items()},
        no_opinion_label=str(NO_OPINION_LABEL),
        locale=str(get_locale()),
        heading_notes=instrument_headings(instrument.code, instrument.version),
    )
