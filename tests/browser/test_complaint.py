"""A citizen files a complaint on a phone, a manager answers it on a tablet, and the citizen
reads the answer and rates the handling, in a real browser against `survey-app demo`."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from survey_app.models import Ticket, TicketChannel, TicketStatus
from tests.helpers.browser import PHONE, fits_width, in_english, sign_in

pytestmark = pytest.mark.slow

CONTENT = "Quầy đất đai hẹn trả kết quả ngày thứ Hai nhưng đến nay vẫn chưa có."
ANSWER = "Hồ sơ của ông/bà đã có kết quả, mời đến quầy số 2 nhận trong giờ hành chính."
FILED_URL = re.compile(r"/t/([2-9A-HJKMNP-Z]{10})/da-gui$")


def stored_ticket(demo, code: str) -> Ticket:
    with Session(demo.engine, expire_on_commit=False) as session:
        return session.scalars(sa.select(Ticket).where(Ticket.code == code)).one()


def test_a_complaint_is_filed_answered_and_read_on_a_phone(phone, tablet, demo, staff_accounts):
    phone.goto(f"{demo.base_url}/phan-anh/LD-DUCTRONG?lang=en")
    phone.get_by_label("Your complaint or recommendation").fill(CONTENT)
    assert fits_width(phone, PHONE["viewport"]["width"])
    phone.get_by_role("button", name="Send").click()
    expect(phone).to_have_url(FILED_URL)
    code = FILED_URL.search(phone.url).group(1)
    expect(phone.locator("#tracking-code")).to_have_text(code)
    ticket = stored_ticket(demo, code)
    assert (ticket.content, ticket.channel, ticket.status) == (
        CONTENT,
        TicketChannel.WEB,
        TicketStatus.RECEIVED,
    )

    sign_in(tablet, demo.base_url, staff_accounts["manager"])
    tablet.goto(f"{demo.base_url}/quan-tri/phan-anh/{code}")
    in_english(tablet)
    expect(tablet.get_by_text(CONTENT)).to_be_visible()
    answer_form = tablet.locator("form.answer")
    answer_form.locator("textarea").fill(ANSWER)
    answer_form.get_by_role("button").click()
    expect(tablet.locator(".flash").first).to_be_visible()
    assert stored_ticket(demo, code).status is TicketStatus.ANSWERED

    phone.get_by_role("link", name="Follow my complaint").click()
    expect(phone).to_have_url(f"{demo.base_url}/t/{code}")
    expect(phone.locator("#answer")).to_have_text(ANSWER)
    phone.locator("#q-rating label:has(input[value='4'])").click()
    phone.get_by_role("button", name="Send my rating").click()
    expect(phone.locator("#rated")).to_be_visible()
    assert stored_ticket(demo, code).handling_rating == 4
