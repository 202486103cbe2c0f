"""The kiosk's repeat filter: a full rating repeated on one tablet within the window after its
thank-you screen (the tablet's thanks_seconds plus the unit's kiosk_repeat_seconds) is held as
kiosk_repeat. The tablet may say so itself; the server also compares the new rating with the
tablet's latest one: same questionnaire, same answers, same comment.

That comparison rides in the rating's insert (`repeat_held`), on both databases: a kiosk rating
costs one statement, and the rule is written once, in SQL (times compared in microseconds since
1970, which both databases count exactly).
"""

from collections.abc import Mapping
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from survey_app.models import HoldReason, Kiosk, RatingRules, SurveyResponse
from survey_app.models.integrity import KIOSK_REPEAT_SECONDS
from survey_app.models.types import UTCDateTime, epoch_microseconds

# The longest thank-you screen (60 s) plus the longest repeat window a unit may set (600 s):
# the latest ratings of a tablet that a new one is compared with.
LONGEST_KIOSK_WINDOW = timedelta(seconds=660)
MICROSECONDS = 1_000_000


def screen_kiosk_rating(response: SurveyResponse, *, repeat_on_tablet: bool) -> None:
    """Hold the rating if the tablet says it is a repeat; else its insert compares it with the
    tablet's latest rating (checked_by_insert)."""
    if repeat_on_tablet:
        response.held, response.hold_reason = True, HoldReason.KIOSK_REPEAT


def checked_by_insert(response: SurveyResponse) -> bool:
    """A tablet's rating not held yet: its insert holds it if it repeats the tablet's latest
    rating (services/responses/inserts.py, insert_response, with `repeat_params`)."""
    return response.kiosk_id is not None and not response.held


def repeat_params(response: SurveyResponse) -> dict:
    """The insert's parameter beside the rating's own values: where the tablet's ratings that
    may be its latest one begin."""
    return {"kiosk_since": response.submitted_at - LONGEST_KIOSK_WINDOW}


def repeat_held(new: Mapping[str, sa.BindParameter]) -> dict[str, sa.ColumnElement]:
    """The held and hold_reason values of a kiosk rating's insert, from its other values
    (`new`: the insert's parameters by column): the comparison in SQL, evaluated once."""
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
            earlier.submitted_at >= sa.bindparam("kiosk_since", type_=UTCDateTime()),
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
            epoch_microseconds(at) - epoch_microseconds(previous.submitted_at)
            <= window * MICROSECONDS,
        )
        .exists()
    )
