"""`survey-app report monthly` and `survey-app report officers`: the officer CSV and the errors
an operator can make."""

import csv

import pytest

from tests.helpers.report_data import MARCH, make_small_month

CSV_HEADER = [
    "officer_code",
    "officer_name",
    "responses",
    "overall_pct",
    "sipas_index",
    "TC",
    "TT",
    "CC",
    "KQ",
    "PA",
    "mean_overall",
    "flagged",
    "flagged_pct",
    "below_unit_average",
    "sample_sufficient",
]


@pytest.fixture
def small_month(app, tree):
    return make_small_month(tree)


def read_csv(path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as stream:
        return list(csv.reader(stream))


def test_officer_csv_has_the_columns_of_domain_section_4(small_month, invoke, tmp_path):
    path = tmp_path / "officers.csv"
    result = invoke("report", "officers", "--unit", "XA-A", "--month", MARCH, "--output", path)
    assert result.exit_code == 0, result.output
    assert "Wrote 2 officers" in result.output
    header, an, binh = read_csv(path)
    assert header == CSV_HEADER
    assert an == [
        "CB-AN", "Nguyễn Văn An", "5", "100.0", "99.2",
        "100.0", "100.0", "96.0", "100.0", "100.0",
        "4.8", "1", "20.0", "true", "true",
    ]  # fmt: skip
    assert binh == [
        "CB-BINH", "Trần Thị Bình", "2", "50.0", "100.0",
        "100.0", "100.0", "100.0", "100.0", "100.0",
        "4.0", "1", "50.0", "false", "false",
    ]  # fmt: skip


def test_province_report_includes_the_communes_below(small_month, invoke, tmp_path):
    path = tmp_path / "officers.csv"
    invoke("report", "officers", "--unit", "TINH", "--month", MARCH, "--output", path)
    assert [row[0] for row in read_csv(path)[1:]] == ["CB-AN", "CB-BINH"]


def monthly(invoke, *options):
    return invoke("report", "monthly", "--month", MARCH, *options)


def test_unknown_unit(small_month, invoke, tmp_path):
    result = monthly(invoke, "--unit", "NOPE", "--format", "pdf", "--output", tmp_path / "r.pdf")
    assert result.exit_code == 2
    assert "No unit has the code NOPE." in result.output


@pytest.mark.parametrize("month", ["2026-13", "03/2026", "2026-3x"])
def test_bad_month(small_month, invoke, tmp_path, month):
    result = invoke(
        "report", "monthly", "--unit", "XA-A", "--month", month, "--format", "xlsx",
        "--output", tmp_path / "r.xlsx",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "for example 2025-03" in result.output
    assert not (tmp_path / "r.xlsx").exists()


def test_output_in_a_missing_folder(small_month, invoke, tmp_path):
    target = tmp_path / "no-such-folder" / "r.xlsx"
    result = monthly(invoke, "--unit", "XA-A", "--format", "xlsx", "--output", target)
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_output_that_is_a_folder(small_month, invoke, tmp_path):
    result = monthly(invoke, "--unit", "XA-A", "--format", "xlsx", "--output", tmp_path)
    assert result.exit_code == 2
    assert "is a directory" in result.output


def test_formats_are_checked(small_month, invoke, tmp_path):
    result = monthly(invoke, "--unit", "XA-A", "--format", "csv", "--output", tmp_path / "r.csv")
    assert result.exit_code == 2
    assert "'csv' is not one of 'xlsx', 'pdf'" in result.output
    officers = invoke(
        "report", "officers", "--unit", "XA-A", "--month", MARCH, "--format", "xlsx",
        "--output", tmp_path / "o.xlsx",
    )  # fmt: skip
    assert officers.exit_code == 2


def test_unknown_language(small_month, invoke, tmp_path):
    result = monthly(
        invoke, "--unit", "XA-A", "--format", "pdf", "--output", tmp_path / "r.pdf", "--lang", "fr"
    )
    assert result.exit_code == 2
    assert "Choose one of: vi, en." in result.output
    assert not (tmp_path / "r.pdf").exists()


def test_a_failed_write_leaves_no_partial_file(small_month, invoke, tmp_path):
    result = monthly(invoke, "--unit", "XA-A", "--format", "xlsx", "--output", tmp_path / "r.xlsx")
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in tmp_path.iterdir()) == ["r.xlsx"]
