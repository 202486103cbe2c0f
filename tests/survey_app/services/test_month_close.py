"""Closing a month: the figures are frozen; later responses for it become an amendment."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from pytest import approx

from analytics.closures import amendment, frozen_figures, get_closure, published_trend
from analytics.flagged import list_flagged_responses
from analytics.indices import ResponseFilter, compute_figures
from survey_app.core.extensions import db
from survey_app.models import AuditEvent, Channel, MonthClosure
from survey_app.months import Month, current_month
from survey_app.services.month_close import MonthAlreadyClosed, MonthNotOver, close_month
from tests.helpers.builders import make_counter, make_officer, make_response, make_unit

pytestmark = pytest.mark.usefixtures("app")

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
MARCH = Month(2025, 3)


def local(day: int, hour: int = 9, month: int = 3):
    return datetime(2025, month, day, hour, tzinfo=LOCAL)


@pytest.fixture
def commune():
    """March 2025: Lan at Q1 rated twice (all 5s; TT1 3 and CC1 2 with a phone number in the
    comment); a web response with CHUNG 3; a response without a flag."""
    unit = make_unit(code="XA", name="Xã A")
    counter = make_counter(unit=unit, code="Q1", name="Quầy 1")
    lan = make_officer(unit=unit, code="CB-LAN", full_name="Nguyễn Thị Lan", counters=[counter])
    make_response(
        officer=lan, counter=counter, answers={"TC1": 5, "CHUNG": 5}, submitted_at=local(4)
    )
    make_response(
        officer=lan,
        counter=counter,
        answers={"TC1": 5, "TT1": 3, "CC1": 2, "CHUNG": 4},
        comment="Chậm quá, gọi 0912 345 678",
        submitted_at=local(5),
    )
    make_response(unit=unit, answers={"CHUNG": 3}, channel=Channel.WEB, submitted_at=local(6))
    return unit


def test_flagged_responses_newest_first_with_low_items(commune):
    found = list_flagged_responses(commune, MARCH)
    assert [row.low_items for row in found] == [[("CHUNG", 3)], [("TT1", 3), ("CC1", 2)]]
    web, lan = found
    assert web.channel is Channel.WEB and web.officer_name is None and web.counter_name is None
    assert (lan.officer_name, lan.counter_name, lan.unit_name) == (
        "Nguyễn Thị Lan",
        "Quầy 1",
        "Xã A",
    )
    assert lan.comment == "Chậm quá, gọi [số điện thoại]"
    assert lan.submitted_at == local(5) and lan.submitted_at.utcoffset().total_seconds() == 7 * 3600
    assert not lan.late and not web.late
    assert [row.channel for row in list_flagged_responses(commune, MARCH, limit=1)] == [Channel.WEB]


def test_closing_freezes_the_figures(commune):
    closure = close_month(commune, MARCH, by=None)
    stored = db.session.scalar(sa.select(MonthClosure))
    assert (stored.month, stored.response_count, stored.closed_by) == ("2025-03", 3, None)
    snapshot = stored.figures
    assert snapshot["headline"]["responses"] == 3 and snapshot["headline"]["flagged"] == 2
    assert snapshot["headline"]["overall_pct"] == approx(200 / 3)
    assert snapshot["channels"] == {"qr": 2, "kiosk": 0, "web": 1, "paper": 0}
    assert [row["officer_code"] for row in snapshot["officers"]] == ["CB-LAN"]
    assert snapshot["officers"][0]["sample_sufficient"] == "false"
    assert snapshot["complaints"]["received"] == 0
    assert frozen_figures(closure) == compute_figures(
        ResponseFilter.unit_subtree(commune.id), MARCH
    )
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "month.close"))
    assert (event.target_key, event.details) == ("XA", {"month": "2025-03", "responses": 3})
    assert amendment(commune, MARCH) is None


def test_a_late_response_is_an_amendment_and_the_frozen_figures_stay(commune):
    close_month(commune, MARCH, by=None)
    before = dict(get_closure(commune, MARCH).figures["headline"])
    # A paper form of 28 March imported after the closure.
    make_response(
        unit=commune, answers={"CC1": 1, "CHUNG": 1}, channel=Channel.PAPER, submitted_at=local(28)
    )
    db.session.expire_all()
    closure = get_closure(commune, MARCH)
    assert closure.figures["headline"] == before and closure.response_count == 3
    found = amendment(commune, MARCH)
    assert found.late_responses == 1
    assert (found.frozen.responses, found.current.responses) == (3, 4)
    # Overall: 2 of 3 → 2 of 4 satisfied: 66.67 → 50.
    assert found.differences["responses"] == 1
    assert found.differences["overall_pct"] == approx(50 - 200 / 3)
    assert found.differences["flagged"] == 1
    late = [row for row in list_flagged_responses(commune, MARCH) if row.late]
    assert [row.low_items for row in late] == [[("CC1", 1), ("CHUNG", 1)]]


def test_a_closed_month_cannot_be_closed_again(commune):
    close_month(commune, MARCH, by=None)
    with pytest.raises(MonthAlreadyClosed):
        close_month(commune, MARCH, by=None)
    assert db.session.scalar(sa.select(sa.func.count(MonthClosure.id))) == 1


@pytest.mark.parametrize("offset", [0, 1])
def test_the_current_and_future_months_cannot_be_closed(commune, offset):
    with pytest.raises(MonthNotOver):
        close_month(commune, current_month().shifted(offset), by=None)
    assert db.session.scalar(sa.select(sa.func.count(MonthClosure.id))) == 0


def test_cli_closes_a_month(commune, invoke):
    result = invoke("report", "close", "--unit", "XA", "--month", "2025-03")
    assert result.exit_code == 0, result.output
    assert "Closed 03/2025 for Xã A: 3 responses frozen." in result.output
    assert get_closure(commune, MARCH).response_count == 3
    again = invoke("report", "close", "--unit", "XA", "--month", "2025-03")
    assert again.exit_code == 1 and "03/2025 is already closed for Xã A." in again.output


def test_cli_refuses_the_current_month_an_unknown_unit_and_a_bad_month(commune, invoke):
    current = invoke("report", "close", "--unit", "XA", "--month", str(current_month()))
    assert current.exit_code == 1 and "has not ended yet" in current.output
    unknown = invoke("report", "close", "--unit", "NOPE", "--month", "2025-03")
    assert unknown.exit_code == 2 and "No unit has the code NOPE." in unknown.output
    bad = invoke("report", "close", "--unit", "XA", "--month", "03/2025")
    assert bad.exit_code == 2 and "for example 2025-03" in bad.output
    assert db.session.scalar(sa.select(sa.func.count(MonthClosure.id))) == 0


def test_the_trend_shows_a_closed_month_as_published(commune):
    close_month(commune, MARCH, by=None)
    make_response(unit=commune, answers={"CHUNG": 1}, submitted_at=local(28))
    make_response(unit=commune, answers={"CHUNG": 5}, submitted_at=local(2, month=4))
    trend = published_trend(commune, Month(2025, 4), 3)
    assert [(str(month), figures.responses) for month, figures in trend] == [
        ("2025-02", 0),
        ("2025-03", 3),  # as closed; 4 responses now
        ("2025-04", 1),
    ]
    assert compute_figures(ResponseFilter.unit_subtree(commune.id), MARCH).responses == 4
