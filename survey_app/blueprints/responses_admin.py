"""Staff decisions on one survey response, addressed by its unit and its client reference
(random, like every public identifier), never by its row id."""

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from survey_app.auth.guard import guard_staff_blueprint
from survey_app.auth.permissions import Permission, needs
from survey_app.models import Unit
from survey_app.queries.responses import get_response_by_ref
from survey_app.services.responses.spam import mark_response_spam

bp = Blueprint("responses_admin", __name__, url_prefix="/quan-tri")
guard_staff_blueprint(bp)


@bp.post("/phieu/<unit_code>/<client_ref>/spam")
@needs(Permission.VIEW_REPORTS)
def mark_spam(unit: Unit, client_ref: str):
    """Form field `spam`: "1" marks the response as spam, "0" takes the mark back."""
    response = get_response_by_ref(unit.id, client_ref) or abort(404)
    spam = request.form.get("spam", "1") == "1"
    mark_response_spam(response, spam=spam, by=current_user._get_current_object())
    if spam:
        flash(
            _("The response was marked as spam: it is kept but left out of the figures."), "success"
        )
    else:
        flash(_("The response counts in the figures again."), "success")
    return redirect(_back(request.form.get("next")))


def _back(target: str | None) -> str:
    """Only a path on this site: never an open redirect to somewhere else."""
    if target and target.startswith("/") and not urlsplit(target).netloc and "//" not in target:
        return target
    return url_for("staff.show_home")
