"""The monthly report as an editable Word document (DOCX), laid out as Nghị định 30/2020/NĐ-CP
sets, for the office to finish and sign: the same header, text, signature and recipients as the
PDF, and the appendix's tables.

Everything is written through named paragraph styles (Normal, "Report Title", "Body Heading",
...), never hand-set runs, so that a clerk who changes a style in Word changes the document.
Word's own Times New Roman is named; LibreOffice shows it in Liberation Serif (same metrics).
"""

from pathlib import Path
from typing import NamedTuple

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import _Cell

from analytics.report import text as t
from analytics.report.contents import MonthlyReport
from analytics.report.document import DocumentSettings, header_lines
from analytics.report.rollup_rows import unit_headers, unit_rows

FONT = "Times New Roman"
BODY_SIZE = 14
CENTER, JUSTIFY, LEFT = (
    WD_ALIGN_PARAGRAPH.CENTER,
    WD_ALIGN_PARAGRAPH.JUSTIFY,
    WD_ALIGN_PARAGRAPH.LEFT,
)
# name → (size, bold, italic, alignment); every other setting comes from Normal.
STYLES = {
    "Governing Body": (13, False, False, CENTER),
    "Issuing Body": (13, True, False, CENTER),
    "Number Line": (13, False, False, CENTER),
    "National Title": (12, True, False, CENTER),
    "Motto": (14, True, False, CENTER),
    "Place And Date": (14, False, True, CENTER),
    "Report Title": (14, True, False, CENTER),
    "Report Subject": (14, True, False, CENTER),
    "Body Heading": (14, True, False, JUSTIFY),
    "Signer": (14, True, False, CENTER),
    "Recipients Heading": (12, True, True, LEFT),
    "Recipients": (11, False, False, LEFT),
    "Table Text": (11, False, False, LEFT),
    "Table Heading": (11, True, False, CENTER),
}
FLAGGED_LISTED = 30


class AppendixTable(NamedTuple):
    heading: str
    headers: list[str]
    rows: list[list[str]]
    # Paragraphs under the table; a table with no rows and a note is the note alone.
    notes: tuple[str, ...] = ()


def write_report_docx(report: MonthlyReport, path: Path) -> None:
    document = Document()
    _page_setup(document)
    _styles(document)
    subject = report.subject
    _header(document, report)
    document.add_paragraph(str(t.REPORT), style="Report Title")
    document.add_paragraph(subject, style="Report Subject")
    for part, title in t.BODY_PARTS.items():
        document.add_paragraph(str(title), style="Body Heading")
        for line in getattr(report.narrative, part).splitlines():
            document.add_paragraph(line, style="Normal")
    _signature(document, report.title.document)
    _appendix(document, report, subject)
    document.core_properties.title = f"{t.REPORT}: {subject}"
    document.core_properties.language = "vi-VN"
    document.save(str(path))


def _page_setup(document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)


def _styles(document) -> None:
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(BODY_SIZE)
    _east_asian_font(normal)
    body = normal.paragraph_format
    body.alignment, body.first_line_indent = JUSTIFY, Cm(1)
    body.space_before, body.space_after, body.line_spacing = Pt(0), Pt(6), 1.15
    for name, (size, bold, italic, alignment) in STYLES.items():
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.font.size, style.font.bold, style.font.italic = Pt(size), bold, italic
        layout = style.paragraph_format
        layout.alignment, layout.space_after = alignment, Pt(0)
        layout.first_line_indent = Cm(1) if name == "Body Heading" else Cm(0)
        layout.line_spacing = 1.0
    document.styles["Body Heading"].paragraph_format.space_before = Pt(6)
    document.styles["Report Subject"].paragraph_format.space_after = Pt(12)


def _east_asian_font(style) -> None:
    """Word picks a run's font per script; name the same font for every one of them."""
    fonts = style.element.rPr.rFonts
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)


