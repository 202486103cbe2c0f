"""The monthly report as an Excel workbook: one sheet per part, headers frozen, figures as
numbers with a format (not text), native charts; the flagged responses, which can number in
the hundreds of thousands, are streamed (analytics.report.xlsx_stream)."""

from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from analytics.evaluation import FACTOR_CODES
from analytics.report import text as t
from analytics.report.contents import MonthlyReport
from analytics.report.xlsx_stream import add_template_row, save_streaming
from analytics.report.xlsx_summary import write_summary
from analytics.report.xlsx_text import write_text_sheet
from survey_app.models import SCALE, Factor

DECIMAL = "0.00"
INTEGER = "#,##0"
DATE_TIME = "dd/mm/yyyy hh:mm"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
WRAPPED = Alignment(wrap_text=True, vertical="top")
# A period's workbook lists this many of its flagged responses, the newest: a province's year
# holds over a hundred thousand, which each month's workbook lists in full.
PERIOD_FLAGGED_LISTED = 10_000


def write_report_xlsx(report: MonthlyReport, path: Path) -> int:
    """Write the workbook to `path`; returns the number of flagged responses listed."""
    workbook = Workbook()
    write_summary(workbook.active, report)
    workbook.active.title = _title("summary")
    write_text_sheet(workbook.create_sheet(_title("text")), report)
    _items_sheet(workbook.create_sheet(_title("items")), report)
    _factors_sheet(workbook.create_sheet(_title("factors")), report)
    _officers_sheet(workbook.create_sheet(_title("officers")), report)
    flagged = workbook.create_sheet(_title("flagged"))
    listed = _flagged_note(flagged, report)
    template_row = _flagged_head(flagged, frozen="A2" if listed is None else "A3")
    _tickets_sheet(workbook.create_sheet(_title("complaints")), report)
    _trend_sheet(workbook.create_sheet(_title("trend")), report)
    _texts_only(workbook)
    return save_streaming(workbook, flagged, template_row, _flagged_rows(report, listed), path)


