"""The report's text as a sheet of the workbook, so that the XLSX carries the same words as the
PDF and the DOCX: the three parts, a paragraph a row."""

from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from analytics.report import text as t
from analytics.report.contents import MonthlyReport

WRAPPED = Alignment(wrap_text=True, vertical="top")


def write_text_sheet(sheet: Worksheet, report: MonthlyReport) -> None:
    sheet.column_dimensions["A"].width = 110
    for part, title in t.BODY_PARTS.items():
        sheet.append([str(title)])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        for line in getattr(report.narrative, part).splitlines():
            sheet.append([line])
            sheet.cell(row=sheet.max_row, column=1).alignment = WRAPPED
    sheet.append([])
    sheet.append([str(t.PART_THEMES)])
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    sheet.append([str(t.THEME), str(t.COMMENTS), str(t.EXAMPLES)])
    for found in report.themes:
        sheet.append([found.label, found.count, " · ".join(found.examples)])