def _header(document, report: MonthlyReport) -> None:
    settings = report.title.document
    left, right = _layout_table(document, [Cm(6.5), Cm(10)]).rows[0].cells
    first = True
    if settings.governing_body:
        first = _lines(left, header_lines(settings.governing_body), "Governing Body", first)
    _lines(left, header_lines(settings.issuing_body), "Issuing Body", first)
    _rule(left.add_paragraph("", style="Number Line"), Cm(2.2))
    left.add_paragraph(settings.number_line, style="Number Line")
    _lines(right, [str(t.COUNTRY)], "National Title", True)
    right.add_paragraph(str(t.MOTTO), style="Motto")
    _rule(right.add_paragraph("", style="Number Line"), Cm(2.3))
    place = t.place_and_date(report.title.place, report.title.day)
    right.add_paragraph(place, style="Place And Date")
    document.add_paragraph("", style="Number Line")


def _lines(cell, lines: list[str], style: str, first: bool) -> bool:
    for line in lines:
        if first:
            cell.paragraphs[0].text, cell.paragraphs[0].style = line, style
            first = False
        else:
            cell.add_paragraph(line, style=style)
    return first


def _rule(paragraph, indent) -> None:
    """A short solid line under a header block: a bottom border on an indented empty line."""
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = indent
    border, bottom = OxmlElement("w:pBdr"), OxmlElement("w:bottom")
    for key, value in {"w:val": "single", "w:sz": "6", "w:space": "1"}.items():
        bottom.set(qn(key), value)
    border.append(bottom)
    paragraph._p.get_or_add_pPr().append(border)
    paragraph.paragraph_format.space_after = Pt(4)


