"""The tickets blueprint, which the route modules of this package add their pages to."""

from flask import Blueprint

from survey_app.auth.guard import guard_staff_blueprint

bp = Blueprint("tickets", __name__, url_prefix="/quan-tri/phan-anh")
guard_staff_blueprint(bp)
