"""API keys of integrations: create (the key is shown once), list by prefix, revoke."""

from flask import Blueprint, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forms.api_keys import ApiKeyForm
from survey_app.auth.guard import guard_staff_blueprint
from survey_app.auth.permissions import Permission, needs
from survey_app.auth.scope import current_scope
from survey_app.models import ApiKey
from survey_app.queries import codes as code_reads
from survey_app.queries import units as queries
from survey_app.services import api_keys as key_service

bp = Blueprint("api_keys", __name__, url_prefix="/quan-tri")
guard_staff_blueprint(bp)


@bp.get("/khoa-api")
@needs(Permission.MANAGE_API_KEYS)
def list_api_keys():
    api_keys = code_reads.list_api_keys(current_scope().unit_ids)
    return render_template("api_keys/list.html", api_keys=api_keys)


@bp.route("/khoa-api/moi", methods=["GET", "POST"])
@needs(Permission.MANAGE_API_KEYS)
def create_api_key():
    form = ApiKeyForm(queries.list_units(current_scope().unit_ids, active_only=True))
    if form.validate_on_submit():
        api_key, full_key = key_service.create_api_key(
            name=form.name.data,
            unit=queries.get_unit_by_code(form.unit.data),
            created_by=current_user._get_current_object(),
        )
        return _show_once(api_key, full_key)
    status = 422 if form.is_submitted() else 200
    return render_template("api_keys/new.html", form=form), status


def _show_once(api_key: ApiKey, full_key: str):
    """Rendered in answer to the POST, never redirected to: the key must not sit in a session
    cookie or a cached page."""
    response = make_response(
        render_template("api_keys/created.html", api_key=api_key, full_key=full_key)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/khoa-api/<key_prefix>/thu-hoi")
@needs(Permission.MANAGE_API_KEYS)
def revoke_api_key(api_key: ApiKey):
    try:
        key_service.revoke_api_key(api_key)
    except key_service.ApiKeyRevoked as error:
        flash(str(error), "error")
    else:
        flash(
            _("The key %(prefix)s was revoked: it no longer works.", prefix=api_key.prefix),
            "success",
        )
    return redirect(url_for(".list_api_keys"))
