"""User accounts and the audit log (being built)."""

from flask import Blueprint

from survey_app.auth.guard import guard_staff_blueprint
from survey_app.auth.permissions import Permission, needs

bp = Blueprint("users", __name__, url_prefix="/quan-tri")
guard_staff_blueprint(bp)


@bp.get("/nguoi-dung")
@needs(Permission.MANAGE_USERS)
def list_users():
    return "users"


@bp.get("/nhat-ky")
@needs(Permission.VIEW_AUDIT_LOG)
def show_audit_log():
    return "audit"
