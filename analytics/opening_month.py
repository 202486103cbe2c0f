"""Which month a figures page opens on when no month is asked for.

The current month is partial: early in a month it holds a handful of responses and says
nothing. So a page opens (decision):
- before the 6th, on last month: the month being reported, whose report is due by the 5th
  (seed 004, analytics.dashboard.REPORT_DUE_DAY);
- from the 6th, on the latest month with responses, the current one included once it has any
  (a unit that went quiet opens on its last month with figures, not on an empty page);
- on the current month when there are no responses at all.
The current month is always one click away on the page (its month navigation).
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from analytics.dashboard import REPORT_DUE_DAY
from analytics.selection import ResponseFilter
from survey_app.core.extensions import db
from survey_app.models import SurveyResponse as Response
from survey_app.months import Month, survey_zone


def month_to_open(response_filter: ResponseFilter, today: date | None = None) -> Month:
    zone = survey_zone()
    today = today or datetime.now(UTC).astimezone(zone).date()
    current = Month(today.year, today.month)
    if today.day <= REPORT_DUE_DAY:
        return current.previous()
    latest = latest_month_with_responses(response_filter, current, zone)
    return latest or current


def latest_month_with_responses(
    response_filter: ResponseFilter, up_to: Month, zone: ZoneInfo
) -> Month | None:
    """The local month of the newest counted response before the end of `up_to`."""
    _, end = up_to.bounds(zone)
    newest = db.session.scalar(
        sa.select(sa.func.max(Response.submitted_at)).where(
            Response.submitted_at < end,
            Response.is_spam.is_(False),
            *response_filter.conditions(Response),
        )
    )
    return None if newest is None else Month.containing(_aware(newest), zone)


def _aware(moment: datetime) -> datetime:
    """SQLite hands back a naive UTC time for max(); PostgreSQL an aware one."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
