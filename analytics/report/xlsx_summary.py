"""The first sheet of the report workbook: the title block of an administrative report, the
responses received, the headline figures, the answers per level and, for a closed month, the
published figures beside the amendment."""

from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from analytics.figures import Figures
from analytics.report import text as t
from analytics.report.contents import MonthlyReport
from survey_app.models import SCALE

BOLD = Font(bold=True)
CENTRED = Alignment(horizontal="center", vertical="center", wrap_text=True)
DECIMAL = "0.00"
INTEGER = "#,##0"
LAST_COLUMN = 8  # H


def write_summary(sheet: Worksheet, report: MonthlyReport) -> None:
    _title_block(sheet, report)
    row = _participation(sheet, report, 9)
    row = _satisfaction(sheet, report.figures, row + 1)
    if report.follow_ups is not None:
        sheet.cell(row=row, column=1, value=t.follow_up_line(report.follow_ups))
        row += 1
    row = _levels(sheet, report, row + 1)
    if report.closed is not None:
        _closure(sheet, report, row + 1)
    sheet.column_dimensions["A"].width = 52
    for letter in "BCDEFGH":
        sheet.column_dimensions[letter].width = 14
    sheet.print_options.horizontalCentered = True
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1


def _title_block(sheet: Worksheet, report: MonthlyReport) -> None:
    title = report.title
    _text(sheet, 1, 1, (title.parent_name or "").upper(), last=2)
    _text(sheet, 2, 1, title.document.issuing_body.upper(), last=2, font=BOLD)
    _text(sheet, 3, 1, title.document.number_line, last=2)
    _text(sheet, 1, 3, str(t.COUNTRY), font=BOLD)
    _text(sheet, 2, 3, str(t.MOTTO), font=Font(bold=True, underline="single"))
    _text(sheet, 4, 3, t.place_and_date(title.place, title.day), font=Font(italic=True))
    _text(sheet, 6, 1, str(t.REPORT), font=Font(bold=True, size=14))
    _text(sheet, 7, 1, report.subject, font=BOLD)
    sheet.row_dimensions[7].height = 32


def _text(sheet: Worksheet, row: int, first: int, text: str, *, last=LAST_COLUMN, font=None):
    """Text centred over columns first..last (merged)."""
    cell = sheet.cell(row=row, column=first, value=text)
    cell.alignment = CENTRED
    if font is not None:
        cell.font = font
    sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)


def _heading(sheet: Worksheet, row: int, text) -> int:
    sheet.cell(row=row, column=1, value=str(text)).font = BOLD
    return row + 1


def _line(sheet: Worksheet, row: int, label, value, number_format: str = INTEGER) -> int:
    sheet.cell(row=row, column=1, value=str(label))
    cell = sheet.cell(row=row, column=2, value=value)
    if isinstance(value, int | float):
        cell.number_format = number_format
    return row + 1


def _participation(sheet: Worksheet, report: MonthlyReport, row: int) -> int:
    known = report.participation
    row = _heading(sheet, row, t.PART_RESPONSES)
    row = _line(sheet, row, t.RESPONSES, report.figures.responses)
    for channel, responses in known.by_channel.items():
        row = _line(sheet, row, f"    {t.CHANNEL_LABELS[channel]}", responses)
    row = _line(sheet, row, t.DOSSIER_LINKS, known.dossier_links)
    rate = known.rate if known.rate is not None else str(t.RATE_NOT_KNOWN)
    row = _line(sheet, row, t.RESPONSE_RATE, rate, DECIMAL)
    if (counts := known.integrity) is not None:
        row = _line(sheet, row, t.HELD, counts.held)
        row = _line(sheet, row, t.REJECTED, counts.rejected)
        row = _line(sheet, row, t.FILTERED, counts.filtered)
        share = counts.links_pct if counts.links_pct is not None else "–"
        row = _line(sheet, row, t.THROUGH_LINKS, share, DECIMAL)
    return row


def _satisfaction(sheet: Worksheet, figures: Figures, row: int) -> int:
    row = _heading(sheet, row, t.PART_SATISFACTION)
    for label, value, number_format in _headline(figures):
        row = _line(sheet, row, label, value, number_format)
    return row


def _headline(figures: Figures) -> list[tuple]:
    return [
        (t.OVERALL_PCT, figures.overall_pct, DECIMAL),
        (t.MEAN_OVERALL, figures.mean_overall, DECIMAL),
        (t.SIPAS_INDEX, figures.sipas_index, DECIMAL),
        (t.SIPAS_MEAN, figures.sipas_mean, DECIMAL),
        (t.FLAGGED, figures.flagged, INTEGER),
        (t.FLAGGED_PCT, figures.flagged_pct, DECIMAL),
    ]


def _levels(sheet: Worksheet, report: MonthlyReport, row: int) -> int:
    """Answers at each level over all questions, in numbers and in % of all answers."""
    row = _heading(sheet, row, t.LEVELS_TOTAL)
    counts = report.levels_total
    total = sum(counts)
    labels = [f"{level} – {t.SCALE_LABELS[level]}" for level in SCALE]
    for column, label in enumerate([*labels, str(t.TOTAL)], start=2):
        cell = sheet.cell(row=row, column=column, value=label)
        cell.font, cell.alignment = BOLD, CENTRED
    sheet.row_dimensions[row].height = 30
    shares = [100 * count / total if total else None for count in counts]
    for offset, (values, number_format) in enumerate(
        (([*counts, total], INTEGER), ([*shares, 100 if total else None], DECIMAL)), start=1
    ):
        sheet.cell(row=row + offset, column=1, value=str(t.ANSWERS if offset == 1 else "%"))
        for column, value in enumerate(values, start=2):
            sheet.cell(row=row + offset, column=column, value=value).number_format = number_format
    return row + 3


def _closure(sheet: Worksheet, report: MonthlyReport, row: int) -> int:
    row = _heading(sheet, row, t.PART_AMENDMENT)
    sheet.cell(row=row, column=1, value=t.closed_note(report.closed))
    row += 1
    change = report.closed.amendment
    if change is None:
        sheet.cell(row=row, column=1, value=str(t.NO_AMENDMENT))
        return row + 1
    sheet.cell(row=row, column=1, value=str(t.AMENDMENT_NOTE) % {"count": change.late_responses})
    row += 1
    for column, label in ((2, t.PUBLISHED), (3, t.WITH_AMENDMENT)):
        cell = sheet.cell(row=row, column=column, value=str(label))
        cell.font, cell.alignment = BOLD, CENTRED
    sheet.row_dimensions[row].height = 30
    frozen = [(t.RESPONSES, change.frozen.responses, INTEGER), *_headline(change.frozen)]
    current = [change.current.responses, *(value for _, value, _ in _headline(change.current))]
    for (label, published, number_format), now in zip(frozen, current, strict=True):
        row += 1
        _line(sheet, row, label, published, number_format)
        cell = sheet.cell(row=row, column=3, value=now)
        cell.number_format = number_format
    return row + 1
