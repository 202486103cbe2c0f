"""The reports blueprint, which the route modules of this package add their pages to."""

from flask import Blueprint

from survey_app.auth.guard import guard_staff_blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")
guard_staff_blueprint(bp)
