"""The office-hours rule of rating integrity (issue 15): a unit that takes no ratings outside
its office hours has QR and web ratings sent outside them, or on a day off, held (stored, out
of the figures, waiting for a manager), and the citizen is thanked as always. Kiosk ratings,
paper imports and units without the setting are left alone."""

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from analytics.indices import ResponseFilter, compute_figures
from survey_app.core.extensions import db
from survey_app.models import Channel, HoldReason, RatingRules, SurveyResponse
from survey_app.months import Month, current_month, survey_zone
from survey_app.services.responses.holding_rules import RatingSource
from survey_app.workdays import is_working_day
from tests.helpers.builders import full_answers, make_officer, make_response, survey_code_of
from tests.helpers.kiosk_devices import paired_kiosk, rating, send
from tests.helpers.staff_pages import csrf, events
from tests.helpers.survey_pages import parse, phone_at, survey_form_data

RULES_PAGE = "/quan-tri/bao-cao/{unit}/rating-rules"
THRESHOLDS = {
    "repeat_minutes": "30",
    "burst_minutes": "10",
    "address_limit": "5",
    "target_limit": "12",
    "pattern_limit": "5",
    "kiosk_repeat_seconds": "10",
}


@pytest.fixture
def officer(tree):
    return make_officer(unit=tree[1], code="CB-LAN", full_name="Nguyễn Thị Lan")


def office_hours_only(unit, opens_at=time(7, 0), closes_at=time(17, 0)) -> None:
    db.session.add(
        RatingRules(unit_id=unit.id, office_hours_only=True, opens_at=opens_at, closes_at=closes_at)
    )
    db.session.commit()


def a_working_day() -> date:
    """A recent working day of the calendar, a week or more ago (within a kiosk's 90 days)."""
    day = datetime.now(survey_zone()).date() - timedelta(days=7)
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def a_sunday() -> date:
    today = datetime.now(survey_zone()).date()
    sunday = today - timedelta(days=(today.weekday() + 1) % 7 + 7)
    assert not is_working_day(sunday)
    return sunday


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """The local time on that day, in UTC as stored."""
    return datetime.combine(day, time(hour, minute), tzinfo=survey_zone()).astimezone(UTC)


def rate_at(app, monkeypatch, code: str, moment: datetime, address: str) -> str:
    """One phone's rating sent at the moment: the text of the page it is thanked with, the
    moment of receipt it states left out."""
    monkeypatch.setattr("survey_app.services.responses.submit.utcnow", lambda: moment)
    phone = phone_at(app, address)
    sent = phone.post(f"/s/{code}", data=survey_form_data(phone, code, full_answers()))
    assert sent.status_code == 303
    thanks = parse(phone.get(sent.location)).main.get_text(" ", strip=True)
    receipt = r"lúc \d\d:\d\d ngày \d+ tháng \d+ năm \d+"
    assert re.search(receipt, thanks)
    return re.sub(receipt, "lúc …", thanks)


def counted_on(officer, moment: datetime) -> int:
    month = Month.containing(moment, survey_zone())
    return compute_figures(ResponseFilter(officer_id=officer.id), month).responses


def stored(moment: datetime) -> SurveyResponse:
    db.session.expire_all()
    return db.session.scalars(
        sa.select(SurveyResponse).where(SurveyResponse.submitted_at == moment)
    ).one()


def test_ratings_at_night_and_on_a_sunday_are_held_and_thanked(
    app, client, manager, officer, monkeypatch
):
    office_hours_only(officer.unit)
    code = survey_code_of(officer)
    weekday, sunday = a_working_day(), a_sunday()
    morning, night, sunday_morning = at(weekday, 10), at(weekday, 21), at(sunday, 9)

    counted_page = rate_at(app, monkeypatch, code, morning, "198.51.100.1")
    night_page = rate_at(app, monkeypatch, code, night, "198.51.100.2")
    sunday_page = rate_at(app, monkeypatch, code, sunday_morning, "198.51.100.3")

    assert night_page == counted_page and sunday_page == counted_page  # nothing tells
    assert not stored(morning).held
    for moment in (night, sunday_morning):
        assert stored(moment).held and stored(moment).hold_reason == HoldReason.OUTSIDE_HOURS
    assert counted_on(officer, morning) == 1  # the night's rating, that day, is not in it
    same_month = Month.containing(sunday_morning, survey_zone()) == Month.containing(
        morning, survey_zone()
    )
    assert counted_on(officer, sunday_morning) == (1 if same_month else 0)

    dashboard = parse(client.get(f"/quan-tri/bao-cao/{officer.unit.code}/{current_month()}"))
    lines = dashboard.select("#held-bursts tbody tr")
    assert len(lines) == 2  # a day apart: two lines
    for line in lines:
        assert "ngoài giờ làm việc của đơn vị" in line.get_text(" ", strip=True)


