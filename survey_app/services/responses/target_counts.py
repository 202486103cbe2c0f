"""What the hold rules of a QR rating count (holding_rules.qr_hold_reason), read in one query.

The rules compare four counts of the recent QR ratings of the rating's target (its unit, counter
and officer): this phone's within the repeat window, this address's and the counted ones within
the burst window, and the counted ones of the last NORMAL_DAYS (the target's usual rate), and
the same-answers rule's count (how many of the target's latest counted ratings in the burst
window gave exactly these answers). One statement, one round trip: a subquery per count, each
reading an index of its own (a phone's, an address's, the target's counted QR ratings), so a
burst of held ratings or the tablets' ratings at the same counter are never read. One filtered
pass over the target's four weeks read them all: thousands of rows per rating in a burst.
The statement is built once per shape (a target without counter or officer compares with NULL).
"""

from dataclasses import dataclass
from datetime import timedelta
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from survey_app.core.extensions import db
from survey_app.models import Channel, RatingRules, SurveyResponse
from survey_app.models.response import counted
from survey_app.queries.code_cache import RulesCopy

# The target's usual ratings: the last four weeks.
NORMAL_DAYS = 28
# The same-answers rule compares a new rating with this many latest ratings of its target.
PATTERNS_COMPARED = 50
# Longer than any request takes between stamping its rating's time and taking the target's lock
# (gunicorn ends a request after 30 s).
RACING_REQUESTS = timedelta(minutes=1)


@dataclass(frozen=True)
class TargetCounts:
    phone_repeats: int  # from this phone, within the repeat window
    from_address: int  # from this address, within the burst window
    in_window: int  # counted, within the burst window
    usual: int  # counted, within the last NORMAL_DAYS
    # Of the latest PATTERNS_COMPARED counted ones within the burst window (up to the rating's
    # own time), those with the very same questionnaire and answers.
    same_answers: int = 0


def count_target(
    response: SurveyResponse,
    rules: RatingRules | RulesCopy,
    *,
    phone_hash: str,
    address_hash: str,
) -> TargetCounts:
    """The four counts, over the QR ratings of the response's target from each window's start
    to a little after the response's own time: a rating that took the target's lock first and
    committed may carry a later time than this one (its request began later), and must count."""
    now = response.submitted_at
    windows = {
        "repeat_since": now - timedelta(minutes=rules.repeat_minutes),
        "burst_since": now - timedelta(minutes=rules.burst_minutes),
        "usual_since": now - timedelta(days=NORMAL_DAYS),
    }
    params = windows | {
        "until": now + RACING_REQUESTS,
        "unit_id": response.unit_id,
        "officer_id": response.officer_id,
        "counter_id": response.counter_id,
        "phone_hash": phone_hash,
        "address_hash": address_hash,
        "at": now,
        "instrument_id": response.instrument_id,
        "levels": response.levels,
    }
    statement = _statement(response.officer_id is None, response.counter_id is None)
    row = db.session.connection().execute(statement, params).one()
    return TargetCounts(*(count or 0 for count in row))


@cache
def _statement(no_officer: bool, no_counter: bool) -> sa.Select:
    """Each count a subquery of its own, so that each reads its own index (models/response.py):
    the phone's ratings, the address's, and the target's counted QR ratings. One pass over the
    target's ratings of four weeks read every held one of a burst and every kiosk rating."""
    rows = aliased(SurveyResponse)
    at = rows.submitted_at
    target = _target(rows, no_officer, no_counter)

    # Compared with the column, each parameter takes its type (UTC times).
    def count(since: str, *conditions) -> sa.ScalarSelect:
        return (
            sa.select(sa.func.count())
            .where(*target, at >= sa.bindparam(since), at <= sa.bindparam("until"), *conditions)
            .correlate(None)
            .scalar_subquery()
        )

    return sa.select(
        count("repeat_since", rows.phone_hash == sa.bindparam("phone_hash")),
        count("burst_since", rows.address_hash == sa.bindparam("address_hash")),
        count("burst_since", counted(rows)),
        count("usual_since", counted(rows)),
        _same_answers(no_officer, no_counter),
    )


def _same_answers(no_officer: bool, no_counter: bool) -> sa.ScalarSelect:
    """The latest counted ratings of the target in the burst window, up to the rating's own
    time, with the same answers: counted by the database, which returns one number."""
    rows = aliased(SurveyResponse)  # not the outer query's rows: never correlated
    # OFFSET 0 keeps the window's rows a query of their own, read through the target's index
    # and then sorted: asked in time order, PostgreSQL walked the unit's index back in time
    # instead, past every held rating of a burst (that index has the order, the target's
    # cannot with a NULL counter or officer).
    in_window = (
        sa.select(rows.instrument_id, rows.levels, rows.submitted_at)
        .where(
            *_target(rows, no_officer, no_counter),
            rows.submitted_at >= sa.bindparam("burst_since"),
            rows.submitted_at <= sa.bindparam("at"),
            counted(rows),
        )
        .offset(0)
        .subquery()
    )
    latest = (
        sa.select(in_window.c.instrument_id, in_window.c.levels)
        .order_by(in_window.c.submitted_at.desc())
        .limit(PATTERNS_COMPARED)
        .subquery()
    )
    same = sa.select(sa.func.count()).where(
        latest.c.instrument_id == sa.bindparam("instrument_id"),
        latest.c.levels == sa.bindparam("levels"),
    )
    return same.correlate(None).scalar_subquery()


def _target(rows, no_officer: bool, no_counter: bool) -> tuple[sa.ColumnElement[bool], ...]:
    """The QR ratings of the rating's target: its unit, officer and counter (NULL: none)."""
    return (
        rows.unit_id == sa.bindparam("unit_id"),
        _same(rows.officer_id, "officer_id", no_officer),
        _same(rows.counter_id, "counter_id", no_counter),
        # Written out, not a parameter: the planner then knows the target's partial index
        # (channel = 'qr') holds the rows, in a prepared statement's generic plan too.
        rows.channel == sa.literal_column(f"'{Channel.QR.value}'"),
    )


def _same(column, name: str, is_null: bool) -> sa.ColumnElement[bool]:
    return column.is_(None) if is_null else column == sa.bindparam(name)
