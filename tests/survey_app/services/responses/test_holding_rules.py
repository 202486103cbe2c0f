"""The hold rules read the unit's thresholds as stored: on PostgreSQL in the statement that
takes the target's lock, so no process's kept copy can let a flood through after a manager
tightened them."""

import pytest
import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.models import HoldReason, RatingRules
from survey_app.queries.code_cache import get_live_rules
from survey_app.services.responses.holding_rules import RatingSource, rules_of
from tests.helpers.builders import full_answers, make_officer, make_response


@pytest.fixture
def officer(tree):
    return make_officer(unit=tree[1], code="CB-HOA", full_name="Lê Thị Hoa")


def rate_from(officer, phone: str, address: str = "mot-dia-chi", value: int = 5):
    source = RatingSource(phone_hash=phone, address_hash=address)
    return make_response(officer=officer, answers=full_answers(value=value), source=source)


def test_a_unit_without_rules_of_its_own_meets_the_defaults(app, officer):
    assert db.session.get(RatingRules, officer.unit_id) is None
    first, again = rate_from(officer, "may-1"), rate_from(officer, "may-1")
    assert (first.held, again.hold_reason) == (False, HoldReason.PHONE_REPEAT)
    # Five phones at one address count (ADDRESS_LIMIT); the sixth is a burst.
    crowd = [rate_from(officer, f"may-{n}", "dia-chi-2", 1 + n % 5) for n in range(2, 8)]
    assert [r.hold_reason for r in crowd] == [None] * 5 + [HoldReason.ADDRESS_BURST]


def test_rules_stored_by_another_process_apply_to_the_next_rating(app, officer):
    """This process keeps the defaults it read; another one (a manager's request served by
    another worker) stores an address limit of 1. The next rating meets the stored limit."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite reads the rules kept for a few seconds (development only)")
    kept = get_live_rules(officer.unit_id, rules_of)
    assert kept.address_limit == 5
    rate_from(officer, "may-1")
    with db.engine.begin() as other_process:
        other_process.execute(
            sa.insert(RatingRules).values(unit_id=officer.unit_id, address_limit=1)
        )
    assert rate_from(officer, "may-2").hold_reason == HoldReason.ADDRESS_BURST
    assert get_live_rules(officer.unit_id, rules_of).address_limit == 5  # the copy, untouched
