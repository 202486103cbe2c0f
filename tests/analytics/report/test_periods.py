"""Reports of a quarter, half-year, nine months and year: the period's figures are the months'
counts added, with the trend by month; a province's year over units with and without data."""

import io
import re
from datetime import datetime

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from analytics.periods import Period, periods_containing
from analytics.report import docx as report_docx
from analytics.report import xlsx
from analytics.report.contents import build_monthly_report
from analytics.report.period import build_period_report
from survey_app.models import Role
from survey_app.months import Month
from tests.helpers.builders import full_answers, make_response, make_unit, make_user
from tests.helpers.report_data import HANOI, MARCH, make_small_month
from tests.helpers.staff_pages import post_form, sign_in
from tests.helpers.survey_pages import parse


@pytest.mark.parametrize(
    ("text", "key", "first", "last", "label"),
    [
        ("2026-Q3", "2026-Q3", "2026-07", "2026-09", "quý III năm 2026"),
        ("2026-q1", "2026-Q1", "2026-01", "2026-03", "quý I năm 2026"),
        ("2026-H1", "2026-H1", "2026-01", "2026-06", "6 tháng đầu năm 2026"),
        ("2026-H2", "2026-H2", "2026-07", "2026-12", "6 tháng cuối năm 2026"),
        ("2026-9M", "2026-9M", "2026-01", "2026-09", "9 tháng đầu năm 2026"),
        ("2026", "2026", "2026-01", "2026-12", "năm 2026"),
        ("2026-02", "2026-02", "2026-02", "2026-02", "tháng 02/2026"),
    ],
)
def test_periods_as_offices_write_them(app, text, key, first, last, label):
    period = Period.parse(text)
    assert (period.key, str(period.first), str(period.last)) == (key, first, last)
    assert period.label() == label


@pytest.mark.parametrize("text", ["2026-Q5", "2026-H3", "26", "2026-13", "2026-8M", "Q3-2026"])
def test_other_periods_are_refused(text):
    with pytest.raises(ValueError):
        Period.parse(text)


def test_comparisons_of_a_quarter_and_of_a_year(app):
    quarter = Period.parse("2026-Q1")
    assert quarter.previous().key == "2025-Q4"
    assert quarter.shifted_years(-1).key == "2025-Q1"
    assert Period.parse("2026").previous() is None
    assert [p.key for p in periods_containing(Month(2026, 11))] == ["2026-Q4", "2026-H2", "2026"]


@pytest.fixture
def province_year(app, tree):
    """Commune A's March (8 responses), commune B (1), a February response of A, and a
    commune C with nothing at all."""
    month = make_small_month(tree)
    make_unit(code="XA-C", name="UBND xã Cẩm Lệ", parent=tree[0])
    february = datetime(2026, 2, 10, 9, tzinfo=HANOI)
    make_response(unit=month.commune, submitted_at=february, answers=full_answers(CHUNG=2))
    return month


def test_a_quarter_adds_its_months(province_year):
    commune = province_year.commune
    quarter = build_period_report(commune, Period.parse("2026-Q1"))
    march = build_monthly_report(commune, MARCH)
    assert quarter.figures.responses == march.figures.responses + 1 == 9
    assert quarter.figures.overall_pct == pytest.approx(100 * 7 / 9)
    assert [str(month) for month, _ in quarter.trend] == ["2026-01", "2026-02", "2026-03"]
    assert [figures.responses for _, figures in quarter.trend] == [0, 1, 8]
    assert quarter.complaints.received == 2 and quarter.complaints.still_open == 1
    an = next(row for row in quarter.officers.officers if row.officer_name == "Nguyễn Văn An")
    assert an.responses == 5


def test_a_period_shows_what_its_months_show(province_year):
    """The levels, channels, questionnaire versions and trend counted in one pass over the
    period are those of its months' own reports, added."""
    province = province_year.province
    quarter = build_period_report(province, Period.parse("2026-Q1"))
    months = [build_monthly_report(province, Month(2026, number)) for number in (1, 2, 3)]
    levels = {}
    for report in months:
        for row in report.items:
            if row.levels is not None:
                key = (row.figure.instrument, row.figure.code)
                levels[key] = [
                    a + b for a, b in zip(levels.get(key, [0] * 5), row.levels, strict=True)
                ]
    assert {
        (row.figure.instrument, row.figure.code): list(row.levels)
        for row in quarter.items
        if row.levels is not None
    } == levels
    channels = quarter.participation.by_channel
    for channel, responses in channels.items():
        assert responses == sum(report.participation.by_channel[channel] for report in months)
    assert sum(channels.values()) == quarter.figures.responses == 10
    assert quarter.instruments == months[2].instruments
    assert quarter.trend == [(report.month, report.figures) for report in months]


