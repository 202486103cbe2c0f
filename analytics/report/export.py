"""Writing the monthly report and the officer evaluation to files: one code path for the
command line and the download buttons.

A file is written under a temporary name next to its destination and renamed at the end, so a
reader (another worker serving the download, a person opening the file) never sees half of it.
"""

import os
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path

from analytics.closures import get_closure
from analytics.evaluation import OfficerSheet, evaluate_officers, officer_frame, write_officer_csv
from analytics.periods import Period
from analytics.report.closure import frozen_officer_sheet
from analytics.report.contents import build_monthly_report
from analytics.report.period import build_period_report
from survey_app.models import Unit
from survey_app.months import Month

REPORT_FORMATS = ("xlsx", "pdf", "docx")
OFFICER_FORMATS = ("csv",)
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    # Flask adds "; charset=utf-8" to every text/* type: written here it came out twice.
    "csv": "text/csv",
}
# Excel reads a CSV without a byte order mark in the machine's ANSI code page, which garbles
# Vietnamese; with it, as UTF-8. The machine-readable file keeps none (domain.md §4).
EXCEL_BOM = "\ufeff".encode()


def report_writer(file_format: str) -> Callable:
    """The writer of a report format. Imported when a report is written: python-docx, fpdf2 and
    openpyxl would add some 80 MB to every web worker, which mostly serves ratings."""
    if file_format == "xlsx":
        from analytics.report.xlsx import write_report_xlsx

        return write_report_xlsx
    if file_format == "pdf":
        from analytics.report.pdf import write_report_pdf

        return write_report_pdf
    if file_format == "docx":
        from analytics.report.docx import write_report_docx

        return write_report_docx
    raise KeyError(file_format)


def report_file_name(unit: Unit, month: Month, file_format: str) -> str:
    return f"bao-cao-{unit.code}-{month}.{file_format}"


def officers_file_name(unit: Unit, month: Month, *, excel: bool = False) -> str:
    return f"danh-gia-cong-chuc-{unit.code}-{month}{'-excel' if excel else ''}.csv"


def export_monthly(
    unit: Unit, month: Month, file_format: str, path: Path, *, today: date | None = None
) -> None:
    """The monthly report of domain.md §4 as XLSX, PDF or DOCX, in the language in force."""
    writer = report_writer(file_format)
    report = build_monthly_report(unit, month, today=today)
    write_atomically(path, lambda draft: writer(report, draft))


def export_period(unit: Unit, period: Period, file_format: str, path: Path) -> None:
    """The report of a quarter, half-year, nine months or year, as XLSX, PDF or DOCX."""
    report = build_period_report(unit, period)
    writer = report_writer(file_format)
    write_atomically(path, lambda draft: writer(report, draft))


def export_officers(unit: Unit, month: Month, path: Path) -> int:
    """The officer evaluation CSV; a closed month's as it was published. Returns the rows."""
    frame = officer_frame(officer_sheet(unit, month))

    def write(draft: Path) -> None:
        with open(draft, "w", encoding="utf-8", newline="") as stream:
            write_officer_csv(frame, stream)

    write_atomically(path, write)
    return len(frame)


def officer_sheet(unit: Unit, month: Month) -> OfficerSheet:
    closure = get_closure(unit, month)
    return evaluate_officers(unit, month) if closure is None else frozen_officer_sheet(closure)


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Write through `write(draft)` into a draft beside `path`, then put it in place."""
    draft = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        write(draft)
        os.replace(draft, path)
    finally:
        draft.unlink(missing_ok=True)
