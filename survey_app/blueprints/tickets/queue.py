"""The complaint queue (on the tickets blueprint): filters, one search box, pages."""

from flask import abort, render_template, request
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from analytics.follow_ups import list_due_follow_ups
from forms.tickets import SEARCH_MAX_LENGTH, QueueFilterForm
from survey_app.auth.permissions import Permission, needs
from survey_app.auth.scope import current_scope
from survey_app.blueprints.tickets.blueprint import bp
from survey_app.blueprints.tickets.handling import owned_choices
from survey_app.core.bounded import id_or_none
from survey_app.display.labels import TICKET_STATUS_LABELS
from survey_app.models import Counter, Officer, TicketStatus, utcnow
from survey_app.queries.ticket_search import MAX_PAGE, NoSuchPage, paginate_queue, snippet
from survey_app.queries.tickets import QueueFilter, queue_query, urgency
from survey_app.workdays import WorkCalendar


@bp.get("/")
@needs(Permission.HANDLE_COMPLAINTS)
def list_tickets():
    form = QueueFilterForm(request.args)
    _offer_filters(form)
    form.validate()  # shows what is wrong with the search; the queue still opens
    chosen = QueueFilter(
        status=_status_or_none(form.status.data),
        counter_id=id_or_none(form.counter.data),
        officer_id=id_or_none(form.officer.data),
        search=(form.q.data or "")[:SEARCH_MAX_LENGTH],
    )
    try:
        page = paginate_queue(queue_query(current_scope().unit_ids, chosen), _page_number())
    except NoSuchPage:
        abort(404)
    now, calendar = utcnow(), WorkCalendar()  # one calendar for the page's rows
    rows = [(ticket, urgency(ticket, now, calendar)) for ticket in page.tickets]
    # Beside the tickets: follow-ups of flagged responses due soon or overdue.
    due = list_due_follow_ups(current_scope().unit_ids, now)
    return render_template(
        "tickets/list.html",
        form=form,
        rows=rows,
        page=page,
        snippet=snippet,
        chosen=chosen,
        follow_ups_due=due,
    )


def _page_number() -> int:
    """?page= as a bounded whole number: anything else is a bad request, not a server error."""
    raw = request.args.get("page", "1").strip()
    if not (raw.isascii() and raw.isdigit() and len(raw) <= len(str(MAX_PAGE))):
        abort(400)
    number = int(raw)
    if not 1 <= number <= MAX_PAGE:
        abort(400)
    return number


def _offer_filters(form: QueueFilterForm) -> None:
    units = current_scope().unit_ids
    form.status.choices = [SelectChoice("", _("Open"))] + [
        SelectChoice(s.value, str(TICKET_STATUS_LABELS[s])) for s in TicketStatus
    ]
    form.counter.choices = [SelectChoice("", _("All counters"))] + owned_choices(
        Counter, Counter.name, units
    )
    form.officer.choices = [SelectChoice("", _("All officers"))] + owned_choices(
        Officer, Officer.full_name, units
    )


def _status_or_none(raw: str | None) -> TicketStatus | None:
    return TicketStatus(raw) if raw in set(TicketStatus) else None
