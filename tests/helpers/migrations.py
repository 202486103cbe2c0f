"""A throw-away database for a migration's test: made on either backend, migrated to the
revision before the one under test, used inside its app's context."""

import random
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from flask_migrate import downgrade, upgrade

from survey_app.core.extensions import db
from survey_app.models import OVERALL_ITEM, Channel, Unit
from survey_app.months import Month
from survey_app.queries.instruments import get_current_instrument
from survey_app.services.tallies import tally_responses
from tests.helpers.app import make_test_app
from tests.helpers.builders import make_counter, make_officer, make_response, make_unit
from tests.helpers.databases import fresh_database

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
INSTRUMENTS = ("sipas-2017", "sipas-2023", "kiosk-5")


@contextmanager
def database_at(tmp_dir, backend: str, revision: str):
    """Inside the app's context of a new database at `revision`; disposed of afterwards."""
    with fresh_database(tmp_dir, backend) as url:
        app = make_test_app(url)
        with app.app_context():
            upgrade(revision=revision)
            yield app
            db.session.remove()
            db.engine.dispose()


@contextmanager
def tallied_unit_at(tmp_dir, backend: str, revision: str, code: str, seed: int, months):
    """A new database at `revision` holding 90 ratings of every kind (rate_every_kind) of a
    unit `code`, all tallied by today's run: the unit's id, inside the app's context."""
    with database_at(tmp_dir, backend, revision):
        unit = make_unit(code=code)
        rate_every_kind(unit, 90, months, random.Random(seed))
        db.session.commit()
        unit_id = unit.id
        tally_responses()
        db.session.remove()
        yield unit_id


def rate_every_kind(unit: Unit, count: int, months: Sequence[Month], draw: random.Random) -> None:
    """`count` ratings of the unit in `months`: of each instrument and channel, with and without
    officer and counter, at levels 1–5 and unanswered items (but the overall rating)."""
    officers = [None, make_officer(unit=unit), make_officer(unit=unit)]
    counters = [None, make_counter(unit=unit), make_counter(unit=unit)]
    for _number in range(count):
        month, instrument = draw.choice(months), draw.choice(INSTRUMENTS)
        items = get_current_instrument(instrument).items
        answers = {item.code: draw.choice([None, 1, 2, 3, 4, 5]) for item in items}
        make_response(
            unit=unit,
            officer=draw.choice(officers),
            counter=draw.choice(counters),
            channel=draw.choice(list(Channel)),
            instrument_code=instrument,
            answers=answers | {OVERALL_ITEM: draw.randint(1, 5)},
            submitted_at=datetime(month.year, month.month, draw.randint(2, 27), 3, tzinfo=UTC),
        )


def read_then_taken_down(unit_id: int, read: Callable[[int], object], revision: str) -> tuple:
    """`read(unit_id)` at the head revision, then the database taken down to `revision`: the
    unit's id and what was read. Today's code reads and counts at the head only, so a test of
    an older migration reads its figures there, before going down and after coming back up."""
    found = read(unit_id)
    db.session.remove()
    downgrade(revision=revision)
    return unit_id, found
