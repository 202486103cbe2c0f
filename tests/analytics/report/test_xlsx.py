"""The monthly report's workbook, opened with openpyxl as a reader's spreadsheet would be."""

import datetime

import pytest
from openpyxl import load_workbook

from tests.helpers.report_data import MARCH, PHONE_COMMENT, make_small_month

SHEETS = [
    "Tổng hợp",
    "Nội dung báo cáo",
    "Câu hỏi",
    "Yếu tố",
    "Công chức",
    "Phiếu cần lưu ý",
    "Phản ánh",
    "Xu hướng",
]


@pytest.fixture
def workbook(app, tree, invoke, tmp_path):
    make_small_month(tree)
    path = tmp_path / "report.xlsx"
    result = invoke(
        "report", "monthly", "--unit", "XA-A", "--month", MARCH, "--format", "xlsx",
        "--output", path,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return load_workbook(path)


def rows(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def column(sheet, header: str) -> list:
    """The values under a header of the first row."""
    headers = [cell.value for cell in sheet[1]]
    position = headers.index(header)
    return [row[position] for row in sheet.iter_rows(min_row=2, values_only=True)]


def by_label(sheet) -> dict:
    """Label in column A → value in column B, for the summary's two-column parts."""
    return {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row[0]}


def test_one_sheet_per_part_in_vietnamese(workbook):
    assert workbook.sheetnames == SHEETS


def test_tables_keep_their_header_row_in_view(workbook):
    frozen = {name: workbook[name].freeze_panes for name in SHEETS[2:]}
    assert frozen == {
        "Câu hỏi": "C2",
        "Yếu tố": "A2",
        "Công chức": "C2",
        "Phiếu cần lưu ý": "A2",
        "Phản ánh": "A2",
        "Xu hướng": "B2",
    }


def test_summary_has_the_title_block_and_headline_figures(workbook):
    sheet = workbook["Tổng hợp"]
    texts = [value for row in rows(sheet) for value in row if isinstance(value, str)]
    assert "UBND TỈNH THỬ NGHIỆM" not in texts  # a parent in the tree is no governing body
    assert "UBND XÃ AN BÌNH" in texts
    assert "Số: …/BC" in texts
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts
    assert "Độc lập - Tự do - Hạnh phúc" in texts
    assert "BÁO CÁO" in texts
    assert any(text.endswith("tháng 3/2026") for text in texts)
    assert any(text.startswith("An Bình, ngày ") for text in texts)
    figures = by_label(sheet)
    assert figures["Số phiếu"] == 8
    assert figures["    Mã QR"] == 4
    assert figures["    Phiếu giấy"] == 2
    assert figures["    Cổng dịch vụ công"] == 2
    assert figures["Tỷ lệ phản hồi (%)"].startswith("chưa biết")
    assert figures["Mức độ hài lòng chung (%)"] == pytest.approx(87.5)
    assert figures["Điểm trung bình hài lòng chung (1–5)"] == pytest.approx(4.625)
    assert figures["Chỉ số SIPAS"] == pytest.approx(99.5)
    assert figures["Số phiếu đánh giá mức trung bình trở xuống"] == 2


def test_summary_counts_the_answers_at_each_level(workbook):
    sheet = workbook["Tổng hợp"]
    counts = next(row for row in rows(sheet) if row[0] == "Số câu trả lời")
    assert counts[1:7] == [0, 1, 1, 19, 139, 160]


def test_question_sheet_has_levels_index_and_mean(workbook):
    sheet = workbook["Câu hỏi"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:5] == ["Bộ phiếu", "Mã", "Yếu tố", "Câu hỏi", "Số câu trả lời"]
    assert headers[5] == "1 – Rất không hài lòng"
    cc1 = next(row for row in sheet.iter_rows(min_row=2) if row[1].value == "CC1")
    assert [cell.value for cell in cc1[4:10]] == [8, 0, 1, 0, 0, 7]
    assert cc1[10].value == pytest.approx(87.5)
    assert cc1[10].number_format == "0.00"
    assert cc1[11].value == pytest.approx(37 / 8)
    assert cc1[3].value.startswith("Công chức")  # the question, in Vietnamese


def test_factor_sheet_has_indices_and_a_chart(workbook):
    sheet = workbook["Yếu tố"]
    index = dict(zip(column(sheet, "Mã"), column(sheet, "Chỉ số (0–100)"), strict=True))
    assert index == {
        "TC": 100,
        "TT": 100,
        "CC": pytest.approx(97.5),
        "KQ": 100,
        "PA": 100,
        "SIPAS": pytest.approx(99.5),
        "CHUNG": pytest.approx(87.5),
    }
    assert sheet["D2"].number_format == "0.00"
    assert len(sheet._charts) == 1


def test_officer_sheet_judges_only_sufficient_samples(workbook):
    sheet = workbook["Công chức"]
    table = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    an, binh = table["Nguyễn Văn An"], table["Trần Thị Bình"]
    assert an[:5] == ("CB-AN", "Nguyễn Văn An", 5, 100, pytest.approx(99.2))
    assert an[7] == pytest.approx(96)  # CC
    assert an[-6:-2] == (pytest.approx(4.8), 1, 20, "Có")
    assert binh[2:5] == (2, 50, 100)
    assert binh[-3] == "chưa đủ mẫu"
    assert table["Toàn đơn vị"][2] == 8
    # Each officer's reference: the SIPAS index of the officer's own unit, named.
    assert an[-2:] == (pytest.approx(table["Toàn đơn vị"][4]), "UBND xã An Bình")
    assert [cell.value for cell in sheet[1]][-2:] == ["SIPAS so sánh", "So sánh với"]
    assert sheet["E2"].number_format == "0.00"


def test_flagged_sheet_lists_low_items_and_masked_comments(workbook):
    sheet = workbook["Phiếu cần lưu ý"]
    assert [cell.value for cell in sheet[1]][:7] == [
        "Thời điểm gửi",
        "Đơn vị",
        "Quầy",
        "Công chức",
        "Kênh",
        "Câu hỏi đánh giá từ 3 trở xuống",
        "Ý kiến",
    ]
    found = rows(sheet)[1:]
    assert len(found) == 2
    newest, oldest = found
    assert newest[0] == datetime.datetime(2026, 3, 12, 9, 0)
    assert newest[3] == "Trần Thị Bình"
    assert newest[5] == "CHUNG (3)"
    assert oldest[4] == "Phiếu giấy"
    assert oldest[5] == "CC1 (2)"
    assert "0912" not in oldest[6]
    assert oldest[6] == PHONE_COMMENT.replace("0912 345 678", "[số điện thoại]")
    assert sheet["A2"].number_format == "dd/mm/yyyy hh:mm"


def test_complaint_sheet(workbook):
    figures = by_label(workbook["Phản ánh"])
    assert figures["Tiếp nhận trong tháng"] == 2
    assert figures["Đã trả lời trong tháng"] == 1
    assert figures["Trả lời đúng hạn"] == 1
    assert figures["Còn tồn cuối tháng"] == 1
    assert figures["Số ngày làm việc trung bình để trả lời"] == 1


def test_trend_covers_twelve_months_with_a_chart(workbook):
    sheet = workbook["Xu hướng"]
    months = column(sheet, "Tháng")
    assert months[0] == "04/2025" and months[-1] == "03/2026" and len(months) == 12
    assert column(sheet, "Số phiếu")[-1] == 8
    assert column(sheet, "Chỉ số SIPAS")[-1] == pytest.approx(99.5)
    assert len(sheet._charts) == 1
