"""Tallies: the month's responses and answers counted once per key, so that monthly figures read
a few thousand rows instead of millions of answers.

Two keys below the unit, each with its own tables: by person (month, unit, officer) and by place
(month, unit, counter, channel). Every figure is keyed by one of them (who gave the service, or
where it was given: analytics.breakdowns), never by both, so the tallies do not cross them: at a
country's scale a key of officer × counter × channel held about one response a month, and the
tallies were as large as the answers they counted (bench/national.py).

A response is counted into the tallies once, by the periodic tally run (survey_app.services.
tallies), which takes it off the queue of responses not tallied yet (`UntalliedResponse`);
until then the figures read it raw. One row per key, added to by each run (an upsert on the
key); a response taken out again (marked as spam) is subtracted the same way. The month is the
local calendar month in the zone the tallies were made in (`TallyState.zone`). No officer or no
counter is 0 rather than NULL, so that the key can be a plain unique constraint on both
databases (NULLs never clash in one).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, declared_attr, mapped_column
from sqlalchemy.sql.functions import GenericFunction

from survey_app.core.extensions import db
from survey_app.models.instrument import SCALE, Factor
from survey_app.models.response import Channel
from survey_app.models.types import UTCDateTime, epoch_seconds, value_enum
from survey_app.months import Month

NOBODY = 0  # officer_id / counter_id of responses given without one
# The answers at each level (1–5) of an answer tally row: answers_1 … answers_5.
LEVEL_COLUMNS = tuple(f"answers_{value}" for value in SCALE)
PERSON_KEY = ("month", "unit_id", "officer_id")
PLACE_KEY = ("month", "unit_id", "counter_id", "channel")
# The local hour of the week (a slot): weekday (Monday 0) × 24 + hour; an arrival tally row is
# one weekday of it.
HOURS_A_WEEK, THURSDAY_HOUR = 7 * 24, 3 * 24


class _Tally:
    """A tally table: its key's columns (a unique constraint, the upsert's target) and counts."""

    grain_key: ClassVar[tuple[str, ...]]  # month, unit and the grain's columns below the unit
    counted_by: ClassVar[tuple[str, ...]] = ()  # what the counts are of, within the grain's key
    counts: ClassVar[tuple[str, ...]]

    # sort_order: the key's columns come first in the tables.
    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-2)
    month: Mapped[str] = mapped_column(sa.String(7), sort_order=-2)  # "YYYY-MM"
    # No foreign keys (unit, item, instrument): a tally is counted from responses, whose own keys
    # hold them, and units and items are never deleted; the checks were half the run's upserts.
    unit_id: Mapped[int] = mapped_column(sort_order=-2)

    @declared_attr.directive
    def __table_args__(cls) -> tuple:
        # PostgreSQL: the key's index carries the counts (INCLUDE), so a figure reads a unit's
        # month from the index alone. Runs add to the tallies in the order ratings arrive, so
        # a province's month lay on one heap page in 1.6 rows (migration 0019).
        return (
            sa.UniqueConstraint(
                *tally_key(cls),
                name=f"uq_{cls.__tablename__}_key",
                postgresql_include=list(cls.counts),
            ),
        )


def tally_key(table: type[_Tally]) -> tuple[str, ...]:
    """The columns of a tally table's unique key: the upsert's target."""
    return (*table.grain_key, *table.counted_by)


class _ByPerson(_Tally):
    """Who gave the service."""

    grain_key = PERSON_KEY
    officer_id: Mapped[int] = mapped_column(sort_order=-1)  # NOBODY or an officer's id


class _ByPlace(_Tally):
    """Where it was given."""

    grain_key = PLACE_KEY
    counter_id: Mapped[int] = mapped_column(sort_order=-1)  # NOBODY or a counter's id
    channel: Mapped[Channel] = mapped_column(value_enum(Channel, 10), sort_order=-1)


class _Responses:
    counts = ("responses", "flagged")

    responses: Mapped[int]
    flagged: Mapped[int]


class _Answers:
    """Answers of one item, a column per level (1–5): the level counts of the report come with
    it, and a key with few responses a month spreads over several levels of each item."""

    counted_by = ("item_id",)
    counts = LEVEL_COLUMNS

    item_id: Mapped[int]
    answers_1: Mapped[int]
    answers_2: Mapped[int]
    answers_3: Mapped[int]
    answers_4: Mapped[int]
    answers_5: Mapped[int]

    @classmethod
    def at_level(cls, value: int) -> Mapped[int]:
        """The column of the answers at `value`."""
        return getattr(cls, f"answers_{value}")


class _Factors:
    """Responses of one instrument with at least one answer in one factor: the weight of that
    instrument's factor index when several instruments share a month (domain.md §2)."""

    counted_by = ("instrument_id", "factor")
    counts = ("responses",)

    instrument_id: Mapped[int]
    factor: Mapped[Factor] = mapped_column(value_enum(Factor, 2))
    responses: Mapped[int]


class PersonResponseTally(_Responses, _ByPerson, db.Model):
    __tablename__ = "person_response_tallies"


class PersonAnswerTally(_Answers, _ByPerson, db.Model):
    __tablename__ = "person_answer_tallies"


