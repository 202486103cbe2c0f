"""The public page of a unit (/cong-khai/<unit code>, no sign-in): a month's and the last
12 months' satisfaction, for the transparency the Government's service index asks for. A
closed month shows the figures of its published report. Without a month it opens on the last
month with enough responses to publish, not on the current month that has barely begun.

No comments, no names, no figure from fewer than the minimum sample; cacheable for a few
minutes by browsers and proxies."""

from flask import Blueprint, abort, make_response, redirect, render_template, request, url_for

from analytics.closures import published_trend
from analytics.figures import sum_figures
from analytics.indices import min_sample
from survey_app.blueprints.figure_parts import factor_chart, trend_chart
from survey_app.blueprints.unit_lookup import unit_lookup
from survey_app.display.labels import FACTOR_LABELS
from survey_app.months import Month, current_month
from survey_app.queries.units import find_unit_by_code

bp = Blueprint("public", __name__, url_prefix="/cong-khai")

MONTH_PARAMETER = "month"
TREND_MONTHS = 12
CACHE_SECONDS = 300


@bp.get("/")
def find_unit():
    return _cacheable(make_response(unit_lookup("public.show_unit", "public/find_unit.html")))


@bp.get("/<unit_code>")
def show_unit(unit_code: str):
    unit = find_unit_by_code(unit_code)
    if unit is None or not unit.active:
        abort(404)
    if unit.code != unit_code:  # one address per unit, for caches and shared links
        return redirect(url_for(".show_unit", unit_code=unit.code, **request.args), code=301)
    asked = request.args.get(MONTH_PARAMETER, "")
    today = current_month()
    month = _month(asked, today)
    trend = published_trend(unit, month, TREND_MONTHS)
    minimum = min_sample()
    if not asked:
        month = _last_published_month(trend, minimum) or month
    figures = dict(trend)[month]
    page = render_template(
        "public/unit.html",
        unit=unit,
        month=month,
        today=today,
        figures=figures,
        year=sum_figures(figures for _, figures in trend),
        minimum=minimum,
        factor_chart=factor_chart(figures) if figures.has_sample(minimum) else None,
        trend_chart=trend_chart(trend, minimum, show_counts=False),
        trend=trend,
        factor_labels=FACTOR_LABELS,
        units_below=sorted((c for c in unit.children if c.active), key=lambda c: c.name),
    )
    return _cacheable(make_response(page))


def _last_published_month(trend, minimum: int) -> Month | None:
    """The newest month of the trend whose figures may be published."""
    published = [month for month, figures in trend if figures.has_sample(minimum)]
    return published[-1] if published else None


def _month(text: str, today: Month) -> Month:
    """The month asked for (YYYY-MM), this month by default; not one in the future."""
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
