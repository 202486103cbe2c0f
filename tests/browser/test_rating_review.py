"""A manager reviews held ratings on the dashboard in a real browser: one phone floods an
officer's code, the dashboard shows the burst as one line, and one decision rejects it (the
figures do not move) or accepts another (they move by exactly its ratings at once)."""

import uuid
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from survey_app.models import Officer, SurveyCode, Unit
from survey_app.months import current_month
from tests.helpers.browser import StaffAccount

pytestmark = pytest.mark.slow

DEMO_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")  # the demo's SURVEY_TIMEZONE


def officer_survey_url(demo, unit_code: str, skip: int) -> tuple[str, str]:
    """The survey URL and name of an officer of the unit (the skip-th, so tests differ)."""
    with demo.engine.connect() as connection:
        code, name = connection.execute(
            sa.select(SurveyCode.code, Officer.full_name)
            .join(Officer, Officer.id == SurveyCode.officer_id)
            .join(Unit, Unit.id == Officer.unit_id)
            .where(
                Unit.code == unit_code,
                SurveyCode.revoked_at.is_(None),
                SurveyCode.single_use.is_(False),
            )
            .order_by(Officer.code)
            .offset(skip)
            .limit(1)
        ).one()
    return f"{demo.base_url}/s/{code}", name


def flood(phone: Page, url: str, ratings: int) -> None:
    """Open the form once, then post it again and again with a new submission id, all 1s, as
    the issue's attacker did (the browser's cookies go with each post)."""
    phone.goto(url)
    fields = phone.eval_on_selector_all(
        "form input[type=hidden]", "inputs => inputs.map(i => [i.name, i.value])"
    )
    names = phone.eval_on_selector_all(
        "form input[type=radio]", "inputs => [...new Set(inputs.map(i => i.name))]"
    )
    form = dict(fields) | {name: "1" for name in names}
    for _ in range(ratings):
        sent = phone.request.post(url, form=form | {"submission_id": uuid.uuid4().hex})
        assert sent.ok  # the thank-you page, held or not


def sign_in(page: Page, base_url: str, account: StaffAccount) -> None:
    page.goto(f"{base_url}/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill(account.username)
    page.get_by_label("Mật khẩu", exact=True).fill(account.password)
    page.get_by_role("button", name="Đăng nhập").click()


def responses_card(page: Page) -> int:
    return int(page.locator("#responses").inner_text())


def test_a_manager_rejects_one_burst_and_accepts_another(tablet, browser, demo, staff_accounts):
    manager = staff_accounts["manager"]
    dashboard = f"{demo.base_url}/quan-tri/bao-cao/{manager.unit_code}/{current_month(DEMO_ZONE)}"
    sign_in(tablet, demo.base_url, manager)
    tablet.goto(dashboard)
    before = responses_card(tablet)

    url, officer = officer_survey_url(demo, manager.unit_code, skip=0)
    attacker = browser.new_context()
    flood(attacker.new_page(), url, 6)
    attacker.close()

    tablet.goto(dashboard)
    expect(tablet.locator("#held-title")).to_have_text("5 phiếu đang chờ xem xét")
    line = tablet.locator("#held-bursts tbody tr").filter(has_text=officer)
    expect(line).to_have_count(1)
    cells = line.locator("td")
    expect(cells.nth(2)).to_have_text("5")  # ratings
    expect(cells.nth(3)).to_have_text("1")  # phones
    expect(cells.nth(5)).to_have_text("1: 5")  # every overall answer at 1
    assert responses_card(tablet) == before + 1  # the first rating of the phone counts

    line.get_by_label("Loại: đánh dấu là rác").check()
    line.get_by_label("Lý do").fill("Một máy gửi liên tục trong vài giây")
    line.get_by_role("button", name="Quyết định cho 5 phiếu").click()

    expect(tablet.locator(".flash")).to_contain_text("Đã loại 5 phiếu tạm giữ")
    expect(tablet.locator("#held-title")).to_have_text("0 phiếu đang chờ xem xét")
    expect(tablet.locator("#integrity-counts")).to_contain_text("5 phiếu bị loại")
    assert responses_card(tablet) == before + 1

    url, officer = officer_survey_url(demo, manager.unit_code, skip=1)
    second = browser.new_context()
    flood(second.new_page(), url, 4)
    second.close()
    tablet.reload()
    line = tablet.locator("#held-bursts tbody tr").filter(has_text=officer)
    line.get_by_label("Chấp nhận: tính vào số liệu").check()
    line.get_by_role("button", name="Quyết định cho 3 phiếu").click()

    expect(tablet.locator(".flash")).to_contain_text("Đã chấp nhận 3 phiếu tạm giữ")
    assert responses_card(tablet) == before + 1 + 4  # at once: its 3 and the phone's first
