"""The appendix's tables drawn cell by cell: every row on some page, the header on each page a
table runs over, a long text wrapped inside its column and its row as tall as its lines."""

import re

import pypdfium2 as pdfium
from pypdf import PdfReader

from analytics.report.pdf_draw import ReportPDF, table

HEADERS = ["Công chức", "Số phiếu", "Chỉ số SIPAS"]
LONG = "Nguyễn Văn Một Cái Tên Dài Đến Mức Phải Xuống Dòng Trong Cột Của Nó"


def test_a_long_table_repeats_its_header_and_keeps_every_row(app, tmp_path):
    pdf = ReportPDF(title="x")
    pdf.add_page()
    rows = [[f"Cán bộ số {n}", f"{n}", "91,20"] for n in range(1, 151)]
    table(pdf, HEADERS, ["UBND xã An Bình", *rows], [70, 25, 35])
    path = tmp_path / "t.pdf"
    pdf.output(str(path))
    pages = [page.extract_text() for page in PdfReader(path).pages]
    assert len(pages) >= 3
    assert all(page.count("Công chức Số phiếu Chỉ số SIPAS") == 1 for page in pages)
    text = " ".join(pages)
    assert "UBND xã An Bình" in text
    assert [int(n) for n in re.findall(r"Cán bộ số (\d+) ", text)] == list(range(1, 151))


def test_a_long_text_wraps_in_its_column_and_the_row_grows(app, tmp_path):
    pdf = ReportPDF(title="x")
    pdf.add_page()
    top = pdf.get_y()
    table(pdf, HEADERS, [["Ngắn", "1", "90,00"], [LONG, "2", "80,00"]], [40, 25, 35])
    height = pdf.get_y() - top - 3  # the table, without the space after it
    path = tmp_path / "t.pdf"
    pdf.output(str(path))
    lines = pdfium.PdfDocument(path)[0].get_textpage().get_text_range().splitlines()
    pieces = [line.strip() for line in lines if line.strip() and line.strip() in LONG]
    assert len(pieces) >= 2 and " ".join(pieces) == LONG  # wrapped, nothing lost
    line = 9 * 0.48  # 9 pt; 0.8 mm padding above and below each row
    assert round(height, 2) == round(2 * (line + 1.6) + len(pieces) * line + 1.6, 2)
