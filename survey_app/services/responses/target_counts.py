"""What the hold rules of a QR rating count (holding_rules.qr_hold_reason), read in one query.

The rules compare four counts of the recent QR ratings of the rating's target (its unit, counter
and officer): this phone's within the repeat window, this address's and the counted ones within
the burst window, and the counted ones of the last NORMAL_DAYS (the target's usual rate). They
were four queries; one pass over the target's last NORMAL_DAYS, with one filtered count each,
gives the same numbers for about the cost of the longest of them. The statement is built once per
shape (a target without counter or officer compares with NULL).
"""

from dataclasses import dataclass
from datetime import timedelta
from functools import cache

import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.models import Channel, RatingRules, SurveyResponse
from survey_app.models.response import counted
from survey_app.queries.code_cache import RulesCopy

# The target's usual ratings: the last four weeks.
NORMAL_DAYS = 28
# Longer than any request takes between stamping its rating's time and taking the target's lock
# (gunicorn ends a request after 30 s).
RACING_REQUESTS = timedelta(minutes=1)


@dataclass(frozen=True)
class TargetCounts:
    phone_repeats: int  # from this phone, within the repeat window
    from_address: int  # from this address, within the burst window
    in_window: int  # counted, within the burst window
    usual: int  # counted, within the last NORMAL_DAYS


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
        "since": min(windows.values()),
        "until": now + RACING_REQUESTS,
        "unit_id": response.unit_id,
        "officer_id": response.officer_id,
        "counter_id": response.counter_id,
        "phone_hash": phone_hash,
        "address_hash": address_hash,
    }
    statement = _statement(response.officer_id is None, response.counter_id is None)
    row = db.session.connection().execute(statement, params).one()
    return TargetCounts(*(count or 0 for count in row))


@cache
def _statement(no_officer: bool, no_counter: bool) -> sa.Select:
    at = SurveyResponse.submitted_at

    # Compared with the column, each parameter takes its type (UTC times).
    def since(name: str) -> sa.ColumnElement[bool]:
        return at >= sa.bindparam(name)

    def where(*conditions) -> sa.ColumnElement:
        return sa.func.count().filter(sa.and_(*conditions))

    return sa.select(
        where(since("repeat_since"), SurveyResponse.phone_hash == sa.bindparam("phone_hash")),
        where(since("burst_since"), SurveyResponse.address_hash == sa.bindparam("address_hash")),
        where(since("burst_since"), counted()),
        where(since("usual_since"), counted()),
    ).where(
        SurveyResponse.unit_id == sa.bindparam("unit_id"),
        _same(SurveyResponse.officer_id, "officer_id", no_officer),
        _same(SurveyResponse.counter_id, "counter_id", no_counter),
        SurveyResponse.channel == Channel.QR,
        since("since"),
        at <= sa.bindparam("until"),
    )


def _same(column: sa.Column, name: str, is_null: bool) -> sa.ColumnElement[bool]:
    return column.is_(None) if is_null else column == sa.bindparam(name)
