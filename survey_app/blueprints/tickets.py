"""The complaint queue and the handling of a ticket (being built)."""

from flask import Blueprint

from survey_app.auth.guard import guard_staff_blueprint
from survey_app.auth.permissions import Permission, needs

bp = Blueprint("tickets", __name__, url_prefix="/quan-tri/phan-anh")
guard_staff_blueprint(bp)


@bp.get("/")
@needs(Permission.HANDLE_COMPLAINTS)
def list_tickets():
    return "queue"
