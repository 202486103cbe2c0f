"""The appendix's part on the units below, in the PDF: their ranking and, grouped by unit, the
officers below their unit's average."""

from analytics.report import text as t
from analytics.report.contents import MonthlyReport
from analytics.report.pdf_draw import SMALL_SIZE, ReportPDF, heading, paragraph, table
from analytics.report.rollup_rows import below_rows, unit_headers, unit_rows


def units_part(pdf: ReportPDF, report: MonthlyReport) -> None:
    if report.rollup is None:
        return
    heading(pdf, str(t.PART_UNITS), room=40)
    table(pdf, unit_headers(), unit_rows(report), [8, 55, 18, 20, 20, 20, 24])
    heading(pdf, str(t.PART_UNITS_BELOW), room=30)
    if not report.rollup.below_by_unit:
        paragraph(pdf, str(t.NO_OFFICER_BELOW))
        return
    headers = [str(t.OFFICER), str(t.RESPONSES), str(t.OVERALL_PCT), str(t.SIPAS_INDEX)]
    table(pdf, headers, below_rows(report), [70, 25, 35, 35], size=SMALL_SIZE)
