"""The citizen's side of complaints: the unit's public form, the status page with the rating,
and (staff only) the download of a ticket's attachments."""

import time
import uuid

from flask import (
    abort,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l

from forms import honeypot
from forms.complaints import CitizenTicketForm, RatingForm
from forms.errors import attach_errors
from survey_app.blueprints.complaints.blueprint import bp
from survey_app.display.collation import person_key, sorted_vi
from survey_app.display.labels import SCALE_LABELS
from survey_app.models import (
    Counter,
    Officer,
    Procedure,
    Ticket,
    TicketChannel,
    TicketStatus,
    Unit,
)
from survey_app.queries.org import get_member, list_members
from survey_app.queries.procedures import get_procedure, list_all_procedures
from survey_app.queries.responses import get_response_by_ref
from survey_app.queries.tickets import get_filed_text, get_ticket_by_code
from survey_app.queries.units import get_unit_by_code
from survey_app.services.errors import InvalidSubmission
from survey_app.services.tickets.attachments import MAX_FILE_BYTES, Upload
from survey_app.services.tickets.consent import ticket_consent
from survey_app.services.tickets.filing import file_ticket, filing_errors
from survey_app.services.tickets.opening import TicketRequest
from survey_app.services.tickets.rating import (
    ANSWERED_STATUSES,
    RatingRefused,
    can_rate,
    rate_ticket,
)

# The forms check their own CSRF token, so an expired token re-renders the page with the text
# kept instead of failing before the view runs (as the survey does).
# The citizen's words for each status.
STATUS_WORDS = {
    TicketStatus.RECEIVED: _l("Received, waiting to be handled"),
    TicketStatus.ASSIGNED: _l("Being handled"),
    TicketStatus.ANSWERED: _l("Answered"),
    TicketStatus.CLOSED: _l("Answered and closed"),
    TicketStatus.TRANSFERRED: _l("Transferred to the competent unit"),
    TicketStatus.REJECTED: _l("Not accepted"),
}
# Going back from the tracking code and sending again re-uses the first form's id (as the survey
# does), so the same complaint is filed once; a different text is a new complaint.
RESEND_WINDOW_SECONDS = 30 * 60
FILED_KEY = "last_complaint"
REPEAT_PARAMETER = "lap-lai"


@bp.route("/phan-anh/<unit_code>", methods=["GET", "POST"])
def file_form(unit_code: str):
    unit = _active_unit_or_404(unit_code)
    if request.method == "POST" and honeypot.caught():
        honeypot.log_dropped("complaint form", unit.code)  # the bot sees the usual page
        return render_template("complaints/filed.html", ticket=honeypot.decoy_ticket(unit))
    form = CitizenTicketForm()
    _offer_choices(form, unit)
    survey = _linked_survey(unit, form.phieu.data or request.args.get("phieu", ""))
    if request.method == "GET" and survey is not None:
        form.phieu.data = survey.client_ref
        form.counter.data = survey.counter.code if survey.counter else ""
        form.officer.data = survey.officer.code if survey.officer else ""
    filed_before = _recently_filed(unit.code) if request.method == "GET" else None
    if filed_before:
        form.client_ref.data = filed_before
    client_ref = form.fresh_client_ref()
    if request.method == "POST":
        client_ref = _ref_of_this_text(form, unit, client_ref)
        valid, uploads = form.validate(), _uploads()
        ticket_request = _ticket_request(form, unit, survey, client_ref)
        try:
            if not valid:  # still tell about the files and the consent in the same answer
                raise InvalidSubmission(filing_errors(ticket_request, uploads))
            opened = file_ticket(ticket_request, uploads)
        except InvalidSubmission as error:
            attach_errors(form, error.errors)
        else:
            return _after_filing(unit, client_ref, opened)
        return _render_form(form, unit, sent_files=bool(uploads)), 422
    return _render_form(form, unit, filed_before=bool(filed_before))


@bp.get("/t/<code>/da-gui")
def filed(code: str):
    return render_template("complaints/filed.html", ticket=_ticket_or_404(code))


def _after_filing(unit: Unit, client_ref: str, opened):
    session[FILED_KEY] = {"unit": unit.code, "ref": client_ref, "at": time.time()}
    if opened.created:
        return redirect(url_for(".filed", code=opened.ticket.code), code=303)
    # Sent again (Back, then Send): the ticket already filed, not a second one.
    return redirect(url_for(".show_status", code=opened.ticket.code, **{REPEAT_PARAMETER: 1}), 303)


def _recently_filed(unit_code: str) -> str | None:
    """The form id of this phone's last complaint to the unit, if sent within the window."""
    filed = session.get(FILED_KEY) or {}
    fresh = time.time() - filed.get("at", 0) < RESEND_WINDOW_SECONDS
    return filed.get("ref") if fresh and filed.get("unit") == unit_code else None


def _ref_of_this_text(form: CitizenTicketForm, unit: Unit, client_ref: str) -> str:
    """The form's id, unless a complaint with another text was already filed with it: the
    citizen went back and wrote a new complaint, which must not be taken for the first one."""
    filed = get_filed_text(unit.id, client_ref)
    typed = (form.content.data or "").strip()
    if filed is not None and filed != typed:
        form.client_ref.data = client_ref = uuid.uuid4().hex
    return client_ref


@bp.route("/t/<code>", methods=["GET", "POST"])
def show_status(code: str):
    ticket = _ticket_or_404(code)
    form = RatingForm()
    if request.method == "POST":
        if form.validate():
            try:
                rate_ticket(ticket, form.rating.data)
            except RatingRefused as error:
                form.rating.errors = [str(error)]
            else:
                return redirect(url_for(".show_status", code=ticket.code), code=303)
        return _render_status(ticket, form), 422
    return _render_status(ticket, form)


def _active_unit_or_404(unit_code: str) -> Unit:
    unit = get_unit_by_code(unit_code.upper())
    if unit is None or not unit.active:
        abort(make_response(render_template("complaints/unavailable.html"), 404))
    return unit


def _ticket_or_404(code: str) -> Ticket:
    ticket = get_ticket_by_code(code.upper())
    if ticket is None:
        abort(make_response(render_template("complaints/unknown.html"), 404))
    return ticket


def _linked_survey(unit: Unit, ref: str):
    """The survey the citizen comes from; only its own phone knows its client_ref."""
    return get_response_by_ref(unit.id, ref) if ref else None


def _offer_choices(form: CitizenTicketForm, unit: Unit) -> None:
    form.offer(
        sorted_vi(_active(Counter, unit), key=lambda counter: counter.name),
        sorted(_active(Officer, unit), key=lambda officer: person_key(officer.full_name)),
        sorted_vi(
            list_all_procedures(),
            key=lambda procedure: procedure.name,
        ),
    )


def _active(model, unit: Unit):
    return list_members(model, [unit.id], active_only=True)


def _ticket_request(form: CitizenTicketForm, unit: Unit, survey, client_ref: str) -> TicketRequest:
    return TicketRequest(
        client_ref=client_ref,
        unit=unit,
        content=form.content.data or "",
        channel=TicketChannel.SURVEY if survey else TicketChannel.WEB,
        counter=_by_code(Counter, unit, form.counter.data),
        officer=_by_code(Officer, unit, form.officer.data),
        procedure=_procedure(form.procedure.data),
        response=survey,
        contact_name=form.contact_name.data or None,
        contact_phone=form.contact_phone.data or None,
        contact_email=form.contact_email.data or None,
        consent_text=ticket_consent(unit) if form.consent.data else None,
    )


def _by_code(model, unit: Unit, code: str | None):
    if not code:
        return None
    return get_member(model, unit.id, code)


def _procedure(code: str | None) -> Procedure | None:
    return get_procedure(code) if code else None


def _uploads() -> list[Upload]:
    uploads = []
    for file in request.files.getlist("attachments"):
        try:
            if file.filename:  # one byte more than allowed is enough to refuse it
                uploads.append(Upload(file.filename, file.read(MAX_FILE_BYTES + 1)))
        finally:
            file.close()  # a large part is spooled to a temporary file: close it now
    return uploads


def _render_form(
    form: CitizenTicketForm, unit: Unit, sent_files: bool = False, filed_before: bool = False
):
    return render_template(
        "complaints/form.html",
        form=form,
        unit=unit,
        consent_text=ticket_consent(unit),
        sent_files=sent_files,
        filed_before=filed_before,
    )


def _render_status(ticket: Ticket, form: RatingForm):
    rating = SCALE_LABELS.get(ticket.handling_rating)
    page = render_template(
        "complaints/status.html",
        ticket=ticket,
        form=form,
        can_rate=can_rate(ticket),
        answered=ticket.status in ANSWERED_STATUSES,
        status_label=STATUS_WORDS[ticket.status],
        rating_label=rating,
        sent_again=request.method == "GET" and REPEAT_PARAMETER in request.args,
    )
    response = make_response(page)
    # The citizen's own text: not to be kept by a shared phone's browser or a proxy.
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response
