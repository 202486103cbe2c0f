"""0013: the answers of ratings of every instrument and channel move from the answers table into
survey_responses.levels (in more than one batch), the tallied flag becomes the tally run's queue,
and the downgrade gives back the same answers and flags."""

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from survey_app.core.extensions import db
from survey_app.models import SurveyResponse
from tests.helpers.migrations import BACKENDS, database_at

BEFORE, AFTER = "0012_hours", "0013_levels"
CHANNELS = ("qr", "kiosk", "web", "paper")
# More than two of the migration's batches (2,000 responses each).
RESPONSES = 4100


@pytest.fixture(params=BACKENDS)
def old_database(request, tmp_path):
    """A database at 0012 holding RESPONSES ratings over the four instrument versions and the
    four channels, with their answers; returns (answers, tallied) as stored."""
    with database_at(tmp_path, request.param, BEFORE):
        yield _fill()


def test_upgrade_moves_every_answer_into_levels_and_the_flag_into_the_queue(old_database):
    answers, tallied = old_database
    upgrade(revision=AFTER)
    levels = dict(db.session.execute(sa.text("SELECT id, levels FROM survey_responses")).all())
    assert levels == _expected_levels(answers)
    queued = db.session.scalars(sa.text("SELECT response_id FROM untallied_responses")).all()
    assert set(queued) == {response_id for response_id, done in tallied.items() if not done}
    assert not sa.inspect(db.engine).has_table("answers")


def test_the_models_read_the_converted_answers(old_database):
    answers, _tallied = old_database
    upgrade(revision=AFTER)
    for response_id in (1, 2, 3, 4, RESPONSES):
        response = db.session.get(SurveyResponse, response_id)
        codes = {item.id: item.code for item in response.instrument.items}
        stored = {codes[item_id]: value for item_id, value in answers[response_id].items()}
        assert response.answer_values() == stored


def test_downgrade_gives_back_the_same_answers_and_flags(old_database):
    answers, tallied = old_database
    upgrade(revision=AFTER)
    downgrade(revision=BEFORE)
    assert _stored_answers() == answers
    assert _stored_flags() == tallied
    db.session.rollback()  # PostgreSQL: the upgrade's ALTER TABLE waits for open reads
    upgrade()
    assert db.session.scalar(sa.text("SELECT count(*) FROM untallied_responses")) == sum(
        not done for done in tallied.values()
    )


def _fill() -> tuple[dict[int, dict[int, int]], dict[int, bool]]:
    db.session.execute(
        sa.text(
            "INSERT INTO units (code, name, instrument_code, active, created_at) "
            "VALUES ('XA-A', 'UBND xã A', 'sipas-2023', true, '2026-11-01 00:00:00')"
        )
    )
    unit_id = db.session.scalar(sa.text("SELECT id FROM units"))
    instruments = db.session.scalars(sa.text("SELECT id FROM instruments ORDER BY id")).all()
    assert len(instruments) == 4  # sipas-2017, sipas-2023 v1 and v2, kiosk-5
    items = {
        instrument_id: db.session.scalars(
            sa.text("SELECT id FROM items WHERE instrument_id = :i ORDER BY position"),
            {"i": instrument_id},
        ).all()
        for instrument_id in instruments
    }
    rows, answers, tallied = [], {}, {}
    for number in range(1, RESPONSES + 1):
        instrument_id = instruments[number % 4]
        rows.append(_response(number, unit_id, instrument_id))
        # Levels 1–5 and unanswered items in a pattern that changes with the response.
        answers[number] = {
            item_id: (number + position) % 6
            for position, item_id in enumerate(items[instrument_id])
            if (number + position) % 6
        }
        tallied[number] = number % 3 == 0
    db.session.execute(
        sa.text(
            "INSERT INTO survey_responses (id, client_ref, unit_id, instrument_id, channel, "
            "dossier_code, submitted_at, received_at, comment, flagged, is_spam, tallied) "
            "VALUES (:id, :ref, :unit, :instrument, :channel, :dossier, :at, :at, '', false, "
            "false, :tallied)"
        ),
        [row | {"tallied": tallied[row["id"]]} for row in rows],
    )
    db.session.execute(
        sa.text("INSERT INTO answers (response_id, item_id, value) VALUES (:r, :i, :v)"),
        [
            {"r": response_id, "i": item_id, "v": value}
            for response_id, given in answers.items()
            for item_id, value in given.items()
        ],
    )
    db.session.commit()
    return answers, tallied


def _response(number: int, unit_id: int, instrument_id: int) -> dict:
    return {
        "id": number,
        "ref": f"ref-{number:05d}",
        "unit": unit_id,
        "instrument": instrument_id,
        "channel": CHANNELS[(number // 4) % 4],
        "dossier": f"HS-{number}" if number % 5 == 0 else None,
        "at": "2026-11-11 14:00:00",
    }


def _expected_levels(answers: dict[int, dict[int, int]]) -> dict[int, str]:
    positions = {}
    for item_id, instrument_id, position in db.session.execute(
        sa.text("SELECT id, instrument_id, position FROM items")
    ):
        positions.setdefault(instrument_id, {})[item_id] = position
    instrument_of = dict(
        db.session.execute(sa.text("SELECT id, instrument_id FROM survey_responses")).all()
    )
    expected = {}
    for response_id, given in answers.items():
        of_instrument = positions[instrument_of[response_id]]
        symbols = ["0"] * len(of_instrument)
        for item_id, value in given.items():
            symbols[of_instrument[item_id] - 1] = str(value)
        expected[response_id] = "".join(symbols)
    return expected


def _stored_answers() -> dict[int, dict[int, int]]:
    found: dict[int, dict[int, int]] = {}
    for response_id, item_id, value in db.session.execute(
        sa.text("SELECT response_id, item_id, value FROM answers")
    ):
        found.setdefault(response_id, {})[item_id] = value
    return found


def _stored_flags() -> dict[int, bool]:
    rows = db.session.execute(sa.text("SELECT id, tallied FROM survey_responses"))
    return {response_id: bool(done) for response_id, done in rows}
