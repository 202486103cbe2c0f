"""Drawing on an A4 page of the monthly report: the administrative title block, headings,
tables, bar and column charts drawn as vector shapes, the signature and recipients blocks
(Nghị định 30/2020/NĐ-CP's layout, in Liberation Serif: Times New Roman's metrics)."""

from collections.abc import Sequence
from dataclasses import dataclass

from fpdf import FPDF

from analytics.report import text as t
from analytics.report.contents import TitleBlock
from analytics.report.document import DocumentSettings, header_lines
from analytics.report.pdf_table import CellStyle, draw_table
from survey_app.core.paths import FONTS_DIR

FONT = "LiberationSerif"  # Times New Roman's metrics, full Vietnamese, free to embed
FONT_FILES = {"": "Regular", "B": "Bold", "I": "Italic", "BI": "BoldItalic"}
PAGE_WIDTH, PAGE_HEIGHT = 210, 297
LEFT, RIGHT, TOP, BOTTOM = 30, 15, 20, 20  # NĐ 30/2020: left 30–35, right 15–20, top/bottom 20–25
WIDTH = PAGE_WIDTH - LEFT - RIGHT
BODY_SIZE, SMALL_SIZE = 13, 9
HEADER_SIZE = 13  # the header blocks, the place and date and the title, at NĐ 30's 12–14 pt
BAR, GRID, MUTED, HEADER_FILL = (29, 79, 145), (208, 212, 218), (102, 102, 102), (220, 230, 241)
GROUP_FILL = (242, 244, 247)
SIGNATURE_SPACE = 28  # mm left blank for the signature and the seal
LINE_SPACING = 1.2  # NĐ 30: from single to 1.5 lines
INDENT = 10  # first line of a body paragraph, mm (NĐ 30: 1–1.27 cm)
LEFT_BLOCK = 78  # the issuing body's column; the national title's takes the rest


