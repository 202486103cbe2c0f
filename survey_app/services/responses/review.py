"""A manager's review of held ratings, a burst at a time: the held ratings of one target (a
survey code's unit, counter and officer) with no gap longer than BURST_GAP form one line;
accepting or rejecting it is one audited decision.

Held ratings were never in the tallies (a tally run takes them off its queue without counting
them, as it does spam). So a decision only has to clear `held` and queue them again for the
tally run (services/tallies.requeue): an accepted rating is
then counted by the figures' raw read at once and by the next tally run once; a rejected one is
marked as spam, the mark services/spam.py sets, and never counts. Nothing is deleted.
"""

from collections import Counter as Tally
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from analytics.integrity import integrity_counts
from survey_app.core.extensions import db
from survey_app.models import (
    FILTERED,
    OVERALL_ITEM,
    HoldReason,
    Item,
    Officer,
    RatingDecision,
    SurveyResponse,
    Unit,
    User,
)
from survey_app.models import Counter as Desk
from survey_app.models.levels import value_at
from survey_app.months import Month
from survey_app.queries.units import list_unit_subtree_ids, unit_subtree_ids_query
from survey_app.services.audit import record_change
from survey_app.services.errors import DomainError
from survey_app.services.tallies import requeue

BURST_GAP = timedelta(minutes=30)
REASON_MAX_LENGTH = 500
HOLD_REASON_LABELS = {
    HoldReason.PHONE_REPEAT: _l("the same phone again within the period"),
    HoldReason.NO_PHONE: _l("sent without the form's cookie"),
    HoldReason.ADDRESS_BURST: _l("many from one address"),
    HoldReason.TARGET_BURST: _l("far more than usual to this code"),
    HoldReason.SAME_ANSWERS: _l("the same answers again and again"),
    HoldReason.KIOSK_REPEAT: _l("repeated on the tablet"),
    HoldReason.OUTSIDE_HOURS: _l("outside the unit's office hours"),
}
DECISION_ACTIONS = {True: "rating_burst.accept", False: "rating_burst.reject"}


class BurstGone(DomainError):
    """Nothing of the burst is held any more: another manager decided it meanwhile."""


@dataclass(frozen=True)
class Burst:
    key: str  # unit.officer.counter.first_id.last_id: what the manager saw, and no more
    unit_name: str
    target: str  # the officer's or the counter's name
    first_at: datetime
    last_at: datetime
    ratings: int
    phones: int  # distinct phone cookies (a rating without one counts as its own phone)
    addresses: int
    overall: dict[int, int]  # overall level → ratings, the answer pattern at a glance
    reasons: tuple[HoldReason, ...]


def pending_review(unit: Unit) -> list[Burst]:
    """The held ratings of the unit and the units below it, as bursts, newest first."""
    rows = db.session.execute(
        sa.select(
            SurveyResponse.id,
            SurveyResponse.unit_id,
            SurveyResponse.officer_id,
            SurveyResponse.counter_id,
            SurveyResponse.submitted_at,
            SurveyResponse.phone_hash,
            SurveyResponse.address_hash,
            SurveyResponse.hold_reason,
            value_at(SurveyResponse.levels, Item.position).label("value"),
        )
        .join(Item, _overall())
        .where(_awaiting(), SurveyResponse.unit_id.in_(unit_subtree_ids_query(unit.id)))
        .order_by(
            SurveyResponse.unit_id,
            SurveyResponse.officer_id,
            SurveyResponse.counter_id,
            SurveyResponse.submitted_at,
            SurveyResponse.id,
        )
    ).all()
    groups = _group(rows)
    names = _names(groups)
    return sorted((_burst(group, names) for group in groups), key=lambda b: b.last_at, reverse=True)


