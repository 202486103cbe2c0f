"""The counts a QR rating's hold rules compare, read in one pass, and the decision its insert
makes from them (holding_rules.qr_held): the rules in their order, in SQL on both databases."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.models import Channel, HoldReason, SurveyResponse, utcnow
from survey_app.queries.units import get_unit_instrument
from survey_app.services.responses import target_counts
from survey_app.services.responses.holding_rules import (
    NORMAL_FACTOR,
    WORKING_MINUTES,
    RatingSource,
    rules_of,
)
from survey_app.services.responses.inserts import insert_responses
from survey_app.services.responses.submit import Submission, build_response
from survey_app.services.responses.target_counts import TargetCounts, count_target
from tests.helpers.builders import full_answers, make_officer, make_response
from tests.helpers.statements import recorded_statements


def rate(officer, minutes_ago: float, phone: str, address: str, **answers):
    return make_response(
        officer=officer,
        submitted_at=utcnow() - timedelta(minutes=minutes_ago),
        source=RatingSource(phone, address),
        answers=full_answers(**answers),
    )


def new_rating(officer, **answers) -> SurveyResponse:
    submission = Submission(
        client_ref="new",
        unit=officer.unit,
        officer=officer,
        instrument=get_unit_instrument(officer.unit),
        channel=Channel.QR,
        answers=full_answers(**answers),
        submitted_at=utcnow(),
    )
    return build_response(submission)


def test_the_four_counts_of_a_target(app):
    officer = make_officer()
    rate(officer, 5, "phone-1", "address-1")  # within the repeat and the burst windows
    rate(officer, 20, "phone-2", "address-1")  # within the repeat window only
    rate(officer, 3 * 24 * 60, "phone-1", "address-2")  # three days ago: usual only
    rate(officer, 40 * 24 * 60, "phone-1", "address-1")  # older than four weeks
    rate(make_officer(unit=officer.unit), 1, "phone-1", "address-1")  # another target

    counts = count_target(
        new_rating(officer),
        rules_of(officer.unit_id),
        phone_hash="phone-1",
        address_hash="address-1",
    )

    # The rating five minutes ago gave the same (full) answers: the one same-answers match.
    assert counts == TargetCounts(
        phone_repeats=1, from_address=1, in_window=1, usual=3, same_answers=1
    )


def test_same_answers_are_counted_in_the_burst_window_up_to_the_ratings_own_time(app):
    officer = make_officer()
    rate(officer, 1, "phone-1", "address-1", value=1)  # counted
    rate(officer, 2, "phone-2", "address-2", value=1)  # counted
    rate(officer, 3, "phone-3", "address-3", value=2)  # other answers
    rate(officer, 30, "phone-4", "address-4", value=1)  # before the burst window
    rate(officer, -0.5, "phone-5", "address-5", value=1)  # after the rating's own time
    rate(make_officer(unit=officer.unit), 1, "phone-6", "address-6", value=1)  # another target

    counts = count_target(
        new_rating(officer, value=1),
        rules_of(officer.unit_id),
        phone_hash="phone-new",
        address_hash="address-new",
    )

    assert counts.same_answers == 2
    assert counts.in_window == 4  # the later rating counts in the burst (a racing request)


def test_same_answers_compare_only_the_latest_ratings_of_the_target(app, monkeypatch):
    officer = make_officer()
    rate(officer, 3, "phone-1", "address-1", value=1)  # same answers, but not among the latest
    rate(officer, 2, "phone-2", "address-2", value=2)
    rate(officer, 1, "phone-3", "address-3", value=3)
    monkeypatch.setattr(target_counts, "PATTERNS_COMPARED", 2)
    target_counts._statement.cache_clear()
    try:
        counts = count_target(
            new_rating(officer, value=1),
            rules_of(officer.unit_id),
            phone_hash="phone-new",
            address_hash="address-new",
        )
    finally:
        target_counts._statement.cache_clear()  # the next test builds it with 50 again

    assert counts.same_answers == 0


def store_rules(unit_id: int, **limits) -> None:
    rules = rules_of(unit_id)
    for name, value in limits.items():
        setattr(rules, name, value)
    db.session.add(rules)
    db.session.commit()


def test_only_the_very_same_answers_make_a_pattern(app):
    officer = make_officer()
    store_rules(officer.unit_id, pattern_limit=2)
    for number in range(2):
        rate(officer, 1 + number, f"phone-{number}", f"address-{number}", value=1)

    fewer = rate(officer, 0, "phone-a", "address-a", value=1, TC1=None)  # one item unanswered
    other = rate(officer, 0, "phone-b", "address-b", value=1, TC1=2)
    same = rate(officer, 0, "phone-c", "address-c", value=1)

    assert (fewer.hold_reason, other.hold_reason) == (None, None)
    assert (same.held, same.hold_reason) == (True, HoldReason.SAME_ANSWERS)


def test_the_first_rule_that_matches_names_the_reason(app):
    """A phone repeating itself from an address over its limit, with the same answers, is a
    phone repeat; without the phone, an address burst; a phone the form never set, no phone."""
    officer = make_officer()
    store_rules(officer.unit_id, address_limit=1, pattern_limit=1)
    rate(officer, 1, "phone-1", "address-1", value=1)

    assert rate(officer, 0, "phone-1", "address-1", value=1).hold_reason == HoldReason.PHONE_REPEAT
    assert rate(officer, 0, "phone-2", "address-1", value=1).hold_reason == HoldReason.ADDRESS_BURST
    assert rate(officer, 0, "phone-3", "address-3", value=1).hold_reason == HoldReason.SAME_ANSWERS
    assert rate(officer, 0, None, "address-4", value=2).hold_reason == HoldReason.NO_PHONE


@pytest.mark.parametrize(("in_window", "held"), [(2, False), (3, True)])
def test_a_busy_target_may_take_its_usual_rate_five_times_over(app, in_window, held):
    """The limit is the unit's (2) or NORMAL_FACTOR times the target's usual rate per burst
    window when higher: 400 counted ratings in four weeks make 400 × 10 / 9,600 = 0.42 a
    window, × 5 = 2.08, so the third rating in the window is the burst, not the second."""
    officer = make_officer()
    store_rules(officer.unit_id, target_limit=2, burst_minutes=10, address_limit=100)
    earlier = [past_rating(officer, days=1 + n % 20, number=n) for n in range(400 - in_window)]
    insert_responses(earlier)
    db.session.commit()
    assert pytest.approx(2.083, abs=0.001) == NORMAL_FACTOR * 400 * 10 / WORKING_MINUTES
    for number in range(in_window):
        rate(officer, 1 + number, f"phone-{number}", f"address-{number}", value=1 + number)

    new = rate(officer, 0, "phone-new", "address-new", value=4)

    assert new.hold_reason == (HoldReason.TARGET_BURST if held else None)


def past_rating(officer, *, days: int, number: int) -> SurveyResponse:
    """A counted QR rating of the officer `days` ago, written in bulk."""
    response = new_rating(officer, value=1 + number % 5)
    response.client_ref = f"past-{number}"
    response.submitted_at = utcnow() - timedelta(days=days, minutes=number)
    response.phone_hash, response.address_hash = f"old-{number}", f"old-{number}"
    return response


def test_a_rating_is_counted_and_decided_by_its_insert(app):
    """On PostgreSQL, the lock with the unit's rules and then the insert: no counts statement
    of its own."""
    officer = make_officer()
    rate(officer, 5, "phone-1", "address-1")
    with recorded_statements() as sent:
        repeat = rate(officer, 0, "phone-1", "address-2")
    assert repeat.hold_reason == HoldReason.PHONE_REPEAT
    if db.engine.dialect.name == "postgresql":
        # Right after the lock, the insert that counts (then make_response reads it back).
        after_lock = sent[_index_of_lock(sent) + 1]
        assert after_lock.startswith("WITH qr_hold AS (SELECT CASE WHEN")
        assert "INSERT INTO survey_responses" in after_lock


def _index_of_lock(sent: list[str]) -> int:
    [index] = [n for n, statement in enumerate(sent) if "pg_advisory_xact_lock" in statement]
    return index


def test_the_insert_of_a_target_is_planned_once_not_at_each_rating(app):
    """Once psycopg has prepared the insert (from its sixth run) and PostgreSQL has planned it
    for five ratings' values, it keeps one generic plan for the target's shape: a rating is not
    planned again (bench/generic_plans.py shows the plan reads the officer's index)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite prepares no statements")
    officer = make_officer()
    db.engine.dispose()  # one connection, made anew: prepared statements are a connection's
    # Five runs before psycopg prepares it, five custom plans before PostgreSQL weighs a
    # generic one.
    for number in range(12):
        rate(officer, 0, f"phone-{number}", f"address-{number}")
    plans = db.session.execute(
        sa.text(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE 'WITH qr_hold AS%'"
        )
    ).all()
    assert plans and all(generic > 0 for generic, _ in plans), plans
