"""The newest few counted responses of a unit subtree's month that meet a condition: read unit
by unit on PostgreSQL, sorted at once on SQLite; the same responses either way."""

import random
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from analytics.comments import list_recent_comments
from analytics.newest import newest_ids
from analytics.selection import ResponseFilter
from survey_app.core.extensions import db
from survey_app.models import SurveyResponse
from survey_app.months import Month, survey_zone
from tests.helpers.builders import make_officer, make_response, make_unit
from tests.helpers.statements import statements_compiled_anew

pytestmark = pytest.mark.usefixtures("app")
MARCH = Month(2025, 3)
NOON = datetime(2025, 3, 10, 5, tzinfo=UTC)  # 12:00 in Vietnam


@pytest.fixture
def province():
    """A unit with two below it; 30 ratings each in March, a third with a comment, some at
    the very same instant (ties), one spam and one held among the newest, April's first."""
    top = make_unit(code="T")
    units = [top, make_unit(code="T-1", parent=top), make_unit(code="T-2", parent=top)]
    draw = random.Random(7)
    for unit in units:
        for number in range(30):
            at = NOON + timedelta(minutes=draw.choice([0, 1, 2, 3]) * 60 + number % 3)
            make_response(unit=unit, submitted_at=at, comment="ý kiến" if number % 3 else "")
    newest = NOON + timedelta(days=5)
    make_response(unit=units[1], submitted_at=newest, comment="spam").is_spam = True
    make_response(unit=units[2], submitted_at=newest, comment="held").held = True
    make_response(unit=top, submitted_at=datetime(2025, 3, 31, 17, tzinfo=UTC), comment="April")
    db.session.commit()
    return top


def expected(unit_ids: set[int], limit: int, officer_id: int | None = None) -> list[int]:
    """By hand: the month's counted, commented responses of the units, newest first."""
    start, end = MARCH.bounds(survey_zone())
    rows = [
        (response.submitted_at, response.id)
        for response in db.session.scalars(sa.select(SurveyResponse))
        if response.unit_id in unit_ids
        and start <= response.submitted_at < end
        and response.comment
        and not (response.is_spam or response.held)
        and officer_id in (None, response.officer_id)
    ]
    return [response_id for _, response_id in sorted(rows, reverse=True)[:limit]]


@pytest.mark.parametrize("limit", [1, 4, 7, 100])
def test_the_newest_across_the_units_are_those_of_a_full_sort(province, limit):
    subtree = ResponseFilter.unit_subtree(province.id)
    chosen = newest_ids(subtree, *MARCH.bounds(survey_zone()), SurveyResponse.comment != "", limit)
    assert list(db.session.scalars(chosen)) == expected(set(subtree.unit_ids), limit)


def test_an_officer_filter_still_applies(province):
    officer = make_officer(unit=province)
    mine = [make_response(officer=officer, submitted_at=NOON, comment="của tôi") for _ in range(2)]
    db.session.commit()
    subtree = ResponseFilter(unit_ids=frozenset({province.id}), officer_id=officer.id)
    chosen = newest_ids(subtree, *MARCH.bounds(survey_zone()), SurveyResponse.comment != "", 5)
    assert sorted(db.session.scalars(chosen)) == sorted(response.id for response in mine)


def test_the_dashboard_lists_the_newest_comments_of_the_month(province):
    recent = list_recent_comments(ResponseFilter.unit_subtree(province.id), MARCH, limit=3)
    assert [comment.text for comment in recent] == ["ý kiến"] * 3
    assert {comment.day for comment in recent} == {NOON.date()}  # not spam, held or April's


def test_another_subtree_reuses_the_compiled_statement(province):
    """The units are one parameter: another province's list takes the statement from
    SQLAlchemy's cache instead of compiling it again."""
    condition = SurveyResponse.comment != ""
    bounds = MARCH.bounds(survey_zone())
    db.session.scalars(newest_ids(ResponseFilter.unit_subtree(province.id), *bounds, condition, 5))
    other = ResponseFilter(unit_ids=frozenset({province.id, province.id + 1}))
    with statements_compiled_anew() as compiled:
        assert list(db.session.scalars(newest_ids(other, *bounds, condition, 5)))
    assert compiled == []
