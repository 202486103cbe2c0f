"""Dates as the administration writes them (ngày 06 tháng 12 năm 2026, 06/12/2026), in
English an English form; in the survey's time zone."""

import re
from datetime import UTC, date, datetime

import pytest

from survey_app.display.dates import long_date, long_datetime, short_date, short_datetime
from survey_app.models import TicketChannel
from survey_app.services.tickets.opening import TicketRequest, open_ticket
from tests.helpers.builders import make_counter
from tests.helpers.staff_pages import post_form
from tests.helpers.survey_pages import parse

# 23:30 UTC on 5 December is 06:30 on 6 December in Hà Nội.
LATE_EVENING_UTC = datetime(2026, 12, 5, 23, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "vi",
            [
                "ngày 06 tháng 12 năm 2026",
                "06/12/2026",
                "06/12/2026 06:30",
                "06:30 ngày 06 tháng 12 năm 2026",
            ],
        ),
        ("en", ["6 December 2026", "6 Dec 2026", "6 Dec 2026, 06:30", "06:30 on 6 December 2026"]),
    ],
)
def test_each_form_in_each_language(app, language, expected):
    with app.test_request_context(f"/?lang={language}"):
        formats = (long_date, short_date, short_datetime, long_datetime)
        assert [write(LATE_EVENING_UTC) for write in formats] == expected


def test_a_date_is_written_as_it_is(app):
    with app.test_request_context("/"):
        assert long_date(date(2027, 1, 2)) == "ngày 02 tháng 01 năm 2027"
        assert short_date(date(2027, 1, 2)) == "02/01/2027"


def test_the_tracking_page_writes_dates_in_full(client, tree):
    ticket = open_ticket(
        TicketRequest(
            client_ref="d" * 32,
            unit=tree[1],
            content="Chờ quá lâu.",
            channel=TicketChannel.WEB,
            received_at=LATE_EVENING_UTC,
        )
    ).ticket
    text = parse(client.get(f"/t/{ticket.code}")).get_text(" ")
    assert "ngày 06 tháng 12 năm 2026" in text
    # The deadline: 17:00 of a later working day, in the same form.
    assert re.search(r"17:00 ngày \d\d tháng \d\d năm 2026", text)
    assert not re.search(r"ngày \d{1,2} tháng \d{1,2}, \d{4}", text)  # Babel's own form


def test_the_kiosk_pairing_expiry_has_a_four_digit_year(client, manager, tree, public_url):
    make_counter(unit=tree[1], code="XA-A-Q1", name="Quầy Đất đai")
    page = parse(post_form(client, "/quan-tri/kiosk/moi", {"counter": "XA-A-Q1", "name": "Máy"}))
    valid_until = page.select_one(".pairing strong").get_text()
    assert re.fullmatch(
        r"Có hiệu lực đến \d\d/\d\d/\d{4} \d\d:\d\d và chỉ dùng được một lần\.", valid_until
    )
