"""The officer's own feedback: their monthly figures, trend, standing in the unit and comments."""

from zoneinfo import ZoneInfo

from flask import Blueprint, abort, render_template, request
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from analytics.charts import Bar, bar_chart, column_chart
from analytics.comments import Masks, list_comments
from analytics.indices import (
    Figures,
    ResponseFilter,
    compute_figures,
    is_below_average,
    min_sample,
    monthly_trend,
)
from analytics.months import Month, current_month, survey_zone
from survey_app.auth.guard import guard_staff_blueprint
from survey_app.auth.permissions import Permission, needs
from survey_app.labels import FACTOR_LABELS
from survey_app.models import Officer

bp = Blueprint("officer", __name__, url_prefix="/cong-chuc")
guard_staff_blueprint(bp)

MONTH_PARAMETER = "thang"
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
    page = {"officer": officer, "today": today, "typed": typed}
    try:
        month = Month.parse(typed) if typed else today
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
        "factor_chart": _factor_chart(own) if enough else None,
        "trend": trend,
        "trend_chart": _trend_chart(trend, minimum),
        # Below the sample a comment could be matched to the one citizen the officer served.
        "comments": list_comments(own_filter, month, _masks(), zone) if enough else [],
    }


def _factor_chart(figures: Figures):
    bars = [
        Bar(
            label=factor.value,
            value=figure.index,
            shown=_number(figure.index),
            title=f"{FACTOR_LABELS[factor]}: {_number(figure.index)}",
        )
        for factor, figure in figures.factors.items()
    ]
    return bar_chart(bars, title=_("Index of each factor, from 0 to 100"))


def _trend_chart(trend: list[tuple[Month, Figures]], minimum: int):
    bars = []
    for month, figures in trend:
        index = figures.sipas_index if figures.has_sample(minimum) else None
        bars.append(
            Bar(
                label=f"{month.month:02d}/{month.year % 100:02d}",
                value=index,
                shown=_number(index),
                title=_trend_title(month, figures, index),
            )
        )
    return column_chart(bars, title=_("SIPAS index over the last 12 months"))


def _trend_title(month: Month, figures: Figures, index: float | None) -> str:
    if index is not None:
        return _("%(month)s: SIPAS index %(index)s", month=month.slashed(), index=_number(index))
    if not figures.responses:
        return _("%(month)s: no responses", month=month.slashed())
    return _(
        "%(month)s: %(count)d responses, not enough for an index",
        month=month.slashed(),
        count=figures.responses,
    )


def _number(value: float | None) -> str:
    return "–" if value is None else format_decimal(value, "0.0")


def _masks() -> Masks:
    return Masks(phone=_("[phone number]"), email=_("[e-mail]"), identity_number=_("[ID number]"))
