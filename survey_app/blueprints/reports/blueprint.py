"""The reports blueprint, which the route modules of this package add their pages to."""

from flask import Blueprint, redirect, request

from survey_app.auth.guard import guard_staff_blueprint

bp = Blueprint("reports", __name__, url_prefix="/quan-tri/bao-cao")
guard_staff_blueprint(bp)


def redirect_old_url(rest: str = ""):
    """/reports/... was the one English staff prefix; bookmarks and old links land on the new one.

    308 keeps the method and body, so a form posted to an old URL still arrives."""
    query = request.query_string.decode("ascii", "replace")
    target = f"{bp.url_prefix}/{rest}" + (f"?{query}" if query else "")
    return redirect(target, code=308)


@bp.record_once
def _keep_old_urls(state) -> None:
    state.app.add_url_rule("/reports", "reports_old_url", redirect_old_url, methods=["GET", "POST"])
    state.app.add_url_rule(
        "/reports/<path:rest>", "reports_old_url", redirect_old_url, methods=["GET", "POST"]
    )
