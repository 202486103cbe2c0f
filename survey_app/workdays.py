"""The Vietnamese working-day calendar and the answer deadline of complaints (domain.md §3).

Being completed: overrides from the calendar_overrides table, the 24/11 switch, office hours.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
from flask import current_app

OFFICE_CLOSES = time(17, 0)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in holidays.country_holidays("VN", years=day.year)


def answer_due(received_at: datetime, working_days: int) -> datetime:
    """End of office hours on the Nth working day after the day of receipt (that day not
    counted; a day off counts from the next working day the same way), in UTC."""
    zone = ZoneInfo(current_app.config["SURVEY_TIMEZONE"])
    day = received_at.astimezone(zone).date()
    counted = 0
    while counted < working_days:
        day += timedelta(days=1)
        counted += is_working_day(day)
    return datetime.combine(day, OFFICE_CLOSES, zone).astimezone(UTC)
