"""0018: arrival tallies. On a database at 0017 holding tallied ratings of every instrument and
channel: the upgrade adds the empty table and leaves the tallies to be counted again, the grid
reads the same throughout, and the next run fills the table; the downgrade drops it alone.
Today's code counts at the head revision only (0021 changed the arrival tallies): the runs of
these tests go up to it."""

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from analytics import counting
from analytics.arrivals import arrival_grid
from analytics.breakdowns import month_cube
from survey_app.core.extensions import db
from survey_app.models import Unit
from survey_app.months import Month
from survey_app.services.tallies import tally_responses
from tests.helpers.migrations import BACKENDS, tallied_unit_at

BEFORE, AFTER = "0017_commented_index", "0018_arrival_tallies"
MONTHS = (Month(2026, 1), Month(2026, 2), Month(2026, 3))


@pytest.fixture(params=BACKENDS)
def tallied_unit(request, tmp_path):
    """A database at 0017 whose ratings are all tallied; the rated unit's id. Tallied at the head
    (the run writes arrival tallies), then taken down to 0017: its tallies as 0017 left them."""
    with tallied_unit_at(tmp_path, request.param, "head", "XA-ARR", 18, MONTHS) as unit_id:
        downgrade(revision=BEFORE)
        yield unit_id


def test_upgrade_counts_the_arrivals_again_and_the_figures_stay(tallied_unit, monkeypatch):
    people = _figures(tallied_unit, with_arrivals=False)
    with monkeypatch.context() as patch:  # 0017 has no arrival tallies: the responses alone
        patch.setattr(counting, "tallied_zone", lambda: "")
        before = _figures(tallied_unit)
    assert {key: value for key, value in before.items() if key != "arrivals"} == people
    db.session.remove()
    upgrade(revision=AFTER)
    assert _arrival_rows() == 0
    assert db.session.scalar(sa.text("SELECT zone FROM tally_state")) == ""
    assert _figures(tallied_unit) == before  # from the responses, until the next run
    db.session.remove()
    upgrade()
    run = tally_responses()
    assert run.responses == 90  # every response counted again
    assert _arrival_rows("arrival_day_tallies") > 0
    assert _figures(tallied_unit) == before


def test_downgrade_drops_the_arrival_tallies_alone(tallied_unit):
    db.session.remove()
    upgrade()
    tally_responses()
    after = _figures(tallied_unit)
    db.session.remove()
    downgrade(revision=BEFORE)
    assert "arrival_tallies" not in sa.inspect(db.engine).get_table_names()
    total = db.session.scalar(sa.text("SELECT sum(responses) FROM person_response_tallies"))
    assert total == 90
    db.session.rollback()
    assert _figures(tallied_unit, with_arrivals=False) == {
        key: value for key, value in after.items() if key != "arrivals"
    }


def _figures(unit_id: int, *, with_arrivals: bool = True) -> dict:
    unit = db.session.get(Unit, unit_id)
    found = {f"people {month}": month_cube(unit, month).people for month in MONTHS}
    if with_arrivals:
        found["arrivals"] = [arrival_grid(unit, month) for month in MONTHS]
    db.session.rollback()
    return found


def _arrival_rows(table: str = "arrival_tallies") -> int:
    count = db.session.scalar(sa.text(f"SELECT count(*) FROM {table}"))  # noqa: S608 (a name)
    db.session.rollback()
    return count