class PersonFactorTally(_Factors, _ByPerson, db.Model):
    __tablename__ = "person_factor_tallies"


class PlaceResponseTally(_Responses, _ByPlace, db.Model):
    __tablename__ = "place_response_tallies"


class PlaceAnswerTally(_Answers, _ByPlace, db.Model):
    __tablename__ = "place_answer_tallies"


class PlaceFactorTally(_Factors, _ByPlace, db.Model):
    __tablename__ = "place_factor_tallies"


# The arrivals at each local hour (0–23) of an arrival tally row: hour_0 … hour_23, declared
# from this list (a mixin of annotations) rather than written out 24 times.
HOURS_A_DAY = 24
HOUR_COLUMNS = tuple(f"hour_{hour}" for hour in range(HOURS_A_DAY))
_Hours = type("_Hours", (), {"__annotations__": dict.fromkeys(HOUR_COLUMNS, Mapped[int])})


class ArrivalTally(_Hours, _Tally, db.Model):
    """Responses per month, unit and local weekday (Monday 0), a column per local hour: a
    manager's arrival grid, 7 rows of a unit's month. Counted by the tally run like the others:
    a province's month read 101,000 responses spread over 75,000 pages (0.5 s) for 168 counts.
    A row per hour of the week (migration 0021) made 1.7 million rows of a national quarter,
    323 MB and about 17 s of its 142 s tally run; a row per day makes 70,000 (8.7 s)."""

    __tablename__ = "arrival_day_tallies"
    grain_key = ("month", "unit_id")
    counted_by = ("weekday",)
    counts = HOUR_COLUMNS

    weekday: Mapped[int] = mapped_column(sa.SmallInteger)

    @classmethod
    def at_hour(cls, hour: int) -> Mapped[int]:
        """The column of the arrivals at local `hour`."""
        return getattr(cls, HOUR_COLUMNS[hour])


class weekly_slot_of(GenericFunction):  # noqa: N801 (SQL functions are lower case)
    """SQL: survey_app.months.weekly_slot of a stored (naive UTC) time, in a zone given by name.
    PostgreSQL places it in the zone itself; SQLite calls the Python function (registered on
    each of its connections under this name: core/extensions.py)."""

    name = "weekly_slot"
    type = sa.Integer()
    inherit_cache = True


@compiles(weekly_slot_of, "postgresql")
def _weekly_slot_postgresql(element, compiler, **kw):
    moment, zone = element.clauses
    local = sa.func.timezone(zone, sa.func.timezone("UTC", moment))
    day = sa.cast(sa.extract("isodow", local), sa.Integer) - 1  # Monday 1 … Sunday 7
    return compiler.process(day * 24 + sa.cast(sa.extract("hour", local), sa.Integer), **kw)


def weekly_slot_in(
    moment: sa.ColumnElement, months: Sequence[Month], zone: ZoneInfo
) -> sa.ColumnElement:
    """SQL: survey_app.months.weekly_slot of a stored time in one of `months`, as the tally run
    counts arrivals and the arrival grid reads the responses not tallied yet. By arithmetic on
    the seconds since 1970 when the zone keeps one UTC offset through the months (Vietnam's
    always does): placing each time in the zone by name cost PostgreSQL 1 s per million."""
    offset = _fixed_offset(months, zone)
    if offset is None:
        return weekly_slot_of(moment, zone.key)
    # 1 January 1970 was a Thursday: hour 72 of a week that starts on Monday.
    return ((epoch_seconds(moment) + offset) // 3600 + THURSDAY_HOUR) % HOURS_A_WEEK


def _fixed_offset(months: Sequence[Month], zone: ZoneInfo) -> int | None:
    """The zone's UTC offset in seconds if it is the same at every hour of `months`, else None
    (a daylight saving change)."""
    start, end = months[0].bounds(zone)[0], months[-1].bounds(zone)[1]
    hours = int((end - start).total_seconds()) // 3600
    offsets = {zone.utcoffset(start + timedelta(hours=hour)) for hour in range(hours + 1)}
    return int(offsets.pop().total_seconds()) if len(offsets) == 1 else None


@dataclass(frozen=True)
class Grain:
    """One key of the tallies, with its three tables."""

    key: tuple[str, ...]
    responses: type[PersonResponseTally] | type[PlaceResponseTally]
    answers: type[PersonAnswerTally] | type[PlaceAnswerTally]
    factors: type[PersonFactorTally] | type[PlaceFactorTally]

    @property
    def tables(self) -> tuple[type[_Tally], ...]:
        return (self.responses, self.answers, self.factors)


BY_PERSON = Grain(PERSON_KEY, PersonResponseTally, PersonAnswerTally, PersonFactorTally)
BY_PLACE = Grain(PLACE_KEY, PlaceResponseTally, PlaceAnswerTally, PlaceFactorTally)
GRAINS = (BY_PERSON, BY_PLACE)


class TallyState(db.Model):
    """One row: the zone the tallies' months are in, and the last run that found responses to
    count. Each such run updates it first, which makes runs wait for one another."""

    __tablename__ = "tally_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    zone: Mapped[str] = mapped_column(sa.String(64))
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
