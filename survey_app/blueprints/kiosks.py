"""The kiosks pages: list the tablets of the user's units, add one (its pairing code and QR are
shown once), change its settings, issue a new pairing code, revoke it.

MANAGE_ORGANISATION, as for counters; the guard loads `kiosk` from the URL (`kiosk_code`, the
token prefix) and answers 404 outside the user's units.
"""

import base64

from flask import Blueprint, abort, current_app, flash, make_response, render_template
from flask_babel import gettext as _
from flask_login import current_user

from analytics.integrity import count_filtered_repeats
from forms.errors import attach_error
from forms.kiosks import COUNTERS_OFFICERS, KioskSettingsForm, NewKioskForm, RevokeKioskForm
from kiosk import pairing as kiosk_service
from kiosk.pairing import KioskRevoked, KioskSettings
from survey_app.auth.guard import guard_staff_blueprint
from survey_app.auth.permissions import Permission, needs
from survey_app.auth.scope import current_scope
from survey_app.blueprints.org.common import form_page, go_to
from survey_app.models import Kiosk
from survey_app.qr.images import qr_svg
from survey_app.queries import kiosks as queries
from survey_app.services.org.admin import InvalidChange

bp = Blueprint("kiosk_admin", __name__, url_prefix="/quan-tri/kiosk")
guard_staff_blueprint(bp)

MANAGE_ORGANISATION = Permission.MANAGE_ORGANISATION


@bp.get("/")
@needs(MANAGE_ORGANISATION)
def list_kiosks():
    kiosks = queries.list_kiosks(current_scope().unit_ids)
    return render_template("kiosks/list.html", kiosks=kiosks, kiosk_page_url=kiosk_page_url())


@bp.route("/moi", methods=["GET", "POST"])
@needs(MANAGE_ORGANISATION)
def create_kiosk():
    form = NewKioskForm(queries.list_counters(current_scope().unit_ids))
    if form.validate_on_submit():
        try:
            kiosk, code = kiosk_service.add_kiosk(
                queries.get_counter(form.counter.data),
                name=form.name.data,
                created_by=current_user._get_current_object(),
            )
        except InvalidChange as error:
            attach_error(form, error)
        else:
            return _show_pairing_code(kiosk, code)
    return form_page("kiosks/new.html", form)


@bp.route("/<kiosk_code>", methods=["GET", "POST"])
@needs(MANAGE_ORGANISATION)
def edit_kiosk(kiosk: Kiosk):
    form = _settings_form(kiosk)
    if not kiosk.is_revoked and form.validate_on_submit():
        try:
            kiosk_service.update_kiosk_settings(
                kiosk, _settings(form, kiosk), by=current_user._get_current_object()
            )
        except InvalidChange as error:
            attach_error(form, error)
        else:
            flash(_("The settings of %(name)s were saved.", name=kiosk.name), "success")
            return go_to(".edit_kiosk", kiosk_code=kiosk.token_prefix)
    return form_page(
        "kiosks/show.html",
        form,
        kiosk=kiosk,
        revoke_form=RevokeKioskForm(),
        filtered=count_filtered_repeats(kiosk.id),
    )


@bp.post("/<kiosk_code>/ma-ghep-noi")
@needs(MANAGE_ORGANISATION)
def new_pairing_code(kiosk: Kiosk):
    try:
        code = kiosk_service.new_pairing_code(kiosk, by=current_user._get_current_object())
    except KioskRevoked as error:
        flash(str(error), "error")
        return go_to(".edit_kiosk", kiosk_code=kiosk.token_prefix)
    return _show_pairing_code(kiosk, code)


@bp.post("/<kiosk_code>/thu-hoi")
@needs(MANAGE_ORGANISATION)
def revoke_kiosk(kiosk: Kiosk):
    form = RevokeKioskForm()
    if not form.validate_on_submit():
        flash(_("Tick the box to confirm that the tablet must stop."), "error")
        return go_to(".edit_kiosk", kiosk_code=kiosk.token_prefix)
    try:
        kiosk_service.revoke_kiosk(kiosk, by=current_user._get_current_object())
    except KioskRevoked as error:
        flash(str(error), "error")
    else:
        flash(
            _("%(name)s was revoked: the tablet is refused within 10 seconds.", name=kiosk.name),
            "success",
        )
    return go_to(".list_kiosks")


def _show_pairing_code(kiosk: Kiosk, code: str):
    """Rendered in answer to the POST, never redirected to: the code must not sit in a session
    cookie, a URL or a cached page."""
    url = pairing_url(code)
    svg = base64.b64encode(qr_svg(url)).decode("ascii")
    response = make_response(
        render_template(
            "kiosks/pairing.html",
            kiosk=kiosk,
            code=code,
            kiosk_page_url=kiosk_page_url(),
            qr_data_uri=f"data:image/svg+xml;base64,{svg}",
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def kiosk_page_url() -> str:
    return f"{current_app.config['SURVEY_PUBLIC_URL'].rstrip('/')}/kiosk/"


def pairing_url(code: str) -> str:
    """The tablet's page with the code after `#`: a fragment never reaches a server's logs."""
    return f"{kiosk_page_url()}#pair={code}"


def _settings_form(kiosk: Kiosk) -> KioskSettingsForm:
    fixed = kiosk.fixed_officer
    form = KioskSettingsForm(
        data={
            "fixed_officer": fixed.code if fixed is not None else COUNTERS_OFFICERS,
            "idle_seconds": kiosk.idle_seconds,
            "thanks_seconds": kiosk.thanks_seconds,
            "opens_at": kiosk.opens_at,
            "closes_at": kiosk.closes_at,
            "always_open": kiosk.always_open,
            "default_locale": kiosk.default_locale,
        }
    )
    officers = queries.list_officers(kiosk.counter.unit_id)
    if fixed is not None and fixed not in officers:
        officers.append(fixed)  # deactivated since: still shown, so the form stays valid
    form.offer(officers)
    return form


def _settings(form: KioskSettingsForm, kiosk: Kiosk) -> KioskSettings:
    officer = None
    if form.fixed_officer.data != COUNTERS_OFFICERS:
        officer = queries.get_officer(form.fixed_officer.data, kiosk.counter.unit_id)
        if officer is None:
            abort(400)  # the choices held only this unit's officers
    return KioskSettings(
        fixed_officer=officer,
        idle_seconds=form.idle_seconds.data,
        thanks_seconds=form.thanks_seconds.data,
        opens_at=form.opens_at.data,
        closes_at=form.closes_at.data,
        always_open=form.always_open.data,
        default_locale=form.default_locale.data,
        staff_pin=form.staff_pin.data or None,
        clear_pin=form.clear_pin.data,
    )
