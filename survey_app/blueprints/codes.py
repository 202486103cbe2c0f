"""QR codes of counters and officers: a unit's codes, one code, its rotation, the posters."""

import io

from flask import Blueprint, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _

from survey_app.auth.guard import guard_staff_blueprint
from survey_app.auth.permissions import Permission, needs
from survey_app.models import SurveyCode, Unit
from survey_app.qr.images import survey_url
from survey_app.qr.posters import poster_pages, render_poster
from survey_app.queries import codes as code_reads
from survey_app.services import codes as code_service

bp = Blueprint("codes", __name__, url_prefix="/quan-tri")
guard_staff_blueprint(bp)


@bp.get("/don-vi/<unit_code>/ma-qr")
@needs(Permission.MANAGE_ORGANISATION)
def list_unit_codes(unit: Unit):
    codes = code_reads.list_unit_codes(unit.id)
    return render_template(
        "codes/list.html",
        unit=unit,
        codes=codes,
        urls={code.code: survey_url(code.code) for code in codes},
        opening={code.code for code in _opening(codes)},
    )


@bp.get("/ma-qr/<survey_code>")
@needs(Permission.MANAGE_ORGANISATION)
def show_code(survey_code: SurveyCode):
    opens = code_reads.get_active_survey_code(survey_code.code) is not None
    return render_template(
        "codes/show.html", survey_code=survey_code, url=survey_url(survey_code.code), opens=opens
    )


@bp.post("/ma-qr/<survey_code>/doi-ma")
@needs(Permission.MANAGE_ORGANISATION)
def rotate_code(survey_code: SurveyCode):
    try:
        replacement = code_service.rotate_code(survey_code)
    except code_service.CodeNotRotatable as error:
        flash(str(error), "error")
        return redirect(url_for(".show_code", survey_code=survey_code.code))
    flash(
        _(
            "The code %(old)s no longer works; %(new)s replaces it. Print the new poster.",
            old=survey_code.code,
            new=replacement.code,
        ),
        "success",
    )
    return redirect(url_for(".show_code", survey_code=replacement.code))


@bp.get("/don-vi/<unit_code>/ap-phich.pdf")
@needs(Permission.MANAGE_ORGANISATION)
def download_posters(unit: Unit):
    codes = _opening(code_reads.list_unit_codes(unit.id))
    if not codes:
        flash(
            _("%(unit)s has no active counter or officer: no poster to print.", unit=unit.name),
            "error",
        )
        return redirect(url_for(".list_unit_codes", unit_code=unit.code))
    pdf = render_poster(poster_pages(codes))
    return send_file(
        io.BytesIO(pdf),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"ap-phich-{unit.code}.pdf",
    )


def _opening(codes: list[SurveyCode]) -> list[SurveyCode]:
    """The codes that open a survey today: their unit and counter or officer are active."""
    return [c for c in codes if c.unit.active and (c.counter or c.officer).active]
