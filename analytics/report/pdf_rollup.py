"""The appendix's part on the units below, in the PDF: their ranking and, grouped by unit, the
officers below their unit's average."""

from analytics.report import text as t
from analytics.report.contents import MonthlyReport
from analytics.report.pdf_draw import SMALL_SIZE, ReportPDF, heading, paragraph, table


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


def unit_headers() -> list[str]:
    return [
        "#", str(t.UNIT), str(t.RESPONSES), str(t.OVERALL_PCT), str(t.SIPAS_INDEX),
        str(t.FLAGGED_SHORT_PCT), str(t.ON_TIME_PCT),
    ]  # fmt: skip


def unit_rows(report: MonthlyReport) -> list[list[str]]:
    return [
        [
            str(position),
            row.unit.name,
            t.count(row.figures.responses),
            t.number(row.figures.overall_pct),
            t.number(row.figures.sipas_index),
            t.number(row.figures.flagged_pct),
            t.number(row.on_time_pct),
        ]  # fmt: skip
        for position, row in enumerate(report.rollup.children, start=1)
    ]


def below_rows(report: MonthlyReport) -> list[list[str] | str]:
    """A group heading per unit, then its officers."""
    rows: list[list[str] | str] = []
    for unit_name, officers in report.rollup.below_by_unit:
        rows.append(unit_name)
        rows += [
            [
                row.officer_name,
                t.count(row.responses),
                t.number(row.overall_pct),
                t.number(row.sipas_index),
            ]  # fmt: skip
            for row in officers
        ]
    return rows
