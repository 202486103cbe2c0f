"""0017: a partial index of the responses with a comment. Upgrade and downgrade keep every
response, on both databases; the index is of the commented responses alone, and a month's
comments (listed, latest, themes) read the same before and after."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from analytics.comments import list_comments, list_recent_comments
from analytics.indices import ResponseFilter
from analytics.themes import count_period_themes
from survey_app.core.extensions import db
from survey_app.models import SurveyResponse
from survey_app.months import Month
from tests.helpers.builders import make_response, make_unit
from tests.helpers.migrations import BACKENDS, database_at

BEFORE, AFTER = "0016_tally_keys", "0017_commented_index"
INDEX = "ix_survey_responses_commented"
MARCH = Month(2026, 3)
COMMENTS = ["Cán bộ tận tình, hướng dẫn rõ ràng", "", "Phải chờ lâu, gọi 0912 345 678", "", "  "]


@pytest.fixture(params=BACKENDS)
def rated_database(request, tmp_path):
    """A database at 0016 with a month of ratings, some with a comment."""
    with database_at(tmp_path, request.param, BEFORE):
        unit = make_unit(code="XA-CMT")
        for day, comment in enumerate(COMMENTS * 4, start=1):
            at = datetime(2026, 3, day, 3, tzinfo=UTC)
            make_response(unit=unit, comment=comment, submitted_at=at)
        db.session.commit()
        yield unit.id


def test_upgrade_adds_the_index_and_the_comments_read_the_same(rated_database):
    before = _month_comments(rated_database)
    db.session.remove()  # CREATE INDEX CONCURRENTLY waits for open transactions
    upgrade(revision=AFTER)
    assert INDEX in _indexes()
    assert _month_comments(rated_database) == before
    assert len(before["all"]) == 8  # a comment of spaces is in the index, never listed
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)) == 20


def test_downgrade_drops_the_index_and_keeps_every_response(rated_database):
    db.session.remove()
    upgrade(revision=AFTER)
    db.session.remove()
    downgrade(revision=BEFORE)
    assert INDEX not in _indexes()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)) == 20


def test_the_index_holds_only_the_commented_responses(rated_database):
    db.session.remove()
    upgrade(revision=AFTER)
    # Read through the index alone (SQLite: INDEXED BY fails if it cannot be used).
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("SET enable_seqscan = off"))
        counted = "SELECT count(*) FROM survey_responses WHERE comment <> '' AND unit_id > 0"
        plan = db.session.scalars(sa.text(f"EXPLAIN {counted}")).all()
        assert any(INDEX in line for line in plan)
    else:
        counted = f"SELECT count(*) FROM survey_responses INDEXED BY {INDEX} WHERE comment <> ''"
    assert db.session.scalar(sa.text(counted)) == 12
    db.session.rollback()


def _month_comments(unit_id: int) -> dict:
    response_filter = ResponseFilter(unit_ids=frozenset({unit_id}))
    found = {
        "all": list_comments(response_filter, MARCH),
        "recent": list_recent_comments(response_filter, MARCH, limit=5),
        "themes": count_period_themes(response_filter, [MARCH]),
    }
    db.session.rollback()
    return found


def _indexes() -> set[str]:
    names = {index["name"] for index in sa.inspect(db.engine).get_indexes("survey_responses")}
    db.session.rollback()
    return names
