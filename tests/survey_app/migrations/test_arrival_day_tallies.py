"""0021: arrival tallies a row per weekday with a column per hour. On a database at 0020 holding
tallied ratings of every instrument and channel, at many local hours: the upgrade converts the
rows in place (nothing is counted again), the grid reads the same, and the next run adds to the
converted rows; the downgrade writes them back a row per hour of the week."""

import random
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from analytics.arrivals import arrival_grid
from survey_app.core.extensions import db
from survey_app.models import Unit
from survey_app.months import Month
from survey_app.services.tallies import tally_responses
from tests.helpers.builders import make_response
from tests.helpers.migrations import BACKENDS, read_then_taken_down, tallied_unit_at

BEFORE, AFTER = "0020_account_lock", "0021_arrival_days"
MONTHS = (Month(2026, 1), Month(2026, 2), Month(2026, 3))


@pytest.fixture(params=BACKENDS)
def tallied_unit(request, tmp_path):
    """A database at 0020 whose ratings are all tallied (at the head, then taken down): the
    unit's id and its grids as the head read them. Beside the 90 ratings of every kind (all at
    10:00), 60 at random minutes of the months, so most hours of the week hold some."""
    with tallied_unit_at(tmp_path, request.param, "head", "XA-DAY", 21, MONTHS) as unit_id:
        unit = db.session.get(Unit, unit_id)
        draw = random.Random(21)
        start = datetime(2026, 1, 1, tzinfo=UTC)
        for _ in range(60):
            make_response(
                unit=unit, submitted_at=start + timedelta(minutes=draw.randrange(120_000))
            )
        db.session.commit()
        tally_responses()
        yield read_then_taken_down(unit_id, _grids, BEFORE)


def test_upgrade_converts_the_rows_in_place_and_the_runs_add_to_them(tallied_unit):
    unit_id, before = tallied_unit
    by_slot = _slot_counts()
    assert sum(by_slot.values()) == 150 and len(by_slot) > 24
    zone = _scalar("SELECT zone FROM tally_state")
    upgrade(revision=AFTER)
    assert _day_counts() == by_slot  # the same count at every hour of the week
    assert _scalar("SELECT count(*) FROM arrival_day_tallies") <= 7 * len(MONTHS)
    assert _scalar("SELECT count(*) FROM untallied_responses") == 0  # nothing to count again
    assert _scalar("SELECT zone FROM tally_state") == zone
    assert _grids(unit_id) == before
    # Tuesday 3 March 2026, 09:00 local: the next run adds it to the converted row.
    unit = db.session.get(Unit, unit_id)
    make_response(unit=unit, submitted_at=datetime(2026, 3, 3, 2, tzinfo=UTC))
    db.session.commit()
    assert tally_responses().responses == 1
    march = before[2]
    march[1][9] += 1
    assert _grids(unit_id)[2] == march
    assert _day_counts()[("2026-03", 24 + 9)] == by_slot.get(("2026-03", 24 + 9), 0) + 1


def test_downgrade_writes_a_row_per_hour_of_the_week_back(tallied_unit):
    unit_id, before = tallied_unit
    by_slot = _slot_counts()
    upgrade()
    db.session.remove()
    downgrade(revision=BEFORE)
    assert _slot_counts() == by_slot
    assert "arrival_day_tallies" not in sa.inspect(db.engine).get_table_names()
    db.session.remove()
    upgrade()
    assert _grids(unit_id) == before


def _slot_counts() -> dict[tuple[str, int], int]:
    """(month, hour of the week) → responses, from the tallies a row per hour (0020)."""
    rows = db.session.execute(sa.text("SELECT month, slot, responses FROM arrival_tallies"))
    found = {(month, slot): responses for month, slot, responses in rows}
    db.session.rollback()
    return found


def _day_counts() -> dict[tuple[str, int], int]:
    """The same from the tallies a row per weekday (0021), leaving out the hours at 0."""
    hours = ", ".join(f"hour_{hour}" for hour in range(24))
    rows = db.session.execute(sa.text(f"SELECT month, weekday, {hours} FROM arrival_day_tallies"))
    found = {
        (month, weekday * 24 + hour): count
        for month, weekday, *counts in rows
        for hour, count in enumerate(counts)
        if count
    }
    db.session.rollback()
    return found


def _scalar(statement: str):
    found = db.session.scalar(sa.text(statement))
    db.session.rollback()
    return found


def _grids(unit_id: int) -> list[list[list[int]]]:
    unit = db.session.get(Unit, unit_id)
    found = [arrival_grid(unit, month) for month in MONTHS]
    db.session.rollback()
    return found
