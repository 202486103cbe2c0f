"""Officer pages of the org blueprint: details, counters, status and the optional photo."""

import io

from flask import abort, flash, render_template, send_file
from flask_babel import gettext as _

from forms.errors import attach_error
from forms.org import NewOfficerForm, OfficerForm, PhotoForm, RemovePhotoForm
from survey_app.auth.permissions import needs
from survey_app.blueprints.org.blueprint import MANAGE_ORGANISATION, bp
from survey_app.blueprints.org.common import (
    change_status,
    form_page,
    go_to,
    responses_of,
    with_counters,
)
from survey_app.models import Officer
from survey_app.services.org import admin as org_admin
from survey_app.services.org import photos
from survey_app.services.org.admin import InvalidChange


@bp.route("/don-vi/<unit_code>/cong-chuc-moi", methods=["GET", "POST"])
@needs(MANAGE_ORGANISATION)
def create_officer(unit):
    form = with_counters(NewOfficerForm(), unit)
    if form.validate_on_submit():
        try:
            officer = org_admin.create_officer(
                unit=unit,
                code=form.code.data,
                full_name=form.full_name.data,
                counter_codes=form.counters.data,
                email=form.email.data,
            )
        except InvalidChange as error:
            attach_error(form, error)
        else:
            flash(_("Officer %(name)s was added.", name=officer.full_name), "success")
            return go_to(".show_officer", officer_code=officer.code)
    return form_page("org/officer_new.html", form, unit=unit)


@bp.get("/cong-chuc/<officer_code>")
@needs(MANAGE_ORGANISATION)
def show_officer(officer):
    form = OfficerForm(
        full_name=officer.full_name,
        email=officer.email or "",
        counters=[c.code for c in officer.counters],
    )
    return _officer_page(officer, with_counters(form, officer.unit))


@bp.post("/cong-chuc/<officer_code>")
@needs(MANAGE_ORGANISATION)
def update_officer(officer):
    form = with_counters(OfficerForm(), officer.unit)
    if form.validate_on_submit():
        try:
            org_admin.update_officer(
                officer,
                full_name=form.full_name.data,
                counter_codes=form.counters.data,
                email=form.email.data,
            )
        except InvalidChange as error:
            attach_error(form, error)
        else:
            flash(_("The officer was saved."), "success")
            return go_to(".show_officer", officer_code=officer.code)
    return _officer_page(officer, form), 422


@bp.post("/cong-chuc/<officer_code>/trang-thai")
@needs(MANAGE_ORGANISATION)
def set_officer_status(officer):
    change_status(officer)
    return go_to(".show_officer", officer_code=officer.code)


@bp.get("/cong-chuc/<officer_code>/anh")
@needs(MANAGE_ORGANISATION)
def show_officer_photo(officer):
    path = photos.photo_file(officer)
    if path is None or not path.is_file():
        abort(404)
    # A few dozen KB, read at once: no file handle stays open with the response.
    response = send_file(
        io.BytesIO(path.read_bytes()),
        mimetype="image/jpeg",
        max_age=3600,
        etag=officer.photo_path,
    )
    # A face is not for shared caches: send_file made it public, this makes it private only.
    response.cache_control.public = False
    response.cache_control.private = True
    return response


@bp.post("/cong-chuc/<officer_code>/anh")
@needs(MANAGE_ORGANISATION)
def upload_officer_photo(officer):
    photo_form = PhotoForm()
    if photo_form.validate_on_submit():
        try:
            photos.set_officer_photo(officer, photo_form.photo.data.read())
        except InvalidChange as error:
            attach_error(photo_form, error)
        else:
            flash(_("The photo was saved."), "success")
            return go_to(".show_officer", officer_code=officer.code)
    form = with_counters(OfficerForm(obj=officer), officer.unit)
    form.counters.data = [c.code for c in officer.counters]
    return _officer_page(officer, form, photo_form), 422


@bp.post("/cong-chuc/<officer_code>/anh/xoa")
@needs(MANAGE_ORGANISATION)
def remove_officer_photo(officer):
    if RemovePhotoForm().validate_on_submit():
        photos.remove_officer_photo(officer)
        flash(_("The photo was removed."), "success")
    return go_to(".show_officer", officer_code=officer.code)


def _officer_page(officer: Officer, form: OfficerForm, photo_form: PhotoForm | None = None):
    return render_template(
        "org/officer.html",
        officer=officer,
        form=form,
        photo_form=photo_form or PhotoForm(formdata=None),
        responses=responses_of(officer),
    )


# Import ------------------------------------------------------------------------------------
