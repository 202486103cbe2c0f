"""Calendar months in the survey's time zone, and the UTC instants that bound them.

Responses are stored in UTC; a month is a local calendar month (Asia/Ho_Chi_Minh by default).
Filtering `submitted_at >= start AND < end` on UTC bounds computed here is correct for any zone
and needs no date functions of the database, so SQLite and PostgreSQL answer the same.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

_MONTH_TEXT = re.compile(r"(\d{4})-(\d{2})")
# Far enough from the ends of `datetime` that a twelve-month trend never leaves its range.
FIRST_YEAR = 1970
LAST_YEAR = 9998


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def __post_init__(self):
        if not (FIRST_YEAR <= self.year <= LAST_YEAR and 1 <= self.month <= 12):
            raise ValueError(f"no such month: {self.year}-{self.month}")

    @classmethod
    def parse(cls, text: str) -> "Month":
        """A month written as YYYY-MM (what <input type=month> sends); ValueError otherwise."""
        found = _MONTH_TEXT.fullmatch(text.strip())
        if found is None:
            raise ValueError(f"not a month: {text!r}")
        return cls(int(found[1]), int(found[2]))

    @classmethod
    def containing(cls, moment: datetime, zone: ZoneInfo) -> "Month":
        local = moment.astimezone(zone)
        return cls(local.year, local.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def slashed(self) -> str:
        """As printed on Vietnamese forms: 03/2025."""
        return f"{self.month:02d}/{self.year:04d}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def shifted(self, months: int) -> "Month":
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    def previous(self) -> "Month":
        return self.shifted(-1)

    def next(self) -> "Month":
        return self.shifted(1)

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The first instant of this local month and of the next one, in UTC."""
        following = self.next()
        start = datetime(self.year, self.month, 1, tzinfo=zone)
        end = datetime(following.year, following.month, 1, tzinfo=zone)
        return start.astimezone(UTC), end.astimezone(UTC)


def survey_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["SURVEY_TIMEZONE"])


def current_month(zone: ZoneInfo | None = None) -> Month:
    return Month.containing(datetime.now(UTC), zone or survey_zone())


def months_ending(last: Month, count: int) -> list[Month]:
    """`count` consecutive months, oldest first, the last one being `last`."""
    return [last.shifted(offset) for offset in range(1 - count, 1)]


def weekly_slot(moment: datetime, zone: ZoneInfo) -> int:
    """The local hour of the week an instant falls in: weekday (Monday 0) × 24 + hour, 0–167.
    What the arrival grid counts by (survey_app.models.tallies.ArrivalTally)."""
    local = moment.astimezone(zone)
    return local.weekday() * 24 + local.hour


def stored_weekly_slot(stored: str | None, zone_name: str) -> int | None:
    """weekly_slot of a time as SQLite stores it (naive UTC text): SQLite has no time zones,
    so the tally run's SQL calls this Python function there (core/extensions.py)."""
    if stored is None:
        return None
    return weekly_slot(datetime.fromisoformat(stored).replace(tzinfo=UTC), ZoneInfo(zone_name))
