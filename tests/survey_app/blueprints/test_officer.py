"""The officer's own page: their figures of a month, the trend, the unit, the comments."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from survey_app.models import Role
from tests.helpers.builders import full_answers, make_officer, make_response, make_unit, make_user
from tests.helpers.staff_pages import sign_in
from tests.helpers.survey_pages import parse

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
PAGE = "/cong-chuc/cua-toi"


def local(day: int, month: int = 3, year: int = 2025) -> datetime:
    return datetime(year, month, day, 10, tzinfo=LOCAL)


def rate(officer, *values: int, month: int = 3, year: int = 2025, comments=()) -> None:
    """One response per value, every item at that value, on successive days of the month."""
    comments = list(comments) + [""] * (len(values) - len(comments))
    for day, (value, comment) in enumerate(zip(values, comments, strict=True), start=1):
        at = local(day, month, year)
        make_response(
            officer=officer, answers=full_answers(value=value), comment=comment, submitted_at=at
        )


@pytest.fixture
def unit(app):
    return make_unit(name="UBND xã Phú La")


@pytest.fixture
def lan(unit):
    return make_officer(unit=unit, full_name="Nguyễn Thị Lan")


@pytest.fixture
def open_page(client):
    def open_as(officer, **query):
        sign_in(client, make_user(role=Role.OFFICER, officer=officer))
        response = client.get(PAGE, query_string={"lang": "en"} | query)
        return response, parse(response)

    return open_as


def text_of(page, selector: str) -> str:
    return page.select_one(selector).get_text(" ", strip=True)


def comparison(page) -> dict[str, list[str]]:
    rows = page.select("#comparison tbody tr")
    return {
        row.th.get_text(strip=True): [td.get_text(strip=True) for td in row("td")] for row in rows
    }


def test_an_officer_sees_their_own_figures_and_the_unit_beside_them(unit, lan, open_page):
    minh = make_officer(unit=unit, full_name="Trần Văn Minh")
    rate(lan, 5, 5, 5, 5, 5, 2)
    rate(minh, 4, 4, 4, 4, 4)
    response, page = open_page(lan, thang="2025-03")
    assert response.status_code == 200
    # Lan: every item at ≥ 4 in 5 of 6 responses → 83.3 everywhere; mean CHUNG (5·5 + 2)/6 = 4.5.
    assert text_of(page, "#responses") == "6"
    assert text_of(page, "#overall") == "83.3%"
    assert text_of(page, "#sipas") == "83.3"
    assert "4.50/5" in text_of(page, "#my-figures")
    cc = [td.get_text(strip=True) for td in page.select_one("#factors tr[data-factor=CC]")("td")]
    assert cc == ["83.3", "4.50/5", "30"]  # 6 responses × CC1–CC5
    # The unit: 11 responses, 10 of them at ≥ 4 on every item → 90.9.
    assert comparison(page) == {
        "Responses received": ["6", "11"],
        "Overall satisfaction": ["83.3%", "90.9%"],
        "SIPAS index": ["83.3", "90.9"],
    }
    assert "below your unit" in text_of(page, "#standing")
    factor_bars = page.select("#factor-chart svg g.bar")
    assert [bar.title.get_text() for bar in factor_bars][2] == "Service of the officers: 83.3"


def test_another_officer_sees_only_their_own_numbers(unit, lan, open_page):
    minh = make_officer(unit=unit, full_name="Trần Văn Minh")
    rate(lan, 5, 5, 5, 5, 5, 2, comments=["Chị Lan chu đáo"])
    rate(minh, 4, 4, 4, 4, 4, comments=["Anh Minh nhanh nhẹn"])
    _, page = open_page(minh, thang="2025-03")
    assert (text_of(page, "#responses"), text_of(page, "#sipas")) == ("5", "100.0")
    assert "at or above" in text_of(page, "#standing")
    assert [li.get_text() for li in page.select("#comments li")] == ["Anh Minh nhanh nhẹn"]


def test_comments_are_masked_alphabetical_and_carry_nothing_else(lan, open_page):
    comments = [
        "Gọi tôi 0912 345 678 nhé",
        "Email an.nguyen@gmail.com",
        "Số bàn +84 912.345.678",
        "Bàn (024) 3825 1234",
        "Gọi tôi 0912 345 678 nhé",
    ]
    rate(lan, 5, 5, 4, 4, 3, comments=comments)
    _, page = open_page(lan, thang="2025-03")
    shown = [li.get_text() for li in page.select("#comments li")]
    assert shown == [
        "Bàn [phone number]",
        "Email [e-mail]",
        "Gọi tôi [phone number] nhé",
        "Gọi tôi [phone number] nhé",
        "Số bàn [phone number]",
    ]
    html = page.select_one("main").decode()
    assert "345" not in html and "3825" not in html and "gmail" not in html
    assert all(not li.find() for li in page.select("#comments li"))  # text only, no details


def test_below_the_minimum_sample_the_page_says_so_and_hides_comments(lan, open_page):
    rate(lan, 5, 5, 1, comments=["Chỉ có tôi góp ý, số 0912345678"])
    _, page = open_page(lan, thang="2025-03")
    assert "Not enough responses yet" in text_of(page, "#not-enough")
    assert "3 responses" in text_of(page, "#not-enough")
    assert "traced back to the citizen" in text_of(page, "#not-enough")
    assert page.select_one("#my-figures") is None and page.select_one("#comments") is None
    assert "Chỉ có tôi" not in page.decode()
    assert comparison(page)["SIPAS index"][0] == "not enough responses"
    assert page.select_one("#standing") is None  # nothing is flagged below the sample


def test_a_month_without_responses_has_an_empty_state(lan, open_page):
    response, page = open_page(lan, thang="2024-06")
    assert response.status_code == 200
    assert "No responses were received for you in this month." in text_of(page, "main")
    assert "No responses in the last 12 months." in text_of(page, "main")
    assert page.select_one("svg") is None


def test_switching_months_with_the_previous_and_next_links(lan, open_page, client):
    rate(lan, 4, 4, month=2)
    rate(lan, 5, 5, 5, 5, 5, month=3)
    _, february = open_page(lan, thang="2025-02")
    assert "Month 02/2025" in text_of(february, "h2.month-title")
    assert comparison(february)["Responses received"][0] == "2"
    assert february.select_one("a[rel=prev]")["href"] == f"{PAGE}?thang=2025-01"
    march = parse(client.get(february.select_one("a[rel=next]")["href"]))
    assert text_of(march, "#responses") == "5"
    assert march.select_one("input[name=thang]")["value"] == "2025-03"


def test_the_current_local_month_is_at_most_one_click_away(lan, open_page, client):
    for _ in range(5):
        make_response(officer=lan, submitted_at=datetime.now(UTC))
    _, page = open_page(lan)  # before the 6th it opens on the month being reported
    if link := page.select_one("a.current-month"):
        page = parse(client.get(link["href"]))
    this_month = datetime.now(LOCAL).strftime("%m/%Y")
    assert f"Month {this_month}" in text_of(page, "h2.month-title")
    assert text_of(page, "#responses") == "5"
    assert page.select_one("a[rel=next]") is None  # no month after the current one


@pytest.mark.parametrize("bad", ["2025-13", "tháng ba", "2025-3"])
def test_a_month_that_does_not_exist_gets_a_clear_message(lan, open_page, bad):
    response, page = open_page(lan, thang=bad)
    assert response.status_code == 400
    assert "for example 2025-03" in text_of(page, ".summary")
    assert page.select_one("input[name=thang]")["value"] == bad
    assert page.select_one("#comparison") is None


def test_the_trend_of_twelve_months_is_an_svg_with_a_table(lan, open_page):
    for month in range(4, 13):
        rate(lan, 5, 5, 5, 5, 4, month=month, year=2024)
    rate(lan, 5, 5, month=1)  # below the sample: a month without a bar
    rate(lan, 5, 5, 5, 5, 5, month=2)
    rate(lan, 5, 5, 5, 5, 2, month=3)
    _, page = open_page(lan, thang="2025-03")
    chart = page.select_one("#trend-chart svg")
    assert chart["role"] == "img" and chart.title.get_text()
    bars = chart.select("g.bar")
    assert len(bars) == 12 and len(chart.select("g.bar rect")) == 11
    assert bars[0].title.get_text() == "04/2024: SIPAS index 100.0"
    assert bars[9].title.get_text() == "01/2025: 2 responses, not enough for an index"
    assert bars[11].title.get_text() == "03/2025: SIPAS index 80.0"
    rows = page.select("#trend tbody tr")
    assert [row.th.get_text() for row in rows][::11] == ["04/2024", "03/2025"]
    assert "not enough responses" in rows[9].get_text()


def test_other_roles_never_reach_the_officer_page(client, unit):
    sign_in(client, make_user(role=Role.MANAGER, unit=unit))
    assert client.get(PAGE).status_code == 403
