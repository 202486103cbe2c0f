"""The working-day calendar: days off and make-up days (being built)."""

from flask import Blueprint

from survey_app.auth.guard import guard_staff_blueprint
from survey_app.auth.permissions import Permission, needs

bp = Blueprint("calendar_admin", __name__, url_prefix="/quan-tri/lich-lam-viec")
guard_staff_blueprint(bp)


@bp.get("/")
@needs(Permission.MANAGE_CALENDAR)
def show_calendar():
    return "calendar"
