"""The monthly report as the PDF a leader signs, read back with pypdf."""

import os
import re
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from analytics.report import pdf as report_pdf
from survey_app.demo.loader import load_demo
from tests.helpers.report_data import MARCH, make_small_month


@pytest.fixture
def export_pdf(app, tree, invoke, tmp_path):
    make_small_month(tree)

    def run(*options) -> PdfReader:
        path = tmp_path / "report.pdf"
        result = invoke(
            "report", "monthly", "--unit", "XA-A", "--month", MARCH, "--format", "pdf",
            "--output", path, *options,
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        return PdfReader(path)

    return run


def text_of(reader: PdfReader) -> str:
    # Collapse the line breaks a table cell or a centred line may introduce.
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_title_block_names_the_unit_the_month_and_the_place(export_pdf):
    text = text_of(export_pdf())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "UBND TỈNH THỬ NGHIỆM" not in text  # the tree's parent is not the governing body
    assert "UBND XÃ AN BÌNH" in text
    assert "Số: …/BC " in text
    assert "BÁO CÁO" in text
    assert "tháng 3/2026" in text
    assert re.search(r"An Bình, ngày \d\d tháng (\d\d?) năm \d{4}", text)


def test_figures_are_written_the_vietnamese_way(export_pdf):
    text = text_of(export_pdf())
    assert "Chỉ số SIPAS 99,50" in text
    assert "Mức độ hài lòng chung (%) 87,50" in text
    assert "Nguyễn Văn An 5 100,00 99,20 96,00 1 Có" in text
    assert "Trần Thị Bình 2 50,00 100,00 100,00 1 chưa đủ mẫu" in text
    assert "CC1 (2)" in text and "[số điện thoại]" in text
    assert "0912" not in text
    assert "Tiếp nhận trong tháng 2" in text


def test_signer_lines_and_page_numbers(export_pdf):
    reader = export_pdf()
    text = text_of(reader)
    assert "Nơi nhận: - Lưu: VT." in text and "THỦ TRƯỞNG ĐƠN VỊ" in text
    assert "NGƯỜI LẬP BIỂU" not in text  # a statistical table's signature, not a report's
    pages = len(reader.pages)
    assert pages >= 2
    for number, page in enumerate(reader.pages, start=1):
        assert f"Trang {number}/{pages}" in page.extract_text()
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.1)  # A4


def test_long_flagged_list_points_to_the_workbook(export_pdf, monkeypatch):
    monkeypatch.setattr(report_pdf, "FLAGGED_LISTED", 1)
    text = text_of(export_pdf())
    assert "Liệt kê 1 phiếu gần nhất trong tổng số 2 phiếu" in text
    assert "CHUNG (3)" in text  # the newest
    assert "CC1 (2)" not in text


def test_english_on_request(export_pdf):
    text = text_of(export_pdf("--lang", "en"))
    assert "SOCIALIST REPUBLIC OF VIET NAM" in text
    assert "SIPAS index 99.50" in text
    assert "Page 1/" in text


DOCS = Path(__file__).resolve().parents[3] / "docs"


def test_demo_report_reads_well(app, invoke, tmp_path):
    """The demo province's last full month; SURVEY_SCREENSHOTS=1 puts its first page in docs/."""
    load_demo(date(2026, 4, 15))
    path = tmp_path / "demo.pdf"
    result = invoke(
        "report", "monthly", "--unit", "LD-TTHCC", "--month", "2026-03", "--format", "pdf",
        "--output", path,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = text_of(PdfReader(path))
    assert "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG" in text
    assert "Số: …/BC-TTPVHCC" in text
    assert "Lâm Đồng, ngày" in text
    assert "tháng 3/2026" in text
    assert "GIÁM ĐỐC Phạm Minh Tuấn" in text
    if os.environ.get("SURVEY_SCREENSHOTS"):
        page = pdfium.PdfDocument(path)[0]
        page.render(scale=150 / 72).to_pil().save(DOCS / "monthly-report.png")
