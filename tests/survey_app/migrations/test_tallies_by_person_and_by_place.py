"""0015: the tallies keyed by officer × counter × channel become tallies by person and by place.
On a database at 0014 holding tallied ratings of every instrument and channel, with and without
officer and counter, over several months: each new table is the old one summed over what its
key leaves out, and equals what a tally run of the new code counts from the responses; the
downgrade gives back the old tables, empty, and the figures still count every rating."""

import random
from collections import Counter

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from analytics.breakdowns import month_cube
from analytics.indices import ResponseFilter, figures_by_month
from survey_app.core.extensions import db
from survey_app.models import SurveyResponse, Unit, UntalliedResponse
from survey_app.months import Month, survey_zone
from survey_app.services.tallies import tally_responses
from tests.helpers.builders import make_unit
from tests.helpers.migrations import BACKENDS, database_at, rate_every_kind

BEFORE, AFTER = "0014_level_columns", "0015_tally_grains"
MONTHS = (Month(2026, 1), Month(2026, 2), Month(2026, 3))
RESPONSES = 240
LEVELS = ", ".join(f"answers_{value}" for value in range(1, 6))
# The key below the unit of each grain (then what the table counts, then the counts).
GRAINS = {"person": "officer_id", "place": "counter_id, channel"}
KINDS = {
    "response": ("", "responses, flagged"),
    "answer": ("item_id", LEVELS),
    "factor": ("instrument_id, factor", "responses"),
}
CROSSED = "officer_id, counter_id, channel"


@pytest.fixture(params=BACKENDS)
def old_database(request, tmp_path):
    """A database at 0014 whose ratings are all tallied by the old key."""
    with database_at(tmp_path, request.param, BEFORE):
        _rate_and_tally()
        yield


def test_each_grain_is_the_old_tally_summed_over_what_it_leaves_out(old_database):
    old = {kind: _rows(f"{kind}_tallies", CROSSED, kind) for kind in KINDS}
    db.session.rollback()  # the migration's DDL waits for open reads
    upgrade(revision=AFTER)
    for grain, below_unit in GRAINS.items():
        kept = [CROSSED.split(", ").index(name) + 2 for name in below_unit.split(", ")]
        for kind in KINDS:
            expected = Counter()
            for key, counts in old[kind].items():
                grain_key = (*key[:2], *(key[n] for n in kept), *key[5:])
                expected[grain_key] = _added(expected.get(grain_key), counts)
            assert _rows(f"{grain}_{kind}_tallies", below_unit, kind) == dict(expected)


def test_the_converted_tallies_are_what_a_new_run_counts(old_database):
    upgrade(revision=AFTER)
    converted = _new_rows()
    tallied = _figures()
    db.session.rollback()
    db.session.execute(sa.text("UPDATE tally_state SET zone = 'UTC'"))  # not read: counted raw
    db.session.commit()
    assert _figures() == tallied
    db.session.remove()
    upgrade()  # today's tally run writes the tables of today's schema
    tally_responses()  # in the survey's zone again: every response counted anew
    assert _new_rows() == converted


def test_downgrade_gives_back_the_old_tables_empty_and_counts_again(old_database):
    upgrade(revision=AFTER)
    tallied = _figures()
    db.session.rollback()
    downgrade(revision=BEFORE)
    tables = sa.inspect(db.engine).get_table_names()
    assert {f"{kind}_tallies" for kind in KINDS} <= set(tables)
    assert not any(name.startswith(("person_", "place_")) for name in tables)
    for kind in KINDS:
        assert db.session.scalar(sa.text(f"SELECT count(*) FROM {kind}_tallies")) == 0
    assert db.session.scalar(sa.text("SELECT zone FROM tally_state")) == ""
    db.session.rollback()
    upgrade()
    assert _figures() == tallied  # no tallies: counted from the responses


def _rate_and_tally() -> None:
    """Ratings of each instrument and channel, with and without officer and counter, and
    their tallies by the old key as 0014's tally run made them."""
    unit = make_unit(code="XA-A")
    rate_every_kind(unit, RESPONSES, MONTHS, random.Random(15))
    _tally_by_the_old_key()


def _tally_by_the_old_key() -> None:
    responses, answers, factors = Counter(), Counter(), Counter()
    for response in db.session.scalars(sa.select(SurveyResponse)):
        month = str(Month.containing(response.submitted_at, survey_zone()))
        key = (month, response.unit_id, response.officer_id or 0, response.counter_id or 0)
        key = (*key, response.channel.value)
        responses[key] = _added(responses.get(key), (1, int(response.flagged)))
        items = {item.code: item for item in response.instrument.items}
        answered = [(items[code], value) for code, value in response.answer_values().items()]
        for item, value in answered:
            levels = tuple(int(level == value) for level in range(1, 6))
            answers[(*key, item.id)] = _added(answers.get((*key, item.id)), levels)
        for factor in {item.factor for item, _value in answered} - {None}:
            factors[(*key, response.instrument_id, factor.value)] += 1
    _insert("response", responses)
    _insert("answer", answers)
    _insert("factor", {key: (n,) for key, n in factors.items()})
    db.session.execute(sa.delete(UntalliedResponse))
    db.session.execute(sa.text("UPDATE tally_state SET zone = :zone"), {"zone": survey_zone().key})
    db.session.commit()


def _insert(kind: str, rows: dict[tuple, tuple]) -> None:
    of, counts = KINDS[kind]
    names = ["month", "unit_id", *CROSSED.split(", "), *of.split(", "), *counts.split(", ")]
    names = [name for name in names if name]
    values = ", ".join(f":v{n}" for n in range(len(names)))
    db.session.execute(
        sa.text(f"INSERT INTO {kind}_tallies ({', '.join(names)}) VALUES ({values})"),
        [{f"v{n}": v for n, v in enumerate((*key, *found))} for key, found in rows.items()],
    )


def _rows(table: str, below_unit: str, kind: str) -> dict[tuple, tuple]:
    of, counts = KINDS[kind]
    key = ", ".join(name for name in ("month, unit_id", below_unit, of) if name)
    width = len(key.split(", "))
    found = db.session.execute(sa.text(f"SELECT {key}, {counts} FROM {table}"))
    return {tuple(row[:width]): tuple(row[width:]) for row in found}


def _new_rows() -> dict[str, dict]:
    return {
        f"{grain}_{kind}": _rows(f"{grain}_{kind}_tallies", below_unit, kind)
        for grain, below_unit in GRAINS.items()
        for kind in KINDS
    }


def _figures() -> tuple:
    """The unit's figures by month, and its months by officer, counter and channel."""
    unit = db.session.scalar(sa.select(Unit).where(Unit.code == "XA-A"))
    unit_id = unit.id
    by_month = figures_by_month(ResponseFilter(unit_ids=frozenset({unit_id})), MONTHS)
    cubes = [month_cube(unit, month) for month in MONTHS]
    parts = [cube.by(name) for cube in cubes for name in ("officer", "counter", "channel")]
    return by_month, parts


def _added(counts: tuple | None, more: tuple) -> tuple:
    return more if counts is None else tuple(a + b for a, b in zip(counts, more, strict=True))
