"""A manager edits the report's text in a real browser on a tablet, against `survey-app demo`:
the draft written from the month's figures is in the text areas; the saved text is what the
page shows next. SURVEY_SCREENSHOTS=1 puts the page in docs/report-text-page.png."""

import os
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from survey_app.months import current_month
from tests.helpers.browser import sign_in

pytestmark = pytest.mark.slow

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_manager_edits_the_draft_and_saves_it(tablet, demo, staff_accounts):
    manager = staff_accounts["manager"]
    sign_in(tablet, demo.base_url, manager)
    month = current_month(ZoneInfo("Asia/Ho_Chi_Minh")).previous()
    tablet.goto(f"{demo.base_url}/quan-tri/bao-cao/LD-DUCTRONG/{month}/van-ban")
    assessment = tablet.get_by_label("Đánh giá chung")
    expect(assessment).to_contain_text(f"Trong tháng {month.month}/{month.year}")
    expect(assessment).to_contain_text("phiếu đánh giá của người dân, tổ chức")
    if os.environ.get("SURVEY_SCREENSHOTS"):
        tablet.screenshot(path=DOCS / "report-text-page.png", full_page=True)
    causes = tablet.get_by_label("Hạn chế, nguyên nhân")
    causes.fill("- Một công chức mới chưa quen việc.\nNguyên nhân: thiếu người vào giờ cao điểm.")
    tablet.get_by_role("button", name="Lưu nội dung").click()
    expect(tablet.locator(".flash")).to_contain_text("Đã lưu nội dung báo cáo")
    expect(tablet.get_by_label("Hạn chế, nguyên nhân")).to_have_value(
        "- Một công chức mới chưa quen việc.\nNguyên nhân: thiếu người vào giờ cao điểm."
    )