def _texts_only(workbook: Workbook) -> None:
    """openpyxl stores any text starting with "=" as a formula: an officer named
    `=HYPERLINK(...)` would run in the reader's spreadsheet. The report has no formulas of its
    own, so every such cell is written back as the text it is."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


def _title(part: str) -> str:
    # Excel allows 31 characters and none of []:*?/\ in a sheet name.
    return str(t.SHEETS[part]).translate(str.maketrans("[]:*?/\\", "()-----"))[:31]


def table(
    sheet: Worksheet, headers: list, rows: list[list], formats: dict[int, str], frozen: str = "A2"
) -> None:
    """A header row, frozen (with the columns left of `frozen`), then the rows; `formats` maps
    a column (from 1) to its number format."""
    sheet.append([str(header) for header in headers])
    for cell in sheet[sheet.max_row]:
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, WRAPPED
    for row in rows:
        sheet.append(row)
    for column, number_format in formats.items():
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = number_format
    sheet.freeze_panes = frozen


def widths(sheet: Worksheet, *columns: float) -> None:
    for position, width in enumerate(columns):
        sheet.column_dimensions[get_column_letter(position + 1)].width = width


def _items_sheet(sheet: Worksheet, report: MonthlyReport) -> None:
    level_headers = [f"{level} – {t.SCALE_LABELS[level]}" for level in SCALE]
    headers = [t.FORM, t.CODE, t.FACTOR, t.QUESTION, t.ANSWERS, *level_headers, t.INDEX, t.MEAN]
    rows = [
        [
            row.figure.instrument,
            row.figure.code,
            row.figure.factor.value if row.figure.factor else None,
            row.text,
            row.figure.answers,
            *(row.levels or [None] * len(SCALE)),
            row.figure.index,
            row.figure.mean,
        ]
        for row in report.items
    ]
    formats = {column: INTEGER for column in range(5, 11)} | {11: DECIMAL, 12: DECIMAL}
    table(sheet, headers, rows, formats, frozen="C2")
    for (cell,) in sheet.iter_rows(min_row=2, min_col=4, max_col=4):
        cell.alignment = WRAPPED
    widths(sheet, 12, 8, 8, 60, 10, 12, 12, 12, 12, 12, 12, 10)


def _factors_sheet(sheet: Worksheet, report: MonthlyReport) -> None:
    figures = report.figures
    rows = [
        [factor.value, str(t.FACTOR_LABELS[factor]), figure.answers, figure.index, figure.mean]
        for factor, figure in figures.factors.items()
    ]
    rows.append(["SIPAS", str(t.SIPAS_INDEX), None, figures.sipas_index, figures.sipas_mean])
    rows.append(["CHUNG", str(t.OVERALL_PCT), figures.responses, figures.overall_pct, None])
    headers = [t.CODE, t.FACTOR, t.ANSWERS, t.INDEX, t.MEAN]
    table(sheet, headers, rows, {3: INTEGER, 4: DECIMAL, 5: DECIMAL})
    widths(sheet, 8, 48, 12, 14, 12)
    chart = BarChart()
    chart.type = "bar"
    chart.title = str(t.FACTOR_CHART)
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 100
    chart.legend = None
    last = 1 + len(Factor)
    chart.add_data(Reference(sheet, min_col=4, min_row=1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=last))
    chart.width, chart.height = 16, 7.5
    sheet.add_chart(chart, "G2")


def _officers_sheet(sheet: Worksheet, report: MonthlyReport) -> None:
    headers = [
        t.OFFICER_CODE,
        t.OFFICER,
        t.RESPONSES,
        t.OVERALL_PCT,
        t.SIPAS_INDEX,
        *FACTOR_CODES,
        t.MEAN_OVERALL,
        t.FLAGGED_SHORT,
        t.FLAGGED_SHORT_PCT,
        t.BELOW_AVERAGE,
        t.REFERENCE_SIPAS,
        t.REFERENCE_UNIT,
    ]
    rows = [
        [
            row.officer_code,
            row.officer_name,
            row.responses,
            row.overall_pct,
            row.sipas_index,
            *(row.factors[code] for code in FACTOR_CODES),
            row.mean_overall,
            row.flagged,
            row.flagged_pct,
            t.below_average(row),
            row.reference_sipas,
            row.reference_unit,
        ]
        for row in report.officers.officers
    ]
    unit = report.officers.unit_figures
    rows.append(
        [
            None,
            str(t.WHOLE_UNIT),
            unit.responses,
            unit.overall_pct,
            unit.sipas_index,
            *(unit.factors[Factor(code)].index for code in FACTOR_CODES),
            unit.mean_overall,
            unit.flagged,
            unit.flagged_pct,
            None,
            None,
            None,
        ]
    )
    formats = {column: DECIMAL for column in (4, 5, 6, 7, 8, 9, 10, 11, 13, 15)}
    table(sheet, headers, rows, formats | {3: INTEGER, 12: INTEGER}, frozen="C2")
    for cell in sheet[sheet.max_row]:
        cell.font = HEADER_FONT
    widths(sheet, 12, 28, 10, 14, 10, 8, 8, 8, 8, 8, 12, 12, 12, 16)


def _flagged_note(sheet: Worksheet, report: MonthlyReport) -> int | None:
    """How many flagged responses the sheet lists (None: all), said above the table when not
    all of them."""
    count = report.figures.flagged
    if report.period is None or count <= PERIOD_FLAGGED_LISTED:
        return None
    shown = {"shown": PERIOD_FLAGGED_LISTED, "count": count}
    sheet.append([str(t.FLAGGED_CAPPED_PERIOD) % shown])
    return PERIOD_FLAGGED_LISTED


def _flagged_head(sheet: Worksheet, frozen: str) -> int:
    headers = [t.SUBMITTED, t.UNIT, t.COUNTER, t.OFFICER, t.CHANNEL, t.LOW_ITEMS, t.COMMENT]
    table(sheet, [*headers, t.AFTER_CLOSURE], [], {}, frozen)
    widths(sheet, 17, 30, 24, 24, 16, 26, 60, 14)
    plain = {"alignment": Alignment(vertical="top")}
    styles = [{"number_format": DATE_TIME, **plain}, *[plain] * 5, {"alignment": WRAPPED}, plain]
    return add_template_row(sheet, styles)


def _flagged_rows(report: MonthlyReport, limit: int | None):
    channels = {channel: str(label) for channel, label in t.CHANNEL_LABELS.items()}
    yes = str(t.YES)
    for found in report.flagged(limit):
        yield (
            found.submitted_at.replace(tzinfo=None),  # local time, as Excel has no zones
            found.unit_name,
            found.counter_name,
            found.officer_name,
            channels[found.channel],
            found.low_items_text,
            found.comment,
            yes if found.late else None,
        )


def _tickets_sheet(sheet: Worksheet, report: MonthlyReport) -> None:
    figures = report.complaints
    rows = [
        [str(t.COMPLAINTS_RECEIVED), figures.received],
        [str(t.COMPLAINTS_ANSWERED), figures.answered],
        [str(t.COMPLAINTS_ON_TIME), figures.on_time],
        [str(t.COMPLAINTS_EXTENDED), figures.on_time_after_extension],
        [str(t.COMPLAINTS_LATE), figures.late],
        [str(t.COMPLAINTS_OPEN), figures.still_open],
        [str(t.COMPLAINTS_DAYS), figures.average_working_days],
    ]
    table(sheet, [t.COMPLAINTS, report.column_label], rows, {2: INTEGER})
    sheet.cell(row=len(rows) + 1, column=2).number_format = "0.0"
    widths(sheet, 48, 14)


def _trend_sheet(sheet: Worksheet, report: MonthlyReport) -> None:
    headers = [t.MONTH, t.RESPONSES, t.OVERALL_PCT, t.SIPAS_INDEX, *FACTOR_CODES, t.MEAN_OVERALL]
    rows = [
        [
            month.slashed(),
            figures.responses,
            figures.overall_pct,
            figures.sipas_index,
            *(figures.factors[Factor(code)].index for code in FACTOR_CODES),
            figures.mean_overall,
        ]
        for month, figures in report.trend
    ]
    formats = {column: DECIMAL for column in range(3, 11)}
    table(sheet, headers, rows, formats | {2: INTEGER}, frozen="B2")
    widths(sheet, 10, 10, 14, 10, 8, 8, 8, 8, 8, 12)
    chart = LineChart()
    chart.title = str(t.TREND_CHART)
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 100
    last = 1 + len(rows)
    chart.add_data(Reference(sheet, min_col=3, max_col=4, min_row=1, max_row=last), True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=last))
    chart.width, chart.height = 22, 8
    sheet.add_chart(chart, "A16")
