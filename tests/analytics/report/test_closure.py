"""A closed month's report: the figures as published, and separately the amendment that a
response received after the closure makes."""

import csv
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from analytics.closures import get_closure
from analytics.flagged import iter_flagged_responses, list_flagged_responses
from analytics.report.contents import build_monthly_report
from survey_app.core.extensions import db
from survey_app.models import Role
from survey_app.services.month_close import close_month
from tests.helpers.builders import full_answers, make_response, make_user
from tests.helpers.report_data import MARCH, make_small_month, march


@pytest.fixture
def closed_with_late_response(app, tree):
    """March closed by a manager; then a paper form of 20 March, all 1s, is typed in."""
    month = make_small_month(tree)
    closer = make_user(role=Role.MANAGER, unit=month.commune)
    close_month(month.commune, MARCH, by=closer)
    make_response(
        unit=month.commune,
        officer=month.an,
        answers=full_answers(value=1),
        comment="Nhập muộn từ phiếu giấy",
        submitted_at=march(20),
    )
    return month


@pytest.fixture
def export(invoke, tmp_path, closed_with_late_response):
    def run(command: str, suffix: str, *options) -> str:
        path = tmp_path / f"out.{suffix}"
        result = invoke(
            "report", command, "--unit", "XA-A", "--month", MARCH, "--output", path, *options
        )
        assert result.exit_code == 0, result.output
        return path

    return run


def test_workbook_shows_the_published_figures_and_the_amendment(export):
    workbook = load_workbook(export("monthly", "xlsx", "--format", "xlsx"))
    summary = [row for row in workbook["Tổng hợp"].iter_rows(values_only=True)]
    labels = {row[0]: row[1:3] for row in summary if row[0]}
    assert labels["Số phiếu"][0] == 8  # as published, the late one is not in it
    assert labels["Chỉ số SIPAS"][0] == pytest.approx(99.5)
    heading = summary.index(
        next(row for row in summary if row[0] == "Bổ sung sau khi chốt số liệu")
    )
    after = [row for row in summary[heading:] if any(row)]
    assert re.match(
        r"Số liệu đã chốt ngày \d\d/\d\d/\d{4}, người chốt: Phạm Thị Quản Lý", after[1][0]
    )
    assert after[2][0].startswith("Có 1 phiếu của tháng này nhận được sau khi chốt")
    assert after[3][1:3] == ("Đã chốt", "Tính cả phiếu nhận sau")
    assert after[4][:3] == ("Số phiếu", 8, 9)
    sipas = next(row for row in after if row[0] == "Chỉ số SIPAS")
    assert sipas[1] == pytest.approx(99.5) and sipas[2] < 99.5
    officers = {row[0]: row for row in workbook["Công chức"].iter_rows(values_only=True)}
    assert officers["CB-AN"][2] == 5  # frozen
    flagged = list(workbook["Phiếu cần lưu ý"].iter_rows(min_row=2, values_only=True))
    assert [row[7] for row in flagged] == ["Có", None, None]  # the late one, newest first


def test_workbook_levels_count_only_what_the_closure_saw(export):
    summary = load_workbook(export("monthly", "xlsx", "--format", "xlsx"))["Tổng hợp"]
    counts = next(row for row in summary.iter_rows(values_only=True) if row[0] == "Số câu trả lời")
    assert counts[1:7] == (0, 1, 1, 19, 139, 160)


def test_pdf_says_the_figures_are_frozen_and_lists_the_amendment(export):
    reader = PdfReader(export("monthly", "pdf", "--format", "pdf"))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert re.search(r"Số liệu đã chốt ngày \d\d/\d\d/\d{4}", text)
    assert "Chỉ số SIPAS 99,50" in text
    assert "Bổ sung sau khi chốt số liệu" in text
    assert "Đã chốt Tính cả phiếu nhận sau" in text
    assert "Số phiếu 8 9" in text


def test_officer_csv_of_a_closed_month_is_the_published_one(export):
    with open(export("officers", "csv"), encoding="utf-8", newline="") as stream:
        rows = {row["officer_code"]: row for row in csv.DictReader(stream)}
    assert rows["CB-AN"]["responses"] == "5"
    assert rows["CB-AN"]["below_unit_average"] == "true"


def test_streamed_flagged_responses_and_the_newest_few(closed_with_late_response):
    commune = closed_with_late_response.commune
    streamed = list(iter_flagged_responses(commune, MARCH))
    assert list_flagged_responses(commune, MARCH, limit=2) == streamed[:2]
    assert [row.late for row in streamed] == [True, False, False]
    assert streamed[0].low_items[:2] == [("TC1", 1), ("TC2", 1)]
    assert streamed[0].low_items_text.startswith("TC1 (1), TC2 (1), TC3 (1)")
    assert streamed[0].low_items_text.endswith("PA3 (1), CHUNG (1)")


def test_answers_per_level_are_the_published_ones(closed_with_late_response):
    # By hand (tests/helpers/report_data.py): 0, 1, 1, 19, 139 over the 160 answers of the 8
    # responses;
    # the late paper form's twenty 1s are not in it.
    report = build_monthly_report(closed_with_late_response.commune, MARCH)
    assert report.levels_total == (0, 1, 1, 19, 139)


def test_a_snapshot_without_levels_counts_those_the_closure_saw(closed_with_late_response):
    closure = get_closure(closed_with_late_response.commune, MARCH)
    closure.figures = {k: v for k, v in closure.figures.items() if k != "levels"}  # version 1
    db.session.commit()
    report = build_monthly_report(closed_with_late_response.commune, MARCH)
    assert report.levels_total == (0, 1, 1, 19, 139)
