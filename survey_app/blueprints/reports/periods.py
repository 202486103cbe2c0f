"""Downloads of a longer period's report (quarter, half-year, nine months, year) as PDF, DOCX
or XLSX, on the reports blueprint (VIEW_REPORTS; the unit must be in the user's units).

Built when asked, into the reports folder, and sent from there (never held whole in memory):
a period is asked for a few times a year; bench/analytics.py measures a province's year.
"""

from flask import abort, send_file
from flask_babel import force_locale, get_locale

from analytics.periods import Period
from analytics.report.export import CONTENT_TYPES, REPORT_FORMATS, export_period
from analytics.report.files import reports_folder
from survey_app.auth.permissions import Permission, needs
from survey_app.blueprints.reports.blueprint import bp
from survey_app.blueprints.reports.texts import url_period
from survey_app.models import Unit


@bp.get("/<unit_code>/ky/<period>/report.<format>")
@needs(Permission.VIEW_REPORTS)
def download_period(unit: Unit, period: str, format: str):  # noqa: A002 (the URL's name)
    if format not in REPORT_FORMATS:
        abort(404)
    chosen = url_period(period)
    path = reports_folder() / f"{unit.code}-{chosen.key}-{format}-{get_locale()}.{format}"
    with force_locale(str(get_locale())):
        # Built again on every request (the figures move daily); the file replaces the last
        # one atomically, so two requests at once each send a whole file.
        export_period(unit, chosen, format, path)
    return send_file(
        path,
        mimetype=CONTENT_TYPES[format],
        as_attachment=True,
        download_name=period_file_name(unit, chosen, format),
        max_age=0,
    )


def period_file_name(unit: Unit, period: Period, file_format: str) -> str:
    return f"bao-cao-{unit.code}-{period.key}.{file_format}"
