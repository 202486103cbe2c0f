"""One figure, one rounding, in every export of a month: 1 flagged response in 32 is 3.125 %,
which the PDF a leader signs, its summary sentence and the officers' CSV all write as 3.13, as
the workbook's "0.00" format shows it in Excel (survey_app/display/numbers.py). Babel's half to
even wrote 3,12 in the PDF while Excel showed 3,13."""

import re

import pytest
from pypdf import PdfReader

from tests.helpers.builders import full_answers, make_officer, make_response
from tests.helpers.report_data import MARCH, march


@pytest.fixture
def one_in_32(app, tree):
    commune = tree[1]
    an = make_officer(unit=commune, code="CB-AN", full_name="Nguyễn Văn An")
    for n in range(32):
        answers = full_answers(CHUNG=3) if n == 0 else full_answers()
        make_response(unit=commune, officer=an, answers=answers, submitted_at=march(2 + n % 20))
    return commune


def test_the_pdf_and_the_csv_write_a_half_alike(one_in_32, invoke, tmp_path):
    pdf, csv = tmp_path / "report.pdf", tmp_path / "officers.csv"
    common = ("--unit", "XA-A", "--month", str(MARCH), "--output")
    assert invoke("report", "monthly", *common, pdf, "--format", "pdf").exit_code == 0
    assert invoke("report", "officers", *common, csv).exit_code == 0
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(pdf).pages))
    assert "Tỷ lệ phiếu mức trung bình trở xuống (%) 3,13" in text
    assert "(3,13% số phiếu)" in text
    assert "3,12" not in text
    [an] = [
        line for line in csv.read_text(encoding="utf-8").splitlines() if line.startswith("CB-AN")
    ]
    assert an.split(",")[12] == "3.13"  # flagged_pct
