"""What the hold rules of a QR rating count (holding_rules.qr_held).

The rules compare counts of the recent QR ratings of the rating's target (its unit, counter and
officer): this phone's within the repeat window, this address's and the counted ones within the
burst window, how many of the latest counted ones gave exactly these answers, and the counted
ones of the last NORMAL_DAYS (the target's usual rate). The first four come from one pass over
the short windows (minutes), one filtered count each, with the same-answers count as a
subquery. The usual rate is a subquery of its own (`usual_of_target`), which the insert reads
only when the burst window has reached the unit's fixed limit: a busy counter's four weeks are
thousands of ratings, read for every rating when they were in the one pass (2–3 ms of database
time a rating for a counter with 3,000, bench/generic_plans.py), and almost never needed.
The statements are built once per shape (a target without counter or officer compares with
NULL). A rating's insert reads the counts as a subquery (`counts_of_target`) and decides in SQL.
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
    phone_hash: str | None,
    address_hash: str,
) -> TargetCounts:
    """The counts the rating's insert decides on, read on their own (tests, support)."""
    params = count_params(response, rules, phone_hash=phone_hash, address_hash=address_hash)
    shape = (response.officer_id is None, response.counter_id is None)
    statement = _statement(*shape).add_columns(usual_of_target(*shape).label("usual"))
    row = db.session.connection().execute(statement, params).one()
    return TargetCounts(**{name: count or 0 for name, count in row._mapping.items()})


def counts_of_target(no_officer: bool, no_counter: bool) -> sa.Subquery:
    """The counts of the short windows as a subquery of one row, its columns named as
    TargetCounts' fields (all but `usual`); its parameters are count_params' (the rating's own
    values share the names of its columns)."""
    return _statement(no_officer, no_counter).subquery("target_counts")


def usual_of_target(no_officer: bool, no_counter: bool) -> sa.ScalarSelect:
    """The target's counted ratings of the last NORMAL_DAYS, as a subquery of one number: a
    statement evaluates it only where it reads it (PostgreSQL and SQLite evaluate a CASE's
    conditions, and an AND's terms, in order, stopping at the first that decides)."""
    return (
        sa.select(sa.func.count())
        .where(
            *_target(SurveyResponse, no_officer, no_counter),
            *_between(SurveyResponse, "usual_since", "until"),
            counted(),
        )
        .scalar_subquery()
    )


def count_params(
    response: SurveyResponse,
    rules: RatingRules | RulesCopy,
    *,
    phone_hash: str | None,
    address_hash: str,
) -> dict:
    """The counts are over the QR ratings of the response's target from each window's start
    to a little after the response's own time: a rating that took the target's lock first and
    committed may carry a later time than this one (its request began later), and must count."""
    now = response.submitted_at
    windows = {
        "repeat_since": now - timedelta(minutes=rules.repeat_minutes),
        "burst_since": now - timedelta(minutes=rules.burst_minutes),
    }
    return windows | {
        "since": min(windows.values()),  # the one pass: the longer of the short windows
        "usual_since": now - timedelta(days=NORMAL_DAYS),
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


@cache
def _statement(no_officer: bool, no_counter: bool) -> sa.Select:
    at = SurveyResponse.submitted_at

    # Compared with the column, each parameter takes its type (UTC times).
    def since(name: str) -> sa.ColumnElement[bool]:
        return at >= sa.bindparam(name)

    def where(*conditions) -> sa.ColumnElement:
        return sa.func.count().filter(sa.and_(*conditions))

    phone, address = SurveyResponse.phone_hash, SurveyResponse.address_hash
    return sa.select(
        where(since("repeat_since"), phone == sa.bindparam("phone_hash")).label("phone_repeats"),
        where(since("burst_since"), address == sa.bindparam("address_hash")).label("from_address"),
        where(since("burst_since"), counted()).label("in_window"),
        _same_answers(no_officer, no_counter).label("same_answers"),
    ).where(
        *_target(SurveyResponse, no_officer, no_counter),
        *_between(SurveyResponse, "since", "until"),
    )


def _same_answers(no_officer: bool, no_counter: bool) -> sa.ScalarSelect:
    """The latest counted ratings of the target in the burst window, up to the rating's own
    time, with the same answers: counted by the database, which returns one number."""
    rows = aliased(SurveyResponse)  # not the outer query's rows: never correlated
    latest = (
        sa.select(rows.instrument_id, rows.levels)
        .where(
            *_target(rows, no_officer, no_counter),
            *_between(rows, "burst_since", "at"),
            counted(rows),
        )
        .order_by(rows.submitted_at.desc())
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
        rows.channel == Channel.QR,
    )


def _between(rows, since: str, until: str) -> tuple[sa.ColumnElement[bool], ...]:
    """The ratings from one parameter's time to another's, both included. Compared with the
    column, each parameter takes its type (UTC times)."""
    return (rows.submitted_at >= sa.bindparam(since), rows.submitted_at <= sa.bindparam(until))


def _same(column, name: str, is_null: bool) -> sa.ColumnElement[bool]:
    return column.is_(None) if is_null else column == sa.bindparam(name)
