"""The officer's own feedback: their monthly figures, trend, standing in the unit and comments."""

from zoneinfo import ZoneInfo

from flask import Blueprint, abort, render_template, request, session
from flask_login import current_user

from analytics.comments import list_comments
from analytics.indices import (
    ResponseFilter,
    compute_figures,
    is_below_average,
    min_sample,
    monthly_trend,
)
from analytics.opening_month import month_to_open
from survey_app.auth.guard import guard_staff_blueprint
from survey_app.auth.permissions import Permission, needs
from survey_app.blueprints.figure_parts import comment_masks, factor_chart, trend_chart
from survey_app.display.labels import FACTOR_LABELS
from survey_app.models import Officer
from survey_app.months import Month, current_month, survey_zone

bp = Blueprint("officer", __name__, url_prefix="/cong-chuc")
guard_staff_blueprint(bp)

MONTH_PARAMETER = "thang"
FIRST_VISIT_KEY = "first_visit"  # set by blueprints/account_links.py
TREND_MONTHS = 12


@bp.get("/cua-toi")
@needs(Permission.VIEW_OWN_FEEDBACK)
def show_my_feedback():
    officer = current_user.officer
    if officer is None:
        abort(404)
    zone = survey_zone()
    today = current_month(zone)
    typed = request.args.get(MONTH_PARAMETER, "").strip()
    # Once, right after the account's activation (blueprints/account_links.py).
    first_visit = session.pop(FIRST_VISIT_KEY, False)
    page = {"officer": officer, "today": today, "typed": typed, "first_visit": first_visit}
    try:
        month = (
            Month.parse(typed) if typed else month_to_open(ResponseFilter(officer_id=officer.id))
        )
    except ValueError:
        return render_template("officer/feedback.html", month=None, **page), 400
    page["typed"] = str(month)
    return render_template(
        "officer/feedback.html", month=month, **page, **_feedback(officer, month, zone)
    )


def _feedback(officer: Officer, month: Month, zone: ZoneInfo) -> dict:
    minimum = min_sample()
    own_filter = ResponseFilter(officer_id=officer.id)
    trend = monthly_trend(own_filter, month, TREND_MONTHS, zone)
    own = trend[-1][1]  # the chosen month closes the trend
    unit = compute_figures(ResponseFilter.unit_subtree(officer.unit_id), month, zone)
    enough = own.has_sample(minimum)
    return {
        "figures": own,
        "factor_labels": FACTOR_LABELS,
        "unit_figures": unit,
        "minimum": minimum,
        "enough": enough,
        "below_unit": is_below_average(own, unit, minimum),
        "factor_chart": factor_chart(own) if enough else None,
        "trend": trend,
        "trend_chart": trend_chart(trend, minimum),
        # Below the sample a comment could be matched to the one citizen the officer served.
        "comments": list_comments(own_filter, month, comment_masks(), zone) if enough else [],
    }
