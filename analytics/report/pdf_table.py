"""The appendix's bordered tables, drawn cell by cell. They look as fpdf2's `table()` draws them
with the settings the report used (all borders, padding 0.8 × 1.2 mm, each cell's text centred
in the height of its row, the header row bold on a fill and repeated on every page, group
headings across the table), but fpdf2 lays out every cell twice through `multi_cell` (a dry run
for the row's height, then the drawing): half a millisecond a cell, some 2 s for a province's
400 officers. Here a text is measured once and drawn a line at a time with `cell()`; only a
text wider than its column is wrapped, by `multi_cell` itself, so lines break where they did."""

from collections.abc import Sequence
from dataclasses import dataclass

from fpdf import FPDF

PADDING_Y, PADDING_X = 0.8, 1.2
LINE_FACTOR = 0.48  # line height per point of font size


@dataclass(frozen=True)
class CellStyle:
    emphasis: str  # "" or "B"
    fill: tuple[int, int, int] | None  # None: the white the table starts with


@dataclass(frozen=True)
class _Cell:
    lines: list[str]
    x: float
    width: float
    align: str


@dataclass(frozen=True)
class _Row:
    cells: list[_Cell]
    style: CellStyle
    height: float


def draw_table(
    pdf: FPDF,
    headers: Sequence[str],
    rows: Sequence[Sequence[str] | str],
    widths: Sequence[float],
    *,
    total_width: float,
    size: float,
    aligns: Sequence[str],
    heading: CellStyle,
    group: CellStyle,
) -> None:
    """A row given as one string is a group heading across the whole table."""
    line = size * LINE_FACTOR
    scale = total_width / sum(widths)
    columns = [width * scale for width in widths]
    starts = [pdf.x + sum(columns[:position]) for position in range(len(columns))]
    layout = _Layout(pdf, size, line)
    head = layout.row(
        list(zip(headers, starts, columns, ["C"] * len(columns), strict=True)), heading
    )
    body = CellStyle("", None)
    laid = [
        layout.row([(values, starts[0], total_width, "L")], group)
        if isinstance(values, str)
        else layout.row(list(zip(values, starts, columns, aligns, strict=True)), body)
        for values in rows
    ]
    if laid and pdf.will_page_break(head.height + laid[0].height):
        pdf.add_page(same=True)  # a header is not left alone at the foot of a page
    _draw(pdf, head, size, line)
    for row in laid:
        if pdf.will_page_break(row.height):
            pdf.add_page(same=True)
            _draw(pdf, head, size, line)
        _draw(pdf, row, size, line)
    pdf.set_font(style="")
    pdf.x = pdf.l_margin


class _Layout:
    """Lines and heights, measuring with the row's font."""

    def __init__(self, pdf: FPDF, size: float, line: float) -> None:
        self.pdf, self.size, self.line = pdf, size, line

    def row(self, cells: list[tuple[str, float, float, str]], style: CellStyle) -> _Row:
        self.pdf.set_font(style=style.emphasis)
        laid = [_Cell(self._lines(text, width), x, width, align) for text, x, width, align in cells]
        heights = [len(cell.lines) * self.line + 2 * PADDING_Y for cell in laid if cell.lines]
        return _Row(laid, style, max(heights, default=self.line))

    def _lines(self, text: str, width: float) -> list[str]:
        if not text:
            return []
        room = width - 2 * PADDING_X
        # Well inside the column: one line, as multi_cell would find (it breaks only past it).
        if "\n" not in text and self.pdf.get_string_width(text) < room - 0.01:
            return [text]
        return self.pdf.multi_cell(
            width,
            self.line,
            text,
            max_line_height=self.line,
            padding=(PADDING_Y, PADDING_X),
            dry_run=True,
            output="LINES",
        )


def _draw(pdf: FPDF, row: _Row, size: float, line: float) -> None:
    top = pdf.y
    pdf.set_font(style=row.style.emphasis)
    margin, pdf.c_margin = pdf.c_margin, 0  # the padding stands in for the cell margin
    for cell in row.cells:
        if row.style.fill is not None:
            pdf.set_fill_color(*row.style.fill)
        pdf.rect(cell.x, top, cell.width, row.height, style="DF")
        if row.style.fill is not None:
            pdf.set_fill_color(255, 255, 255)
        text_height = len(cell.lines) * line + 2 * PADDING_Y
        y = top + (row.height - text_height) / 2 + PADDING_Y
        for number, text in enumerate(cell.lines):
            pdf.set_xy(cell.x + PADDING_X, y + number * line)
            pdf.cell(cell.width - 2 * PADDING_X, line, text, align=cell.align)
    pdf.c_margin = margin
    pdf.set_xy(row.cells[0].x, top + row.height)
