"""The dashboard and the officer's page open on the month worth reading, not on the nearly
empty current one (analytics.opening_month), with the current month one click away."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from analytics.opening_month import month_to_open
from analytics.selection import ResponseFilter
from survey_app.models import Role
from survey_app.months import Month, current_month
from survey_app.services.responses.spam import mark_response_spam
from tests.helpers.builders import make_officer, make_response, make_unit, make_user
from tests.helpers.staff_pages import sign_in
from tests.helpers.survey_pages import parse

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def rated_in(unit, *months: Month, officer=None):
    for month in months:
        moment = datetime(month.year, month.month, 15, 9, tzinfo=HANOI)
        make_response(unit=unit, officer=officer, submitted_at=moment)


def subtree(unit):
    return ResponseFilter.unit_subtree(unit.id)


@pytest.mark.parametrize(
    ("today", "rated", "expected"),
    [
        # Before the 6th: the month being reported, whatever came in since.
        (date(2026, 12, 1), [Month(2026, 12), Month(2026, 10)], Month(2026, 11)),
        (date(2026, 12, 5), [], Month(2026, 11)),
        (date(2026, 1, 3), [Month(2025, 6)], Month(2025, 12)),  # across the year
        # From the 6th: the latest month with responses, the current one included.
        (date(2026, 12, 6), [Month(2026, 12), Month(2026, 11)], Month(2026, 12)),
        (date(2026, 12, 20), [Month(2026, 9), Month(2026, 8)], Month(2026, 9)),
        (date(2026, 12, 6), [], Month(2026, 12)),  # nothing at all: the current month
    ],
)
def test_the_month_a_unit_s_page_opens_on(app, today, rated, expected):
    unit = make_unit()
    rated_in(unit, *rated)
    assert month_to_open(subtree(unit), today) == expected


def test_responses_after_the_month_or_marked_as_spam_do_not_count(app):
    unit = make_unit()
    rated_in(unit, Month(2026, 8))
    spam = make_response(unit=unit, submitted_at=datetime(2026, 10, 2, tzinfo=HANOI))
    mark_response_spam(spam, spam=True, by=None)
    assert month_to_open(subtree(unit), date(2026, 10, 20)) == Month(2026, 8)
    assert month_to_open(subtree(unit), date(2026, 7, 20)) == Month(2026, 7)  # none before


def test_units_below_count_and_other_units_do_not(app):
    province, other = make_unit(), make_unit()
    rated_in(make_unit(parent=province), Month(2026, 9))
    rated_in(other, Month(2026, 11))
    assert month_to_open(subtree(province), date(2026, 12, 10)) == Month(2026, 9)


def test_an_officer_s_page_follows_the_officer_s_own_responses(app):
    unit = make_unit()
    officer = make_officer(unit=unit)
    rated_in(unit, Month(2026, 11))
    rated_in(unit, Month(2026, 7), officer=officer)
    assert month_to_open(ResponseFilter(officer_id=officer.id), date(2026, 12, 10)) == Month(
        2026, 7
    )


def _expected(latest: Month) -> Month:
    today = datetime.now(UTC).astimezone(HANOI).date()
    return current_month().previous() if today.day <= 5 else latest


def test_the_dashboard_opens_on_that_month_with_a_link_to_the_current_one(client):
    unit = make_unit()
    long_ago = current_month().shifted(-4)
    rated_in(unit, long_ago)
    sign_in(client, make_user(role=Role.MANAGER, unit=unit))
    response = client.get("/quan-tri/bao-cao/")
    opened = _expected(long_ago)
    assert response.location.endswith(f"/quan-tri/bao-cao/{unit.code}/{opened}")
    page = parse(client.get(response.location))
    link = page.select_one("a.current-month")
    assert link["href"] == f"/quan-tri/bao-cao/{unit.code}/{current_month()}"
    assert current_month().slashed() in link.get_text()


def test_the_officer_page_opens_on_that_month_with_a_link_to_the_current_one(client):
    unit = make_unit()
    officer = make_officer(unit=unit)
    long_ago = current_month().shifted(-3)
    rated_in(unit, long_ago, officer=officer)
    sign_in(client, make_user(role=Role.OFFICER, unit=unit, officer=officer))
    page = parse(client.get("/cong-chuc/cua-toi"))
    opened = _expected(long_ago)
    assert page.select_one("#thang")["value"] == str(opened)
    assert page.select_one("h2.month-title").get_text().endswith(opened.slashed())
    link = page.select_one("a.current-month")
    assert link["href"] == f"/cong-chuc/cua-toi?thang={current_month()}"
    current = parse(client.get(link["href"]))
    assert current.select_one("h2.month-title").get_text().endswith(current_month().slashed())
