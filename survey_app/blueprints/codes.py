"""QR codes of counters and officers: preview, posters, rotation (being built)."""

from flask import Blueprint

from survey_app.auth.guard import guard_staff_blueprint

bp = Blueprint("codes", __name__, url_prefix="/quan-tri")
guard_staff_blueprint(bp)
