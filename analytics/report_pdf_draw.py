"""Drawing on an A4 page of the monthly report: the administrative title block, headings,
tables, bar and column charts drawn as vector shapes, and the signature block."""

from collections.abc import Sequence
from dataclasses import dataclass

from fpdf import FPDF, FontFace

from analytics import report_text as t
from analytics.report import TitleBlock
from survey_app.paths import FONTS_DIR

FONT = "DejaVu"
PAGE_WIDTH, PAGE_HEIGHT = 210, 297
LEFT, RIGHT, TOP, BOTTOM = 25, 15, 15, 18  # administrative documents keep a wide left margin
WIDTH = PAGE_WIDTH - LEFT - RIGHT
BODY_SIZE, SMALL_SIZE = 10, 8.5
BAR, GRID, MUTED, HEADER_FILL = (29, 79, 145), (208, 212, 218), (102, 102, 102), (220, 230, 241)
GROUP_STYLE = FontFace(emphasis="BOLD", fill_color=(242, 244, 247))
SIGNATURE_SPACE = 30  # mm left blank for the signatures and the seal


class ReportPDF(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.add_font(FONT, "", str(FONTS_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONTS_DIR / "DejaVuSans-Bold.ttf"))
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
    """Governing body and unit on the left, the national motto on the right, then the date
    and the title, laid out as Vietnamese administrative documents are."""
    left_width, right_width = 68, WIDTH - 68
    top = pdf.get_y()
    pdf.set_font(FONT, "", 10)
    if title.parent_name:
        pdf.multi_cell(left_width, 5, title.parent_name.upper(), align="C", new_x="LEFT")
    pdf.set_font(FONT, "B", 10)
    pdf.multi_cell(left_width, 5, title.unit_name.upper(), align="C", new_x="LEFT")
    _rule(pdf, LEFT + left_width / 2, pdf.get_y() + 1, 24)
    left_bottom = pdf.get_y()
    pdf.set_xy(LEFT + left_width, top)
    pdf.set_font(FONT, "B", 10)
    pdf.cell(right_width, 5, str(t.COUNTRY), align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font(FONT, "B", 11)
    motto = str(t.MOTTO)
    pdf.cell(right_width, 6, motto, align="C", new_x="LEFT", new_y="NEXT")
    _rule(pdf, LEFT + left_width + right_width / 2, pdf.get_y(), pdf.get_string_width(motto))
    pdf.set_y(max(left_bottom, pdf.get_y()) + 4)
    pdf.set_x(LEFT + left_width)
    pdf.set_font(FONT, "", 10)
    place = t.place_and_date(title.place, title.day)
    pdf.cell(right_width, 5, place, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font(FONT, "B", 14)
    pdf.cell(0, 7, str(t.REPORT), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "B", 11)
    pdf.multi_cell(0, 5.5, subject, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


def _rule(pdf: FPDF, centre: float, y: float, length: float) -> None:
    pdf.set_line_width(0.3)
    pdf.line(centre - length / 2, y, centre + length / 2, y)


def heading(pdf: FPDF, text: str, room: float = 30) -> None:
    """A section heading, kept on the page with at least `room` mm of what follows."""
    if pdf.get_y() + room > PAGE_HEIGHT - BOTTOM:
        pdf.add_page()
    pdf.ln(2)
    pdf.set_font(FONT, "B", 11)
    pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def paragraph(pdf: FPDF, text: str, size: float = BODY_SIZE, color=(0, 0, 0)) -> None:
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
    aligns = align or ["L", *["R"] * (len(widths) - 1)]
    with pdf.table(
        width=WIDTH if sum(widths) >= WIDTH else sum(widths),
        align="LEFT",
        col_widths=widths,
        text_align=tuple(aligns),
        line_height=size * 0.48,
        padding=(0.8, 1.2),
        headings_style=FontFace(emphasis="BOLD", fill_color=HEADER_FILL),
        repeat_headings=1,
    ) as drawn:
        heading_row = drawn.row()
        for text in headers:
            heading_row.cell(text, align="C")
        for values in rows:
            row = drawn.row()
            if isinstance(values, str):
                row.cell(values, colspan=len(widths), align="L", style=GROUP_STYLE)
                continue
            for value in values:
                row.cell(value)
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


def signatures(pdf: FPDF) -> None:
    """The preparer on the left, the head of the unit on the right, room to sign and seal."""
    _keep_room(pdf, SIGNATURE_SPACE + 20)
    pdf.ln(6)
    top, half = pdf.get_y(), WIDTH / 2
    for column, (role, hint) in enumerate(
        ((t.PREPARED_BY, t.SIGN_NAME), (t.HEAD_OF_UNIT, t.SIGN_SEAL))
    ):
        pdf.set_xy(LEFT + column * half, top)
        pdf.set_font(FONT, "B", 10)
        pdf.cell(half, 5, str(role), align="C", new_x="LEFT", new_y="NEXT")
        pdf.set_font(FONT, "", SMALL_SIZE)
        pdf.cell(half, 5, str(hint), align="C")
    pdf.set_y(top + 10 + SIGNATURE_SPACE)
