"""No cell of a CSV or workbook an office opens in a spreadsheet runs as a formula (OWASP's CSV
injection rule), and the interchange CSV still reads back exactly (survey_app/core/csv_cells.py)."""

import csv
import io
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from survey_app.core.csv_cells import neutralise, restore
from survey_app.core.extensions import db
from survey_app.models import Officer, SurveyResponse
from tests.helpers.builders import make_response, make_unit
from tests.helpers.report_data import make_small_month

EVIL_NAME = '=HYPERLINK("http://evil.example","Bấm")'
COMMENTS = [
    "=1+1",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "'bắt đầu bằng dấu nháy",
    "Bình thường, không có gì lạ - cảm ơn",
]


def download(client, url: str):
    with client.get(url) as response:
        response.get_data()
    return response


@pytest.fixture
def evil_month(app, tree, tmp_path, monkeypatch, manager):
    monkeypatch.setitem(app.config, "SURVEY_REPORTS_DIR", str(tmp_path / "reports"))
    month = make_small_month(tree)
    officer = db.session.scalar(sa.select(Officer).where(Officer.code == "CB-AN"))
    officer.full_name = EVIL_NAME
    db.session.commit()
    return month


def test_an_officer_named_as_a_formula_is_text_in_the_officer_csv(client, evil_month):
    response = download(client, "/quan-tri/bao-cao/XA-A/2026-03/officers.csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8"))))
    names = [row[1] for row in rows[1:]]
    assert "'" + EVIL_NAME in names
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_an_officer_named_as_a_formula_is_text_in_the_workbook(client, evil_month):
    response = download(client, "/quan-tri/bao-cao/XA-A/2026-03/report.xlsx")
    workbook = load_workbook(io.BytesIO(response.data))
    formulas = [
        (sheet.title, cell.coordinate)
        for sheet in workbook
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert formulas == []


def export_comments(invoke, path) -> list[str]:
    result = invoke("export-responses", "--unit", "TINH", "--month", "2026-03", "--output", path)
    assert result.exit_code == 0, result.output
    with open(path, encoding="utf-8", newline="") as stream:
        return [row["comment"] for row in csv.DictReader(stream)]


def test_comments_are_neutralised_in_the_export_and_read_back_exactly(app, invoke, tmp_path):
    unit = make_unit(code="TINH")
    for minute, comment in enumerate(COMMENTS):
        at = datetime(2026, 3, 10, 3, minute, tzinfo=UTC)
        make_response(unit=unit, comment=comment, submitted_at=at)
    path = tmp_path / "export.csv"

    written = export_comments(invoke, path)

    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in written)
    assert written[0] == "'=1+1" and written[6] == "''bắt đầu bằng dấu nháy"
    assert written[7] == COMMENTS[7]
    db.session.execute(sa.delete(SurveyResponse))
    db.session.commit()
    result = invoke("import-responses", path)
    assert "Imported: 8." in result.stdout, result.output
    stored = db.session.scalars(
        sa.select(SurveyResponse.comment).order_by(SurveyResponse.submitted_at)
    )
    assert list(stored) == COMMENTS


@pytest.mark.parametrize("text", [*COMMENTS, "", "'", "''", "-", "bình thường"])
def test_restore_undoes_neutralise(text):
    assert restore(neutralise(text)) == text


def test_numbers_stay_numbers():
    assert neutralise(-2.5) == -2.5 and neutralise(3) == 3
