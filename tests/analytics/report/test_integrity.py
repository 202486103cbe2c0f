"""The monthly report says what the figures left out: ratings held, rejected and filtered, and
the share of counted ratings that came through one-time dossier links."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from survey_app.months import current_month
from survey_app.queries.instruments import get_current_instrument
from survey_app.services.responses.holding_rules import RatingSource
from survey_app.services.responses.review import decide_burst, pending_review
from survey_app.services.responses.submit import Submission, submit_response
from tests.helpers.builders import full_answers, make_officer, make_response
from tests.helpers.kiosk_devices import paired_kiosk, rating, send

NO_COOKIE = RatingSource(phone_hash=None, address_hash="dia-chi")


@pytest.fixture
def month_with_left_outs(app, client, tree):
    """4 counted (1 through a dossier link), 2 held, 3 rejected, 1 filtered kiosk repeat."""
    commune = tree[1]
    officer = make_officer(unit=commune, code="CB-LAN")
    rival = make_officer(unit=commune, code="CB-HOA")
    for _ in range(2):
        make_response(officer=officer)
    for _ in range(3):
        make_response(officer=rival, answers=full_answers(value=1), source=NO_COOKIE)
    [burst] = pending_review(commune)
    decide_burst(commune, burst.key, accept=False, reason="Gửi dồn", by=None)
    for _ in range(2):
        make_response(officer=officer, source=NO_COOKIE)
    submit_response(
        Submission(
            client_ref="ho-so-1",
            unit=commune,
            officer=officer,
            instrument=get_current_instrument(commune.instrument_code),
            channel="qr",
            answers=full_answers(),
            dossier_code="HS-2026-0001",
        )
    )
    _, token = paired_kiosk(commune)
    start = datetime.now(UTC) - timedelta(minutes=1)
    for seconds in (0, 3):
        send(client, token, rating(submitted_at=(start + timedelta(seconds=seconds)).isoformat()))


def export(invoke, tmp_path, fmt: str):
    path = tmp_path / f"report.{fmt}"
    month = str(current_month())
    result = invoke(
        "report", "monthly", "--unit", "XA-A", "--month", month, "--format", fmt, "--output", path
    )
    assert result.exit_code == 0, result.output
    return path


def test_the_workbook_states_held_rejected_filtered_and_the_share_through_links(
    month_with_left_outs, invoke, tmp_path
):
    sheet = load_workbook(export(invoke, tmp_path, "xlsx")).worksheets[0]
    lines = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row[0]}
    assert lines["Phiếu tạm giữ chờ xem xét (chưa tính)"] == 2
    assert lines["Phiếu bị loại do gửi dồn (lưu lại, đánh dấu là rác)"] == 3
    assert lines["Phiếu bấm lặp trên máy tính bảng đã lọc (không tính)"] == 1
    assert lines["Phiếu được tính gửi qua đường dẫn dùng một lần theo hồ sơ (%)"] == 25


def test_the_pdf_states_them_too(month_with_left_outs, invoke, tmp_path):
    reader = PdfReader(export(invoke, tmp_path, "pdf"))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert "Phiếu tạm giữ chờ xem xét (chưa tính) 2" in text
    assert "Phiếu bị loại do gửi dồn (lưu lại, đánh dấu là rác) 3" in text
    assert "theo hồ sơ (%) 25,00" in text
