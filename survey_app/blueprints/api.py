"""The JSON API for integrations (being built)."""

from flask import Blueprint

from survey_app.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Integrations authenticate with an API key, not a browser session: no CSRF token.
csrf.exempt(bp)
