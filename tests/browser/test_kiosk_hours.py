"""What the counter tablet says about itself: that pairing worked, and when it opens while it
is closed; and the demo's tablets, which take ratings at any hour."""

import re
from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from survey_app.models import Counter, Kiosk
from survey_app.workdays import WorkCalendar
from tests.helpers.kiosk_pages import (
    ZONE,
    add_demo_kiosk,
    idle,
    leave_pairing_confirmation,
    open_at,
    rate,
    screen,
    wait_for_stored,
    working_morning,
)

pytestmark = pytest.mark.slow

WEEKDAYS_VI = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"]
HOURS_VI = "Mở cửa: Thứ Hai – Thứ Sáu, 07:30–17:00, trừ ngày nghỉ lễ."
ALWAYS_VI = "Nhận đánh giá mọi giờ, mọi ngày, kể cả ngày nghỉ."
DEMO_KIOSK_URL = re.compile(r"(http://127\.0\.0\.1:\d+/kiosk/#pair=[A-Z0-9]{8})  TTHCC-Q2 ")


def a_sunday_night(step: int) -> datetime:
    """23:30 on the Sunday after (step 1) or before (step -1) today."""
    day = date.today() + timedelta(days=step)
    while day.weekday() != 6:
        day += timedelta(days=step)
    return datetime.combine(day, time(23, 30), ZONE)


def test_pairing_says_it_worked_where_and_when_the_tablet_works(sized_kiosk_tablet, demo, demo_app):
    page = sized_kiosk_tablet
    kiosk = add_demo_kiosk(demo_app)
    open_at(page, f"{demo.base_url}/kiosk/#pair={kiosk.pairing_code}", working_morning())

    expect(screen(page, "paired")).to_be_visible()
    expect(page.locator("#h-paired")).to_have_text("Kết nối thành công")
    expect(page.locator("#paired-place")).to_have_text(
        "Máy tính bảng này đã được kết nối với Quầy số 2 - Đất đai, Trung tâm Phục vụ hành "
        "chính công tỉnh Lâm Đồng và từ nay nhận đánh giá tại đây."
    )
    expect(page.locator("#paired-hours")).to_have_text(HOURS_VI)
    page.locator("#paired-start").click()
    expect(screen(page, "attract")).to_be_visible()


def test_the_pairing_confirmation_gives_way_to_the_rating_screen_after_a_minute(
    kiosk_tablet, demo, demo_app
):
    page = kiosk_tablet
    kiosk = add_demo_kiosk(demo_app)
    open_at(page, f"{demo.base_url}/kiosk/#pair={kiosk.pairing_code}", working_morning())
    expect(screen(page, "paired")).to_be_visible()

    idle(page, 59)
    expect(screen(page, "paired")).to_be_visible()
    idle(page, 1)
    expect(screen(page, "attract")).to_be_visible()


def test_closed_on_sunday_night_the_tablet_says_its_days_hours_and_next_opening(
    sized_kiosk_tablet, demo, demo_app
):
    page = sized_kiosk_tablet
    # Ahead: the tablet knows the days off from today on; the page clock stands there.
    sunday_night = a_sunday_night(1)
    opens = first_working_day_after(demo_app, sunday_night.date())
    kiosk = add_demo_kiosk(demo_app)
    open_at(page, f"{demo.base_url}/kiosk/#pair={kiosk.pairing_code}", sunday_night)
    leave_pairing_confirmation(page)

    expect(screen(page, "closed")).to_be_visible()
    expect(page.locator("#closed-hours")).to_have_text(HOURS_VI)
    day = f"{WEEKDAYS_VI[opens.weekday()]}, {opens:%d/%m/%Y}"
    expect(page.locator("#closed-next")).to_have_text(f"Mở cửa trở lại lúc 07:30, {day}.")


def test_the_closed_screen_speaks_english_when_the_tablet_does(kiosk_tablet, demo, demo_app):
    page = kiosk_tablet
    kiosk = add_demo_kiosk(demo_app, default_locale="en")
    evening = working_morning().replace(hour=17, minute=30)
    open_at(page, f"{demo.base_url}/kiosk/#pair={kiosk.pairing_code}", evening)
    expect(page.locator("#h-paired")).to_have_text("Pairing worked")
    leave_pairing_confirmation(page)

    expect(page.locator("#closed-hours")).to_have_text(
        "Open: Monday – Friday, 07:30–17:00, except public holidays."
    )
    expect(page.locator("#closed-next")).to_have_text(re.compile(r"^We open again at 07:30 on "))


def test_a_demo_tablet_takes_a_rating_on_a_sunday_night(kiosk_tablet: Page, demo):
    page = kiosk_tablet
    [link] = [m.group(1) for line in demo.output if (m := DEMO_KIOSK_URL.search(line))]
    sunday_night = a_sunday_night(-1)  # past: the server refuses ratings from the future
    open_at(page, link, sunday_night)

    expect(page.locator("#paired-hours")).to_have_text(ALWAYS_VI)
    leave_pairing_confirmation(page)
    expect(screen(page, "attract")).to_be_visible()
    rate(page, [5, 4, 5, 4, 5], 5, officer="Phạm Văn Đức")

    expect(screen(page, "thanks")).to_be_visible()
    [stored] = wait_for_stored(demo, demo_kiosk_id(demo), 1)
    assert stored.submitted_at == sunday_night
    assert stored.officer_code == "TTHCC-CB03"


def first_working_day_after(app, day: date) -> date:
    with app.app_context():
        calendar = WorkCalendar()
        day += timedelta(days=1)
        while not calendar.is_working_day(day):
            day += timedelta(days=1)
        return day


def demo_kiosk_id(demo) -> int:
    with Session(demo.engine) as session:
        return session.scalar(
            sa.select(Kiosk.id)
            .join(Kiosk.counter)
            .where(Counter.code == "TTHCC-Q2", Kiosk.always_open)
        )
