"""0016: the tally tables lose their foreign keys and keep every row. On a database at 0015
holding tallied ratings of every instrument and channel, with and without officer and counter:
the upgrade leaves the tallies and the figures as they were and a tally run adds to them; the
downgrade gives the keys back (checked against the rows) and loses nothing either."""

import random
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from survey_app.core.extensions import db
from survey_app.models import OVERALL_ITEM, Channel
from survey_app.queries.instruments import get_current_instrument
from survey_app.services.tallies import tally_responses
from tests.helpers.builders import make_counter, make_officer, make_response, make_unit
from tests.helpers.migrations import BACKENDS, database_at

BEFORE, AFTER = "0015_tally_grains", "0016_tally_keys"
INSTRUMENTS = ("sipas-2017", "sipas-2023", "kiosk-5")
TALLIES = [
    f"{grain}_{kind}_tallies"
    for grain in ("person", "place")
    for kind in ("response", "answer", "factor")
]
REFERRED = {"unit_id": "units", "item_id": "items", "instrument_id": "instruments"}


@pytest.fixture(params=BACKENDS)
def tallied_database(request, tmp_path):
    """A database at 0015 whose ratings are all tallied."""
    with database_at(tmp_path, request.param, BEFORE):
        _rate(random.Random(16), 120)
        tally_responses()
        yield


def test_upgrade_drops_the_keys_and_keeps_every_tally(tallied_database):
    before = _tallies()
    assert all(_foreign_keys(table) for table in TALLIES)
    db.session.remove()  # the migration's DDL waits for open reads
    upgrade(revision=AFTER)
    assert {table: _foreign_keys(table) for table in TALLIES} == dict.fromkeys(TALLIES, set())
    assert _tallies() == before
    _rate(random.Random(17), 30)
    tally_responses()
    assert _responses_tallied() == 150


def test_downgrade_gives_the_keys_back_and_keeps_every_tally(tallied_database):
    db.session.remove()
    upgrade(revision=AFTER)
    _rate(random.Random(18), 30)
    tally_responses()
    after = _tallies()
    db.session.remove()
    downgrade(revision=BEFORE)
    for table in TALLIES:
        expected = {(column, REFERRED[column]) for column in _columns(table) if column in REFERRED}
        assert _foreign_keys(table) == expected
    assert _tallies() == after
    assert _responses_tallied() == 150


def _rate(draw: random.Random, count: int) -> None:
    """Ratings of each instrument and channel, with and without officer and counter."""
    unit = make_unit(code=f"XA-{draw.randint(0, 10**6)}")
    officers = [None, make_officer(unit=unit)]
    counters = [None, make_counter(unit=unit)]
    for _number in range(count):
        instrument = draw.choice(INSTRUMENTS)
        items = get_current_instrument(instrument).items
        answers = {item.code: draw.choice([None, 1, 2, 3, 4, 5]) for item in items}
        make_response(
            unit=unit,
            officer=draw.choice(officers),
            counter=draw.choice(counters),
            channel=draw.choice(list(Channel)),
            instrument_code=instrument,
            answers=answers | {OVERALL_ITEM: draw.randint(1, 5)},
            submitted_at=datetime(2026, draw.randint(1, 3), draw.randint(2, 27), 3, tzinfo=UTC),
        )
    db.session.commit()


def _tallies() -> dict[str, set[tuple]]:
    """Every row of every tally table, without its id."""
    found = {}
    for table in TALLIES:
        columns = ", ".join(name for name in _columns(table) if name != "id")
        found[table] = set(db.session.execute(sa.text(f"SELECT {columns} FROM {table}")))
    db.session.rollback()
    return found


def _responses_tallied() -> int:
    total = db.session.scalar(sa.text("SELECT sum(responses) FROM person_response_tallies"))
    db.session.rollback()
    return total


def _columns(table: str) -> list[str]:
    return [column["name"] for column in sa.inspect(db.engine).get_columns(table)]


def _foreign_keys(table: str) -> set[tuple[str, str]]:
    keys = sa.inspect(db.engine).get_foreign_keys(table)
    return {(key["constrained_columns"][0], key["referred_table"]) for key in keys}
