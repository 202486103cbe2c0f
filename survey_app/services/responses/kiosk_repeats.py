"""The kiosk's repeat filter: a full rating repeated on one tablet within the window after its
thank-you screen (the tablet's thanks_seconds plus the unit's kiosk_repeat_seconds) is held as
kiosk_repeat. The tablet may say so itself; the server also compares the new rating with the
tablet's latest one: same questionnaire, same answers, same comment.

On PostgreSQL that comparison rides in the rating's insert (`repeat_held`), so a kiosk rating
costs one statement; on SQLite it is one query before the insert (`screen_kiosk_rating`).
"""

from collections.abc import Mapping
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from survey_app.core.extensions import db
from survey_app.models import HoldReason, Kiosk, RatingRules, SurveyResponse
from survey_app.models.integrity import KIOSK_REPEAT_SECONDS

# The longest thank-you screen (60 s) plus the longest repeat window a unit may set (600 s):
# the latest ratings of a tablet that a new one is compared with.
LONGEST_KIOSK_WINDOW = timedelta(seconds=660)
ONE_SECOND = sa.literal(timedelta(seconds=1))


def screen_kiosk_rating(response: SurveyResponse, *, repeat_on_tablet: bool) -> None:
    """Hold the rating if the tablet says it is a repeat; on SQLite, or the server finds the
    same answers there just before. On PostgreSQL the insert compares (checked_by_insert)."""
    if repeat_on_tablet or (not checked_by_insert(response) and _repeated_on_kiosk(response)):
        response.held, response.hold_reason = True, HoldReason.KIOSK_REPEAT


def checked_by_insert(response: SurveyResponse) -> bool:
    """A tablet's rating not held yet, on PostgreSQL: its insert holds it if it repeats the
    tablet's latest rating (services/responses/inserts.py, insert_response)."""
    if response.kiosk_id is None or response.held:
        return False
    # The bind, not a connection: taking one would begin the transaction the insert may skip.
    return db.session.get_bind().dialect.name == "postgresql"


def repeat_held(new: Mapping[str, sa.BindParameter]) -> dict[str, sa.ColumnElement]:
    """The held and hold_reason values of a kiosk rating's insert, from its other values
    (`new`: the insert's parameters by column): _repeated_on_kiosk in SQL, evaluated once."""
    repeated = sa.select(_same_as_latest(new).label("repeated")).cte("kiosk_repeat")
    held = sa.select(repeated.c.repeated).scalar_subquery()
    reason_type = SurveyResponse.__table__.c.hold_reason.type
    reason = sa.case((held, sa.literal(HoldReason.KIOSK_REPEAT, type_=reason_type)))
    return {"held": held, "hold_reason": reason}


def _same_as_latest(new: Mapping[str, sa.BindParameter]) -> sa.Exists:
    earlier, previous = aliased(SurveyResponse), aliased(SurveyResponse)
    at = new["submitted_at"]
    latest = (
        sa.select(earlier.id)
        .where(
            earlier.kiosk_id == new["kiosk_id"],
            earlier.submitted_at >= at - sa.literal(LONGEST_KIOSK_WINDOW),
            earlier.submitted_at <= at,
        )
        .order_by(earlier.submitted_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    window = Kiosk.thanks_seconds + sa.func.coalesce(
        RatingRules.kiosk_repeat_seconds, KIOSK_REPEAT_SECONDS
    )
    return (
        sa.select(previous.id)
        .join(Kiosk, Kiosk.id == previous.kiosk_id)
        .outerjoin(RatingRules, RatingRules.unit_id == previous.unit_id)
        .where(
            previous.id == latest,
            previous.instrument_id == new["instrument_id"],
            previous.levels == new["levels"],
            # A comment of its own is another citizen's, whatever the faces tapped.
            previous.comment == sa.func.coalesce(new["comment"], ""),
            previous.submitted_at >= at - window * ONE_SECOND,
        )
        .exists()
    )


def _previous_kiosk_rating() -> sa.Select:
    """The tablet's latest rating in the window before a moment, its answers beside the two
    settings: built once (building a statement cost more CPU than PostgreSQL spends on it)."""
    # Compared with the column, each parameter takes its type (UTC times).
    at, earliest = sa.bindparam("at"), sa.bindparam("earliest")
    previous = (
        sa.select(SurveyResponse.id)
        .where(
            SurveyResponse.kiosk_id == sa.bindparam("kiosk_id"),
            SurveyResponse.submitted_at >= earliest,
            SurveyResponse.submitted_at <= at,
        )
        .order_by(SurveyResponse.submitted_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    return (
        sa.select(
            SurveyResponse.submitted_at,
            Kiosk.thanks_seconds,
            RatingRules.kiosk_repeat_seconds,
            SurveyResponse.comment,
            SurveyResponse.instrument_id,
            SurveyResponse.levels,
        )
        .join(Kiosk, Kiosk.id == SurveyResponse.kiosk_id)
        .outerjoin(RatingRules, RatingRules.unit_id == SurveyResponse.unit_id)
        .where(SurveyResponse.id == previous)
    )


PREVIOUS_KIOSK_RATING = _previous_kiosk_rating()


def _repeated_on_kiosk(response: SurveyResponse) -> bool:
    """The tablet's latest rating before this one came within its thank-you screen plus the
    unit's repeat window, with the same answers and comment. One query (a kiosk rating reads
    nothing else before its insert): the previous rating's answers beside the two settings."""
    if response.kiosk_id is None:
        return False
    at = response.submitted_at
    rows = (
        db.session.connection()
        .execute(
            PREVIOUS_KIOSK_RATING,
            {"kiosk_id": response.kiosk_id, "at": at, "earliest": at - LONGEST_KIOSK_WINDOW},
        )
        .all()
    )
    if not rows:
        return False
    at, thanks, repeat, comment, instrument_id, levels = rows[0]
    window = timedelta(seconds=thanks + (KIOSK_REPEAT_SECONDS if repeat is None else repeat))
    same = (instrument_id, levels) == (response.instrument_id, response.levels)
    same = same and comment == (response.comment or "")
    return same and response.submitted_at - at <= window
