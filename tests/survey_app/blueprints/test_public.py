"""The public page of a unit: satisfaction for anyone, no sign-in, no comments, no names."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from survey_app.core.extensions import db
from survey_app.months import current_month
from tests.helpers.builders import full_answers, make_officer, make_response, make_unit
from tests.helpers.survey_pages import parse

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def local(day: int, month: int = 3):
    return datetime(2025, month, day, 10, tzinfo=LOCAL)


@pytest.fixture
def commune(app):
    """March 2025: Lan 4 × all 5s and once all 2s with a comment; February: 2 responses."""
    unit = make_unit(code="XA-PL", name="UBND xã Phú La")
    lan = make_officer(unit=unit, full_name="Nguyễn Thị Lan")
    for day in range(1, 5):
        make_response(officer=lan, submitted_at=local(day))
    make_response(
        officer=lan,
        answers=full_answers(value=2),
        comment="Cán bộ Lan hướng dẫn chậm",
        submitted_at=local(9),
    )
    for day in (1, 2):
        make_response(unit=unit, submitted_at=local(day, month=2))
    return unit


def open_public(client, url, **query):
    response = client.get(url, query_string={"lang": "en"} | query)
    assert response.status_code == 200
    return response, parse(response)


def test_anyone_sees_the_month_without_signing_in(client, commune):
    response, page = open_public(client, "/cong-khai/XA-PL", month="2025-03")
    assert page.h1.get_text(strip=True) == "UBND xã Phú La"
    # 4 of 5 satisfied → 80 %; every item 80 → SIPAS 80.
    assert page.select_one("#overall").get_text(strip=True) == "80.0%"
    assert page.select_one("#sipas").get_text(strip=True) == "80.0"
    assert page.select_one("#responses").get_text(strip=True) == "5"
    assert page.select_one("#factor-chart svg") is not None
    html = response.get_data(as_text=True)
    assert "Nguyễn Thị Lan" not in html and "hướng dẫn chậm" not in html
    assert not page.select("script, [style], form")


def test_small_months_are_not_published(client, commune):
    _, page = open_public(client, "/cong-khai/XA-PL", month="2025-02")
    assert page.select_one("#not-enough") is not None
    assert page.select_one("#responses") is None and page.select_one("#factor-chart") is None
    trend = {
        row.th.get_text(strip=True): row.get_text(" ", strip=True)
        for row in page.select("#trend tbody tr")
    }
    assert trend["02/2025"] == "02/2025 not enough responses"
    # The chart of a small month says so without its count.
    titles = [title.get_text() for title in page.select("#trend-chart g.bar title")]
    assert "02/2025: not enough responses" in titles
    assert not any("2 responses" in title for title in titles)


def test_the_last_12_months_together(client, commune):
    _, page = open_public(client, "/cong-khai/XA-PL", month="2025-03")
    year = [dd.get_text(strip=True) for dd in page.select("#year dd")]
    # 7 responses, 6 of them satisfied: 85.7 %.
    assert year == ["85.7%", "85.7", "7"]


def test_the_page_is_cacheable(client, commune):
    client.get("/cong-khai/XA-PL?lang=en")  # the language choice is remembered, then:
    response = client.get("/cong-khai/XA-PL")
    assert response.status_code == 200
    assert response.cache_control.public and response.cache_control.max_age == 300
    assert "Cookie" in response.vary  # one copy per language cookie in a shared cache


def test_unknown_inactive_units_and_bad_months_are_not_found(client, commune):
    assert client.get("/cong-khai/NOPE").status_code == 404
    assert client.get(f"/cong-khai/XA-PL?month={current_month().next()}").status_code == 404
    assert client.get("/cong-khai/XA-PL?month=2025-3x").status_code == 404
    commune.active = False
    db.session.commit()
    assert client.get("/cong-khai/XA-PL").status_code == 404


@pytest.fixture
def recent(app):
    """A province whose commune had 5 responses two months ago and 2 so far this month."""
    province = make_unit(code="TINH-X", name="UBND tỉnh X")
    unit = make_unit(code="XA-Q", name="UBND xã Quang", parent=province)
    this_month = current_month()
    for month, count in ((this_month.shifted(-2), 5), (this_month, 2)):
        start = datetime(month.year, month.month, 1, 10, tzinfo=LOCAL)
        for _ in range(count):
            make_response(unit=unit, submitted_at=start)
    return province, unit, this_month


def test_the_page_opens_on_the_last_month_with_published_figures(client, recent):
    _, _, this_month = recent
    _, page = open_public(client, "/cong-khai/XA-Q")
    shown = this_month.shifted(-2)
    assert page.select_one("#month").get_text() == f"Month {shown.slashed()}"
    assert page.select_one("#responses").get_text(strip=True) == "5"
    # This month (2 responses) is one click away, in the trend and by the navigation.
    _, page = open_public(client, "/cong-khai/XA-Q", month=str(this_month))
    assert page.select_one("#not-enough") is not None


def test_previous_and_next_month_links_move_the_page(client, recent):
    _, _, this_month = recent
    _, page = open_public(client, "/cong-khai/XA-Q")
    shown = this_month.shifted(-2)
    previous, following = page.select_one("#previous-month"), page.select_one("#next-month")
    assert previous["href"] == f"/cong-khai/XA-Q?month={shown.previous()}"
    assert following["href"] == f"/cong-khai/XA-Q?month={shown.next()}"
    _, page = open_public(client, "/cong-khai/XA-Q", month=str(shown.next()))
    assert page.select_one("#month").get_text() == f"Month {shown.next().slashed()}"
    _, page = open_public(client, "/cong-khai/XA-Q", month=str(this_month))
    assert page.select_one("#next-month") is None  # never into the future


def test_the_code_is_found_in_any_case_at_one_address(client, recent):
    response = client.get("/cong-khai/xa-q", query_string={"month": "2025-03"})
    assert response.status_code == 301
    assert response.location == "/cong-khai/XA-Q?month=2025-03"


def test_the_page_links_the_units_complaint_form(client, recent):
    _, page = open_public(client, "/cong-khai/XA-Q")
    assert page.select_one("#complain a")["href"] == "/phan-anh/XA-Q"


def test_a_parent_unit_says_its_figures_include_the_units_below(client, recent):
    _, page = open_public(client, "/cong-khai/TINH-X")
    includes = page.select_one("#includes")
    assert "The figures of UBND tỉnh X include the units below it" in includes.get_text()
    assert [a["href"] for a in includes.select("a")] == ["/cong-khai/XA-Q"]
    assert page.select_one("#responses").get_text(strip=True) == "5"  # the commune's, counted
    _, page = open_public(client, "/cong-khai/XA-Q")
    assert page.select_one("#includes") is None
