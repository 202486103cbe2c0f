"""The org blueprint, which the route modules of this package add their pages to."""

from flask import Blueprint

from survey_app.auth.guard import guard_staff_blueprint
from survey_app.auth.permissions import Permission

bp = Blueprint("org", __name__, url_prefix="/quan-tri")
guard_staff_blueprint(bp)
MANAGE_ORGANISATION = Permission.MANAGE_ORGANISATION
MANAGE_UNITS = Permission.MANAGE_UNITS
