"""Printable A4 posters: one page per live counter or officer code, its QR and how to use it."""

import io
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from survey_app.core.paths import FONTS_DIR
from survey_app.models import SurveyCode
from survey_app.qr.images import QUIET_ZONE, make_qr, qr_svg, survey_url
from survey_app.queries.org import list_survey_codes

if TYPE_CHECKING:  # fpdf2 is imported when a poster is drawn, not by every web worker at start
    from fpdf import FPDF

FONT = "DejaVu"
PAGE_WIDTH, PAGE_HEIGHT, MARGIN = 210, 297, 15
QR_SYMBOL_MM = 120
PT_TO_MM = 25.4 / 72
BLACK, GREY, ACCENT, PALE = (0, 0, 0), (60, 60, 60), (0, 75, 140), (232, 240, 250)
URL_SIZE, CODE_SIZE, STEP_SIZE, NOTE_SIZE, BOX_PADDING = 14, 18, 15, 12, 6
HEADING = "ĐÁNH GIÁ MỨC ĐỘ HÀI LÒNG"
STEPS = (
    "1. Mở camera hoặc ứng dụng Zalo trên điện thoại.",
    "2. Quét mã QR bên trên.",
    "3. Chọn mức độ hài lòng và bấm Gửi.",
)
NOTE = "Phiếu khảo sát không ghi tên, chỉ mất khoảng 2 phút."


@dataclass(frozen=True)
class PosterPage:
    unit_name: str
    title: str
    detail: str
    url: str
    code: str


def list_poster_codes(unit_ids: list[int]) -> list[SurveyCode]:
    """Codes that open a survey today: live, and their unit and counter or officer active."""
    codes = list_survey_codes(unit_ids)
    return [c for c in codes if c.unit.active and (c.counter or c.officer).active]


def poster_pages(codes: list[SurveyCode]) -> list[PosterPage]:
    return [_page_of(code) for code in codes]


def _page_of(survey_code: SurveyCode) -> PosterPage:
    if survey_code.counter is not None:
        counter = survey_code.counter
        # Most counters are already named "Quầy số 1 - …": don't print "Quầy: Quầy số 1".
        title = counter.name if counter.name.lower().startswith("quầy") else f"Quầy: {counter.name}"
        detail = _labelled("Lĩnh vực", counter.field)
    else:
        officer = survey_code.officer
        names = ", ".join(c.name for c in officer.counters if c.active)
        title, detail = f"Công chức: {officer.full_name}", _labelled("Quầy", names)
    # Names typed on some keyboards arrive decomposed; the font has glyphs for composed letters.
    return PosterPage(
        unit_name=_nfc(survey_code.unit.name),
        title=_nfc(title),
        detail=_nfc(detail),
        url=survey_url(survey_code.code),
        code=survey_code.code,
    )


def _labelled(label: str, value: str) -> str:
    return f"{label}: {value}" if value else ""


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def render_poster(pages: list[PosterPage]) -> bytes:
    pdf = _new_pdf()
    for page in pages:
        pdf.add_page()
        _draw_page(pdf, page)
    return bytes(pdf.output())


def _new_pdf() -> "FPDF":
    from fpdf import FPDF

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.add_font(FONT, "", str(FONTS_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    # Every page is laid out to fit; a page break would split one poster over two sheets.
    pdf.set_auto_page_break(False)
    pdf.set_title(HEADING.capitalize())
    pdf.set_lang("vi")
    return pdf


def _draw_page(pdf: "FPDF", page: PosterPage) -> None:
    _draw_header(pdf, page)
    steps_top = PAGE_HEIGHT - MARGIN - _steps_height()
    _draw_qr_block(pdf, page, bottom=steps_top - 5)
    _draw_steps(pdf, top=steps_top)


def _draw_header(pdf: "FPDF", page: PosterPage) -> None:
    _text(pdf, page.unit_name, size=15, style="B", max_lines=2)
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.5)
    pdf.line(MARGIN, pdf.get_y() + 2, PAGE_WIDTH - MARGIN, pdf.get_y() + 2)
    pdf.ln(7)
    _text(pdf, HEADING, size=26, style="B", color=ACCENT)
    pdf.ln(3)
    _text(pdf, page.title, size=20, style="B", max_lines=2)
    if page.detail:
        pdf.ln(1)
        _text(pdf, page.detail, size=14, max_lines=2)


def _draw_qr_block(pdf: "FPDF", page: PosterPage, bottom: float) -> None:
    """QR, link and code centred between header and steps; the QR shrinks if names are long."""
    modules = make_qr(page.url).modules_count
    # Keep the whole quiet zone clear above the symbol; half of the one below is the link's gap.
    height_ratio = (modules + 1.5 * QUIET_ZONE) / modules
    room = bottom - pdf.get_y() - _line_height(URL_SIZE) - _line_height(CODE_SIZE)
    symbol = min(QR_SYMBOL_MM, room / height_ratio)
    module_mm = symbol / modules
    size = module_mm * (modules + 2 * QUIET_ZONE)
    top = pdf.get_y() + (room - symbol * height_ratio) / 2
    pdf.image(io.BytesIO(qr_svg(page.url)), x=(PAGE_WIDTH - size) / 2, y=top, w=size, h=size)
    pdf.set_y(top + size - QUIET_ZONE * module_mm / 2)
    _text(pdf, page.url, size=URL_SIZE)
    _text(pdf, f"Mã khảo sát: {page.code}", size=CODE_SIZE, style="B")


def _draw_steps(pdf: "FPDF", top: float) -> None:
    pdf.set_fill_color(*PALE)
    pdf.rect(MARGIN, top, PAGE_WIDTH - 2 * MARGIN, _steps_height(), style="F", round_corners=True)
    pdf.set_font(FONT, "", STEP_SIZE)
    # One left edge for the numbered steps, the block as a whole centred on the page.
    width = max(pdf.get_string_width(step) for step in STEPS) + 2 * pdf.c_margin
    left = (PAGE_WIDTH - width) / 2
    pdf.set_y(top + BOX_PADDING)
    for step in STEPS:
        pdf.set_x(left)
        _text(pdf, step, size=STEP_SIZE, width=width, align="L")
    pdf.ln(2)
    _text(pdf, NOTE, size=NOTE_SIZE, color=GREY)


def _steps_height() -> float:
    lines = len(STEPS) * _line_height(STEP_SIZE) + 2 + _line_height(NOTE_SIZE)
    return lines + 2 * BOX_PADDING


def _line_height(size: float) -> float:
    return size * PT_TO_MM * 1.35


def _text(
    pdf: "FPDF",
    text: str,
    *,
    size: float,
    style: str = "",
    max_lines: int = 1,
    width: float = 0,
    align: str = "C",
    color: tuple[int, int, int] = BLACK,
) -> None:
    """Lines across the page (width 0); the size shrinks, down to 9 pt, to fit in max_lines."""
    pdf.set_text_color(*color)
    while True:
        pdf.set_font(FONT, style, size)
        lines = pdf.multi_cell(width, text=text, dry_run=True, output="LINES")
        if len(lines) <= max_lines or size <= 9:
            break
        size -= 1
    pdf.multi_cell(width, _line_height(size), text, align=align, new_x="LMARGIN", new_y="NEXT")
