"""0019: tally keys that carry their counts (PostgreSQL). On a database at 0018 holding tallied
ratings of every instrument and channel: each key becomes a unique index that INCLUDEs the
counts, under the same constraint name; the figures stay and the next run still adds to the
same rows; the downgrade gives the plain keys back. SQLite keeps its keys as they are. Today's
code reads and counts at the head revision only (0021 changed the arrival tallies), so the
figures are read there, before going down to 0018 and after coming back up."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from analytics.arrivals import arrival_grid
from analytics.breakdowns import month_cube
from survey_app.core.extensions import db
from survey_app.models import Unit
from survey_app.months import Month
from survey_app.services.tallies import tally_responses
from tests.helpers.builders import make_response
from tests.helpers.migrations import BACKENDS, read_then_taken_down, tallied_unit_at

BEFORE, AFTER = "0018_arrival_tallies", "0019_covering_keys"
MONTHS = (Month(2026, 1), Month(2026, 2), Month(2026, 3))
TALLIES = (
    "person_response_tallies",
    "person_answer_tallies",
    "person_factor_tallies",
    "place_response_tallies",
    "place_answer_tallies",
    "place_factor_tallies",
    "arrival_tallies",
)


@pytest.fixture(params=BACKENDS)
def tallied_unit(request, tmp_path):
    """A database at 0018 whose ratings are all tallied (at the head, then taken down); the
    rated unit's id and its figures as the head read them."""
    with tallied_unit_at(tmp_path, request.param, "head", "XA-COV", 19, MONTHS) as unit_id:
        yield read_then_taken_down(unit_id, _figures, BEFORE)


def test_upgrade_keeps_the_figures_and_the_runs_add_to_the_same_rows(tallied_unit):
    tallied_unit, before = tallied_unit
    rows, counted = _row_counts(), _unit_row(tallied_unit)
    assert counted > 0  # the unit's March row without officer: the upsert below meets it
    upgrade(revision=AFTER)
    if db.engine.dialect.name == "postgresql":
        for table in TALLIES:
            assert " INCLUDE (" in _key_definition(table), table
    upgrade()
    assert _figures(tallied_unit) == before
    unit = db.session.get(Unit, tallied_unit)
    make_response(unit=unit, submitted_at=datetime(2026, 3, 3, 2, tzinfo=UTC))
    db.session.commit()
    assert tally_responses().responses == 1
    assert _unit_row(tallied_unit) == counted + 1
    assert _row_counts()["person_response_tallies"] == rows["person_response_tallies"]


def test_downgrade_gives_the_plain_keys_back(tallied_unit):
    tallied_unit, before = tallied_unit
    upgrade(revision=AFTER)
    db.session.remove()
    downgrade(revision=BEFORE)
    if db.engine.dialect.name == "postgresql":
        for table in TALLIES:
            definition = _key_definition(table)
            assert "UNIQUE" in definition and "INCLUDE" not in definition, table
    db.session.remove()
    upgrade()
    assert _figures(tallied_unit) == before


def _key_definition(table: str) -> str:
    """The definition of the table's key index, which its constraint uq_<table>_key owns."""
    query = sa.text(
        "SELECT pg_get_indexdef(conindid) FROM pg_constraint "
        "WHERE conname = :name AND contype = 'u'"
    )
    definition = db.session.scalar(query, {"name": f"uq_{table}_key"})
    db.session.rollback()
    return definition


def _unit_row(unit_id: int) -> int:
    """The responses of the unit's March 2026 tally without officer."""
    query = sa.text(
        "SELECT responses FROM person_response_tallies "
        "WHERE month = '2026-03' AND unit_id = :unit AND officer_id = 0"
    )
    found = db.session.scalar(query, {"unit": unit_id})
    db.session.rollback()
    return found or 0


def _row_counts() -> dict[str, int]:
    """The rows of the tallies the head keeps under the same name (0021 replaced the arrivals)."""
    kept = [table for table in TALLIES if table != "arrival_tallies"]
    found = {table: db.session.scalar(sa.text(f"SELECT count(*) FROM {table}")) for table in kept}
    db.session.rollback()
    return found


def _figures(unit_id: int) -> dict:
    unit = db.session.get(Unit, unit_id)
    found = {f"people {month}": month_cube(unit, month).people for month in MONTHS}
    found |= {f"places {month}": month_cube(unit, month).places for month in MONTHS}
    found["arrivals"] = [arrival_grid(unit, month) for month in MONTHS]
    db.session.rollback()
    return found
