"""The procedures catalogue (being built)."""

from flask import Blueprint

from survey_app.auth.guard import guard_staff_blueprint
from survey_app.auth.permissions import Permission, needs

bp = Blueprint("procedures", __name__, url_prefix="/quan-tri")
guard_staff_blueprint(bp)


@bp.get("/thu-tuc")
@needs(Permission.MANAGE_CATALOGUE)
def list_procedures():
    return "procedures"
