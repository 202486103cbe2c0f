"""The report's text page (the manager edits the draft written from the figures before the
report is exported and signed) and a unit's document settings page.

The text page is on the reports blueprint (VIEW_REPORTS, the unit in the user's units); the
settings page on the organisation blueprint (MANAGE_ORGANISATION): a unit's managers know who
signs its reports and who receives them.
"""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from analytics.closures import get_closure
from analytics.periods import Period
from analytics.report.contents import MonthlyReport, build_monthly_report
from analytics.report.narrative import Narrative
from analytics.report.period import build_period_report
from forms.report_text import DocumentSettingsForm, NarrativeForm
from survey_app.auth.permissions import Permission, needs
from survey_app.blueprints.org import units as org
from survey_app.blueprints.reports import pages as reports
from survey_app.models import Unit
from survey_app.months import current_month
from survey_app.queries.org import get_unit_document
from survey_app.services.errors import DomainError
from survey_app.services.narratives import get_stored_narrative, save_narrative
from survey_app.services.unit_documents import (
    DOCUMENT_FIELDS,
    document_problem,
    save_document_settings,
)


@reports.bp.route("/<unit_code>/<month>/van-ban", methods=["GET", "POST"])
@needs(Permission.VIEW_REPORTS)
def edit_report_text(unit: Unit, month: str):
    """`month` is a month ("2026-03") or a longer period ("2026-Q3", "2026-H1", "2026")."""
    period = url_period(month)
    stored = get_stored_narrative(unit, period.key)
    frozen = (stored is not None and stored.frozen) or _closed(unit, period)
    narrative = _report(unit, period).narrative
    form = NarrativeForm(data=None if frozen else _data(narrative))
    if not frozen and form.validate_on_submit():
        text = Narrative(form.assessment.data, form.shortcomings.data, form.proposals.data)
        try:
            save_narrative(unit, period.key, text, by=current_user._get_current_object())
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(_("The report's text was saved: every format uses it."), "success")
            return redirect(url_for(".edit_report_text", unit_code=unit.code, month=period.key))
    return render_template(
        "reports/text.html", unit=unit, period=period, form=form, narrative=narrative,
        frozen=frozen, stored=stored, dashboard_month=str(min(period.last, current_month())),
    )  # fmt: skip


def url_period(text: str) -> Period:
    """The period of the URL; one that does not exist or has not begun is not found."""
    try:
        period = Period.parse(text)
    except ValueError:
        abort(404)
    if period.first > current_month():
        abort(404)
    return period


def _report(unit: Unit, period: Period) -> MonthlyReport:
    if period.kind == "month":
        return build_monthly_report(unit, period.first)
    return build_period_report(unit, period)


def _closed(unit: Unit, period: Period) -> bool:
    """A month is closed by its closure; a longer period's text stays editable."""
    return period.kind == "month" and get_closure(unit, period.first) is not None


def _data(narrative: Narrative) -> dict[str, str]:
    return {part: getattr(narrative, part) for part in Narrative.PARTS}


@org.bp.route("/don-vi/<unit_code>/van-ban", methods=["GET", "POST"])
@needs(Permission.MANAGE_ORGANISATION)
def edit_document_settings(unit: Unit):
    stored = get_unit_document(unit.id)
    form = DocumentSettingsForm(obj=stored)
    if form.validate_on_submit():
        values = {name: getattr(form, name).data or "" for name in DOCUMENT_FIELDS}
        problems = {name: document_problem(name, value) for name, value in values.items()}
        for name, problem in problems.items():
            if problem:
                getattr(form, name).errors.append(problem)
        if not any(problems.values()):
            save_document_settings(unit, values)
            flash(_("The document settings were saved."), "success")
            return redirect(url_for("org.show_unit", unit_code=unit.code))
    return render_template("org/documents.html", unit=unit, form=form)
