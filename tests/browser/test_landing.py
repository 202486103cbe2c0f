"""A citizen without a link, on a phone: the landing page, the tracking-code look-up, the
complaint form's limit and Back-and-send-again, in a real browser against `survey-app demo`."""

import os
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from survey_app.models import Ticket
from tests.helpers.browser import PHONE, fits_width

pytestmark = pytest.mark.slow

DOCS = Path(__file__).resolve().parents[2] / "docs"
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
RUN_AXE = """async () => (await axe.run(document, { resultTypes: ["violations"] })).violations
    .filter((violation) => ["serious", "critical"].includes(violation.impact))
    .map((violation) => `${violation.id}: ${violation.nodes.map((n) => n.target).join(", ")}`)"""
TAP_TARGET_PX = 44
PAGE_WEIGHT_LIMIT = 30 * 1024
CONTENT = "Quầy đất đai hẹn trả kết quả thứ Hai nhưng đến nay chưa có, không ai giải thích."
FILED_URL = re.compile(r"/t/([2-9A-HJKMNP-Z]{10})/da-gui$")


def watch_failures(page: Page) -> list[str]:
    """Every request of the page answered 4xx/5xx (a missing favicon included)."""
    failures = []
    page.on(
        "response",
        lambda response: (
            response.status >= 400 and failures.append(f"{response.status} {response.url}")
        ),
    )
    return failures


def fits_the_phone(page: Page) -> bool:
    return fits_width(page, PHONE["viewport"]["width"])


def small_targets(page: Page) -> list[str]:
    return page.evaluate(
        """(minimum) => [...document.querySelectorAll("main input, main button")]
        .filter((e) => e.type !== "hidden" && e.getClientRects().length)
        .filter((e) => {
            const box = e.getBoundingClientRect();
            return Math.min(box.width, box.height) < minimum;
        })
        .map((e) => e.id || e.textContent)""",
        TAP_TARGET_PX,
    )


def page_bytes(page: Page) -> int:
    """The document and everything it loaded, as sent over the wire."""
    return page.evaluate(
        """() => performance.getEntriesByType("navigation")
        .concat(performance.getEntriesByType("resource"))
        .reduce((sum, entry) => sum + entry.transferSize, 0)"""
    )


def test_the_landing_page_on_a_phone(phone, demo):
    failures = watch_failures(phone)
    phone.add_init_script(path=str(AXE))
    phone.goto(f"{demo.base_url}/")
    expect(phone.locator("h1")).to_have_text("Đánh giá, phản ánh về dịch vụ hành chính công")
    for heading in ("Tra cứu phản ánh, kiến nghị", "Gửi phản ánh, kiến nghị"):
        expect(phone.get_by_role("heading", name=heading)).to_be_visible()
    expect(
        phone.get_by_role("heading", name="Công khai kết quả đánh giá sự hài lòng")
    ).to_be_visible()
    assert fits_the_phone(phone)
    assert small_targets(phone) == []
    assert phone.evaluate(RUN_AXE) == []
    assert page_bytes(phone) < PAGE_WEIGHT_LIMIT
    if os.environ.get("SURVEY_SCREENSHOTS"):
        phone.screenshot(path=DOCS / "landing-phone.png", full_page=True)
    phone.get_by_role("link", name="English").click()
    expect(phone.locator("h1")).to_have_text("Feedback on the one-stop service")
    phone.wait_for_load_state("networkidle")
    assert failures == []  # no 404, the favicon's included


def test_from_the_landing_page_to_a_units_figures_and_its_complaint_form(phone, demo):
    phone.goto(f"{demo.base_url}/")
    phone.locator("#figures-unit").fill("ld-ductrong")
    phone.locator("#figures").get_by_role("button").click()
    expect(phone).to_have_url(f"{demo.base_url}/cong-khai/LD-DUCTRONG")
    expect(phone.locator("#responses")).to_be_visible()  # the demo's last month with figures
    assert fits_the_phone(phone)
    phone.locator("#previous-month").click()
    expect(phone).to_have_url(re.compile(r"/cong-khai/LD-DUCTRONG\?month=\d{4}-\d\d$"))
    phone.locator("#complain a").click()
    expect(phone).to_have_url(f"{demo.base_url}/phan-anh/LD-DUCTRONG")


