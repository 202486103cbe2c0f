"""The manager's monthly reports: a unit's dashboard, the ranking of the units below it, the
flagged responses, and closing a month (its figures frozen)."""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from analytics.breakdowns import rank_units
from analytics.dashboard import build_dashboard, change, closing_reminder
from analytics.flagged import list_flagged_responses
from analytics.indices import ResponseFilter, min_sample
from analytics.opening_month import month_to_open
from analytics.periods import periods_containing
from forms.rating_review import BurstDecisionForm
from survey_app.auth.permissions import Permission, needs
from survey_app.blueprints.figure_parts import comment_masks, factor_chart, trend_chart
from survey_app.blueprints.reports.blueprint import bp
from survey_app.display.labels import CHANNEL_LABELS, FACTOR_LABELS
from survey_app.models import Unit, utcnow
from survey_app.months import Month, current_month, survey_zone
from survey_app.services.errors import DomainError
from survey_app.services.month_close import close_month
from survey_app.services.responses.review import held_ratings

DOWNLOAD_ENDPOINTS = (
    "reports.download_monthly",
    "reports.download_officers",
    "reports.download_officers_for_excel",
)


@bp.get("/")
@needs(Permission.VIEW_REPORTS)
def show_own_dashboard():
    unit = current_user.unit
    return redirect(_dashboard_url(unit, month_to_open(ResponseFilter.unit_subtree(unit.id))))


@bp.get("/<unit_code>/<month>")
@needs(Permission.VIEW_REPORTS)
def show_dashboard(unit: Unit, month: str):
    chosen = url_month(month)
    dashboard = build_dashboard(unit, chosen, masks=comment_masks(), locale=str(get_locale()))
    return render_template(
        "reports/dashboard.html",
        board=dashboard,
        today=current_month(),
        reminder=closing_reminder(unit, utcnow().astimezone(survey_zone()).date()),
        factor_chart=factor_chart(dashboard.figures),
        trend_chart=trend_chart(dashboard.trend, dashboard.minimum),
        change=change,
        downloads=_downloads(),
        **held_ratings(unit, chosen),
        decision_form=BurstDecisionForm(),
        periods=periods_containing(chosen),
        **_labels(),
    )


@bp.post("/<unit_code>/<month>/close")
@needs(Permission.VIEW_REPORTS)
def close_report(unit: Unit, month: str):
    chosen = url_month(month)
    try:
        close_month(unit, chosen, by=current_user._get_current_object())
    except DomainError as error:
        flash(str(error), "error")
    else:
        flash(_("%(month)s is closed: its figures are frozen.", month=chosen.slashed()), "success")
    return redirect(_dashboard_url(unit, chosen))


@bp.get("/<unit_code>/<month>/units")
@needs(Permission.VIEW_REPORTS)
def show_unit_ranking(unit: Unit, month: str):
    chosen = url_month(month)
    return render_template(
        "reports/units.html",
        unit=unit,
        month=chosen,
        today=current_month(),
        ranking=rank_units(unit, chosen),
        minimum=min_sample(),
    )


@bp.get("/<unit_code>/<month>/flagged")
@needs(Permission.VIEW_REPORTS)
def list_flagged(unit: Unit, month: str):
    chosen = url_month(month)
    return render_template(
        "reports/flagged.html",
        unit=unit,
        month=chosen,
        rows=list_flagged_responses(unit, chosen, masks=comment_masks()),
        **_labels(),
    )


def url_month(text: str) -> Month:
    """The month of the URL; one that does not exist or has not begun is not found."""
    try:
        month = Month.parse(text)
    except ValueError:
        abort(404)
    if month > current_month():
        abort(404)
    return month


def _dashboard_url(unit: Unit, month: Month) -> str:
    return url_for("reports.show_dashboard", unit_code=unit.code, month=str(month))


def _downloads() -> bool:
    """The report files come from the export routes, once they are registered."""
    return all(endpoint in current_app.view_functions for endpoint in DOWNLOAD_ENDPOINTS)


def _labels() -> dict:
    return {"factor_labels": FACTOR_LABELS, "channel_labels": CHANNEL_LABELS}
