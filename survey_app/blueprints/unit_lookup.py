"""Where a citizen without a link types a code: the unit to complain to or whose figures to
see (/phan-anh/, /cong-khai/), or the tracking code of a complaint (/t/). A GET form, so the
page works without JavaScript and the browser's Back keeps what was typed; a wrong code shows
the page again with the code kept and a message saying what to do."""

from flask import redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from survey_app.models import Unit
from survey_app.queries.codes import get_active_survey_code
from survey_app.queries.units import find_unit_by_code, list_public_units

UNIT_PARAMETER = "don-vi"
TRACKING_PARAMETER = "ma"
TYPED_MAX_LENGTH = 64  # longer is no code of ours; echo no more of it than that


def typed_code(name: str) -> str | None:
    """What the citizen typed in the box `name`; None when the form was not sent."""
    typed = request.args.get(name)
    return None if typed is None else typed.strip()[:TYPED_MAX_LENGTH]


def find_public_unit(typed: str) -> Unit | None:
    """The active unit of a unit code, or of the survey code printed under a counter's QR."""
    unit = find_unit_by_code(typed)
    if unit is None:
        survey_code = get_active_survey_code(typed.upper())
        standing = survey_code is not None and not survey_code.single_use  # not a dossier's
        unit = survey_code.unit if standing else None
    return unit if unit is not None and unit.active else None


def unit_lookup(endpoint: str, template: str, **context):
    """The page of `template` with its unit-code form and the list of units; a known code goes
    straight on to `endpoint` of that unit."""
    typed = typed_code(UNIT_PARAMETER)
    error, status = None, 200
    if typed is not None:
        unit = find_public_unit(typed) if typed else None
        if unit is not None:
            return redirect(url_for(endpoint, unit_code=unit.code), code=303)
        error, status = _unit_error(typed)
    page = render_template(
        template,
        typed=typed or "",
        error=error,
        units=list_public_units(),
        endpoint=endpoint,
        unit_parameter=UNIT_PARAMETER,
        **context,
    )
    return page, status


def _unit_error(typed: str) -> tuple[str, int]:
    if not typed:
        return str(_l("Enter the unit's code, or choose the unit in the list below.")), 422
    message = _l(
        "No unit in service has the code “%(code)s”. Check the code on the poster at the "
        "counter, or choose the unit in the list below.",
        code=typed,
    )
    return str(message), 404
