"""The counts a QR rating's hold rules compare, read in one query, and the same-answers rule
counted by the database."""

from dataclasses import replace
from datetime import timedelta

from survey_app.models import Channel, HoldReason, SurveyResponse, utcnow
from survey_app.queries.code_cache import get_live_rules
from survey_app.queries.units import get_unit_instrument
from survey_app.services.responses import target_counts
from survey_app.services.responses.holding_rules import RatingSource, qr_hold_reason, rules_of
from survey_app.services.responses.submit import Submission, build_response
from survey_app.services.responses.target_counts import TargetCounts, count_target
from tests.helpers.builders import full_answers, make_officer, make_response


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


def test_only_the_very_same_answers_make_a_pattern(app):
    officer = make_officer()
    for number in range(2):
        rate(officer, 1 + number, f"phone-{number}", f"address-{number}", value=1)
    rules = replace(get_live_rules(officer.unit_id, rules_of), pattern_limit=2)
    source = RatingSource("phone-new", "address-new")

    fewer = new_rating(officer, value=1, TC1=None)  # the same levels, one item unanswered
    other = new_rating(officer, value=1, TC1=2)
    same = new_rating(officer, value=1)

    assert qr_hold_reason(fewer, source, rules) is None
    assert qr_hold_reason(other, source, rules) is None
    assert qr_hold_reason(same, source, rules) is HoldReason.SAME_ANSWERS
