"""The arrival grid: a month's counted responses by local weekday and hour, the same counted
from the responses, from the tallies, or from both."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from analytics.arrivals import arrival_grid
from survey_app.core.extensions import db
from survey_app.models import ArrivalTally, Channel
from survey_app.models.tallies import HOUR_COLUMNS
from survey_app.services.responses.spam import mark_response_spam
from survey_app.services.tallies import tally_responses
from tests.helpers.builders import make_response, make_unit
from tests.helpers.local_times import MARCH, local

pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture
def commune():
    """March 2025: Mon 3rd 08:00 and 08:30; Mon 31st 23:59:59 (16:59:59 UTC); Sun 9th 14:00 in
    a unit below. Not in March: 00:00 on 1 April (Tuesday, in April's grid) and a spam one."""
    unit = make_unit(code="XA")
    below = make_unit(code="XA-1", parent=unit)
    make_response(unit=unit, submitted_at=local(3, 8))
    make_response(unit=unit, channel=Channel.KIOSK, submitted_at=local(3, 8, 30))
    make_response(unit=unit, submitted_at=local(31, 23, 59, 59))
    make_response(unit=below, submitted_at=local(9, 14))
    make_response(unit=unit, submitted_at=local(1, 0, month=4))
    spam = make_response(unit=unit, submitted_at=local(4, 10))
    spam.is_spam = True
    db.session.commit()
    return unit


def expected_march() -> list[list[int]]:
    grid = [[0] * 24 for _ in range(7)]
    grid[0][8], grid[0][23], grid[6][14] = 2, 1, 1
    return grid


def test_arrival_grid_counts_local_weekday_and_hour(commune):
    assert arrival_grid(commune, MARCH) == expected_march()
    april = arrival_grid(commune, MARCH.next())
    assert april[1][0] == 1 and sum(map(sum, april)) == 1


def test_the_tally_run_keeps_the_grid_and_later_ratings_add_to_it(commune):
    tally_responses()
    # The unit's own row: Monday (weekday 0), 2 at 08:00 and 1 at 23:00, local.
    [monday] = db.session.scalars(
        sa.select(ArrivalTally).where(
            ArrivalTally.unit_id == commune.id, ArrivalTally.month == "2025-03"
        )
    ).all()
    hours = [getattr(monday, name) for name in HOUR_COLUMNS]
    assert monday.weekday == 0 and hours == [
        2 if h == 8 else 1 if h == 23 else 0 for h in range(24)
    ]
    assert arrival_grid(commune, MARCH) == expected_march()
    make_response(unit=commune, submitted_at=local(4, 10, 15))  # Tuesday, not tallied yet
    grid = expected_march()
    grid[1][10] = 1
    assert arrival_grid(commune, MARCH) == grid
    tally_responses()
    assert arrival_grid(commune, MARCH) == grid


def test_a_tallied_rating_marked_as_spam_leaves_the_grid(commune):
    late = make_response(unit=commune, submitted_at=local(31, 23, 59, 59))
    tally_responses()
    assert arrival_grid(commune, MARCH)[0][23] == 2
    mark_response_spam(late, spam=True, by=None)
    assert arrival_grid(commune, MARCH) == expected_march()
    tally_responses()
    assert arrival_grid(commune, MARCH) == expected_march()
    mark_response_spam(late, spam=False, by=None)
    tally_responses()
    assert arrival_grid(commune, MARCH)[0][23] == 2


def test_a_zone_that_changes_its_offset_in_the_month_is_counted_in_local_hours(app, monkeypatch):
    """Berlin moves to summer time on Sunday 30 March 2025: 10:00 on the Saturday before is
    09:00 UTC, 10:00 on the Monday after is 08:00 UTC; both are hour 10 of their day."""
    monkeypatch.setitem(app.config, "SURVEY_TIMEZONE", "Europe/Berlin")
    berlin = ZoneInfo("Europe/Berlin")
    unit = make_unit(code="XA-BER")
    for day, hour in ((29, 10), (31, 10), (3, 23)):
        make_response(unit=unit, submitted_at=datetime(2025, 3, day, hour, 30, tzinfo=berlin))
    db.session.commit()
    grid = [[0] * 24 for _ in range(7)]
    grid[5][10] = grid[0][10] = grid[0][23] = 1
    assert arrival_grid(unit, MARCH) == grid
    tally_responses()
    assert arrival_grid(unit, MARCH) == grid
    hours = [sa.func.sum(ArrivalTally.at_hour(hour)) for hour in range(24)]
    assert sum(db.session.execute(sa.select(*hours)).one()) == 3


def test_the_last_instant_of_an_hour_stays_in_it_when_tallied(commune):
    """23:59:59.7 on Monday 31 March is Monday's 23:00, raw and tallied: the seconds since 1970
    are cut, never rounded up into the next hour (Tuesday, in April)."""
    make_response(unit=commune, submitted_at=local(31, 23, 59, 59).replace(microsecond=700_000))
    grid = expected_march()
    grid[0][23] = 2
    assert arrival_grid(commune, MARCH) == grid
    tally_responses()
    assert arrival_grid(commune, MARCH) == grid
