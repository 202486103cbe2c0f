"""0016: the tally tables lose their foreign keys and keep every row. On a database at 0015
holding tallied ratings of every instrument and channel, with and without officer and counter:
the upgrade leaves the tallies as they were, and today's tally run after it (at the head
revision, whose 0018 has every response counted again) counts every rating; the downgrade gives
the keys back (checked against the rows) and loses nothing either."""

import random

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from survey_app.core.extensions import db
from survey_app.months import Month
from survey_app.services.tallies import tally_responses
from tests.helpers.builders import make_unit
from tests.helpers.migrations import BACKENDS, database_at, rate_every_kind

BEFORE, AFTER = "0015_tally_grains", "0016_tally_keys"
MONTHS = (Month(2026, 1), Month(2026, 2), Month(2026, 3))
TALLIES = [
    f"{grain}_{kind}_tallies"
    for grain in ("person", "place")
    for kind in ("response", "answer", "factor")
]
REFERRED = {"unit_id": "units", "item_id": "items", "instrument_id": "instruments"}


@pytest.fixture(params=BACKENDS)
def tallied_database(request, tmp_path):
    """A database at 0015 whose ratings are all tallied: by today's tally run, which writes the
    tables of today's schema, then taken down to 0015 (whose tallies are those of 0016)."""
    with database_at(tmp_path, request.param, "head"):
        _rate(random.Random(16), 120)
        tally_responses()
        db.session.remove()
        downgrade(revision=BEFORE)
        yield


def _tally_at_head() -> None:
    """A tally run after the upgrade: today's run, on today's schema."""
    db.session.remove()
    upgrade()
    tally_responses()


def test_upgrade_drops_the_keys_and_keeps_every_tally(tallied_database):
    before = _tallies()
    assert all(_foreign_keys(table) for table in TALLIES)
    db.session.remove()  # the migration's DDL waits for open reads
    upgrade(revision=AFTER)
    assert {table: _foreign_keys(table) for table in TALLIES} == dict.fromkeys(TALLIES, set())
    assert _tallies() == before
    _rate(random.Random(17), 30)
    _tally_at_head()
    assert _responses_tallied() == 150


def test_downgrade_gives_the_keys_back_and_keeps_every_tally(tallied_database):
    db.session.remove()
    upgrade(revision=AFTER)
    _rate(random.Random(18), 30)
    _tally_at_head()
    after = _tallies()
    db.session.remove()
    downgrade(revision=BEFORE)
    for table in TALLIES:
        expected = {(column, REFERRED[column]) for column in _columns(table) if column in REFERRED}
        assert _foreign_keys(table) == expected
    assert _tallies() == after
    assert _responses_tallied() == 150


def _rate(draw: random.Random, count: int) -> None:
    rate_every_kind(make_unit(code=f"XA-{draw.randint(0, 10**6)}"), count, MONTHS, draw)
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
