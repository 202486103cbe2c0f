"""A citizen scans the QR code and answers the survey on a phone, in a real browser.

The server is the one a newcomer starts first (`survey-app demo`); answers are chosen by tapping
the labels, the way a thumb does, and what was stored is read back from the demo's database.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.helpers.browser import PHONE, fits_width
from tests.helpers.survey_pages import FACTOR_TITLES_VI, SCALE_VI

pytestmark = pytest.mark.slow

DOCS = Path(__file__).resolve().parents[2] / "docs"
# Letters of Vietnamese spelling that no English msgid contains.
VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)
THANKS_URL = re.compile(r"/s/[A-Z0-9]{8}/cam-on/([0-9a-f]{32})$")
OVERALL = "CHUNG"
PAGE_WEIGHT_LIMIT = 50 * 1024
TAP_TARGET_PX = 44
COMMENT = "Cán bộ hướng dẫn tận tình, nhưng phải chờ hơi lâu."


def evidence(page: Page, name: str) -> None:
    """Screenshots for docs/ only on request (SURVEY_SCREENSHOTS=1); plain runs leave docs/."""
    if os.environ.get("SURVEY_SCREENSHOTS"):
        page.screenshot(path=DOCS / name, full_page=True)


def open_survey(page: Page, url: str) -> list[str]:
    """Open the form; the question codes in page order, from the fieldsets the citizen sees."""
    page.goto(url)
    fieldsets = page.locator("fieldset.q").all()
    return [fieldset.get_attribute("id").removeprefix("q-") for fieldset in fieldsets]


def choose(page: Page, code: str, level: int | None) -> None:
    """Tap the label of a level; None taps "Không có ý kiến"."""
    question = page.locator(f"#q-{code}")
    label = (
        question.locator("label.na")
        if level is None
        else question.locator(f".scale label:has(input[value='{level}'])")
    )
    label.click()


def send(page: Page) -> None:
    page.get_by_role("button", name="Gửi").click()


def thank_you_ref(page: Page) -> str:
    expect(page).to_have_url(THANKS_URL)
    return THANKS_URL.search(page.url).group(1)


def varied_answers(codes: list[str]) -> dict[str, int]:
    """Satisfied answers (4 or 5) that differ between items, so a mix-up would show."""
    return {code: 4 + index % 2 for index, code in enumerate(codes)}


def test_survey_page_is_in_vietnamese(phone, demo):
    open_survey(phone, demo.survey_urls[0])

    assert phone.locator("html").get_attribute("lang") == "vi"
    assert VIETNAMESE.search(phone.locator("h1").inner_text())
    titles = phone.locator("form section h2").all_inner_texts()
    assert titles[:5] == [f"{number}. {title}" for number, title in enumerate(FACTOR_TITLES_VI, 1)]
    first_scale = phone.locator("fieldset.q").first.locator(".scale label").all_inner_texts()
    assert [text.split("\n")[-1].strip() for text in first_scale] == SCALE_VI
    expect(phone.locator("fieldset.q label.na").first).to_have_text("Không có ý kiến")
    expect(phone.get_by_role("button", name="Gửi")).to_be_visible()


def test_survey_fits_a_phone_screen_without_sideways_scrolling(phone, demo):
    open_survey(phone, demo.survey_urls[0])

    assert fits_width(phone, PHONE["viewport"]["width"])


def test_every_answer_option_is_big_enough_to_tap(phone, demo):
    open_survey(phone, demo.survey_urls[0])

    options = phone.locator("fieldset.q .scale label, fieldset.q label.na").all()
    sizes = {option.inner_text().replace("\n", " "): option.bounding_box() for option in options}
    small = {
        text: f"{box['width']:.0f}×{box['height']:.0f} px"
        for text, box in sizes.items()
        if min(box["width"], box["height"]) < TAP_TARGET_PX
    }
    assert len(options) > 5
    assert not small, f"tap targets under {TAP_TARGET_PX} × {TAP_TARGET_PX} px: {small}"


def test_citizen_answers_every_question_and_the_response_is_stored(phone, demo):
    codes = open_survey(phone, demo.survey_urls[0])
    answers = varied_answers(codes)
    before = demo.count_responses()

    for code, level in answers.items():
        choose(phone, code, level)
    phone.locator("#comment").fill(COMMENT)
    evidence(phone, "survey-phone.png")
    send(phone)

    ref = thank_you_ref(phone)
    expect(phone.locator("h1")).to_contain_text("Cảm ơn")
    evidence(phone, "survey-thanks-phone.png")
    stored = demo.stored_response(ref)
    assert demo.count_responses() == before + 1
    assert (stored.answer_values(), stored.comment, stored.flagged) == (answers, COMMENT, False)
    assert stored.channel == "qr"


def test_survey_submits_without_javascript(phone_without_javascript, demo):
    page = phone_without_javascript
    before = demo.count_responses()

    open_survey(page, demo.survey_urls[0])
    choose(page, OVERALL, 4)
    send(page)

    ref = thank_you_ref(page)
    expect(page.locator("h1")).to_contain_text("Cảm ơn")
    assert demo.stored_response(ref).answer_values() == {OVERALL: 4}
    assert demo.count_responses() == before + 1


def test_missing_overall_rating_shows_errors_and_keeps_the_answers(phone, demo):
    codes = open_survey(phone, demo.survey_urls[0])
    first, second, third = codes[:3]
    choose(phone, first, 5)
    choose(phone, second, 2)
    choose(phone, third, None)
    phone.locator("#comment").fill(COMMENT)
    before = demo.count_responses()

    send(phone)

    expect(phone.locator(".summary h2")).to_have_text("Vui lòng kiểm tra lại câu trả lời")
    expect(phone.locator(f"#q-{OVERALL} .err")).to_have_text("Vui lòng chọn mức độ hài lòng chung.")
    evidence(phone, "survey-errors-phone.png")
    expect(phone.locator(f"#q-{first} input[value='5']")).to_be_checked()
    expect(phone.locator(f"#q-{second} input[value='2']")).to_be_checked()
    expect(phone.locator(f"#q-{third} input[value='']")).to_be_checked()
    expect(phone.locator("#comment")).to_have_value(COMMENT)
    assert demo.count_responses() == before


def test_after_an_error_the_kept_answers_are_sent_with_the_overall_rating(phone, demo):
    codes = open_survey(phone, demo.survey_urls[0])
    choose(phone, codes[0], 5)
    phone.locator("#comment").fill(COMMENT)
    send(phone)
    expect(phone.locator(".summary")).to_be_visible()
    before = demo.count_responses()

    choose(phone, OVERALL, 4)
    send(phone)

    stored = demo.stored_response(thank_you_ref(phone))
    assert (stored.answer_values(), stored.comment) == ({codes[0]: 5, OVERALL: 4}, COMMENT)
    assert demo.count_responses() == before + 1


def test_double_tap_on_send_stores_one_response(phone, demo):
    open_survey(phone, demo.survey_urls[0])
    choose(phone, OVERALL, 5)
    before = demo.count_responses()

    phone.get_by_role("button", name="Gửi").dblclick()

    thank_you_ref(phone)
    assert demo.count_responses() == before + 1


def test_sending_again_after_a_lost_reply_stores_one_response(phone, demo):
    """The reply to the first send is lost on a weak network; reloading posts the form again."""
    requests, lost = [], []
    phone.on("request", lambda request: requests.append(request.method))
    phone.route("**/s/*", _lose_first_reply(lost))
    open_survey(phone, demo.survey_urls[0])
    choose(phone, OVERALL, 5)
    before = demo.count_responses()

    send(phone)
    expect(phone).to_have_url(re.compile(r"^chrome-error://"))  # "No connection" page
    phone.reload()

    thank_you_ref(phone)
    assert (lost, requests.count("POST")) == ([303], 2), "the server must receive the form twice"
    assert demo.count_responses() == before + 1


def _lose_first_reply(lost: list[int]):
    def handle(route):
        if route.request.method != "POST" or lost:
            route.fallback()
            return
        lost.append(route.fetch(max_redirects=0).status)  # the server stores it...
        route.abort("connectionreset")  # ...but the phone never sees the answer

    return handle


def test_english_link_switches_the_page_to_english(phone, demo):
    open_survey(phone, demo.survey_urls[0])

    phone.get_by_role("link", name="English").click()

    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(phone.locator("h1")).to_have_text("How satisfied are you with our service?")
    expect(phone.locator("form section h2").first).to_have_text("1. Access to the service")
    expect(phone.get_by_role("button", name="Send")).to_be_visible()


@pytest.mark.parametrize(
    ("first_item", "overall"), [(None, 3), (2, 5)], ids=["overall-neutral", "one-item-dissatisfied"]
)
def test_low_rating_thank_you_page_says_the_unit_will_follow_up(phone, demo, first_item, overall):
    codes = open_survey(phone, demo.survey_urls[0])
    if first_item is not None:
        choose(phone, codes[0], first_item)
    choose(phone, OVERALL, overall)
    unit_name = phone.locator(".unit").inner_text()

    send(phone)

    notice = phone.locator(".notice")
    expect(notice).to_contain_text(unit_name)
    expect(notice).to_contain_text("sẽ xử lý")
    assert demo.stored_response(thank_you_ref(phone)).flagged


def test_satisfied_thank_you_page_has_no_follow_up_notice(phone, demo):
    open_survey(phone, demo.survey_urls[0])
    choose(phone, OVERALL, 5)

    send(phone)

    thank_you_ref(phone)
    expect(phone.locator(".notice")).to_have_count(0)


def test_survey_page_is_light_html_and_css_only(phone, demo):
    loaded = []
    phone.on("response", lambda response: loaded.append(response))

    open_survey(phone, demo.survey_urls[0])

    types = {response.request.resource_type for response in loaded}
    weight = sum(
        len(response.body())
        for response in loaded
        if response.request.resource_type in {"document", "stylesheet"}
    )
    assert "stylesheet" in types and not types & {"image", "script"}, types
    assert weight < PAGE_WEIGHT_LIMIT, f"survey page weighs {weight} bytes"
