"""Issue 18, part 3: each officer's reference figure — the SIPAS index of the officer's own unit
with the units below it, which the officer was compared with — is printed beside the officer on
the dashboard, the officer's page, the workbook and the PDF (a commune officer in a province's
report is compared with the commune, not with the province's printed row)."""

import re

from pypdf import PdfReader

from survey_app.models import Role
from tests.helpers.builders import make_user
from tests.helpers.report_data import MARCH, make_small_month
from tests.helpers.staff_pages import sign_in
from tests.helpers.survey_pages import parse

# Commune A: SIPAS 99.5 (tests/helpers/report_data.py); the province adds commune B's response of
# all 1s.
PAGE_SIPAS, PDF_SIPAS = "99,5", "99,50"


def test_the_province_dashboard_prints_each_officers_reference(client, tree):
    make_small_month(tree)
    sign_in(client, make_user(role=Role.MANAGER, unit=tree[0]))
    page = parse(client.get(f"/quan-tri/bao-cao/TINH/{MARCH}"))
    row = page.select_one('#officers tr[data-officer="CB-AN"]')
    reference = row.select_one("td.reference").get_text(" ", strip=True)
    assert reference == f"{PAGE_SIPAS} UBND xã An Bình"
    headline = page.select_one("#officers").find_previous("h2").find_next("p").get_text()
    assert "SIPAS so sánh" in headline


def test_the_officer_page_names_the_reference(client, tree):
    small = make_small_month(tree)
    officer_user = make_user(role=Role.OFFICER, unit=small.commune, officer=small.an)
    sign_in(client, officer_user)
    page = parse(client.get("/cong-chuc/cua-toi", query_string={"thang": str(MARCH)}))
    text = page.select_one("#reference").get_text(" ", strip=True)
    assert text == f"SIPAS so sánh (mức dùng để so sánh với bạn): {PAGE_SIPAS}, UBND xã An Bình."


def test_the_province_pdf_prints_the_reference_column(app, tree, invoke, tmp_path):
    make_small_month(tree)
    path = tmp_path / "report.pdf"
    result = invoke(
        "report", "monthly", "--unit", "TINH", "--month", str(MARCH), "--format", "pdf",
        "--output", path,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(path).pages))
    assert "SIPAS so sánh" in text
    # An's row: name, responses, overall, SIPAS 99,20, CC 96,00, flagged, "Có", the reference.
    # (The report's text names him first; his row is in the appendix's officer table.)
    appendix = text[text.index("PHỤ LỤC") :]
    an_row = appendix[appendix.index("Nguyễn Văn An") :][:90]
    assert re.search(rf"99,20 96,00 1 Có {PDF_SIPAS}", an_row), an_row
