"""The complaint queue, the ticket page with its handling actions, and staff entry."""

import uuid

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from forms.errors import attach_errors
from forms.tickets import (
    AnswerForm,
    AssignForm,
    CloseForm,
    ExtendForm,
    RejectForm,
    StaffTicketForm,
    TransferForm,
)
from survey_app.auth.permissions import Permission, can, needs
from survey_app.auth.scope import current_scope
from survey_app.blueprints.tickets.blueprint import bp
from survey_app.core.bounded import id_or_none
from survey_app.display.collation import person_key, vi_key
from survey_app.models import (
    Counter,
    Officer,
    Procedure,
    Ticket,
    TicketChannel,
    Unit,
    User,
    utcnow,
)
from survey_app.queries.org import get_by_id, list_members
from survey_app.queries.procedures import get_procedure
from survey_app.queries.tickets import urgency
from survey_app.queries.units import get_unit_by_code, list_units
from survey_app.queries.users import list_ticket_handlers
from survey_app.services.errors import InvalidSubmission
from survey_app.services.tickets import handling
from survey_app.services.tickets.handling import InvalidTransition
from survey_app.services.tickets.opening import TicketRequest, open_ticket

# The wording stored as the citizen's consent when staff type in a phone call or a letter.
STAFF_CONSENT_TEXT = (
    "Người phản ánh đồng ý (qua điện thoại hoặc trên văn bản) để cơ quan lưu họ tên, số điện "
    "thoại, thư điện tử nhằm trả lời phản ánh, kiến nghị."
)
ACTION_FORMS = {
    "assign": AssignForm,
    "answer": AnswerForm,
    "reject": RejectForm,
    "close": CloseForm,
    "transfer": TransferForm,
    "extend": ExtendForm,
}


