"""Column types and SQL functions the models share, on the database under test."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.models.types import UTCDateTime, epoch_microseconds


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 12, 7, 10, 0, 0, 123456, tzinfo=UTC),
        datetime(2026, 12, 7, 10, 0, 0, tzinfo=UTC),  # no fraction of a second
        datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    ],
)
def test_epoch_microseconds_counts_a_time_exactly(app, moment):
    at = sa.bindparam("at", type_=UTCDateTime())
    counted = db.session.scalar(sa.select(epoch_microseconds(at)), {"at": moment})
    assert counted == round(moment.timestamp() * 1_000_000)


def test_epoch_microseconds_is_one_value_inside_arithmetic(app):
    """a − f(b): the function's own sum (SQLite) must not spill into the subtraction."""
    later = datetime(2026, 12, 7, 10, 0, 38, 500000, tzinfo=UTC)
    earlier = later - timedelta(seconds=38, microseconds=250000)
    a, b = (sa.bindparam(name, type_=UTCDateTime()) for name in ("a", "b"))
    between = sa.select(epoch_microseconds(a) - epoch_microseconds(b))
    assert db.session.scalar(between, {"a": later, "b": earlier}) == 38_250_000
