"""0014: answer tallies of ratings of every instrument and channel over a year (more than one of
the migration's batches, each (key, item) spread over several of them) become a row per (key,
item) with a column per level; the figures read from them are those of the responses, and
the downgrade gives back the same rows."""

import random
from collections import Counter, defaultdict

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from analytics.indices import ResponseFilter, figures_by_month
from analytics.report.counts import count_period_levels
from survey_app.core.extensions import db
from survey_app.months import Month, survey_zone
from tests.helpers.migrations import BACKENDS, database_at

BEFORE, AFTER = "0013_levels", "0014_level_columns"
CHANNELS = ("qr", "kiosk", "web", "paper")
MONTHS = tuple(Month(2026, number) for number in range(1, 13))
RESPONSES = 4100
KEY = ("month", "unit_id", "officer_id", "counter_id", "channel", "item_id")


@pytest.fixture(params=BACKENDS)
def old_database(request, tmp_path):
    """A database at 0013 whose RESPONSES ratings (four instrument versions, four channels,
    twelve months) are all tallied, the answer tallies a row per level; returns those rows."""
    with database_at(tmp_path, request.param, BEFORE):
        yield _fill()


def test_upgrade_puts_the_levels_of_each_item_in_one_row(old_database):
    upgrade(revision=AFTER)
    assert _wide_rows() == _pivoted(old_database)


def test_the_figures_of_the_converted_tallies_are_those_of_the_responses(old_database):
    upgrade(revision=AFTER)
    assert _wide_rows()
    db.session.rollback()
    upgrade()  # today's code reads the tallies as 0015 sums the converted ones
    unit_filter = ResponseFilter(unit_ids=frozenset({_unit_id()}))
    unit_ids = [_unit_id()]
    tallied = figures_by_month(unit_filter, MONTHS), count_period_levels(unit_ids, MONTHS)
    # Tallies of another zone are not read: the figures are counted from the responses.
    db.session.execute(sa.text("UPDATE tally_state SET zone = 'UTC'"))
    db.session.commit()
    counted = figures_by_month(unit_filter, MONTHS), count_period_levels(unit_ids, MONTHS)
    assert tallied == counted


def test_downgrade_gives_back_the_same_rows(old_database):
    upgrade(revision=AFTER)
    downgrade(revision=BEFORE)
    assert _narrow_rows() == old_database
    db.session.rollback()  # PostgreSQL: the upgrade's DDL waits for open reads
    upgrade(revision=AFTER)
    assert _wide_rows() == _pivoted(old_database)


def _unit_id() -> int:
    return db.session.scalar(sa.text("SELECT id FROM units"))


