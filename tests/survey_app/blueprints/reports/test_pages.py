"""The manager's report pages: dashboard, closing a month, flagged responses, unit ranking."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from analytics.closures import get_closure
from analytics.dashboard import closing_reminder
from survey_app.models import Channel, Role
from survey_app.months import Month, current_month
from survey_app.services.month_close import close_month
from tests.helpers.builders import (
    full_answers,
    make_counter,
    make_officer,
    make_response,
    make_unit,
    make_user,
)
from tests.helpers.staff_pages import post_form, sign_in
from tests.helpers.survey_pages import parse

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
MARCH = "/quan-tri/bao-cao/XA-A/2025-03"


def local(day: int, hour: int = 9, month: int = 3):
    return datetime(2025, month, day, hour, tzinfo=LOCAL)


def local_today():
    return datetime.now(UTC).astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).date()


def cells(page, selector: str) -> dict[str, list[str]]:
    return {
        row.th.get_text(" ", strip=True): [td.get_text(" ", strip=True) for td in row("td")]
        for row in page.select(f"{selector} tbody tr")
    }


def open_page(client, url: str):
    response = client.get(url, query_string={"lang": "en"})
    assert response.status_code == 200, response.status_code
    return parse(response)


@pytest.fixture
def march(tree):
    """Commune A in March 2025: Lan at Q1 rated 5 times (4 × all 5s on Mondays at 8:00, once
    all 3s with a phone number in the comment); Minh twice all 5s; Feb: 1 response all 5s."""
    _, commune_a, _ = tree
    counter = make_counter(unit=commune_a, code="Q1", name="Quầy Tư pháp")
    lan = make_officer(unit=commune_a, code="CB-LAN", full_name="Nguyễn Thị Lan")
    minh = make_officer(unit=commune_a, code="CB-MINH", full_name="Trần Văn Minh")
    for day in (3, 10, 17, 24):
        make_response(officer=lan, counter=counter, submitted_at=local(day, 8))
    make_response(
        officer=lan,
        counter=counter,
        answers=full_answers(value=3),
        comment="Chờ lâu quá, gọi tôi 0912 345 678",
        channel=Channel.PAPER,
        submitted_at=local(25),
    )
    for day in (4, 5):
        make_response(officer=minh, submitted_at=local(day))
    make_response(unit=commune_a, submitted_at=local(10, month=2))
    return commune_a


def test_the_dashboard_shows_the_month(client, manager, march):
    page = open_page(client, MARCH)
    assert page.select_one("#responses").get_text(strip=True) == "7"
    # 6 of 7 responses rate CHUNG ≥ 4: 85.7 %; February had 1 of 1 (100 %): −14.3 points.
    assert page.select_one("#overall").get_text(strip=True) == "85.7%"
    assert "−14.3" in page.select_one("#overall").find_parent("section").get_text()
    assert page.select_one("#flagged-count").get_text(strip=True) == "1"
    officers = cells(page, "#officers")
    # Lan: 5 responses, every item 5 in 4 of them → 80; the unit: 6 of 7 → 85.7: below.
    assert officers["Nguyễn Thị Lan CB-LAN"][:3] == ["5", "80.0%", "80.0"]
    assert officers["Nguyễn Thị Lan CB-LAN"][-1] == "Below the unit average"
    assert officers["Trần Văn Minh CB-MINH"][-1] == "Not enough responses"
    assert cells(page, "#counters")["Quầy Tư pháp Q1"][1] == "5"
    channels = cells(page, "#channels")
    assert channels["QR code"][0] == "6" and channels["Paper form"][0] == "1"
    assert "Service of the officers: 85.7" in page.select_one("#factor-chart svg").get_text()
    assert len(page.select("#trend-chart svg g.bar")) == 12


def test_arrivals_are_a_shaded_table(client, manager, march):
    page = open_page(client, MARCH)
    monday = page.select("#arrivals tbody tr")[0]
    assert monday.th.get_text(strip=True) == "Mon"
    eight = monday("td")[8]
    assert eight.get_text(strip=True) == "4" and eight["class"] == ["heat-5"]
    assert not page.select("[style]")


def test_comments_are_masked_and_flagged_rows_list_low_items(client, manager, march):
    page = open_page(client, MARCH)
    assert (
        page.select_one("#comments")
        .get_text(" ", strip=True)
        .endswith("Chờ lâu quá, gọi tôi [phone number]")
    )
    assert "0912" not in page.get_text()
    flagged = open_page(client, MARCH + "/flagged")
    row = flagged.select_one("#flagged tbody tr")
    assert "CHUNG = 3" in row.get_text() and "TC1 = 3" in row.get_text()
    assert "Nguyễn Thị Lan" in row.get_text() and "Quầy Tư pháp" in row.get_text()


def test_closing_the_month_and_a_late_response(client, manager, march):
    response = post_form(client, MARCH + "?lang=en", {}, "#closure form")
    assert response.status_code == 302
    assert get_closure(march, Month(2025, 3)).response_count == 7
    page = open_page(client, MARCH)
    assert "Closed on" in page.select_one("#closure").get_text()
    assert page.select_one("#closure form") is None and page.select_one("#amendment") is None
    make_response(unit=march, answers=full_answers(value=1), submitted_at=local(30))
    page = open_page(client, MARCH)
    amendment = page.select_one("#amendment").get_text(" ", strip=True)
    assert "Amendment: 1 response for this month arrived after it was closed." in amendment
    assert cells(page, "#amendment-figures")["Responses received"] == ["7", "8", "+1"]


def test_the_current_month_has_no_close_button(client, manager, march):
    page = open_page(client, f"/quan-tri/bao-cao/XA-A/{current_month()}")
    assert page.select_one("#closure form") is None


def test_own_dashboard_and_unknown_months(client, manager, march):
    own = client.get("/quan-tri/bao-cao/")
    assert own.status_code == 302
    # The month being reported before the 6th, else the latest with responses (March 2025).
    opened = current_month().previous() if local_today().day <= 5 else "2025-03"
    assert own.location.endswith(f"/quan-tri/bao-cao/XA-A/{opened}")
    future = current_month().next()
    assert client.get(f"/quan-tri/bao-cao/XA-A/{future}").status_code == 404
    assert client.get("/quan-tri/bao-cao/XA-A/2025-13").status_code == 404


def test_a_manager_sees_only_the_own_subtree(client, tree, manager, march):
    assert client.get("/quan-tri/bao-cao/XA-B/2025-03").status_code == 404
    assert client.get("/quan-tri/bao-cao/TINH/2025-03/units").status_code == 404
    assert client.get("/quan-tri/bao-cao/XA-B/2025-03/flagged").status_code == 404


def test_an_officer_has_no_access(app, march):
    client = app.test_client()
    sign_in(client, make_user(role=Role.OFFICER, unit=march))
    assert client.get(MARCH).status_code == 403
    assert client.get("/quan-tri/bao-cao/").status_code == 403
    page = parse(client.get("/cong-chuc/cua-toi"))
    assert not page.select("a[href^='/quan-tri/bao-cao']")


def test_ranking_of_the_units_below(client, tree, admin, march):
    province, _, commune_b = tree
    for day in range(1, 6):
        make_response(unit=commune_b, answers=full_answers(value=4), submitted_at=local(day))
    make_unit(code="XA-C", name="UBND xã Cát Lái", parent=province)
    page = open_page(client, "/quan-tri/bao-cao/TINH/2025-03/units")
    rows = [
        [cell.get_text(" ", strip=True) for cell in row(["td", "th"])]
        for row in page.select("#ranking tbody tr")
    ]
    # B: all items at 4 → 100; A: 6 of 7 → 85.7; C: nothing, not ranked.
    assert rows == [
        ["1", "UBND xã Bình Minh", "100.0", "100.0%", "5"],
        ["2", "UBND xã An Bình", "85.7", "85.7%", "7"],
        ["–", "UBND xã Cát Lái", "Not enough responses", "0"],
    ]


def test_the_reminder_to_close_last_month(app, tree):
    unit = tree[1]
    assert closing_reminder(unit, date(2025, 4, 5)).overdue is False
    assert closing_reminder(unit, date(2025, 4, 6)).overdue is True
    assert closing_reminder(unit, date(2025, 4, 6)).month == Month(2025, 3)
    close_month(unit, Month(2025, 3), by=None)
    assert closing_reminder(unit, date(2025, 4, 6)) is None


def test_the_banner_shows_until_last_month_is_closed(client, manager, march):
    url = f"/quan-tri/bao-cao/XA-A/{current_month()}"
    assert open_page(client, url).select_one("#closing-reminder") is not None
    close_month(march, current_month().previous(), by=None)
    assert open_page(client, url).select_one("#closing-reminder") is None


def test_closing_needs_the_form_token_and_the_scope(client, tree, manager, march):
    assert client.post(MARCH + "/close").status_code == 400
    token = parse(client.get(MARCH)).select_one("#closure input[name=csrf_token]")["value"]
    assert (
        client.post("/quan-tri/bao-cao/XA-B/2025-03/close", data={"csrf_token": token}).status_code
        == 404
    )
    assert (
        get_closure(tree[2], Month(2025, 3)) is None and get_closure(march, Month(2025, 3)) is None
    )


def test_closing_twice_says_so(client, manager, march):
    close_month(march, Month(2025, 3), by=None)
    page = open_page(client, f"/quan-tri/bao-cao/XA-A/{current_month()}")  # in English from now on
    token = page.select_one("input[name=csrf_token]")["value"]
    response = client.post(MARCH + "/close", data={"csrf_token": token}, follow_redirects=True)
    assert "03/2025 is already closed" in parse(response).select_one(".flash.error").get_text()


def test_the_menu_links_to_the_reports(client, manager):
    page = parse(client.get("/quan-tri/"))
    assert page.select_one("nav.menu a[href='/quan-tri/bao-cao/']") is not None


def test_old_english_report_urls_lead_to_the_staff_pages(client, manager):
    response = client.get("/reports/XA-A/2026-03?officer=CB-AN")
    assert response.status_code == 308
    assert response.headers["Location"] == "/quan-tri/bao-cao/XA-A/2026-03?officer=CB-AN"
    assert client.get("/reports/XA-A").headers["Location"] == "/quan-tri/bao-cao/XA-A"
