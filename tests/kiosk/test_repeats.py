"""The kiosk repeat filter: a full rating repeated on one tablet within the unit's window after
the thank-you screen counts once; the rest are stored as filtered and shown as a number."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from analytics.indices import ResponseFilter, compute_figures
from analytics.integrity import integrity_counts
from survey_app.core.extensions import db
from survey_app.models import HoldReason, RatingRules, SurveyResponse
from survey_app.months import current_month
from survey_app.services.tallies import tally_responses
from tests.helpers.kiosk_devices import paired_kiosk, rating, send
from tests.helpers.survey_pages import parse


@pytest.fixture
def tablet(tree):
    return paired_kiosk(tree[1])  # thank-you screen of 8 s by default


def counted(kiosk) -> int:
    figures = compute_figures(ResponseFilter(counter_id=kiosk.counter_id), current_month())
    return figures.responses


def tapped(start: datetime, seconds: float) -> str:
    return (start + timedelta(seconds=seconds)).isoformat()


def test_ten_identical_ratings_within_the_window_count_once(client, tablet):
    kiosk, token = tablet
    start = datetime.now(UTC) - timedelta(minutes=2)
    # A child tapping on: a rating every 9 s, each within 8 s + 10 s of the one before.
    statuses = [
        send(client, token, rating(submitted_at=tapped(start, 9 * n))).status_code
        for n in range(10)
    ]
    assert statuses == [201] * 10  # the tablet is told each was stored
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)) == 10
    assert counted(kiosk) == 1
    tally_responses()
    assert counted(kiosk) == 1
    reasons = db.session.scalars(sa.select(SurveyResponse.hold_reason)).all()
    assert reasons.count(HoldReason.KIOSK_REPEAT) == 9 and reasons.count(None) == 1


def test_the_same_rating_after_the_window_counts_again(client, tablet):
    kiosk, token = tablet
    start = datetime.now(UTC) - timedelta(minutes=2)
    send(client, token, rating(submitted_at=tapped(start, 0)))
    send(client, token, rating(submitted_at=tapped(start, 19)))  # 8 s + 10 s have passed
    assert counted(kiosk) == 2


def test_other_answers_or_a_comment_are_another_citizen(client, tablet):
    kiosk, token = tablet
    start = rated_then_changed(client, token)
    send(client, token, rating(submitted_at=tapped(start, 6), comment="Cảm ơn chị Lan."))
    assert counted(kiosk) == 3


def test_a_rating_the_tablet_marks_as_a_repeat_is_filtered(client, tablet):
    kiosk, token = tablet
    send(client, token, rating(repeat=True))
    assert counted(kiosk) == 0
    bad = send(client, token, rating(repeat="có"))
    assert bad.status_code == 422 and "repeat" in bad.get_json()["errors"]


def test_the_kiosk_page_and_the_dashboard_show_the_filtered_count(client, manager, tablet, tree):
    kiosk, token = tablet
    start = datetime.now(UTC) - timedelta(minutes=2)
    for n in range(4):
        send(client, token, rating(submitted_at=tapped(start, 2 * n)))
    page = parse(client.get(f"/quan-tri/kiosk/{kiosk.token_prefix}"))
    assert page.select_one("dd.filtered").get_text(" ", strip=True).startswith("3 ")
    assert integrity_counts([tree[1].id], current_month()).filtered == 3
    dashboard = parse(client.get(f"/quan-tri/bao-cao/{tree[1].code}/{current_month()}"))
    assert "3 phiếu bấm lặp" in dashboard.select_one("#integrity-counts").get_text()


def test_the_window_ends_at_the_thank_you_screen_plus_the_units_seconds(client, tablet, tree):
    """8 s of thanks plus the unit's 30 s: a repeat 38 s after is held, one 39 s after is not.
    PostgreSQL compares in the insert, SQLite before it: both must draw the line here."""
    kiosk, token = tablet
    db.session.add(RatingRules(unit_id=tree[1].id, kiosk_repeat_seconds=30))
    db.session.commit()
    start = datetime.now(UTC) - timedelta(minutes=5)
    for seconds in (0, 38, 38 + 39):
        assert send(client, token, rating(submitted_at=tapped(start, seconds))).status_code == 201
    assert held_reasons() == [None, HoldReason.KIOSK_REPEAT, None]


def test_only_the_tablets_latest_rating_is_compared(client, tablet):
    kiosk, token = tablet
    start = rated_then_changed(client, token)
    send(client, token, rating(submitted_at=tapped(start, 6)))  # as the first, not the latest
    assert held_reasons() == [None, None, None]


def test_another_tablets_rating_is_not_compared(client, tablet, tree):
    _, token = tablet
    _, other_token = paired_kiosk(tree[1], name="Máy tính bảng quầy 2")
    start = datetime.now(UTC) - timedelta(minutes=2)
    send(client, token, rating(submitted_at=tapped(start, 0)))
    send(client, other_token, rating(submitted_at=tapped(start, 2)))
    assert held_reasons() == [None, None]


def rated_then_changed(client, token) -> datetime:
    """A rating two minutes ago, then one with another answer 3 s later; when the first came."""
    start = datetime.now(UTC) - timedelta(minutes=2)
    first = rating(submitted_at=tapped(start, 0))
    send(client, token, first)
    send(client, token, rating(submitted_at=tapped(start, 3), answers=first["answers"] | {"TT": 2}))
    return start


def held_reasons() -> list[HoldReason | None]:
    """The stored ratings' hold reasons, in the order they were tapped."""
    query = sa.select(SurveyResponse.hold_reason).order_by(SurveyResponse.submitted_at)
    return list(db.session.scalars(query))
