"""The public page of a unit (/cong-khai/<unit code>, no sign-in): this month's and the last
12 months' satisfaction, for the transparency the Government's service index asks for. A
closed month shows the figures of its published report.

No comments, no names, no figure from fewer than the minimum sample; cacheable for a few
minutes by browsers and proxies."""

from flask import Blueprint, abort, make_response, render_template, request

from analytics.closures import published_trend
from analytics.figures import sum_figures
from analytics.indices import min_sample
from analytics.months import Month, current_month
from survey_app.blueprints.figure_parts import factor_chart, trend_chart
from survey_app.labels import FACTOR_LABELS
from survey_app.queries import get_unit_by_code

bp = Blueprint("public", __name__, url_prefix="/cong-khai")

MONTH_PARAMETER = "month"
TREND_MONTHS = 12
CACHE_SECONDS = 300


@bp.get("/<unit_code>")
def show_unit(unit_code: str):
    unit = get_unit_by_code(unit_code)
    if unit is None or not unit.active:
        abort(404)
    month = _month(request.args.get(MONTH_PARAMETER, ""))
    trend = published_trend(unit, month, TREND_MONTHS)
    figures, minimum = trend[-1][1], min_sample()
    page = render_template(
        "public/unit.html",
        unit=unit,
        month=month,
        figures=figures,
        year=sum_figures(figures for _, figures in trend),
        minimum=minimum,
        factor_chart=factor_chart(figures) if figures.has_sample(minimum) else None,
        trend_chart=trend_chart(trend, minimum, show_counts=False),
        trend=trend,
        factor_labels=FACTOR_LABELS,
    )
    return _cacheable(make_response(page))


def _month(text: str) -> Month:
    """The month asked for (YYYY-MM), this month by default; not one in the future."""
    today = current_month()
    if not text:
        return today
    try:
        month = Month.parse(text)
    except ValueError:
        abort(404)
    if month > today:
        abort(404)
    return month


def _cacheable(response):
    response.cache_control.public = True
    response.cache_control.max_age = CACHE_SECONDS
    # The language comes from the session cookie: a shared cache keeps one copy per cookie.
    response.vary.add("Cookie")
    return response
