"""A manager follows up a response rated "Bình thường" or below through to "Đã xử lý", on a
tablet in a real browser against `survey-app demo`: from the dashboard to the follow-up list,
a refusal in Vietnamese that keeps what was typed, then the saved follow-up, on time."""

import uuid

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from survey_app.core.extensions import db
from survey_app.models import Channel, FollowUp, FollowUpState, SurveyResponse
from survey_app.months import current_month
from survey_app.queries.instruments import get_current_instrument
from survey_app.queries.units import get_unit_by_code
from survey_app.services.responses.submit import Submission, submit_response
from tests.helpers.browser import StaffAccount

pytestmark = pytest.mark.slow

COMMENT = f"Chờ rất lâu mới được tiếp nhận hồ sơ ({uuid.uuid4().hex[:6]})."
ACTION = "Đã trao đổi với công chức quầy Tư pháp, bố trí thêm người giờ cao điểm."


def sign_in(page: Page, base_url: str, account: StaffAccount) -> None:
    page.goto(f"{base_url}/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill(account.username)
    page.get_by_label("Mật khẩu", exact=True).fill(account.password)
    page.get_by_role("button", name="Đăng nhập").click()


def flagged_response(demo_app) -> str:
    """A citizen's QR rating of LD-DUCTRONG (sipas-2017) just now, TC1 and CHUNG at 2."""
    with demo_app.app_context():
        unit = get_unit_by_code("LD-DUCTRONG")
        instrument = get_current_instrument(unit.instrument_code)
        submission = Submission(
            client_ref=uuid.uuid4().hex,
            unit=unit,
            counter=None,
            officer=None,
            instrument=instrument,
            channel=Channel.QR,
            answers={"TC1": 2, "CHUNG": 2},
            comment=COMMENT,
        )
        ref = submit_response(submission).response.client_ref
        db.session.remove()
        return ref


def stored_follow_up(demo, client_ref: str) -> FollowUp:
    with Session(demo.engine, expire_on_commit=False) as session:
        return session.scalars(
            sa.select(FollowUp)
            .join(SurveyResponse, SurveyResponse.id == FollowUp.response_id)
            .where(SurveyResponse.client_ref == client_ref)
        ).one()


def test_a_flagged_response_is_followed_up_to_handled(tablet, demo, demo_app, staff_accounts):
    client_ref = flagged_response(demo_app)
    manager = staff_accounts["manager"]
    sign_in(tablet, demo.base_url, manager)
    with demo_app.app_context():
        month = current_month()
    tablet.goto(f"{demo.base_url}/quan-tri/bao-cao/LD-DUCTRONG/{month}")

    tablet.locator("#follow-up-link").click()

    expect(tablet.locator("h1")).to_have_text(
        "Theo dõi, xử lý phiếu đánh giá mức Bình thường trở xuống"
    )
    row = tablet.locator("#follow-ups tbody tr", has_text=COMMENT)
    expect(row.locator(".low-items")).to_contain_text("TC1 = 2")
    expect(row.locator(".low-items")).to_contain_text(
        "TC1 = 2 Nơi ngồi chờ có đủ chỗ ngồi"
    )  # sipas-2017
    expect(row.locator(".follow-up")).to_contain_text("Mới")
    expect(row.locator(".follow-up")).to_contain_text("Xem xét nội bộ")
    row.locator("input[type=checkbox]").check()
    tablet.get_by_label("Trạng thái").select_option(label="Đã xử lý")
    tablet.get_by_label("Ghi chú").fill("Gọi lại không được, trao đổi nội bộ.")

    tablet.get_by_role("button", name="Lưu kết quả theo dõi").click()

    # No action given: refused in Vietnamese, the tick and the note kept.
    expect(tablet.locator(".bulk .err")).to_have_text(
        "Vui lòng ghi biện pháp đã thực hiện trước khi chuyển sang Đã xử lý."
    )
    expect(tablet.get_by_label("Ghi chú")).to_have_value("Gọi lại không được, trao đổi nội bộ.")
    row = tablet.locator("#follow-ups tbody tr", has_text=COMMENT)
    expect(row.locator("input[type=checkbox]")).to_be_checked()
    tablet.get_by_label("Biện pháp đã thực hiện").fill(ACTION)
    tablet.get_by_role("button", name="Lưu kết quả theo dõi").click()

    expect(tablet.locator("p.notice")).to_have_text("Đã lưu kết quả theo dõi của 1 phiếu.")
    row = tablet.locator("#follow-ups tbody tr", has_text=COMMENT)
    expect(row.locator(".follow-up")).to_contain_text("Đã xử lý")
    expect(row.locator(".follow-up")).to_contain_text("Đúng hạn")
    expect(row.locator(".follow-up")).to_contain_text(ACTION)
    expect(row.locator(".follow-up")).to_contain_text(f"Người xử lý: {manager.full_name}")
    stored = stored_follow_up(demo, client_ref)
    assert (stored.state, stored.action) == (FollowUpState.DONE, ACTION)
    assert stored.finished_at is not None