def test_a_year_lists_its_newest_flagged_responses_and_says_so(
    province_year, monkeypatch, tmp_path
):
    """A province's year has over a hundred thousand flagged responses: its workbook lists the
    newest, above them how many there are in all; each month's lists all of that month's. The
    Word document's shorter list says the same."""
    monkeypatch.setattr(xlsx, "PERIOD_FLAGGED_LISTED", 1)
    report = build_period_report(province_year.province, Period.parse("2026"))
    assert report.figures.flagged == 4  # CC1 at 2, CHUNG at 3, all at 1, February's CHUNG 2
    path = tmp_path / "year.xlsx"
    assert xlsx.write_report_xlsx(report, path) == 1
    sheet = load_workbook(path)["Phiếu cần lưu ý"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == (
        "Liệt kê 1 phiếu gần nhất trong tổng số 4 phiếu; báo cáo XLSX của từng tháng liệt kê "
        "đầy đủ các phiếu của tháng đó."
    )
    assert rows[1][0] == "Thời điểm gửi" and len(rows) == 3
    assert rows[2][0] == datetime(2026, 3, 16, 9)  # the newest
    assert sheet.freeze_panes == "A3"
    monkeypatch.setattr(report_docx, "FLAGGED_LISTED", 1)
    report_docx.write_report_docx(report, tmp_path / "year.docx")
    texts = [p.text for p in Document(str(tmp_path / "year.docx")).paragraphs]
    assert rows[0][0] in texts  # the Word document says the same under its shorter list
    march = build_monthly_report(province_year.province, MARCH)
    path = tmp_path / "march.xlsx"
    assert xlsx.write_report_xlsx(march, path) == 3  # a month lists all of them
    assert load_workbook(path)["Phiếu cần lưu ý"].freeze_panes == "A2"


def test_year_report_of_a_province_in_every_format(province_year, invoke, tmp_path):
    written = {}
    for file_format in ("pdf", "docx", "xlsx"):
        path = tmp_path / f"year.{file_format}"
        result = invoke(
            "report", "period", "--unit", "TINH", "--period", "2026", "--format", file_format,
            "--output", path,
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        written[file_format] = path
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(written["pdf"]).pages))
    assert "đối với sự phục vụ của cơ quan hành chính nhà nước năm 2026" in text
    assert "Trong năm 2026, UBND tỉnh Thử Nghiệm nhận được 10 phiếu đánh giá" in text
    assert "(chưa có số liệu cùng kỳ năm 2025 để so sánh)" in text
    for month in range(1, 13):
        assert f"{month:02d}/2026" in text  # the trend, month by month
    # The units below, ranked (C has no data and comes last); An grouped under commune A.
    assert "X. Xếp hạng các đơn vị trực thuộc" in text
    assert re.search(r"1 UBND xã An Bình 9 77,78 .* 2 UBND xã Bình Minh 1 0,00", text)
    assert "3 UBND xã Cẩm Lệ 0 – – – –" in text
    assert (
        "theo đơn vị Công chức Số phiếu Mức độ hài lòng chung (%) Chỉ số SIPAS UBND xã An Bình "
        "Nguyễn Văn An 5" in text
    )
    assert "3 đơn vị trực thuộc" in text and "chưa có phiếu đánh giá: UBND xã Cẩm Lệ" in text
    document = Document(str(written["docx"]))
    docx = [p.text for p in document.paragraphs]
    assert any("năm 2026" in line for line in docx)
    ranking = next(table for table in document.tables if table.cell(0, 0).text == "#")
    assert [ranking.cell(row, 1).text for row in (1, 2, 3)] == [
        "UBND xã An Bình", "UBND xã Bình Minh", "UBND xã Cẩm Lệ",
    ]  # fmt: skip
    summary = load_workbook(written["xlsx"])["Tổng hợp"]
    assert any(
        isinstance(cell, str) and cell.endswith("năm 2026")
        for row in summary.iter_rows(values_only=True)
        for cell in row
    )


def test_period_command_explains_a_bad_period(app, tree, invoke, tmp_path):
    result = invoke(
        "report", "period", "--unit", "TINH", "--period", "2026-Q5", "--format", "pdf",
        "--output", tmp_path / "x.pdf",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "2026-Q3, 2026-H1, 2026-9M, 2026" in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_monthly_command_writes_docx(app, tree, invoke, tmp_path):
    make_small_month(tree)
    path = tmp_path / "march.docx"
    result = invoke(
        "report", "monthly", "--unit", "XA-A", "--month", "2026-03", "--format", "docx",
        "--output", path,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "BÁO CÁO" in [p.text for p in Document(str(path)).paragraphs]


def download(client, url: str):
    """The response with its body read and its file closed (files are sent from disk)."""
    with client.get(url) as response:
        response.get_data()
    return response


def test_dashboard_offers_the_periods_and_their_text(client, province_year):
    sign_in(client, make_user(role=Role.MANAGER, unit=province_year.commune))
    page = parse(client.get("/quan-tri/bao-cao/XA-A/2026-03"))
    rows = {row["data-period"]: row for row in page.select("table.periods tr")}
    assert list(rows) == ["2026-Q1", "2026-H1", "2026-9M", "2026"]
    response = download(client, "/quan-tri/bao-cao/XA-A/ky/2026-Q1/report.docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.data))
    assert any("quý I năm 2026" in p.text for p in document.paragraphs)
    url = "/quan-tri/bao-cao/XA-A/2026-Q1/van-ban"
    edited = "Quý I, đơn vị hoàn thành chỉ tiêu khảo sát."
    data = {"assessment": edited, "shortcomings": "Không.", "proposals": "- Không."}
    assert post_form(client, url, data).status_code == 302
    response = download(client, "/quan-tri/bao-cao/XA-A/ky/2026-Q1/report.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert edited in re.sub(r"\s+", " ", text)


def test_a_period_not_begun_is_not_found(client, province_year):
    sign_in(client, make_user(role=Role.MANAGER, unit=province_year.commune))
    assert client.get("/quan-tri/bao-cao/XA-A/ky/2999-Q1/report.pdf").status_code == 404
    assert client.get("/quan-tri/bao-cao/XA-A/ky/2026-Q9/report.pdf").status_code == 404
    assert client.get("/quan-tri/bao-cao/XA-B/ky/2026-Q1/report.pdf").status_code == 404