def decide_burst(unit: Unit, key: str, *, accept: bool, reason: str, by: User | None) -> int:
    """Accept (count) or reject (spam) the held ratings of the burst `key` under `unit`; one
    commit, one audit event. Returns how many ratings the decision covered."""
    reason = reason.strip()
    if not accept and not reason:
        raise DomainError(str(_l("Say why the ratings are rejected.")))
    if len(reason) > REASON_MAX_LENGTH:
        raise DomainError(str(_l("The reason is too long (at most %(max)d characters).", max=500)))
    unit_id, officer_id, counter_id, first_id, last_id = _parse(key)
    chosen = sa.and_(
        _awaiting(),
        SurveyResponse.unit_id == unit_id,
        SurveyResponse.unit_id.in_(unit_subtree_ids_query(unit.id)),
        _same(SurveyResponse.officer_id, officer_id),
        _same(SurveyResponse.counter_id, counter_id),
        SurveyResponse.id.between(first_id, last_id),
    )
    # Locked as they are read: a second manager deciding the same burst waits, then finds
    # nothing held; no tally run counts them while they change.
    ids = db.session.scalars(sa.select(SurveyResponse.id).where(chosen).with_for_update()).all()
    if not ids:
        db.session.rollback()
        raise BurstGone(str(_l("These ratings were already decided.")))
    decision = RatingDecision(
        unit_id=unit_id, accepted=accept, reason=reason, ratings=len(ids), decided_by=by
    )
    db.session.add(decision)
    db.session.flush()
    db.session.execute(
        sa.update(SurveyResponse)
        .where(SurveyResponse.id.in_(ids))
        .values(held=False, is_spam=not accept, decision_id=decision.id)
        .execution_options(synchronize_session=False)
    )
    requeue(ids)
    decided = len(ids)
    event = record_change(DECISION_ACTIONS[accept], decision, {"ratings": decided, "key": key})
    event.actor = by
    db.session.commit()
    return decided


def _awaiting() -> sa.ColumnElement[bool]:
    """Held and waiting for a manager: filtered kiosk repeats never wait."""
    return sa.and_(
        SurveyResponse.held.is_(True),
        sa.or_(SurveyResponse.hold_reason.is_(None), SurveyResponse.hold_reason.not_in(FILTERED)),
    )


def _overall() -> sa.ColumnElement[bool]:
    """The overall item of the response's instrument (every instrument has one)."""
    return sa.and_(Item.instrument_id == SurveyResponse.instrument_id, Item.code == OVERALL_ITEM)


def _same(column, value: int | None) -> sa.ColumnElement[bool]:
    return column.is_(None) if value is None else column == value


def _group(rows) -> list[list]:
    """Split the rows (sorted by target, then time) where the target changes or a gap passes
    BURST_GAP."""
    groups: list[list] = []
    for row in rows:
        previous = groups[-1][-1] if groups else None
        same_target = previous is not None and previous[1:4] == row[1:4]
        if same_target and row.submitted_at - previous.submitted_at <= BURST_GAP:
            groups[-1].append(row)
        else:
            groups.append([row])
    return groups


def _names(groups: list[list]) -> dict[tuple[str, int], str]:
    """Names of the units, officers and counters of the groups, in three queries."""
    ids = {kind: {row[n] for group in groups for row in group} for n, kind in enumerate("uoc", 1)}
    names = {}
    for kind, model, name in (("u", Unit, Unit.name), ("o", Officer, Officer.full_name)):
        query = sa.select(model.id, name).where(model.id.in_(ids[kind] - {None}))
        names |= {(kind, row_id): text for row_id, text in db.session.execute(query)}
    query = sa.select(Desk.id, Desk.name).where(Desk.id.in_(ids["c"] - {None}))
    names |= {("c", row_id): text for row_id, text in db.session.execute(query)}
    return names


def _burst(group: list, names: dict) -> Burst:
    first, last = group[0], group[-1]
    target = names.get(("o", first.officer_id)) or names.get(("c", first.counter_id)) or ""
    phones = {row.phone_hash or f"none:{row.id}" for row in group}
    return Burst(
        key=f"{first.unit_id}.{first.officer_id or 0}.{first.counter_id or 0}"
        f".{min(r.id for r in group)}.{max(r.id for r in group)}",
        unit_name=names.get(("u", first.unit_id), ""),
        target=target,
        first_at=first.submitted_at,
        last_at=last.submitted_at,
        ratings=len(group),
        phones=len(phones),
        addresses=len({row.address_hash for row in group}),
        overall=dict(sorted(Tally(row.value for row in group if row.value).items())),
        reasons=tuple(dict.fromkeys(row.hold_reason for row in group if row.hold_reason)),
    )


def _parse(key: str) -> tuple[int, int | None, int | None, int, int]:
    try:
        unit_id, officer_id, counter_id, first_id, last_id = (int(part) for part in key.split("."))
    except ValueError:
        raise BurstGone(str(_l("These ratings were already decided."))) from None
    return unit_id, officer_id or None, counter_id or None, first_id, last_id


def held_ratings(unit: Unit, month: Month) -> dict:
    """What the dashboard's review section shows (templates/reports/_held.html), but its form."""
    return {
        "review": pending_review(unit),
        "integrity": integrity_counts(list_unit_subtree_ids(unit.id), month),
        "hold_reason_labels": HOLD_REASON_LABELS,
    }
