"""The citizen's rights over their contact data, from the tracking page: the code in the URL is
the proof (Law 91/2025/QH15, Decree 356/2025). See it masked, correct it, withdraw the consent."""

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _

from forms.contact_rights import ContactCorrectionForm, WithdrawConsentForm
from survey_app.core.extensions import csrf
from survey_app.models import Ticket
from survey_app.queries.tickets import get_ticket_by_code
from survey_app.services.errors import InvalidSubmission
from survey_app.services.tickets.contact_rights import (
    correct_contact,
    holds_contact,
    show_held_contact,
    withdraw_consent,
)

bp = Blueprint("contact_rights", __name__)
# As on the complaint pages: the forms check their own token and keep what was typed.
csrf.exempt(bp)


@bp.get("/t/<code>/du-lieu")
def show_my_data(code: str):
    ticket = _ticket_or_404(code)
    return _render(ticket, ContactCorrectionForm(formdata=None), WithdrawConsentForm())


@bp.post("/t/<code>/du-lieu")
def correct_my_data(code: str):
    ticket = _ticket_or_404(code)
    form = ContactCorrectionForm()
    if form.validate():
        try:
            changed = correct_contact(
                ticket,
                name=form.contact_name.data,
                phone=form.contact_phone.data,
                email=form.contact_email.data,
            )
        except InvalidSubmission as error:
            _attach(form, error.errors)
        else:
            flash(_("Your contact data was corrected.") if changed else _("Nothing changed."))
            return redirect(url_for(".show_my_data", code=ticket.code), code=303)
    return _render(ticket, form, WithdrawConsentForm()), 422


@bp.post("/t/<code>/du-lieu/rut-lai")
def withdraw_my_consent(code: str):
    ticket = _ticket_or_404(code)
    form = WithdrawConsentForm()
    if form.validate():
        try:
            withdraw_consent(ticket)
        except InvalidSubmission as error:
            form.form_errors.extend(error.errors.values())
        else:
            flash(_("Your consent is withdrawn and your contact data deleted."))
            return redirect(url_for(".show_my_data", code=ticket.code), code=303)
    return _render(ticket, ContactCorrectionForm(formdata=None), form), 422


def _render(ticket: Ticket, correction: ContactCorrectionForm, withdrawal: WithdrawConsentForm):
    held = show_held_contact(ticket) if holds_contact(ticket) else None
    return render_template(
        "complaints/my_data.html",
        ticket=ticket,
        held=held,
        correction=correction,
        withdrawal=withdrawal,
    )


def _attach(form: ContactCorrectionForm, errors: dict[str, str]) -> None:
    for name, message in errors.items():
        if name in form:
            form[name].errors = [message]
        else:
            form.form_errors.append(message)


def _ticket_or_404(code: str) -> Ticket:
    ticket = get_ticket_by_code(code.upper())
    if ticket is None:
        abort(make_response(render_template("complaints/unknown.html"), 404))
    return ticket
