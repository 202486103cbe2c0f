"""The rules that hold a rating which looks like stuffing: stored, left out of every figure
until a manager decides (services/rating_review.py). Thresholds are the unit's RatingRules;
docs/rating-integrity.md explains each rule and its default.

QR ratings are checked against the recent ratings of the same target (the unit, counter and
officer a survey code names). On PostgreSQL the check and the insert hold a transaction lock
on that target, so ratings racing to one officer are checked one after another: a burst sent
in parallel is held as surely as one sent in a row. The rating's insert counts and decides
(`qr_held`, on both databases): its statement begins after the lock is taken, so it sees every
rating of the target committed before, and a rating costs no round trip for its counts.
Kiosk ratings meet the repeat filter only (a kiosk has its own hours: kiosk_repeats.py);
one-time dossier links and paper imports meet no rule.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time

import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.models import (
    Channel,
    HoldReason,
    RatingRules,
    SurveyResponse,
    Unit,
    User,
)
from survey_app.models.integrity import default_rules
from survey_app.months import survey_zone
from survey_app.queries.code_cache import RulesCopy, get_live_rules
from survey_app.services.audit import record_change
from survey_app.services.responses.target_counts import (
    count_params,
    counts_of_target,
    usual_of_target,
)
from survey_app.services.responses.target_lock import lock_target
from survey_app.workdays import is_working_day

# "Far above the normal rate": a target's usual ratings per window, times this, once it passes
# the unit's fixed limit. Usual: the last four weeks, spread over 20 working days of 8 hours.
NORMAL_FACTOR = 5
WORKING_MINUTES = 20 * 8 * 60
RULE_FIELDS = (
    "repeat_minutes",
    "burst_minutes",
    "address_limit",
    "target_limit",
    "pattern_limit",
    "kiosk_repeat_seconds",
)
# The office-hours rule: whether it applies, and the local hours [opens_at, closes_at).
HOURS_FIELDS = ("office_hours_only", "opens_at", "closes_at")
# The channels of a citizen's own phone or browser; a kiosk keeps its own hours.
OFFICE_HOURS_CHANNELS = (Channel.QR, Channel.WEB)
# The unit's settings a QR rating's insert compares the counts with (qr_held).
QR_LIMITS = ("address_limit", "pattern_limit", "target_limit", "burst_minutes")


@dataclass(frozen=True)
class RatingSource:
    """Where a QR rating came from, as keyed hashes: no personal data."""

    phone_hash: str | None  # None: the POST did not carry the cookie its form set
    address_hash: str


def rules_of(unit_id: int) -> RatingRules:
    """The unit's thresholds, or the defaults."""
    return db.session.get(RatingRules, unit_id) or RatingRules(**default_rules(unit_id))


def save_rules(unit: Unit, values: dict, *, by: User | None) -> RatingRules:
    """Set the unit's thresholds (RULE_FIELDS, numbers) and office hours (HOURS_FIELDS: a flag
    and two local times), audited; one commit."""
    rules = db.session.get(RatingRules, unit.id)
    if rules is None:
        rules = rules_of(unit.id)
        db.session.add(rules)
    before = _audited(rules)
    for name in RULE_FIELDS:
        setattr(rules, name, int(values[name]))
    rules.office_hours_only = bool(values["office_hours_only"])
    rules.opens_at, rules.closes_at = values["opens_at"], values["closes_at"]
    event = record_change("unit.rating_rules", unit, {"before": before, "after": _audited(rules)})
    event.actor = by
    db.session.commit()
    return rules


def _audited(rules: RatingRules) -> dict:
    """The settings as the audit log keeps them (JSON): times as HH:MM."""
    values = {name: getattr(rules, name) for name in (*RULE_FIELDS, *HOURS_FIELDS)}
    return {
        name: value.strftime("%H:%M") if isinstance(value, time) else value
        for name, value in values.items()
    }


@dataclass(frozen=True)
class QrCheck:
    """A QR rating's hold rules, for its insert to decide (qr_held): the statement's shape
    (a target without officer or counter) and the parameters beside the rating's own."""

    no_officer: bool
    no_counter: bool
    params: dict


