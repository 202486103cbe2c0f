"""The download buttons of the monthly report: who may download what, and what comes back."""

import io
import time

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from survey_app.models import Role
from survey_app.services.responses.spam import mark_response_spam
from tests.helpers.builders import make_response, make_user
from tests.helpers.report_data import make_small_month, march
from tests.helpers.staff_pages import sign_in
from tests.helpers.survey_pages import parse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def reports_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "SURVEY_REPORTS_DIR", str(tmp_path / "reports"))
    return tmp_path / "reports"


@pytest.fixture
def month(tree, reports_dir):
    return make_small_month(tree)


def download(client, url: str):
    """The response with its body read and its file closed (files are sent from disk)."""
    with client.get(url) as response:
        response.get_data()
    return response


def attachment_name(response) -> str:
    return response.headers["Content-Disposition"].split("filename=")[1]


def test_manager_downloads_the_workbook(client, manager, month):
    response = download(client, "/quan-tri/bao-cao/XA-A/2026-03/report.xlsx")
    assert response.status_code == 200
    assert response.mimetype == XLSX
    assert attachment_name(response) == "bao-cao-XA-A-2026-03.xlsx"
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames[0] == "Tổng hợp"
    assert workbook["Công chức"]["B2"].value == "Nguyễn Văn An"


def test_manager_downloads_the_pdf(client, manager, month):
    response = download(client, "/quan-tri/bao-cao/XA-A/2026-03/report.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert attachment_name(response) == "bao-cao-XA-A-2026-03.pdf"
    first_page = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert "UBND XÃ AN BÌNH" in first_page


def test_manager_downloads_the_word_document(client, manager, month):
    response = download(client, "/quan-tri/bao-cao/XA-A/2026-03/report.docx")
    assert response.status_code == 200
    assert response.mimetype == DOCX
    assert attachment_name(response) == "bao-cao-XA-A-2026-03.docx"
    texts = [paragraph.text for paragraph in Document(io.BytesIO(response.data)).paragraphs]
    assert "BÁO CÁO" in texts


def test_manager_downloads_the_officer_csv(client, manager, month):
    response = download(client, "/quan-tri/bao-cao/XA-A/2026-03/officers.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert attachment_name(response) == "danh-gia-cong-chuc-XA-A-2026-03.csv"
    lines = response.data.decode("utf-8").splitlines()
    assert lines[0].startswith("officer_code,officer_name,responses,")
    assert lines[1].startswith("CB-AN,Nguyễn Văn An,5,")


def test_english_reader_gets_an_english_workbook(client, manager, month):
    client.get("/quan-tri/?lang=en")
    response = download(client, "/quan-tri/bao-cao/XA-A/2026-03/report.xlsx")
    assert load_workbook(io.BytesIO(response.data)).sheetnames[0] == "Summary"


@pytest.mark.parametrize(
    "url",
    [
        "/quan-tri/bao-cao/XA-B/2026-03/report.xlsx",  # another commune
        "/quan-tri/bao-cao/TINH/2026-03/report.pdf",  # the province above
        "/quan-tri/bao-cao/XA-A/2026-03/report.odt",
        "/quan-tri/bao-cao/XA-A/2026-13/report.pdf",
        "/quan-tri/bao-cao/XA-A/2999-01/officers.csv",  # not begun
    ],
)
def test_not_found(client, manager, month, url):
    assert client.get(url).status_code == 404


def test_officer_may_not_download(client, month):
    sign_in(client, make_user(role=Role.OFFICER, unit=month.commune))
    assert client.get("/quan-tri/bao-cao/XA-A/2026-03/report.xlsx").status_code == 403
    assert client.get("/quan-tri/bao-cao/XA-A/2026-03/officers.csv").status_code == 403


def test_complaint_handler_may_not_download(client, month):
    sign_in(client, make_user(role=Role.COMPLAINT_HANDLER, unit=month.commune))
    assert client.get("/quan-tri/bao-cao/XA-A/2026-03/report.pdf").status_code == 403


def test_signed_out_visitor_is_sent_to_sign_in(client, month):
    response = download(client, "/quan-tri/bao-cao/XA-A/2026-03/report.pdf")
    assert response.status_code == 302
    assert "/dang-nhap" in response.headers["Location"]


def test_large_month_is_prepared_in_the_background(app, client, manager, month, monkeypatch):
    # No waiting at all: what a month too large to build in a few seconds gets.
    monkeypatch.setitem(app.config, "SURVEY_REPORT_WAIT_SECONDS", 0)
    first = client.get("/quan-tri/bao-cao/XA-A/2026-03/report.xlsx")
    assert first.status_code == 202
    page = parse(first)
    assert page.select_one('meta[http-equiv="refresh"]')["content"] == "3"
    assert "tự tải lại" in page.select_one("[role=status]").get_text()
    assert first.headers["Retry-After"] == "3"
    response = _reload_until_ready(client, "/quan-tri/bao-cao/XA-A/2026-03/report.xlsx")
    assert response.mimetype == XLSX
    assert load_workbook(io.BytesIO(response.data)).sheetnames[0] == "Tổng hợp"


def test_file_is_built_once_and_again_when_a_response_arrives(client, manager, month, reports_dir):
    def built() -> list[str]:
        return sorted(path.name for path in reports_dir.glob("XA-A-2026-03-csv-*"))

    download(client, "/quan-tri/bao-cao/XA-A/2026-03/officers.csv")
    first = built()
    download(client, "/quan-tri/bao-cao/XA-A/2026-03/officers.csv")
    assert built() == first  # served again, not rebuilt
    make_response(unit=month.commune, officer=month.an, submitted_at=march(20))
    response = download(client, "/quan-tri/bao-cao/XA-A/2026-03/officers.csv")
    assert len(built()) == 1 and built() != first  # the old file gave way to the new one
    assert response.data.decode("utf-8").splitlines()[1].startswith("CB-AN,Nguyễn Văn An,6,")


def test_marking_spam_gives_a_new_file(client, manager, month, reports_dir):
    spam = make_response(unit=month.commune, officer=month.an, submitted_at=march(21))
    assert (
        "CB-AN,Nguyễn Văn An,6,"
        in download(client, "/quan-tri/bao-cao/XA-A/2026-03/officers.csv").text
    )
    mark_response_spam(spam, spam=True, by=None)
    response = download(client, "/quan-tri/bao-cao/XA-A/2026-03/officers.csv")
    assert response.data.decode("utf-8").splitlines()[1].startswith("CB-AN,Nguyễn Văn An,5,")


def _reload_until_ready(client, url: str, attempts: int = 200):
    for _ in range(attempts):
        response = download(client, url)
        if response.status_code == 200:
            return response
        assert response.status_code == 202
        time.sleep(0.05)
    raise AssertionError("the file was never ready")


def test_a_failed_build_is_an_error_page_not_a_page_that_waits_forever(
    client, manager, month, monkeypatch
):
    from analytics.report import files as report_files

    attempts = []

    def broken(*arguments):
        attempts.append(arguments)
        raise RuntimeError("disk full")

    monkeypatch.setattr(report_files, "export_officers", broken)
    assert client.get("/quan-tri/bao-cao/XA-A/2026-03/officers.csv").status_code == 500
    assert client.get("/quan-tri/bao-cao/XA-A/2026-03/officers.csv").status_code == 500
    assert len(attempts) == 1  # not rebuilt on every reload
