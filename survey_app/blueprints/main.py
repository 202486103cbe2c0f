"""The public landing page for a visitor without a link, and the site's icon."""

from flask import Blueprint, current_app, render_template, send_from_directory

from survey_app.blueprints.unit_lookup import TRACKING_PARAMETER, UNIT_PARAMETER

bp = Blueprint("main", __name__)
ICON_CACHE_SECONDS = 7 * 24 * 3600


@bp.get("/")
def show_home():
    return render_template(
        "main/home.html", unit_parameter=UNIT_PARAMETER, tracking_parameter=TRACKING_PARAMETER
    )


@bp.get("/favicon.ico")
def show_favicon():
    """Browsers ask for /favicon.ico whatever the page links to; answer instead of a 404."""
    return send_from_directory(
        current_app.static_folder,
        "img/favicon.ico",
        mimetype="image/vnd.microsoft.icon",
        max_age=ICON_CACHE_SECONDS,
    )
