"""Units, counters and officers (being built)."""

from flask import Blueprint

from survey_app.auth.guard import guard_staff_blueprint
from survey_app.auth.permissions import Permission, needs

bp = Blueprint("org", __name__, url_prefix="/quan-tri")
guard_staff_blueprint(bp)


@bp.get("/don-vi")
@needs(Permission.MANAGE_ORGANISATION)
def list_units():
    return "units"
