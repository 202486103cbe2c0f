"""The complaint pages for a citizen without a link: /phan-anh/ to find the unit to complain
to, /t/ to type a tracking code. Routes of the complaints blueprint, so its rate limits and its
no-referrer policy (a tracking code is in the URL) apply to them."""

import re

from flask import redirect, render_template, url_for
from flask_babel import lazy_gettext as _l

from survey_app.blueprints.complaints.blueprint import bp
from survey_app.blueprints.unit_lookup import TRACKING_PARAMETER, typed_code, unit_lookup
from survey_app.models import Ticket
from survey_app.queries.tickets import get_ticket_by_code
from survey_app.services.org.members import CODE_ALPHABET
from survey_app.services.tickets.opening import TRACKING_CODE_LENGTH

TRACKING_CODE_SHAPE = re.compile(f"[{CODE_ALPHABET}]{{{TRACKING_CODE_LENGTH}}}")
# Spaces and dashes people add when copying a code from a screenshot or a note.
SEPARATORS = re.compile(r"[\s.\-_]+")


@bp.get("/phan-anh/")
def find_unit_to_complain_to():
    return unit_lookup("complaints.file_form", "complaints/find_unit.html")


@bp.get("/t/")
def find_ticket():
    typed = typed_code(TRACKING_PARAMETER)
    error, status = None, 200
    if typed is not None:
        code = SEPARATORS.sub("", typed).upper()
        ticket = _ticket_by_code(code) if TRACKING_CODE_SHAPE.fullmatch(code) else None
        if ticket is not None:
            return redirect(url_for(".show_status", code=ticket.code), code=303)
        error, status = _tracking_error(code)
    page = render_template(
        "complaints/find_ticket.html",
        typed=typed or "",
        error=error,
        tracking_parameter=TRACKING_PARAMETER,
    )
    return page, status


def _ticket_by_code(code: str) -> Ticket | None:
    return get_ticket_by_code(code)


def _tracking_error(code: str) -> tuple[str, int]:
    if not code:
        return str(_l("Enter the tracking code you received when you sent the complaint.")), 422
    if not TRACKING_CODE_SHAPE.fullmatch(code):
        message = _l(
            "A tracking code has %(length)d letters and digits, such as 7KQ2M9XH4P. "
            "Check what you typed.",
            length=TRACKING_CODE_LENGTH,
        )
        return str(message), 422
    message = _l("No complaint has this tracking code. Check each letter and digit and try again.")
    return str(message), 404
