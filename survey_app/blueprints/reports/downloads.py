"""Downloads of the monthly report (XLSX, PDF) and of the officer evaluation (CSV), on the
reports blueprint (so the guard decides access: VIEW_REPORTS, and the unit in the URL must be
in the user's units, else 404).

The files are built by the same code as `survey-app report` (analytics.report.files): at once
for a small month; for a very large one the page says the file is being prepared and reloads
itself until it can be downloaded, so no request runs long enough to time out.
"""

import io

from flask import abort, render_template, send_file
from flask_babel import get_locale

from analytics.report.export import (
    CONTENT_TYPES,
    EXCEL_BOM,
    REPORT_FORMATS,
    officers_file_name,
    report_file_name,
)
from analytics.report.files import ReportBuildFailed, ReportFile, request_report
from survey_app.auth.permissions import Permission, needs
from survey_app.blueprints.reports.blueprint import bp
from survey_app.blueprints.reports.pages import url_month
from survey_app.models import Unit
from survey_app.months import Month

REFRESH_SECONDS = 3


@bp.get("/<unit_code>/<month>/report.<format>")
@needs(Permission.VIEW_REPORTS)
def download_monthly(unit: Unit, month: str, format: str):  # noqa: A002 (the URL's name)
    if format not in REPORT_FORMATS:
        abort(404)
    chosen = url_month(month)
    found = _request(unit, chosen, format)
    return _send(found, format, report_file_name(unit, chosen, format), unit, chosen)


@bp.get("/<unit_code>/<month>/officers.csv")
@needs(Permission.VIEW_REPORTS)
def download_officers(unit: Unit, month: str):
    """The machine-readable CSV, byte for byte what `survey-app report officers` writes."""
    chosen = url_month(month)
    found = _request(unit, chosen, "csv")
    return _send(found, "csv", officers_file_name(unit, chosen), unit, chosen)


@bp.get("/<unit_code>/<month>/officers-excel.csv")
@needs(Permission.VIEW_REPORTS)
def download_officers_for_excel(unit: Unit, month: str):
    """The same file with a UTF-8 byte order mark, so that Excel shows the Vietnamese names."""
    chosen = url_month(month)
    found = _request(unit, chosen, "csv")
    if not found.ready:
        return _send(found, "csv", "", unit, chosen)
    # One row per officer: small enough to send from memory.
    with_mark = io.BytesIO(EXCEL_BOM + found.path.read_bytes())
    name = officers_file_name(unit, chosen, excel=True)
    return send_file(
        with_mark, mimetype=CONTENT_TYPES["csv"], as_attachment=True, download_name=name, max_age=0
    )


def _request(unit: Unit, month: Month, kind: str) -> ReportFile:
    try:
        return request_report(unit, month, kind, str(get_locale()))
    except ReportBuildFailed:
        abort(500)


def _send(found: ReportFile, kind: str, name: str, unit: Unit, month: Month):
    if not found.ready:
        page = render_template(
            "reports/preparing.html", unit=unit, month=month, refresh=REFRESH_SECONDS
        )
        return page, 202, {"Retry-After": str(REFRESH_SECONDS), "Cache-Control": "no-store"}
    return send_file(
        found.path,
        mimetype=CONTENT_TYPES[kind],
        as_attachment=True,
        download_name=name,
        max_age=0,
    )