def _layout_table(document, widths):
    """A borderless table that only places blocks side by side."""
    table = document.add_table(rows=1, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, cell, width in zip(table.columns, table.rows[0].cells, widths, strict=True):
        column.width = cell.width = width  # Word reads the cells', LibreOffice the grid's
    return table


def _signature(document, settings: DocumentSettings) -> None:
    document.add_paragraph("", style="Number Line")
    left, right = _layout_table(document, [Cm(8), Cm(8.5)]).rows[0].cells
    left.paragraphs[0].text, left.paragraphs[0].style = str(t.RECIPIENTS), "Recipients Heading"
    for line in settings.recipient_lines:
        left.add_paragraph(line, style="Recipients")
    signer = [line.upper() for line in (settings.signer_authority, settings.signer_title) if line]
    _lines(right, signer, "Signer", True)
    for _ in range(4):
        right.add_paragraph("", style="Signer")
    if settings.signer_name:
        right.add_paragraph(settings.signer_name, style="Signer")


def _appendix(document, report: MonthlyReport, subject: str) -> None:
    document.add_section(WD_SECTION.NEW_PAGE)
    document.add_paragraph(str(t.APPENDIX), style="Report Title")
    document.add_paragraph(subject, style="Report Title")
    attached = t.attached_to(report.title.document, report.title.day)
    document.add_paragraph(attached, style="Place And Date")
    document.add_paragraph("", style="Number Line")
    for part in appendix_tables(report):
        document.add_paragraph(str(part.heading), style="Body Heading")
        if part.rows or not part.notes:
            _data_table(document, part.headers, part.rows)
        for note in part.notes:
            document.add_paragraph(note, style="Table Text")


def _data_table(document, headers: list[str], rows: list[list[str]]) -> None:
    """A bordered table, its rows filled through their XML: python-docx finds a row's cells by
    walking the whole table, which makes a long table quadratic."""
    table = document.add_table(rows=1 + len(rows), cols=len(headers))
    table.style = document.styles["Table Grid"]
    # Styles by id: python-docx looks a style's name up anew, slowly, on every assignment.
    heading, body = (document.styles[name].style_id for name in ("Table Heading", "Table Text"))
    for position, row in enumerate(table._tbl.tr_lst):
        values, style = (headers, heading) if position == 0 else (rows[position - 1], body)
        for tc, text in zip(row.tc_lst, values, strict=True):
            paragraph = _Cell(tc, table).paragraphs[0]
            paragraph.text = str(text)
            paragraph._p.style = style


def appendix_tables(report: MonthlyReport) -> list[AppendixTable]:
    """The appendix's tables in domain.md §4's order: heading, header row, rows."""
    figures = report.figures
    known = report.participation
    responses = [[str(t.RESPONSES), t.count(figures.responses)]]
    responses += [[f"   {t.CHANNEL_LABELS[c]}", t.count(n)] for c, n in known.by_channel.items()]
    responses.append([str(t.DOSSIER_LINKS), t.count(known.dossier_links)])
    headline = t.headline_rows(figures)
    items = [
        [row.figure.code, row.text, t.count(row.figure.answers), t.number(row.figure.index)]
        for row in report.items
    ]
    factors = [
        [f.value, str(t.FACTOR_LABELS[f]), t.number(v.index), t.number(v.mean)]
        for f, v in figures.factors.items()
    ]
    officers = [
        [r.officer_name, t.count(r.responses), t.number(r.sipas_index), t.below_average(r)]
        for r in report.officers.officers
    ]
    complaints = t.complaint_rows(report.complaints)
    trend = [
        [m.slashed(), t.count(f.responses), t.number(f.overall_pct), t.number(f.sipas_index)]
        for m, f in report.trend
    ]
    month = report.column_label
    return [
        AppendixTable(t.PART_RESPONSES, ["", str(t.RESPONSES)], responses),
        AppendixTable(t.PART_SATISFACTION, ["", month], headline),
        AppendixTable(
            t.PART_ITEMS, [str(t.CODE), str(t.QUESTION), str(t.ANSWERS), str(t.INDEX)], items
        ),
        AppendixTable(
            t.PART_FACTORS, [str(t.CODE), str(t.FACTOR), str(t.INDEX), str(t.MEAN)], factors
        ),
        AppendixTable(
            t.PART_OFFICERS,
            [str(t.OFFICER), str(t.RESPONSES), str(t.SIPAS_INDEX), str(t.BELOW_AVERAGE)],
            officers,
        ),
        _flagged_table(report),
        AppendixTable(t.PART_COMPLAINTS, ["", month], complaints),
        AppendixTable(
            t.PART_TREND,
            [str(t.MONTH), str(t.RESPONSES), str(t.OVERALL_PCT), str(t.SIPAS_INDEX)],
            trend,
        ),
        AppendixTable(
            t.PART_THEMES, [str(t.THEME), str(t.COMMENTS), str(t.EXAMPLES)], _theme_rows(report)
        ),
        *_rollup_tables(report),
    ]


def _rollup_tables(report: MonthlyReport) -> list[AppendixTable]:
    if report.rollup is None:
        return []
    headers = [str(t.UNIT), str(t.OFFICER), str(t.RESPONSES), str(t.SIPAS_INDEX)]
    below = [
        [unit_name, row.officer_name, t.count(row.responses), t.number(row.sipas_index)]
        for unit_name, officers in report.rollup.below_by_unit
        for row in officers
    ]
    return [
        AppendixTable(t.PART_UNITS, unit_headers(), unit_rows(report)),
        AppendixTable(t.PART_UNITS_BELOW, headers, below),
    ]


def _theme_rows(report: MonthlyReport) -> list[list[str]]:
    return [
        [found.label, t.count(found.count), " · ".join(found.examples)] for found in report.themes
    ]


def _flagged_table(report: MonthlyReport) -> AppendixTable:
    """The newest flagged responses, and under them what the PDF says: how many of how many
    are listed and where the rest are, and how they were followed up."""
    headers, count = [str(t.LOW_ITEMS), str(t.COMMENT)], report.figures.flagged
    if not count:
        return AppendixTable(t.PART_FLAGGED, headers, [], (str(t.NO_FLAGGED),))
    rows = [[found.low_items_text, found.comment] for found in report.flagged(FLAGGED_LISTED)]
    notes = []
    if count > len(rows):
        notes.append(t.flagged_capped(len(rows), count, period=report.period is not None))
    if report.follow_ups is not None:
        notes.append(t.follow_up_line(report.follow_ups))
    return AppendixTable(t.PART_FLAGGED, headers, rows, tuple(notes))