def test_a_wrong_tracking_code_is_explained_and_kept_then_the_right_one_opens(phone, demo):
    phone.goto(f"{demo.base_url}/phan-anh/LD-DUCTRONG")
    phone.locator("#content").fill(CONTENT)
    phone.get_by_role("button", name="Gửi phản ánh").click()
    expect(phone).to_have_url(FILED_URL)
    code = FILED_URL.search(phone.url).group(1)

    phone.goto(f"{demo.base_url}/t/")
    box = phone.get_by_label("Mã theo dõi")
    box.fill("ABC-12")
    phone.get_by_role("button", name="Tra cứu").click()
    expect(phone.locator("#e-tracking-code")).to_contain_text(
        "Mã theo dõi gồm 10 chữ cái và chữ số"
    )
    expect(box).to_have_value("ABC-12")
    assert fits_the_phone(phone)
    assert small_targets(phone) == []

    box.fill(f"{code[:5].lower()} {code[5:].lower()}")
    phone.get_by_role("button", name="Tra cứu").click()
    expect(phone).to_have_url(f"{demo.base_url}/t/{code}")
    expect(phone.locator("#content")).to_have_text(CONTENT)


def test_the_complaint_box_counts_and_says_when_it_is_too_long(phone, demo):
    phone.goto(f"{demo.base_url}/phan-anh/LD-DUCTRONG")
    expect(phone.locator("#content-limit")).to_have_text("Tối đa 4000 ký tự.")
    box = phone.locator("#content")
    box.fill("ơ" * 10)
    expect(phone.locator("#content-count")).to_have_text("10/4000 ký tự")
    box.fill("ơ" * 4010)  # as a paste: nothing is cut
    expect(box).to_have_value("ơ" * 4010)
    expect(phone.locator("#content-count")).to_have_text(
        "Thừa 10 ký tự: vui lòng rút gọn trước khi gửi."
    )
    phone.get_by_role("button", name="Gửi phản ánh").click()
    expect(phone.locator("#e-content")).to_contain_text("Nội dung có 4010 ký tự")
    expect(phone.locator("#content")).to_have_value("ơ" * 4010)


def test_back_and_send_again_shows_the_first_ticket(phone, demo):
    phone.goto(f"{demo.base_url}/phan-anh/LD-TTHCC")
    phone.locator("#content").fill(CONTENT + " (lần 1)")
    phone.get_by_role("button", name="Gửi phản ánh").click()
    expect(phone).to_have_url(FILED_URL)
    code = FILED_URL.search(phone.url).group(1)
    phone.go_back()
    box = phone.locator("#content")
    if box.input_value() != CONTENT + " (lần 1)":  # whether the browser kept it or not
        box.fill(CONTENT + " (lần 1)")
    phone.get_by_role("button", name="Gửi phản ánh").click()
    expect(phone).to_have_url(f"{demo.base_url}/t/{code}?lap-lai=1")
    expect(phone.locator("#sent-again")).to_be_visible()
    with demo.engine.connect() as connection:
        filed = connection.scalar(
            sa.select(sa.func.count()).where(Ticket.content == CONTENT + " (lần 1)")
        )
    assert filed == 1


def test_unselected_rating_options_have_a_visible_border(phone, demo):
    phone.goto(demo.survey_urls[0])
    option = phone.locator("fieldset.q .scale span").first
    border = option.evaluate("(e) => getComputedStyle(e).borderTopColor")
    background = option.evaluate("(e) => getComputedStyle(e.closest('section')).backgroundColor")
    assert contrast(border, background) >= 3
    expect(phone.locator("header.part").first).to_contain_text("Phần 1/6")


def contrast(rgb_a: str, rgb_b: str) -> float:
    def luminance(rgb: str) -> float:
        channels = [int(v) / 255 for v in re.findall(r"\d+", rgb)[:3]]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(rgb_a), luminance(rgb_b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