class ReportPDF(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        for style, suffix in (
            ("", "Regular"),
            ("B", "Bold"),
            ("I", "Italic"),
            ("BI", "BoldItalic"),
        ):
            self.add_font(FONT, style, str(FONTS_DIR / f"LiberationSerif-{suffix}.ttf"))
        self.set_margins(LEFT, TOP, RIGHT)
        self.set_auto_page_break(True, margin=BOTTOM)
        self.set_title(title)
        self.set_lang("vi")
        self.page_label = str(t.PAGE)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", SMALL_SIZE)
        self.set_text_color(*MUTED)
        # {nb} is fpdf's alias for the page count, filled in when the file is written.
        label = self.page_label % {"page": self.page_no(), "pages": "{nb}"}
        self.cell(0, 5, label, align="C")
        self.set_text_color(0, 0, 0)


def title_block(pdf: FPDF, title: TitleBlock, subject: str) -> None:
    """NĐ 30/2020's header: governing and issuing body over their rule and the number line on
    the left; the national title and motto over theirs, then the place and date, on the right;
    then the kind of document and its subject, centred."""
    document = title.document
    top = pdf.get_y()
    line = HEADER_SIZE * 0.45
    if document.governing_body:
        pdf.set_font(FONT, "", HEADER_SIZE)
        governing = "\n".join(header_lines(document.governing_body))
        pdf.multi_cell(LEFT_BLOCK, line, governing, align="C", new_x="LEFT")
    issuing = header_lines(document.issuing_body)
    pdf.set_font(FONT, "B", _fitting_size(pdf, issuing))
    pdf.multi_cell(LEFT_BLOCK, line, "\n".join(issuing), align="C", new_x="LEFT")
    _rule(pdf, LEFT + LEFT_BLOCK / 2, pdf.get_y() + 1.5, LEFT_BLOCK / 3)
    pdf.ln(3)
    pdf.set_font(FONT, "", HEADER_SIZE)
    pdf.cell(LEFT_BLOCK, line + 1, document.number_line, align="C", new_x="LEFT", new_y="NEXT")
    left_bottom = pdf.get_y()
    _national_title(pdf, top, line)
    _place_and_date(pdf, title, line)
    pdf.set_y(max(left_bottom, pdf.get_y()) + 6)
    pdf.set_font(FONT, "B", 14)
    pdf.cell(0, 7, str(t.REPORT), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 6.5, subject, align="C", new_x="LMARGIN", new_y="NEXT")
    _rule(pdf, LEFT + WIDTH / 2, pdf.get_y() + 2, 30)
    pdf.ln(7)


def _fitting_size(pdf: FPDF, lines: list[str]) -> float:
    """13 pt, or 12 pt (NĐ 30 allows 12–13) when that keeps each line on one line."""
    for size in (HEADER_SIZE, HEADER_SIZE - 1):
        pdf.set_font(FONT, "B", size)
        if all(pdf.get_string_width(line) <= LEFT_BLOCK - 2 for line in lines):
            return size
    return HEADER_SIZE


def _national_title(pdf: FPDF, top: float, line: float) -> None:
    right_width = WIDTH - LEFT_BLOCK
    pdf.set_xy(LEFT + LEFT_BLOCK, top)
    pdf.set_font(FONT, "B", HEADER_SIZE - 1)
    pdf.cell(right_width, line, str(t.COUNTRY), align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font(FONT, "B", HEADER_SIZE + 1)
    motto = str(t.MOTTO)
    pdf.cell(right_width, line + 0.5, motto, align="C", new_x="LEFT", new_y="NEXT")
    _rule(pdf, LEFT + LEFT_BLOCK + right_width / 2, pdf.get_y() + 0.3, pdf.get_string_width(motto))


def _place_and_date(pdf: FPDF, title: TitleBlock, line: float) -> None:
    pdf.set_y(pdf.get_y() + 5)
    pdf.set_x(LEFT + LEFT_BLOCK)
    pdf.set_font(FONT, "I", HEADER_SIZE + 1)
    text = t.place_and_date(title.place, title.day)
    pdf.multi_cell(WIDTH - LEFT_BLOCK, line + 1, text, align="C", new_x="LMARGIN", new_y="NEXT")


def _rule(pdf: FPDF, centre: float, y: float, length: float) -> None:
    pdf.set_line_width(0.3)
    pdf.line(centre - length / 2, y, centre + length / 2, y)


def heading(pdf: FPDF, text: str, room: float = 30) -> None:
    """A section heading, kept on the page with at least `room` mm of what follows."""
    if pdf.get_y() + room > PAGE_HEIGHT - BOTTOM:
        pdf.add_page()
    pdf.ln(2)
    pdf.set_font(FONT, "B", 12)
    pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def body_paragraph(pdf: FPDF, text: str) -> None:
    """A paragraph of the report's text: justified, its first line indented."""
    pdf.set_font(FONT, "", BODY_SIZE)
    columns = pdf.text_columns(text_align="J", l_margin=LEFT, r_margin=RIGHT)
    with (
        columns,
        columns.paragraph(
            first_line_indent=INDENT, bottom_margin=2, line_height=LINE_SPACING
        ) as written,
    ):
        written.write(text)


def body_heading(pdf: FPDF, text: str) -> None:
    """A numbered part of the report's text (I., II., III.), bold at body size."""
    if pdf.get_y() + 25 > PAGE_HEIGHT - BOTTOM:
        pdf.add_page()
    pdf.set_font(FONT, "B", BODY_SIZE)
    pdf.set_x(LEFT + INDENT)
    pdf.multi_cell(WIDTH - INDENT, BODY_SIZE * 0.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def paragraph(pdf: FPDF, text: str, size: float = SMALL_SIZE + 1, color=(0, 0, 0)) -> None:
    pdf.set_font(FONT, "", size)
    pdf.set_text_color(*color)
    pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(1)


def table(
    pdf: FPDF,
    headers: Sequence[str],
    rows: Sequence[Sequence[str] | str],
    widths: Sequence[float],
    *,
    size: float = SMALL_SIZE,
    align: Sequence[str] | None = None,
) -> None:
    """A bordered table over the text width; the header row repeats on every page. A row given
    as one string is a group heading across the whole table."""
    pdf.set_font(FONT, "", size)
    pdf.set_fill_color(255, 255, 255)  # a chart may have left its bar colour behind
    draw_table(
        pdf,
        headers,
        rows,
        widths,
        total_width=min(WIDTH, sum(widths)),
        size=size,
        aligns=align or ["L", *["R"] * (len(widths) - 1)],
        heading=CellStyle("B", HEADER_FILL),
        group=CellStyle("B", GROUP_FILL),
    )
    pdf.ln(3)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    shown: str


def bar_chart(pdf: FPDF, bars: Sequence[Bar], max_value: float = 100) -> None:
    """Horizontal bars, one row each (the factors)."""
    row, label_width, length = 7, 16, WIDTH - 40
    _keep_room(pdf, row * len(bars) + 4)
    top = pdf.get_y()
    pdf.set_font(FONT, "", SMALL_SIZE)
    for position, bar in enumerate(bars):
        y = top + position * row
        pdf.set_xy(LEFT, y)
        pdf.cell(label_width, row - 1, bar.label)
        width = _scaled(bar.value, max_value, length)
        if width:
            pdf.set_fill_color(*BAR)
            pdf.rect(LEFT + label_width, y + 0.8, width, row - 2.6, style="F")
        pdf.set_xy(LEFT + label_width + width + 1.5, y)
        pdf.cell(20, row - 1, bar.shown)
    pdf.set_y(top + row * len(bars) + 3)


def column_chart(pdf: FPDF, bars: Sequence[Bar], max_value: float = 100) -> None:
    """Vertical columns over a 0–max grid (a series in time)."""
    height, axis, slot = 45, 10, (WIDTH - 10) / max(len(bars), 1)
    _keep_room(pdf, height + 16)
    top = pdf.get_y() + 4
    base = top + height
    pdf.set_font(FONT, "", 7)
    pdf.set_draw_color(*GRID)
    pdf.set_line_width(0.2)
    for fraction in (0, 0.5, 1):
        y = base - height * fraction
        pdf.line(LEFT + axis, y, LEFT + WIDTH, y)
        pdf.set_xy(LEFT, y - 2)
        pdf.cell(axis - 1, 4, f"{max_value * fraction:g}", align="R")
    pdf.set_draw_color(0, 0, 0)
    for position, bar in enumerate(bars):
        x = LEFT + axis + position * slot
        size = _scaled(bar.value, max_value, height)
        if size:
            pdf.set_fill_color(*BAR)
            pdf.rect(x + slot * 0.18, base - size, slot * 0.64, size, style="F")
        pdf.set_xy(x, base - size - 4.5)
        pdf.cell(slot, 4, bar.shown, align="C")
        pdf.set_xy(x, base + 0.5)
        pdf.cell(slot, 4, bar.label, align="C")
    pdf.set_y(base + 8)


def _keep_room(pdf: FPDF, height: float) -> None:
    if pdf.get_y() + height > PAGE_HEIGHT - BOTTOM:
        pdf.add_page()


def _scaled(value: float | None, max_value: float, length: float) -> float:
    if value is None or max_value <= 0:
        return 0.0
    return max(0.0, min(value, max_value)) / max_value * length


def signatures(pdf: FPDF, document: DocumentSettings) -> None:
    """The recipients block on the left, the signer's authority, title and name on the right
    with room to sign and seal (NĐ 30/2020)."""
    _keep_room(pdf, SIGNATURE_SPACE + 30 + 5 * len(document.recipients))
    pdf.ln(4)
    top, half = pdf.get_y(), WIDTH / 2
    _recipients(pdf, document, half)
    left_bottom = pdf.get_y()
    pdf.set_xy(LEFT + half, top)
    pdf.set_font(FONT, "B", HEADER_SIZE + 1)
    for line in (document.signer_authority, document.signer_title):
        if line:
            pdf.multi_cell(half, 6, line.upper(), align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_y(pdf.get_y() + SIGNATURE_SPACE)
    pdf.set_x(LEFT + half)
    if document.signer_name:
        pdf.cell(half, 6, document.signer_name, align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_y(max(left_bottom, pdf.get_y()) + 4)


def _recipients(pdf: FPDF, document: DocumentSettings, width: float) -> None:
    pdf.set_font(FONT, "BI", 12)
    pdf.cell(width, 6, str(t.RECIPIENTS), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 11)
    for line in document.recipient_lines:
        pdf.multi_cell(width, 5, line, new_x="LMARGIN", new_y="NEXT")


def appendix_title(pdf: FPDF, title: TitleBlock, subject: str) -> None:
    """The appendix on a page of its own, saying which report it goes with."""
    pdf.add_page()
    pdf.set_font(FONT, "B", 14)
    pdf.cell(0, 7, str(t.APPENDIX), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 6.5, subject, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "I", HEADER_SIZE)
    attached = t.attached_to(title.document, title.day)
    pdf.multi_cell(0, 6, attached, align="C", new_x="LMARGIN", new_y="NEXT")
    _rule(pdf, LEFT + WIDTH / 2, pdf.get_y() + 0.8, 30)
    pdf.ln(5)
