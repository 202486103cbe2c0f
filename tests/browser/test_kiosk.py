"""The counter tablet in a real browser: pairing, citizens tapping through, idle resets, and
what the server stored. The page clock stands still unless a test moves it on."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.helpers.kiosk_pages import (
    OVERALL,
    STAFF_PIN,
    add_demo_kiosk,
    call_back_tickets,
    current_screen,
    evidence,
    idle,
    leave_pairing_confirmation,
    long_press,
    open_at,
    open_kiosk,
    rate,
    screen,
    start,
    tap_face,
    type_pin,
    wait_for_stored,
    working_morning,
)
from tests.helpers.survey_pages import SCALE_VI

pytestmark = pytest.mark.slow

SCALE_EN = ["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"]
FIRST_LOAD_LIMIT = 150 * 1024


def test_pairing_code_typed_on_the_on_screen_keys_pairs_the_tablet(kiosk_tablet, demo, demo_app):
    page = kiosk_tablet
    kiosk = add_demo_kiosk(demo_app)
    open_at(page, f"{demo.base_url}/kiosk/", working_morning())
    expect(screen(page, "pair")).to_be_visible()

    for character in kiosk.pairing_code:
        page.locator("#pair-keys button", has_text=re.compile(f"^{character}$")).click()
    page.locator("#pair-form button[type=submit]").click()

    expect(screen(page, "paired")).to_be_visible()
    expect(page.locator("#paired-place")).to_contain_text("Quầy số 2 - Đất đai")
    page.locator("#paired-start").click()
    expect(screen(page, "attract")).to_be_visible()
    expect(page.locator("#counter-name")).to_have_text("Quầy số 2 - Đất đai")
    assert page.evaluate("() => localStorage.getItem('kiosk.token')").startswith("kt_")


def test_wrong_pairing_code_is_refused_and_the_tablet_stays_unpaired(kiosk_tablet, demo):
    page = kiosk_tablet
    open_at(page, f"{demo.base_url}/kiosk/#pair=ABCD2345", working_morning())

    status = page.locator("#pair-status")
    expect(status).to_have_text(re.compile(r"\w+[^…]$"))
    assert current_screen(page) == "pair"
    assert page.evaluate("() => localStorage.getItem('kiosk.token')") is None


def test_a_full_rating_is_six_taps_on_faces_stored_at_the_time_of_the_last_tap(
    kiosk_tablet, demo, demo_app
):
    page = kiosk_tablet
    kiosk = add_demo_kiosk(demo_app)
    moment = working_morning()
    open_kiosk(page, demo, kiosk, at=moment)
    start(page)
    page.locator("#officers button", has_text="Phạm Văn Đức").click()
    taps = 0

    for level in (5, 4, 5, 4, 5, 4):
        tap_face(page, level)
        taps += 1

    expect(screen(page, "thanks")).to_be_visible()
    [stored] = wait_for_stored(demo, kiosk.id, 1)
    assert taps == 6
    assert stored.answers == {"TC": 5, "TT": 4, "CC": 5, "KQ": 4, "PA": 5, OVERALL: 4}
    assert stored.officer_code == "TTHCC-CB03"
    assert stored.submitted_at == moment


def test_screens_change_without_a_network_round_trip(kiosk_tablet, demo, demo_app):
    page = kiosk_tablet
    open_kiosk(page, demo, add_demo_kiosk(demo_app))
    requests = []
    page.on("request", lambda request: requests.append(request))

    start(page)
    page.locator("#skip-officer").click()
    tap_face(page, 4)
    screen(page, "question").locator("[data-action=back]").click()
    for level in (4, None, 5, 4, 2):
        page.locator("#no-opinion").click() if level is None else tap_face(page, level)
    tap_face(page, 3)  # overall "Bình thường": the call-back offer
    page.locator("#callback-no").click()
    expect(screen(page, "thanks")).to_be_visible()
    idle(page, 8)
    expect(screen(page, "attract")).to_be_visible()

    # The finished rating is sent in the background (on a busy machine, maybe only now);
    # nothing else went to the server.
    for _ in range(50):
        if requests:
            break
        page.wait_for_timeout(100)
    assert [f"{r.method} {r.url}" for r in requests] == [f"POST {demo.base_url}/api/v1/responses"]
    # With the device token, never a cookie: no session or CSRF token to expire.
    headers = requests[0].all_headers()
    assert headers["authorization"].startswith("Bearer kt_") and "cookie" not in headers
    assert headers["x-kiosk-version"] == page.locator("body").get_attribute("data-version")
    assert headers["x-kiosk-queue"] == "1"


def test_the_first_load_is_under_150_kb(kiosk_tablet, demo, demo_app):
    """Everything a new tablet downloads before its first citizen, the service worker's copy
    of the app included: bytes on the wire, headers too (the pairing call excepted)."""
    page = kiosk_tablet
    loaded = []
    page.context.on("requestfinished", lambda request: loaded.append(request))
    open_kiosk(page, demo, add_demo_kiosk(demo_app))
    page.wait_for_load_state("networkidle")

    sizes = [(request.url, wire_bytes(request)) for request in loaded if "/api/" not in request.url]
    total = sum(size for _, size in sizes)
    print(f"\nkiosk first load: {total} bytes in {len(sizes)} requests")
    assert any(url.endswith("/static/kiosk/app.js") for url, _ in sizes)
    assert total < FIRST_LOAD_LIMIT, sizes


def wire_bytes(request) -> int:
    sizes = request.sizes()
    body = sizes["responseBodySize"]
    response = request.response()
    if body == 0 and response.status == 200:  # not reported for a service worker's script
        body = len(response.body())
    return sizes["responseHeadersSize"] + body


def test_going_back_shows_the_answer_given_and_lets_the_citizen_change_it(
    kiosk_tablet, demo, demo_app
):
    page = kiosk_tablet
    kiosk = add_demo_kiosk(demo_app)
    open_kiosk(page, demo, kiosk)
    start(page)
    page.locator("#skip-officer").click()
    tap_face(page, 2)
    tap_face(page, 5)

    back = screen(page, "question").locator("[data-action=back]")
    back.click()
    expect(page.locator("#question-faces [aria-pressed=true]")).to_have_text(SCALE_VI[4])
    back.click()
    expect(page.locator("#question-faces [aria-pressed=true]")).to_have_text(SCALE_VI[1])
    for level in (4, 5, 4, 4, 4):
        tap_face(page, level)
    tap_face(page, 5)

    [stored] = wait_for_stored(demo, kiosk.id, 1)
    assert stored.answers == {"TC": 4, "TT": 5, "CC": 4, "KQ": 4, "PA": 4, OVERALL: 5}


def test_ten_citizens_in_a_row_see_nothing_of_the_one_before(kiosk_tablet, demo, demo_app):
    """Each citizen leaves a trace (a comment, a phone number, chosen faces); after the idle
    reset none of it is on the screen, in the page or in a field. Some finish, some walk
    away halfway, one walks away from the call-back offer."""
    page = kiosk_tablet
    kiosk = add_demo_kiosk(demo_app)
    open_kiosk(page, demo, kiosk)
    finished = {}  # comment → phone left (or None)

    for number in range(10):
        comment = f"Ý kiến riêng của người thứ {number}"
        phone = f"09123456{number:02d}"
        walks_away = number % 4 == 3
        unhappy = number % 3 == 2
        expect(screen(page, "attract")).to_be_visible()
        start(page)
        assert_nothing_pressed(page)
        rate_partly(page, number, comment)
        if walks_away:
            idle(page, 30)
        elif unhappy:
            tap_face(page, 2)
            finished[comment] = leave_phone(page, phone, number)
        else:
            tap_face(page, 5)
            finished[comment] = None
            expect(screen(page, "thanks")).to_be_visible()
            idle(page, 8)
        expect(screen(page, "attract")).to_be_visible()
        assert_nothing_left(page, comment, phone)

    stored = wait_for_stored(demo, kiosk.id, len(finished))
    assert sorted(rating.comment for rating in stored) == sorted(finished)
    phones = {ticket.contact_phone for ticket in call_back_tickets(demo, kiosk.id)}
    assert phones == {phone for phone in finished.values() if phone}


def rate_partly(page: Page, number: int, comment: str) -> None:
    """Who served them, five factors, and a comment on the overall screen."""
    page.locator("#officers button").nth(number % 2).click()
    assert_nothing_pressed(page)
    for position in range(5):
        tap_face(page, 1 + (number + position) % 5)
    page.locator("#comment").fill(comment)


def leave_phone(page: Page, phone: str, number: int) -> str | None:
    """Type the number on the call-back offer; every other citizen sends it, the others walk
    away (the rating is kept without the phone)."""
    expect(screen(page, "callback")).to_be_visible()
    for digit in phone:
        page.locator("#phone-keys button", has_text=re.compile(f"^{digit}$")).click()
    if number % 2:
        idle(page, 30)
        return None
    page.locator("#callback-send").click()
    expect(screen(page, "thanks")).to_be_visible()
    idle(page, 8)
    return phone


def assert_nothing_pressed(page: Page) -> None:
    expect(page.locator("main [aria-pressed=true]:not([data-lang])")).to_have_count(0)


def assert_nothing_left(page: Page, *traces: str) -> None:
    html = page.content()
    assert [trace for trace in traces if trace in html] == []
    values = page.evaluate(
        "() => [...document.querySelectorAll('input, textarea')].map((field) => field.value)"
    )
    assert not any(values), values
    assert_nothing_pressed(page)


def test_idle_for_30_seconds_returns_to_the_start_and_drops_the_unfinished_rating(
    kiosk_tablet, demo, demo_app
):
    page = kiosk_tablet
    kiosk = add_demo_kiosk(demo_app)
    open_kiosk(page, demo, kiosk)
    start(page)
    page.locator("#skip-officer").click()
    tap_face(page, 1)

    idle(page, 29)
    expect(screen(page, "question")).to_be_visible()
    idle(page, 1)

    expect(screen(page, "attract")).to_be_visible()
    assert wait_for_stored(demo, kiosk.id, 1, seconds=1) == []


def test_unhappy_citizen_leaves_a_phone_number_with_the_consent_shown(kiosk_tablet, demo, demo_app):
    page = kiosk_tablet
    kiosk = add_demo_kiosk(demo_app)
    open_kiosk(page, demo, kiosk)
    rate(page, [3, 2, 3, 3, 4], 3, comment="Phải chờ quá lâu")
    consent = page.locator("#consent-text")
    expect(consent).to_contain_text("Tôi đồng ý")
    send = page.locator("#callback-send")
    expect(send).to_be_disabled()

    for digit in "0987654321":
        page.locator("#phone-keys button", has_text=re.compile(f"^{digit}$")).click()
    send.click()

    expect(page.locator("#thanks-callback")).to_be_visible()
    wait_for_stored(demo, kiosk.id, 1)
    [ticket] = call_back_tickets(demo, kiosk.id)
    assert (ticket.contact_phone, ticket.consent_text) == ("0987654321", consent.inner_text())


def test_happy_citizen_is_not_asked_for_a_phone_number(kiosk_tablet, demo, demo_app):
    page = kiosk_tablet
    open_kiosk(page, demo, add_demo_kiosk(demo_app))

    rate(page, [2, 2, 2, 2, 2], 4)

    expect(screen(page, "thanks")).to_be_visible()
    expect(page.locator("#thanks-callback")).to_be_hidden()


def test_outside_office_hours_the_tablet_rests_until_opening_time(kiosk_tablet, demo, demo_app):
    page = kiosk_tablet
    evening = working_morning().replace(hour=17, minute=30)
    open_kiosk_closed(page, demo, add_demo_kiosk(demo_app), evening)

    expect(page.locator("#closed-hours")).to_contain_text("07:30–17:00")
    page.locator("#s-closed").click()
    assert current_screen(page) == "closed"
    page.clock.pause_at(evening + timedelta(hours=14, minutes=1))  # 07:31 the next day
    idle(page, 30)

    expect(screen(page, "attract")).to_be_visible()


def open_kiosk_closed(page: Page, demo, kiosk, moment) -> None:
    open_at(page, f"{demo.base_url}/kiosk/#pair={kiosk.pairing_code}", moment)
    leave_pairing_confirmation(page)
    expect(screen(page, "closed")).to_be_visible()


def test_the_tablet_speaks_vietnamese_by_default(kiosk_tablet, demo, demo_app):
    page = kiosk_tablet
    open_kiosk(page, demo, add_demo_kiosk(demo_app))

    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("#h-attract")).to_have_text("Chạm để đánh giá")
    start(page)
    expect(page.locator("#h-officer")).to_have_text("Ai đã phục vụ Ông/Bà?")
    page.locator("#skip-officer").click()
    expect(page.locator("#no-opinion")).to_have_text("Không có ý kiến")
    expect(screen(page, "question").locator("[data-action=back]")).to_have_text("Quay lại")


def test_english_for_one_citizen_then_back_to_the_default_language(kiosk_tablet, demo, demo_app):
    page = kiosk_tablet
    open_kiosk(page, demo, add_demo_kiosk(demo_app))

    page.locator("[data-lang=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#h-attract")).to_have_text("Tap to rate")
    start(page)
    page.locator("#skip-officer").click()
    expect(page.locator("#question-faces button")).to_have_text(SCALE_EN)
    expect(page.locator("#h-question")).to_have_text("Access to the service")
    idle(page, 30)

    expect(page.locator("html")).to_have_attribute("lang", "vi")
    start(page)
    page.locator("#skip-officer").click()
    expect(page.locator("#question-faces button")).to_have_text(SCALE_VI)
    expect(page.locator("#h-question")).to_have_text("Tiếp cận dịch vụ")
    evidence(page, "kiosk-question.png")


def test_staff_pin_behind_a_long_press_opens_the_staff_panel(kiosk_tablet, demo, demo_app):
    page = kiosk_tablet
    open_kiosk(page, demo, add_demo_kiosk(demo_app, staff_pin=STAFF_PIN))
    corner = page.locator("#staff-corner")

    corner.click()  # a short tap does nothing
    expect(screen(page, "attract")).to_be_visible()
    long_press(page, corner)
    expect(screen(page, "pin")).to_be_visible()
    type_pin(page, "1111")
    expect(page.locator("#pin-status")).not_to_be_empty()
    assert current_screen(page) == "pin"
    type_pin(page, STAFF_PIN)

    expect(screen(page, "staff")).to_be_visible()
    expect(page.locator("#fact-queue")).to_have_text("0")
    expect(page.locator("#fact-version")).to_have_text(re.compile(r"^\d+\.\d+\.\d+\+[0-9a-f]{10}$"))
