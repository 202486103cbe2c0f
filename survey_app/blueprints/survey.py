"""The citizen's QR survey: /s/<code> opens the unit's instrument for a counter or an officer."""

import time

from flask import (
    Blueprint,
    abort,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale

from forms.survey import SurveyForm, build_survey_form, unknown_field_names
from survey_app.extensions import csrf
from survey_app.labels import FACTOR_LABELS, NO_OPINION_LABEL, SCALE_LABELS
from survey_app.models import Channel, Factor, SurveyCode
from survey_app.queries import (
    get_active_survey_code,
    get_current_instrument,
    get_response_by_dossier,
    get_response_by_ref,
    get_survey_code,
    is_link_answered,
)
from survey_app.services.errors import InvalidSubmission
from survey_app.services.responses import DossierAlreadyRated, Submission, submit_response

bp = Blueprint("survey", __name__)
# Going back from the thank-you page and sending again re-uses the first id, so the same visit
# is never counted twice; a later visit (another dossier) gets a new one.
RESEND_WINDOW_SECONDS = 30 * 60
SENT_KEY = "last_sent"
# The form checks its own CSRF token, so an expired token re-renders the page with every answer
# kept instead of failing before the view runs.
csrf.exempt(bp)


@bp.route("/s/<code>", methods=["GET", "POST"])
def answer_survey(code: str):
    survey_code = _survey_code_or_404(code)
    if survey_code.single_use and is_link_answered(survey_code):
        return _show_answered(survey_code)
    instrument = get_current_instrument(survey_code.unit.instrument_code)
    form = build_survey_form(instrument)
    sent_before = _recently_sent(survey_code.code) if request.method == "GET" else None
    if sent_before:
        form.submission_id.data = sent_before
    submission_id = form.fresh_submission_id()
    if request.method == "POST":
        unknown = unknown_field_names(request.form.keys(), form)
        if form.validate() and not unknown:
            try:
                result = submit_response(_submission(form, survey_code, instrument, submission_id))
            except InvalidSubmission as error:
                _attach_errors(form, error.errors)
            except DossierAlreadyRated:
                return _show_answered(survey_code)
            else:
                ref = result.response.client_ref
                _remember_sent(survey_code.code, ref)
                return redirect(url_for(".thank_you", code=code, ref=ref), code=303)
        return _render_form(form, survey_code, instrument, unknown), 422
    return _render_form(form, survey_code, instrument, [], sent_before=bool(sent_before))


@bp.get("/s/<code>/cam-on/<ref>")
def thank_you(code: str, ref: str):
    survey_code = _survey_code_or_404(code, allow_revoked=True)
    response = get_response_by_ref(survey_code.unit_id, ref) or abort(404)
    return render_template("survey/thanks.html", survey_code=survey_code, response=response)


def _show_answered(survey_code: SurveyCode):
    """A spent one-time link. 410 Gone: this survey will never open again, which the dossier
    software or a link checker can tell; the citizen reads a friendly page. The phone that sent
    the rating (a double tap on Send) still lands on its thank-you page."""
    response = get_response_by_dossier(survey_code.unit_id, survey_code.dossier_code)
    own = response is not None and response.client_ref == request.form.get("submission_id")
    if request.method == "POST" and own:
        return redirect(url_for(".thank_you", code=survey_code.code, ref=response.client_ref), 303)
    return render_template("survey/answered.html", survey_code=survey_code), 410


def _remember_sent(code: str, ref: str) -> None:
    session[SENT_KEY] = {"code": code, "ref": ref, "at": time.time()}


def _recently_sent(code: str) -> str | None:
    """The id of this phone's last response for the code, if sent within the resend window."""
    sent = session.get(SENT_KEY) or {}
    fresh = time.time() - sent.get("at", 0) < RESEND_WINDOW_SECONDS
    return sent.get("ref") if fresh and sent.get("code") == code else None


def _survey_code_or_404(code: str, allow_revoked: bool = False) -> SurveyCode:
    lookup = get_survey_code if allow_revoked else get_active_survey_code
    survey_code = lookup(code.upper())
    if survey_code is None:
        abort(make_response(render_template("survey/unavailable.html"), 404))
    return survey_code


def _submission(form: SurveyForm, survey_code: SurveyCode, instrument, submission_id: str):
    return Submission(
        client_ref=submission_id,
        unit=survey_code.unit,
        counter=survey_code.counter,
        officer=survey_code.officer,
        instrument=instrument,
        channel=Channel.QR,
        answers=form.answers([item.code for item in instrument.items]),
        comment=form.comment.data or "",
        dossier_code=survey_code.dossier_code,
        link=survey_code if survey_code.single_use else None,
    )


def _attach_errors(form: SurveyForm, errors: dict[str, str]) -> None:
    for name, message in errors.items():
        if name in form:
            form[name].errors = [*form[name].errors, message]
        else:
            form.form_errors.append(message)


def _render_form(
    form: SurveyForm, survey_code: SurveyCode, instrument, unknown: list[str], sent_before=False
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
        sections=[section for section in sections if section[2]],
        overall_items=overall,
        unknown_fields=unknown,
        sent_before=sent_before,
        # Translated once here, not once per radio button (about 400 per page).
        scale_labels={level: str(label) for level, label in SCALE_LABELS.items()},
        no_opinion_label=str(NO_OPINION_LABEL),
        locale=str(get_locale()),
    )
