"""What the month's figures left out, and why: ratings held for review, rejected as stuffing,
filtered as kiosk repeats; and the share that came through one-time dossier links (one dossier,
one rating: the strongest control). For the dashboard and the monthly report."""

from dataclasses import dataclass

import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.models import FILTERED, RatingDecision
from survey_app.models import SurveyResponse as Response
from survey_app.models.response import counted
from survey_app.months import Month, survey_zone


@dataclass(frozen=True)
class IntegrityCounts:
    stored: int  # every rating received, whatever became of it
    counted: int
    held: int  # waiting for a manager's decision
    accepted: int  # held, then accepted: counted
    rejected: int  # held, then rejected: kept as spam
    filtered: int  # kiosk repeats
    through_links: int  # counted ratings that came through a one-time dossier link

    @property
    def links_pct(self) -> float | None:
        return 100 * self.through_links / self.counted if self.counted else None


def integrity_counts(unit_ids: list[int], month: Month) -> IntegrityCounts:
    start, end = month.bounds(survey_zone())
    filtered = Response.hold_reason.in_(FILTERED)

    def number(condition) -> sa.ColumnElement[int]:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    row = db.session.execute(
        sa.select(
            sa.func.count(),
            number(counted()),
            number(sa.and_(Response.held, sa.not_(filtered))),
            number(RatingDecision.accepted.is_(True)),
            number(RatingDecision.accepted.is_(False)),
            number(filtered),
            number(sa.and_(counted(), Response.dossier_code.is_not(None))),
        )
        .select_from(Response)
        .outerjoin(RatingDecision, RatingDecision.id == Response.decision_id)
        .where(
            Response.unit_id.in_(unit_ids),
            Response.submitted_at >= start,
            Response.submitted_at < end,
        )
    ).one()
    return IntegrityCounts(*(int(value) for value in row))


def count_filtered_repeats(kiosk_id: int) -> int:
    """A tablet's ratings filtered as repeats, ever: shown on the kiosk's page."""
    query = sa.select(sa.func.count()).where(
        Response.kiosk_id == kiosk_id, Response.hold_reason.in_(FILTERED)
    )
    return db.session.scalar(query) or 0