def screen_qr_rating(
    response: SurveyResponse, source: RatingSource, locked_rules: RulesCopy | None = None
) -> QrCheck:
    """Record the new response's source and take its target's lock, unless the survey code was
    read with it (`locked_rules`: its unit's rules, read in that statement); its insert holds
    it if a rule says so (qr_held), with the parameters returned."""
    response.phone_hash, response.address_hash = source.phone_hash, source.address_hash
    rules = locked_rules or _lock_target(response)
    params = count_params(
        response, rules, phone_hash=source.phone_hash, address_hash=source.address_hash
    )
    params |= {name: getattr(rules, name) for name in QR_LIMITS}
    params |= {
        "no_phone": source.phone_hash is None,
        "outside_hours": outside_office_hours(response, rules),
    }
    return QrCheck(response.officer_id is None, response.counter_id is None, params)


def qr_held(no_officer: bool, no_counter: bool) -> dict[str, sa.ColumnElement]:
    """The held and hold_reason values of a QR rating's insert: the rules in their order, the
    first that matches names the reason. Evaluated once (a WITH), over the target's counts."""
    counts = counts_of_target(no_officer, no_counter).c
    limit = {name: sa.bindparam(name, type_=sa.Integer) for name in QR_LIMITS}
    reason_type = SurveyResponse.__table__.c.hold_reason.type

    def rule(condition, reason: HoldReason) -> tuple:
        return condition, sa.literal(reason, type_=reason_type)

    reason = sa.case(
        rule(sa.bindparam("no_phone", type_=sa.Boolean), HoldReason.NO_PHONE),
        rule(counts.phone_repeats > 0, HoldReason.PHONE_REPEAT),
        rule(counts.from_address >= limit["address_limit"], HoldReason.ADDRESS_BURST),
        rule(counts.same_answers >= limit["pattern_limit"], HoldReason.SAME_ANSWERS),
        rule(
            _over_target_limit(counts, limit, usual_of_target(no_officer, no_counter)),
            HoldReason.TARGET_BURST,
        ),
        # Last, so a burst at night is still named a burst.
        rule(sa.bindparam("outside_hours", type_=sa.Boolean), HoldReason.OUTSIDE_HOURS),
    )
    decided = sa.select(reason.label("reason")).cte("qr_hold")
    hold_reason = sa.select(decided.c.reason).scalar_subquery()
    return {"held": hold_reason.is_not(None), "hold_reason": hold_reason}


def outside_office_hours(response: SurveyResponse, rules: RatingRules | RulesCopy) -> bool:
    """A QR or web rating of a unit that takes none outside its office hours, sent outside
    [opens_at, closes_at) local time or on a day off of the working-day calendar."""
    if not rules.office_hours_only or response.channel not in OFFICE_HOURS_CHANNELS:
        return False
    local = response.submitted_at.astimezone(survey_zone())
    if not is_working_day(local.date()):
        return True
    return not rules.opens_at <= local.time() < rules.closes_at


def _over_target_limit(
    counts, limit: Mapping[str, sa.BindParameter], usual: sa.ScalarSelect
) -> sa.ColumnElement:
    """The target's counted ratings in the burst window reach the unit's limit, and
    NORMAL_FACTOR times its usual rate (`usual`: its counted ratings of the last NORMAL_DAYS,
    spread over WORKING_MINUTES) when that is higher: a busy counter's rush hour is not a burst.
    The fixed limit is compared first, so the four weeks are counted only once it is reached.
    Whole numbers: a count reaches ceil(x) exactly when it reaches x, so no division."""
    usual_times_factor = NORMAL_FACTOR * usual * limit["burst_minutes"]
    return sa.and_(
        counts.in_window >= limit["target_limit"],
        counts.in_window * WORKING_MINUTES >= usual_times_factor,
    )


def _lock_target(response: SurveyResponse) -> RulesCopy:
    """The unit's rules, read after the target's lock is taken (target_lock.py); SQLite writes
    one at a time anyway, though its checks may interleave, and reads the rules kept for a few
    seconds."""
    if db.session.get_bind().dialect.name != "postgresql":
        return get_live_rules(response.unit_id, rules_of)
    return lock_target(response.unit_id, response.officer_id, response.counter_id)