def _fill() -> dict[tuple, int]:
    """The responses, and their tallies as the tally run of 0013 made them."""
    db.session.execute(
        sa.text(
            "INSERT INTO units (code, name, instrument_code, active, created_at) "
            "VALUES ('XA-A', 'UBND xã A', 'sipas-2023', true, '2025-11-01 00:00:00')"
        )
    )
    unit_id = _unit_id()
    items = defaultdict(list)  # instrument id → (item id, factor) in position order
    for item_id, instrument_id, factor in db.session.execute(
        sa.text("SELECT id, instrument_id, factor FROM items ORDER BY instrument_id, position")
    ):
        items[instrument_id].append((item_id, factor))
    instruments = sorted(items)
    assert len(instruments) == 4  # sipas-2017, sipas-2023 v1 and v2, kiosk-5
    rows, answers, responses, factors = [], Counter(), Counter(), Counter()
    draw = random.Random(14)
    for number in range(1, RESPONSES + 1):
        instrument_id, month = draw.choice(instruments), draw.choice(MONTHS)
        channel = draw.choice(CHANNELS)
        # Levels 1–5, and unanswered items (0) but CHUNG, the last item.
        levels = [draw.randint(0, 5) for _item in items[instrument_id]]
        levels[-1] = levels[-1] or 5
        key = (str(month), unit_id, 0, 0, channel)
        flagged = any(0 < value <= 3 for value in levels)
        responses[key] += 1
        responses[(*key, "flagged")] += flagged
        answered = {}
        for (item_id, factor), value in zip(items[instrument_id], levels, strict=True):
            if value:
                answers[(*key, item_id, value)] += 1
                answered[factor] = True
        for factor in answered.keys() - {None}:
            factors[(*key, instrument_id, factor)] += 1
        rows.append(
            {
                "id": number,
                "ref": f"ref-{number:05d}",
                "unit": unit_id,
                "instrument": instrument_id,
                "channel": channel,
                "at": f"{month.year}-{month.month:02d}-11 07:00:00",
                "flagged": flagged,
                "levels": "".join(map(str, levels)),
            }
        )
    db.session.execute(
        sa.text(
            "INSERT INTO survey_responses (id, client_ref, unit_id, instrument_id, channel, "
            "submitted_at, received_at, comment, flagged, is_spam, levels) "
            "VALUES (:id, :ref, :unit, :instrument, :channel, :at, :at, '', :flagged, false, "
            ":levels)"
        ),
        rows,
    )
    key = "month, unit_id, officer_id, counter_id, channel"
    db.session.execute(
        sa.text(
            f"INSERT INTO response_tallies ({key}, responses, flagged) "
            "VALUES (:m, :u, :o, :c, :ch, :n, :f)"
        ),
        [
            {
                "m": m,
                "u": u,
                "o": o,
                "c": c,
                "ch": ch,
                "n": n,
                "f": responses[(m, u, o, c, ch, "flagged")],
            }
            for (m, u, o, c, ch, *flag), n in responses.items()
            if not flag
        ],
    )
    db.session.execute(
        sa.text(
            f"INSERT INTO factor_tallies ({key}, instrument_id, factor, responses) "
            "VALUES (:m, :u, :o, :c, :ch, :i, :f, :n)"
        ),
        [
            dict(zip(("m", "u", "o", "c", "ch", "i", "f"), found, strict=True)) | {"n": n}
            for found, n in factors.items()
        ],
    )
    # By level first: each (key, item) is spread over the migration's batches.
    ordered = sorted(answers.items(), key=lambda pair: (pair[0][-1], pair[0]))
    db.session.execute(
        sa.text(
            f"INSERT INTO answer_tallies ({key}, item_id, value, answers) "
            "VALUES (:m, :u, :o, :c, :ch, :i, :v, :n)"
        ),
        [
            dict(zip(("m", "u", "o", "c", "ch", "i", "v"), found, strict=True)) | {"n": n}
            for found, n in ordered
        ],
    )
    db.session.execute(sa.text("UPDATE tally_state SET zone = :zone"), {"zone": survey_zone().key})
    db.session.commit()
    assert len(answers) > 10_000  # more than two batches of the migration (5,000 rows)
    return dict(answers)


def _pivoted(narrow: dict[tuple, int]) -> dict[tuple, tuple[int, ...]]:
    wide: dict[tuple, list[int]] = defaultdict(lambda: [0] * 5)
    for (*key, value), answers in narrow.items():
        wide[tuple(key)][value - 1] += answers
    return {key: tuple(levels) for key, levels in wide.items()}


def _wide_rows() -> dict[tuple, tuple[int, ...]]:
    levels = ", ".join(f"answers_{value}" for value in range(1, 6))
    query = sa.text(f"SELECT {', '.join(KEY)}, {levels} FROM answer_tallies")
    return {tuple(row[:6]): tuple(row[6:]) for row in db.session.execute(query)}


def _narrow_rows() -> dict[tuple, int]:
    query = sa.text(f"SELECT {', '.join(KEY)}, value, answers FROM answer_tallies")
    return {tuple(row[:7]): row[7] for row in db.session.execute(query)}
