"""The procedures catalogue (administrators): list with search, create, edit, CSV import.

Procedures belong to no unit, so they are not in any user's scope: the guard's permission check
(MANAGE_CATALOGUE) is the whole access rule, and a procedure is looked up by its code here.
"""

import io

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from forms.procedures import (
    NewProcedureForm,
    ProcedureForm,
    ProcedureImportForm,
    ProcedureSearchForm,
)
from survey_app.auth.guard import guard_staff_blueprint
from survey_app.auth.permissions import Permission, needs
from survey_app.core.bounded import page_number
from survey_app.queries import procedures as procedure_reads
from survey_app.services import procedures as catalogue
from survey_app.services.errors import DomainError
from survey_app.services.org.admin import InvalidChange

bp = Blueprint("procedures", __name__, url_prefix="/quan-tri")
guard_staff_blueprint(bp)


@bp.get("/thu-tuc")
@needs(Permission.MANAGE_CATALOGUE)
def list_procedures():
    search = ProcedureSearchForm(formdata=request.args)
    fields = procedure_reads.list_procedure_fields()
    search.field.choices = [("", _("All fields"))] + [(name, name) for name in fields]
    page = procedure_reads.list_procedures(
        search=search.q.data or "",
        field=search.field.data or "",
        page=page_number(),
    )
    return render_template("procedures/list.html", search=search, page=page)


@bp.route("/thu-tuc/moi", methods=["GET", "POST"])
@needs(Permission.MANAGE_CATALOGUE)
def create_procedure():
    form = NewProcedureForm()
    if form.validate_on_submit():
        try:
            procedure = catalogue.create_procedure(
                code=form.code.data, name=form.name.data, field=form.field.data
            )
        except InvalidChange as error:
            getattr(form, error.field).errors.append(str(error))
        else:
            flash(_("Procedure %(code)s was added.", code=procedure.code), "success")
            return redirect(url_for(".list_procedures", q=procedure.code), code=303)
    return _form_page(form, procedure=None)


@bp.route("/thu-tuc/<procedure_code>/sua", methods=["GET", "POST"])
@needs(Permission.MANAGE_CATALOGUE)
def edit_procedure(procedure):
    form = ProcedureForm(obj=procedure)
    if form.validate_on_submit():
        catalogue.update_procedure(procedure, name=form.name.data, field=form.field.data)
        flash(_("Procedure %(code)s was saved.", code=procedure.code), "success")
        return redirect(url_for(".list_procedures", q=procedure.code), code=303)
    return _form_page(form, procedure=procedure)


@bp.route("/thu-tuc/nhap", methods=["GET", "POST"])
@needs(Permission.MANAGE_CATALOGUE)
def import_procedures():
    form = ProcedureImportForm()
    result = None
    if form.validate_on_submit():
        stream = io.TextIOWrapper(form.file.data.stream, encoding="utf-8-sig", newline="")
        try:
            result = catalogue.import_procedures(stream)
        except DomainError as error:
            form.file.errors.append(str(error))
    failed = form.is_submitted() and (result is None or result.errors)
    page = render_template("procedures/import.html", form=form, result=result)
    return page, 422 if failed else 200


def _form_page(form, procedure):
    page = render_template(
        "procedures/form.html",
        form=form,
        procedure=procedure,
        fields=procedure_reads.list_known_fields(),
    )
    return page, 422 if form.is_submitted() else 200
