"""Citizens' comments as an officer may read them: personal data masked, nothing that ties a
comment to the citizen who wrote it (no time finer than the month, no answers, no counter or
dossier), in alphabetical order rather than the order they came in."""

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from analytics.contact_patterns import mask_contacts
from analytics.indices import ResponseFilter, response_conditions
from analytics.newest import NEWEST_FIRST, newest_ids
from survey_app.core.extensions import db
from survey_app.display.collation import sorted_vi
from survey_app.models import SurveyResponse as Response
from survey_app.months import Month, survey_zone


@dataclass(frozen=True)
class Masks:
    """What replaces each kind of personal data; the page passes them in the reader's language."""

    phone: str = "[số điện thoại]"
    email: str = "[email]"
    identity_number: str = "[số giấy tờ]"


DEFAULT_MASKS = Masks()


def mask_personal_data(text: str, masks: Masks = DEFAULT_MASKS) -> str:
    return mask_contacts(
        text, phone=masks.phone, email=masks.email, identity_number=masks.identity_number
    )


def list_comments(
    response_filter: ResponseFilter,
    month: Month,
    masks: Masks = DEFAULT_MASKS,
    zone: ZoneInfo | None = None,
) -> list[str]:
    """The month's non-empty comments, masked, sorted alphabetically; duplicates are kept."""
    start, end = month.bounds(zone or survey_zone())
    query = sa.select(Response.comment).where(
        response_conditions(response_filter, start, end), Response.comment != ""
    )
    texts = [mask_personal_data(comment.strip(), masks) for comment in db.session.scalars(query)]
    return sorted_vi(text for text in texts if text)


@dataclass(frozen=True)
class RecentComment:
    day: date  # local day: enough for a manager to follow up, nothing finer
    text: str


def list_recent_comments(
    response_filter: ResponseFilter,
    month: Month,
    *,
    limit: int,
    masks: Masks = DEFAULT_MASKS,
    zone: ZoneInfo | None = None,
) -> list[RecentComment]:
    """The month's latest non-empty comments for a manager's dashboard, masked, newest first."""
    zone = zone or survey_zone()
    chosen = newest_ids(response_filter, *month.bounds(zone), Response.comment != "", limit)
    query = (
        sa.select(Response.submitted_at, Response.comment)
        .where(Response.id.in_(chosen))
        .order_by(*NEWEST_FIRST)
    )
    return [
        RecentComment(at.astimezone(zone).date(), mask_personal_data(comment.strip(), masks))
        for at, comment in db.session.execute(query)
        if comment.strip()
    ]
