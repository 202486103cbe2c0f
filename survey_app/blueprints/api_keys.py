"""API keys of integrations (being built)."""

from flask import Blueprint

from survey_app.auth.guard import guard_staff_blueprint
from survey_app.auth.permissions import Permission, needs

bp = Blueprint("api_keys", __name__, url_prefix="/quan-tri")
guard_staff_blueprint(bp)


@bp.get("/khoa-api")
@needs(Permission.MANAGE_API_KEYS)
def list_api_keys():
    return "api keys"