@pytest.mark.parametrize(
    ("hour", "minute", "held"),
    [(6, 59, True), (7, 0, False), (16, 59, False), (17, 0, True)],
    ids=["before-opening", "at-opening", "before-closing", "at-closing"],
)
def test_the_hours_include_the_opening_and_not_the_closing(
    app, officer, monkeypatch, hour, minute, held
):
    office_hours_only(officer.unit)
    moment = at(a_working_day(), hour, minute)
    rate_at(app, monkeypatch, survey_code_of(officer), moment, "198.51.100.4")
    assert stored(moment).held is held


def test_a_unit_sets_its_own_hours(app, officer, monkeypatch):
    office_hours_only(officer.unit, opens_at=time(13, 30), closes_at=time(20, 0))
    day = a_working_day()
    code = survey_code_of(officer)
    rate_at(app, monkeypatch, code, at(day, 10), "198.51.100.5")
    rate_at(app, monkeypatch, code, at(day, 19, 45), "198.51.100.6")
    assert stored(at(day, 10)).held and not stored(at(day, 19, 45)).held


def test_without_the_setting_ratings_at_any_hour_count(app, officer, monkeypatch):
    code = survey_code_of(officer)
    weekday = a_working_day()
    moments = [at(weekday, 21), at(weekday, 10), at(a_sunday(), 9)]
    for number, moment in enumerate(moments):
        rate_at(app, monkeypatch, code, moment, f"198.51.100.{10 + number}")
    assert [stored(moment).held for moment in moments] == [False, False, False]


def test_web_ratings_are_held_and_paper_imports_are_not(app, officer):
    office_hours_only(officer.unit)
    night = at(a_working_day(), 22)
    source = RatingSource(phone_hash="a" * 16, address_hash="b" * 16)
    web = make_response(officer=officer, channel=Channel.WEB, submitted_at=night, source=source)
    paper = make_response(officer=officer, channel=Channel.PAPER, submitted_at=night)
    assert web.held and web.hold_reason == HoldReason.OUTSIDE_HOURS
    assert not paper.held


def test_a_kiosk_rating_at_night_is_not_held_by_office_hours(client, tree, officer):
    office_hours_only(tree[1])
    _, token = paired_kiosk(tree[1])
    night = at(a_working_day(), 21)
    body = rating(officer_code=officer.code, submitted_at=night.isoformat())
    assert send(client, token, body).status_code == 201
    kiosk_rating = stored(night)
    assert kiosk_rating.channel == Channel.KIOSK and not kiosk_rating.held


def test_the_rules_page_saves_the_hours_audited(client, manager, officer):
    page = RULES_PAGE.format(unit=officer.unit.code)
    answer = client.get(page)
    assert 'min="None"' not in answer.get_data(as_text=True)
    shown = parse(answer)
    assert shown.select_one("input[name=opens_at]")["value"] == "07:00"
    assert shown.select_one("input[name=closes_at]")["value"] == "17:00"
    assert not shown.select_one("input[name=office_hours_only]").has_attr("checked")

    data = csrf(client) | THRESHOLDS | {"office_hours_only": "y", "opens_at": "07:30"}
    saved = client.post(page, data=data | {"closes_at": "16:30"})
    assert saved.status_code == 302
    rules = db.session.get(RatingRules, officer.unit.id)
    assert rules.office_hours_only and (rules.opens_at, rules.closes_at) == (
        time(7, 30),
        time(16, 30),
    )
    [event] = events("unit.rating_rules")
    assert event.details["before"]["office_hours_only"] is False
    assert event.details["before"]["opens_at"] == "07:00"
    after = {"office_hours_only": True, "opens_at": "07:30", "closes_at": "16:30"}
    assert event.details["after"].items() >= after.items()


@pytest.mark.parametrize(
    ("times", "message"),
    [
        ({"opens_at": "17:00", "closes_at": "07:00"}, "Giờ kết thúc phải sau giờ bắt đầu."),
        ({"opens_at": "08:00", "closes_at": "08:00"}, "Giờ kết thúc phải sau giờ bắt đầu."),
        ({"opens_at": "7 giờ", "closes_at": "17:00"}, "Nhập giờ theo dạng giờ:phút, ví dụ 07:30."),
        ({"opens_at": "07:00", "closes_at": ""}, "Nhập giờ theo dạng giờ:phút, ví dụ 07:30."),
    ],
    ids=["closes-before-opens", "closes-when-opens", "not-a-time", "no-closing-time"],
)
def test_the_rules_page_refuses_bad_hours_in_vietnamese(client, manager, officer, times, message):
    page = RULES_PAGE.format(unit=officer.unit.code)
    data = csrf(client) | THRESHOLDS | {"office_hours_only": "y"} | times
    refused = client.post(page, data=data)
    assert refused.status_code == 422
    shown = parse(refused)
    assert message in [alert.get_text(strip=True) for alert in shown.select("[role=alert]")]
    assert shown.select_one("input[name=opens_at]")["value"] == times["opens_at"]  # kept
    assert shown.select_one("input[name=office_hours_only]").has_attr("checked")
    assert db.session.get(RatingRules, officer.unit.id) is None  # nothing saved
    assert events("unit.rating_rules") == []
