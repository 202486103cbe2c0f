"""Times in the survey's default zone for tests that place ratings in March 2025 by hand."""

from datetime import datetime
from zoneinfo import ZoneInfo

from survey_app.months import Month

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
MARCH = Month(2025, 3)


def local(day: int, hour: int = 9, minute: int = 0, second: int = 0, month: int = 3) -> datetime:
    return datetime(2025, month, day, hour, minute, second, tzinfo=LOCAL)
