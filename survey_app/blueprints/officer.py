"""The officer's own feedback (being built)."""

from flask import Blueprint

from survey_app.auth.guard import guard_staff_blueprint
from survey_app.auth.permissions import Permission, needs

bp = Blueprint("officer", __name__, url_prefix="/cong-chuc")
guard_staff_blueprint(bp)


@bp.get("/cua-toi")
@needs(Permission.VIEW_OWN_FEEDBACK)
def show_my_feedback():
    return "my feedback"
