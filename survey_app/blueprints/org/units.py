"""Units, counters and officers: the unit tree, each unit's page, changes, photos, import.

Viewing needs MANAGE_ORGANISATION (managers and administrators); changing units and importing
the organisation CSV needs MANAGE_UNITS (administrators). The guard loads `unit`, `counter` and
`officer` from the URL and answers 404 outside the user's units.
"""

import io

from flask import flash, render_template
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from forms.errors import attach_error
from forms.org import (
    CounterForm,
    NewCounterForm,
    NewUnitForm,
    OrgImportForm,
    UnitForm,
)
from survey_app.auth.permissions import needs
from survey_app.blueprints.org.blueprint import MANAGE_ORGANISATION, MANAGE_UNITS, bp
from survey_app.blueprints.org.common import (
    change_status,
    form_page,
    go_to,
    responses_of,
    with_instruments,
)
from survey_app.display.collation import person_key, sorted_vi
from survey_app.models import Counter, SurveyResponse
from survey_app.queries import org as org_reads
from survey_app.queries.procedures import list_known_fields
from survey_app.queries.units import get_unit_instrument
from survey_app.services.errors import DomainError
from survey_app.services.org import admin as org_admin
from survey_app.services.org.admin import InvalidChange
from survey_app.services.org.importing import KINDS, import_organisation

# Units -------------------------------------------------------------------------------------


@bp.get("/don-vi")
@needs(MANAGE_ORGANISATION)
def list_units():
    tree = org_reads.unit_tree(current_user.unit)
    return render_template("org/units.html", tree=tree)


@bp.get("/don-vi/<unit_code>")
@needs(MANAGE_ORGANISATION)
def show_unit(unit):
    counters = sorted(unit.counters, key=lambda counter: counter.code)
    officers = sorted(
        unit.officers, key=lambda officer: (person_key(officer.full_name), officer.code)
    )
    instrument = get_unit_instrument(unit)
    return render_template(
        "org/unit.html",
        unit=unit,
        counters=counters,
        officers=officers,
        children=sorted_vi(unit.children, key=lambda child: child.name),
        instrument_name=instrument.name(str(get_locale())) if instrument else "",
        counter_responses=org_reads.count_responses_by(
            SurveyResponse.counter_id, [c.id for c in counters], unit.id
        ),
        officer_responses=org_reads.count_responses_by(
            SurveyResponse.officer_id, [o.id for o in officers]
        ),
    )


@bp.route("/don-vi/<unit_code>/don-vi-moi", methods=["GET", "POST"])
@needs(MANAGE_UNITS)
def create_unit(unit):
    form = with_instruments(NewUnitForm(instrument_code=unit.instrument_code))
    if form.validate_on_submit():
        try:
            child = org_admin.create_unit(
                parent=unit,
                code=form.code.data,
                name=form.name.data,
                instrument_code=form.instrument_code.data,
                instrument_version=form.instrument_version.data,
                auto_close_days=form.auto_close_days.data,
            )
        except InvalidChange as error:
            attach_error(form, error)
        else:
            flash(_("Unit %(name)s was added.", name=child.name), "success")
            return go_to(".show_unit", unit_code=child.code)
    return form_page("org/unit_form.html", form, unit=unit, creating=True)


@bp.route("/don-vi/<unit_code>/sua", methods=["GET", "POST"])
@needs(MANAGE_UNITS)
def edit_unit(unit):
    form = with_instruments(UnitForm(obj=unit))
    if form.validate_on_submit():
        try:
            org_admin.update_unit(
                unit,
                name=form.name.data,
                instrument_code=form.instrument_code.data,
                instrument_version=form.instrument_version.data,
                auto_close_days=form.auto_close_days.data,
            )
        except InvalidChange as error:
            attach_error(form, error)
        else:
            flash(_("The unit was saved."), "success")
            return go_to(".show_unit", unit_code=unit.code)
    return form_page("org/unit_form.html", form, unit=unit, creating=False)


@bp.post("/don-vi/<unit_code>/trang-thai")
@needs(MANAGE_UNITS)
def set_unit_status(unit):
    change_status(unit)
    return go_to(".show_unit", unit_code=unit.code)


# Counters ----------------------------------------------------------------------------------


@bp.route("/don-vi/<unit_code>/quay-moi", methods=["GET", "POST"])
@needs(MANAGE_ORGANISATION)
def create_counter(unit):
    form = NewCounterForm()
    if form.validate_on_submit():
        try:
            counter = org_admin.create_counter(
                unit=unit, code=form.code.data, name=form.name.data, field=form.field.data
            )
        except InvalidChange as error:
            attach_error(form, error)
        else:
            flash(_("Counter %(code)s was added.", code=counter.code), "success")
            return go_to(".show_unit", unit_code=unit.code)
    return form_page("org/counter_new.html", form, unit=unit, fields=list_known_fields())


@bp.get("/quay/<counter_code>")
@needs(MANAGE_ORGANISATION)
def show_counter(counter):
    return _counter_page(counter, CounterForm(obj=counter))


@bp.post("/quay/<counter_code>")
@needs(MANAGE_ORGANISATION)
def update_counter(counter):
    form = CounterForm()
    if not form.validate_on_submit():
        return _counter_page(counter, form), 422
    org_admin.update_counter(counter, name=form.name.data, field=form.field.data)
    flash(_("The counter was saved."), "success")
    return go_to(".show_counter", counter_code=counter.code)


@bp.post("/quay/<counter_code>/trang-thai")
@needs(MANAGE_ORGANISATION)
def set_counter_status(counter):
    change_status(counter)
    return go_to(".show_counter", counter_code=counter.code)


def _counter_page(counter: Counter, form: CounterForm) -> str:
    return render_template(
        "org/counter.html",
        counter=counter,
        form=form,
        fields=list_known_fields(),
        officers=sorted(counter.officers, key=lambda officer: person_key(officer.full_name)),
        responses=responses_of(counter),
    )


# Officers ----------------------------------------------------------------------------------


@bp.route("/nhap-to-chuc", methods=["GET", "POST"])
@needs(MANAGE_UNITS)
def import_org():
    form = OrgImportForm()
    result = None
    if form.validate_on_submit():
        stream = io.TextIOWrapper(form.file.data.stream, encoding="utf-8-sig", newline="")
        try:
            result = import_organisation(stream, actor=current_user._get_current_object())
        except DomainError as error:
            form.file.errors.append(str(error))
    failed = form.is_submitted() and (result is None or result.errors)
    page = render_template("org/import.html", form=form, result=result, kinds=KINDS)
    return page, 422 if failed else 200


# The officer pages live in their own module on this blueprint.
