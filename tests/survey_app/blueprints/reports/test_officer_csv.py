"""The officer evaluation CSV twice: the machine-readable file of domain.md §4 (no byte order
mark, as `survey-app report officers` writes it) and the dashboard's copy for Excel (with one)."""

import pytest

from tests.helpers.report_data import MARCH, make_small_month
from tests.helpers.survey_pages import parse

BOM = b"\xef\xbb\xbf"
HEADER = (
    "officer_code,officer_name,responses,overall_pct,sipas_index,TC,TT,CC,KQ,PA,mean_overall,"
    "flagged,flagged_pct,below_unit_average,sample_sufficient"
)
MACHINE = "/quan-tri/bao-cao/XA-A/2026-03/officers.csv"
EXCEL = "/quan-tri/bao-cao/XA-A/2026-03/officers-excel.csv"


@pytest.fixture
def month(app, tree, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "SURVEY_REPORTS_DIR", str(tmp_path / "reports"))
    return make_small_month(tree)


def download(client, url):
    with client.get(url) as response:
        response.get_data()
    return response


def test_the_command_line_file_has_no_byte_order_mark(month, invoke, tmp_path):
    path = tmp_path / "officers.csv"
    invoke("report", "officers", "--unit", "XA-A", "--month", str(MARCH), "--output", path)
    data = path.read_bytes()
    assert not data.startswith(BOM)
    assert data.decode("utf-8").split("\r\n")[0] == HEADER


def test_the_machine_download_is_the_command_line_file_with_one_charset(
    client, manager, month, invoke, tmp_path
):
    path = tmp_path / "officers.csv"
    invoke("report", "officers", "--unit", "XA-A", "--month", str(MARCH), "--output", path)
    response = download(client, MACHINE)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.data == path.read_bytes()


def test_the_excel_download_starts_with_a_byte_order_mark(client, manager, month):
    machine = download(client, MACHINE).data
    response = download(client, EXCEL)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].endswith(
        "filename=danh-gia-cong-chuc-XA-A-2026-03-excel.csv"
    )
    assert response.data == BOM + machine
    assert response.data.decode("utf-8-sig").split("\r\n")[1].startswith("CB-AN,Nguyễn Văn An,")


def test_the_dashboard_button_is_the_excel_copy(client, manager, month):
    page = parse(client.get("/quan-tri/bao-cao/XA-A/2026-03"))
    assert page.select_one("#officers-excel")["href"] == EXCEL
    assert page.select_one("#officers-excel").get_text() == "Đánh giá công chức (CSV cho Excel)"
    assert page.select_one("#officers-machine")["href"] == MACHINE


def test_the_excel_copy_of_another_unit_is_not_found(client, manager, month):
    assert client.get("/quan-tri/bao-cao/XA-B/2026-03/officers-excel.csv").status_code == 404
