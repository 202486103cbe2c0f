"""The units below as rows of text, for the PDF's and the Word document's appendix: their
ranking and, grouped by unit, the officers below their unit's average. Kept apart from the
PDF drawing, so that writing a Word document does not import fpdf2 (0.4 s)."""

from analytics.report import text as t
from analytics.report.contents import MonthlyReport


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
