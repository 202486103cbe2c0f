"""View helpers shared by the unit, counter and officer pages."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from forms.org import StatusForm
from survey_app.models import Counter, Officer, SurveyResponse
from survey_app.queries import org as org_reads
from survey_app.services.org import admin as org_admin


def change_status(target) -> None:
    form = StatusForm()
    if not form.validate_on_submit():
        abort(400)  # only a hand-made request lacks the button's value (CSRF is checked earlier)
    active = form.active.data == "true"
    org_admin.set_active(target, active)
    name = target.full_name if isinstance(target, Officer) else target.name
    if active:
        flash(_("%(name)s was reactivated.", name=name), "success")
    else:
        flash(_("%(name)s was deactivated. Its responses are kept.", name=name), "success")


def responses_of(owner: Counter | Officer) -> int:
    if isinstance(owner, Counter):
        found = org_reads.count_responses_by(SurveyResponse.counter_id, [owner.id], owner.unit_id)
    else:
        found = org_reads.count_responses_by(SurveyResponse.officer_id, [owner.id])
    return found.get(owner.id, 0)


def with_instruments(form):
    form.instrument_code.choices = [
        (instrument.code, f"{instrument.code} · {instrument.name(str(get_locale()))}")
        for instrument in org_reads.list_current_instruments()
    ]
    form.instrument_version.choices = [
        SelectChoice(version, label) for version, label in org_admin.list_instrument_versions()
    ]
    return form


def with_counters(form, unit):
    form.counters.choices = [
        (counter.code, f"{counter.code} · {counter.name}")
        for counter in sorted(unit.counters, key=lambda counter: counter.code)
    ]
    return form


def form_page(template: str, form, **context):
    return render_template(template, form=form, **context), 422 if form.is_submitted() else 200


def go_to(endpoint: str, **values):
    return redirect(url_for(endpoint, **values), code=303)
