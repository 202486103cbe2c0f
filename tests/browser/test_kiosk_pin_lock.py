"""The staff PIN on the tablet: checked against the slow hash the server sends, and locked
after a few wrong tries, a lock that a reload of the page does not lift."""

import pytest
from playwright.sync_api import expect

from tests.helpers.kiosk_pages import (
    STAFF_PIN,
    add_demo_kiosk,
    idle,
    long_press,
    open_kiosk,
    screen,
    type_pin,
)

pytestmark = pytest.mark.slow

WRONG = "1111"
LOCKED = "Nhập sai quá nhiều lần. Mã PIN tạm bị khóa: vui lòng thử lại sau."


def open_pin_screen(page):
    long_press(page, page.locator("#staff-corner"))
    expect(screen(page, "pin")).to_be_visible()


def test_five_wrong_pins_lock_the_tablet_even_after_a_reload(kiosk_tablet, demo, demo_app):
    page = kiosk_tablet
    open_kiosk(page, demo, add_demo_kiosk(demo_app, staff_pin=STAFF_PIN))
    open_pin_screen(page)
    for _ in range(5):
        type_pin(page, WRONG)
    expect(page.locator("#pin-status")).to_have_text(LOCKED)  # each try checked, the 5th locks
    page.reload()
    open_pin_screen(page)

    type_pin(page, STAFF_PIN)  # the right PIN, during the lock

    expect(page.locator("#pin-status")).to_have_text(LOCKED)
    assert screen(page, "staff").is_hidden()
    idle(page, 61)  # the lock is over (and the idle tablet is back at its start)
    open_pin_screen(page)
    type_pin(page, STAFF_PIN)
    expect(screen(page, "staff")).to_be_visible()
