"""The manager's decisions on held ratings, a burst at a time, and the unit's thresholds; on
the reports blueprint, so the guard decides access (VIEW_REPORTS, the unit in the user's units).
The bursts themselves are listed on the dashboard (templates/reports/_held.html)."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from forms.rating_review import BurstDecisionForm, RatingRulesForm
from survey_app.auth.permissions import Permission, needs
from survey_app.blueprints.reports.blueprint import bp
from survey_app.blueprints.reports.pages import url_month
from survey_app.models import Unit
from survey_app.services.errors import DomainError
from survey_app.services.responses import review as rating_review
from survey_app.services.responses.holding_rules import (
    HOURS_FIELDS,
    RULE_FIELDS,
    rules_of,
    save_rules,
)


@bp.post("/<unit_code>/<month>/held/<key>")
@needs(Permission.VIEW_REPORTS)
def decide_burst(unit: Unit, month: str, key: str):
    chosen = url_month(month)
    form = BurstDecisionForm()
    back = url_for("reports.show_dashboard", unit_code=unit.code, month=str(chosen)) + "#held"
    if not form.validate():
        for errors in form.errors.values():
            flash(" ".join(str(error) for error in errors), "error")
        return redirect(back)
    accept = form.decision.data == "accept"
    try:
        decided = rating_review.decide_burst(
            unit, key, accept=accept, reason=form.reason.data or "", by=_user()
        )
    except DomainError as error:
        flash(str(error), "error")
        return redirect(back)
    if accept:
        message = ngettext(
            "%(num)d held rating accepted: it counts in the figures now.",
            "%(num)d held ratings accepted: they count in the figures now.",
            decided,
        )
    else:
        message = ngettext(
            "%(num)d held rating rejected: kept, marked as spam.",
            "%(num)d held ratings rejected: kept, marked as spam.",
            decided,
        )
    flash(message, "success")
    return redirect(back)


@bp.route("/<unit_code>/rating-rules", methods=["GET", "POST"])
@needs(Permission.VIEW_REPORTS)
def edit_rating_rules(unit: Unit):
    rules = rules_of(unit.id)
    form = RatingRulesForm(obj=rules)
    if form.validate_on_submit():
        fields = (*RULE_FIELDS, *HOURS_FIELDS)
        save_rules(unit, {name: form[name].data for name in fields}, by=_user())
        flash(_("The thresholds are saved; they apply to the next rating."), "success")
        return redirect(url_for("reports.edit_rating_rules", unit_code=unit.code))
    status = 422 if form.is_submitted() else 200
    return render_template("reports/rating_rules.html", unit=unit, form=form), status


def _user():
    return current_user._get_current_object()
