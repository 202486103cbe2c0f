"""The complaints blueprint, which the route modules of this package add their pages to."""

from flask import (
    Blueprint,
)

from survey_app.core.extensions import csrf

bp = Blueprint("complaints", __name__)
csrf.exempt(bp)
