"""Browser settings and staff steps shared by the Playwright tests."""

from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page, expect

CHROMIUM = Path("/usr/bin/chromium")


# Quiet, offline Chromium: no updater, sync or QUIC traffic leaves the machine.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# A counter tablet or a small office laptop: where staff use the administration pages.
TABLET = {
    "viewport": {"width": 1024, "height": 768},
    "device_scale_factor": 1,
    "has_touch": True,
    "locale": "vi-VN",
    "timezone_id": "Asia/Ho_Chi_Minh",
}


# The counter tablet on its stand, landscape.
KIOSK_TABLET = TABLET | {"viewport": {"width": 1280, "height": 800}}


STAFF_PASSWORD = "mật khẩu trình duyệt 2026"


PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 1,
    "is_mobile": True,
    "has_touch": True,
    "locale": "vi-VN",
    "timezone_id": "Asia/Ho_Chi_Minh",
}


@dataclass(frozen=True)
class StaffAccount:
    username: str
    password: str
    full_name: str
    unit_code: str
    officer_code: str | None = None


def sign_in(page: Page, base_url: str, account: StaffAccount, password: str | None = None):
    page.goto(f"{base_url}/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill(account.username)
    page.get_by_label("Mật khẩu", exact=True).fill(password or account.password)
    page.get_by_role("button", name="Đăng nhập").click()


def in_english(page: Page) -> None:
    """The staff pages' Vietnamese catalogue is written last; the tests read the English."""
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def fits_width(page: Page, width: int) -> bool:
    """No sideways scrolling at this width, measured once the page's stylesheets have loaded:
    right after a click-through the document can be laid out before its CSS arrives."""
    page.wait_for_load_state("load")
    return page.evaluate("document.scrollingElement.scrollWidth") <= width
