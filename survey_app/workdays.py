"""The Vietnamese working-day calendar and the answer deadline of complaints (domain.md §3).

A day is a working day when the override table says so; otherwise when the `holidays` package
(country VN, Vietnamese names) names it a make-up Saturday; otherwise when it is Monday to
Friday and not one of the package's days off. The package already knows the Government's
substitutions it was told about (e.g. Fri 2/5/2025 off for Sat 26/4/2025, Mon 31/8/2026 off for
Sat 22/8/2026); what it lacks goes into the table (seeded with the 2026 New Year swap).

24/11 (Vietnam Culture Day): the package lists it from 2026 while the Labour Code amendment
making it a paid day off was still pending, so it only counts as a day off (with the package's
weekend substitute) when SURVEY_CULTURE_DAY_OFF is true; by default it is a working day. Once a
year is decided, an override for that year is clearer than flipping the switch.

Deadline: 17:00 local on the Nth working day after the day of receipt; that day is not counted,
whatever the hour (received Monday 20:00 counts like Monday 08:00), and a day off counts the
same way (received Saturday → N working days after Saturday).

Each public function reads the overrides once per calendar year it touches; code that works
through many tickets builds one WorkCalendar and reuses it.

A year after PUBLISHED_THROUGH without a confirmation (survey_app.models.CalendarYear) is
provisional ("tạm tính"): its days off are the package's rules, not the Government's published
schedule, and a deadline counted through one of its days says so.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import sqlalchemy as sa
from flask import current_app

from survey_app.core.extensions import db
from survey_app.models import CalendarOverride, CalendarYear
from survey_app.months import survey_zone

OFFICE_CLOSES = time(17, 0)
CULTURE_DAY_NAME = "Ngày Văn hóa Việt Nam"
MAKE_UP_DAY_NAME = "Ngày làm việc bù"
# The last year whose published schedule (days off, swaps, make-up days) was checked into the
# package and the overrides when this version was released; later years need a confirmation.
PUBLISHED_THROUGH = 2026
# A deadline search never needs more days than this; a longer search means a broken table.
MAX_SEARCH_DAYS = 3 * 366


@dataclass(frozen=True)
class CalendarDay:
    """A day that differs from an ordinary week: a day off, or a working weekend day."""

    day: date
    is_working_day: bool
    name: str
    source: str
    from_override: bool = False


@dataclass(frozen=True)
class YearStatus:
    year: int
    provisional: bool
    document: str | None  # the deciding document, once an administrator confirmed the year


class WorkCalendar:
    """The calendar of one computation: the override rows of a year are read once."""

    def __init__(self, culture_day_off: bool | None = None):
        if culture_day_off is None:
            culture_day_off = _flag(current_app.config.get("SURVEY_CULTURE_DAY_OFF", False))
        self.culture_day_off = culture_day_off
        self.zone = survey_zone()
        self._years: dict[int, dict[date, CalendarDay]] = {}
        self._statuses: dict[int, YearStatus] = {}

    def year_status(self, year: int) -> YearStatus:
        if year not in self._statuses:
            confirmed = db.session.get(CalendarYear, year)
            document = confirmed.document if confirmed is not None else None
            provisional = confirmed is None and year > PUBLISHED_THROUGH
            self._statuses[year] = YearStatus(year, provisional, document)
        return self._statuses[year]

    def is_provisional_between(self, start: datetime, end: datetime) -> bool:
        """Whether a deadline counted from `start` to `end` goes through a provisional year."""
        first, last = self.local_day(start).year, self.local_day(end).year
        return any(self.year_status(year).provisional for year in range(first, last + 1))

    def special_days(self, year: int) -> dict[date, CalendarDay]:
        """Package days of the year, then the overrides on top (an override wins)."""
        if year not in self._years:
            self._years[year] = _package_year(year, self.culture_day_off) | _override_year(year)
        return self._years[year]

    def is_working_day(self, day: date) -> bool:
        special = self.special_days(day.year).get(day)
        if special is not None:
            return special.is_working_day
        return day.weekday() < 5

    def add_working_days(self, day: date, count: int) -> date:
        """The `count`-th working day after `day` (`day` itself not counted)."""
        for _step in range(MAX_SEARCH_DAYS):
            if count <= 0:
                return day
            day += timedelta(days=1)
            count -= self.is_working_day(day)
        raise RuntimeError(f"No working day found within {MAX_SEARCH_DAYS} days of {day}.")

    def working_day_before(self, day: date) -> date:
        for _step in range(MAX_SEARCH_DAYS):
            day -= timedelta(days=1)
            if self.is_working_day(day):
                return day
        raise RuntimeError(f"No working day found within {MAX_SEARCH_DAYS} days of {day}.")

    def local_day(self, moment: datetime) -> date:
        return _aware(moment).astimezone(self.zone).date()

    def office_closes(self, day: date) -> datetime:
        return datetime.combine(day, OFFICE_CLOSES, self.zone)

    def answer_due(self, received_at: datetime, working_days: int) -> datetime:
        day = self.add_working_days(self.local_day(received_at), working_days)
        return self.office_closes(day).astimezone(UTC)

    def working_days_between(self, start: datetime, end: datetime) -> int:
        """Working days after the local day of `start` up to and including that of `end`.

        The deadline's own count: a ticket answered on its due day took N working days, one
        answered the day it arrived took 0. Whole days, because the rule counts days, not hours;
        an average over tickets is then a plain mean of these. 0 when `end` is not later."""
        first, last = self.local_day(start), self.local_day(end)
        days = (first + timedelta(days=offset) for offset in range(1, (last - first).days + 1))
        return sum(self.is_working_day(day) for day in days)

    def is_due_soon(self, due_at: datetime, now: datetime, working_days: int = 1) -> bool:
        """Not yet late, and due by the end of the `working_days`-th working day after today
        (1 = due today or on the next working day): when a reminder is worth sending."""
        return _aware(now) <= _aware(due_at) <= self.answer_due(now, working_days)

    def days_off(self, year: int) -> list[CalendarDay]:
        """Named days off of the year (the package's and the overrides'), by date."""
        return [entry for entry in self.year_entries(year) if not entry.is_working_day]

    def year_entries(self, year: int) -> list[CalendarDay]:
        """Named days off and make-up days of the year, by date."""
        return sorted(self.special_days(year).values(), key=lambda entry: entry.day)


def is_working_day(day: date) -> bool:
    return WorkCalendar().is_working_day(day)


def answer_due(received_at: datetime, working_days: int) -> datetime:
    """End of office hours on the Nth working day after the day of receipt (that day not
    counted; a day off counts from the next working day the same way), aware, in UTC."""
    return WorkCalendar().answer_due(received_at, working_days)


def next_working_day(day: date) -> date:
    return WorkCalendar().add_working_days(day, 1)


def working_day_before(day: date) -> date:
    return WorkCalendar().working_day_before(day)


def working_days_between(start: datetime, end: datetime) -> int:
    return WorkCalendar().working_days_between(start, end)


def is_due_soon(due_at: datetime, now: datetime, working_days: int = 1) -> bool:
    return WorkCalendar().is_due_soon(due_at, now, working_days)


def days_off(year: int) -> list[CalendarDay]:
    return WorkCalendar().days_off(year)


@lru_cache(maxsize=64)
def _package_year(year: int, culture_day_off: bool) -> dict[date, CalendarDay]:
    import holidays  # when a year is first asked for: most web workers never need the package

    source = f"holidays {holidays.__version__} (VN)"
    # Neighbouring years too: a swap decided in one year may move a day of the next
    # (e.g. Sat 27/12/2014 worked for Fri 2/1/2015 is listed under 2015).
    calendar = holidays.country_holidays("VN", years=range(year - 1, year + 2), language="vi")
    entries = {}
    for day, names in calendar.items():
        kept = [name for name in names.split("; ") if culture_day_off or not _is_culture(name)]
        if day.year == year and kept:
            entries[day] = CalendarDay(day, False, "; ".join(kept), source)
    for day in calendar.weekend_workdays:
        if day.year == year:
            entries[day] = CalendarDay(day, True, MAKE_UP_DAY_NAME, source)
    return entries


def _is_culture(name: str) -> bool:
    """24/11 itself and its weekend substitute ("... (nghỉ bù)")."""
    return CULTURE_DAY_NAME in name


def _override_year(year: int) -> dict[date, CalendarDay]:
    rows = db.session.scalars(
        sa.select(CalendarOverride).where(
            CalendarOverride.day.between(date(year, 1, 1), date(year, 12, 31))
        )
    )
    return {
        row.day: CalendarDay(row.day, row.is_working_day, row.name, row.source, True)
        for row in rows
    }


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"{moment!r} has no time zone; pass an aware datetime.")
    return moment


def _flag(value) -> bool:
    """The switch comes from an environment variable ("true"/"false") or a test's bool."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)
