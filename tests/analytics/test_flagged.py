"""The month's flagged responses, streamed in batches."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from analytics.flagged import iter_flagged_responses, list_flagged_responses
from survey_app.core.extensions import db
from survey_app.months import Month
from tests.helpers.builders import full_answers, make_response, make_unit

pytestmark = pytest.mark.usefixtures("app")
MARCH = Month(2025, 3)


@pytest.fixture
def commune():
    unit = make_unit(code="XA")
    for day in (3, 4, 5):
        make_response(
            unit=unit,
            instrument_code="sipas-2023",
            answers=full_answers(value=2),
            submitted_at=datetime(2025, 3, day, 3, tzinfo=UTC),
        )
    make_response(unit=unit, submitted_at=datetime(2025, 3, 6, 3, tzinfo=UTC))  # not flagged
    db.session.commit()
    return unit


def test_the_newest_few_are_the_first_of_all(commune):
    every = list(iter_flagged_responses(commune, MARCH))
    assert len(every) == 3
    assert [found.submitted_at.day for found in every] == [5, 4, 3]
    assert list_flagged_responses(commune, MARCH, limit=2) == every[:2]


def test_the_batches_stay_with_the_flagged_statement(commune):
    """A dashboard lists the flagged responses and then reads on in the same request: those
    later reads must not inherit the batches (a server-side cursor on PostgreSQL)."""
    list(iter_flagged_responses(commune, MARCH))
    connection = db.session.connection()
    assert "yield_per" not in connection.get_execution_options()
    later = connection.execute(sa.select(sa.literal(1)))
    assert not later.context.execution_options.get("stream_results", False)