@bp.route("/moi", methods=["GET", "POST"])
@needs(Permission.HANDLE_COMPLAINTS)
def new_ticket():
    form = StaffTicketForm()
    _offer_entry_choices(form)
    if not form.form_id.data:
        form.form_id.data = uuid.uuid4().hex
    if form.validate_on_submit():
        try:
            opened = open_ticket(_entry_request(form))
        except InvalidSubmission as problem:
            attach_errors(form, problem.errors)
        else:
            flash(_("Ticket %(code)s was filed.", code=opened.ticket.code), "success")
            return redirect(url_for(".show_ticket", ticket_code=opened.ticket.code), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("tickets/new.html", form=form), status


@bp.get("/<ticket_code>")
@needs(Permission.HANDLE_COMPLAINTS)
def show_ticket(ticket: Ticket):
    return _ticket_page(ticket)


@bp.post("/<ticket_code>/giao")
@needs(Permission.HANDLE_COMPLAINTS)
def assign_ticket(ticket: Ticket):
    def run(form):
        assignee = get_by_id(User, int(form.assignee.data))  # one of the choices
        handling.assign_ticket(ticket, assignee, actor=_me())

    return _act(ticket, "assign", run, _("The ticket was assigned."))


@bp.post("/<ticket_code>/tra-loi")
@needs(Permission.HANDLE_COMPLAINTS)
def answer_ticket(ticket: Ticket):
    run = lambda form: handling.answer_ticket(ticket, form.answer.data, actor=_me())  # noqa: E731
    return _act(ticket, "answer", run, _("The answer was sent."))


@bp.post("/<ticket_code>/tu-choi")
@needs(Permission.HANDLE_COMPLAINTS)
def reject_ticket(ticket: Ticket):
    run = lambda form: handling.reject_ticket(ticket, form.reason.data, actor=_me())  # noqa: E731
    return _act(ticket, "reject", run, _("The ticket was rejected."))


@bp.post("/<ticket_code>/dong")
@needs(Permission.HANDLE_COMPLAINTS)
def close_ticket(ticket: Ticket):
    run = lambda form: handling.close_ticket(ticket, actor=_me())  # noqa: E731
    return _act(ticket, "close", run, _("The ticket was closed."))


@bp.post("/<ticket_code>/chuyen")
@needs(Permission.HANDLE_COMPLAINTS)
def transfer_ticket(ticket: Ticket):
    form = TransferForm()
    if form.validate_on_submit():
        unit = get_unit_by_code(form.unit_code.data)
        try:
            if unit is None:
                raise InvalidTransition(_("No unit has this code."))
            handling.transfer_ticket(ticket, unit, actor=_me())
        except InvalidTransition as problem:
            form.form_errors.append(str(problem))
        else:
            flash(_("The ticket was transferred to %(unit)s.", unit=unit.name), "success")
            if not current_scope().covers(unit.id):
                return redirect(url_for(".list_tickets"), 303)
            return redirect(url_for(".show_ticket", ticket_code=ticket.code), 303)
    return _ticket_page(ticket, transfer=form), 422


@bp.post("/<ticket_code>/gia-han")
@needs(Permission.GRANT_EXTENSIONS)
def extend_ticket(ticket: Ticket):
    def run(form):
        handling.extend_ticket(ticket, form.new_due.data, form.reason.data, actor=_me())

    return _act(ticket, "extend", run, _("The extension was granted."))


def _act(ticket: Ticket, name: str, run, done: str):
    """Validate the action's form, run the step, flash; a refused step shows on the page."""
    form = ACTION_FORMS[name]()
    if name == "assign":
        form.assignee.choices = _assignee_choices(ticket)
    if form.validate_on_submit():
        try:
            run(form)
        except InvalidTransition as problem:
            form.form_errors.append(str(problem))
        else:
            flash(done, "success")
            return redirect(url_for(".show_ticket", ticket_code=ticket.code), 303)
    return _ticket_page(ticket, **{name: form}), 422


def _ticket_page(ticket: Ticket, **given):
    forms = {name: given.get(name) or make(formdata=None) for name, make in ACTION_FORMS.items()}
    forms["assign"].assignee.choices = _assignee_choices(ticket)
    return render_template(
        "tickets/show.html",
        ticket=ticket,
        forms=forms,
        urgency=urgency(ticket, utcnow()),
        open=ticket.status in handling.OPEN_STATUSES,
        done=ticket.status in handling.DONE_STATUSES,
        show_contact=can(current_user.role, Permission.HANDLE_COMPLAINTS),
    )


def _assignee_choices(ticket: Ticket) -> list[SelectChoice]:
    """People whose scope covers the ticket's unit and whose role handles complaints."""
    return [
        SelectChoice(str(person.id), f"{person.full_name} ({person.username})")
        for person in list_ticket_handlers(ticket.unit_id)
    ]


def _me() -> User:
    return current_user._get_current_object()


def _offer_entry_choices(form: StaffTicketForm) -> None:
    units = current_scope().unit_ids
    active = list_units(units, active_only=True)
    form.unit.choices = [SelectChoice(str(unit.id), unit.name) for unit in active]
    form.counter.choices = [SelectChoice("", _("None"))] + owned_choices(
        Counter, Counter.name, units
    )
    form.officer.choices = [SelectChoice("", _("None"))] + owned_choices(
        Officer, Officer.full_name, units
    )


def owned_choices(model, label, unit_ids) -> list[SelectChoice]:
    rows = list_members(model, unit_ids)
    key = person_key if model is Officer else vi_key
    rows.sort(key=lambda row: key(getattr(row, label.key)))
    return [SelectChoice(str(row.id), f"{row.code} · {getattr(row, label.key)}") for row in rows]


def _entry_request(form: StaffTicketForm) -> TicketRequest:
    has_contact = form.consent.data
    return TicketRequest(
        client_ref=f"staff-{form.form_id.data[:58]}",
        unit=_in_scope(Unit, form.unit.data),
        content=form.content.data,
        channel=TicketChannel(form.channel.data),
        counter=_in_scope(Counter, form.counter.data),
        officer=_in_scope(Officer, form.officer.data),
        procedure=_procedure(form.procedure_code.data),
        contact_name=form.contact_name.data or None,
        contact_phone=form.contact_phone.data or None,
        contact_email=form.contact_email.data or None,
        consent_text=STAFF_CONSENT_TEXT if has_contact else None,
        actor=_me(),
    )


def _in_scope(model, raw: str | None):
    """An id from a form is trusted only inside the user's units."""
    found = get_by_id(model, number) if (number := id_or_none(raw)) else None
    if found is None:
        return None
    unit_id = found.id if model is Unit else found.unit_id
    return found if current_scope().covers(unit_id) else None


def _procedure(code: str | None) -> Procedure | None:
    return get_procedure(code) if code else None


# The queue and attachment downloads live in their own modules on this blueprint.
