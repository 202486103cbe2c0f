"""Tallies: the month's responses and answers counted once per (unit, officer, counter, channel),
so that monthly figures read a few thousand rows instead of millions of answers.

A response is counted into the tallies once, by the periodic tally run (survey_app.services.
tallies), which takes it off the queue of responses not tallied yet (`UntalliedResponse`);
until then the figures read it raw. One row per key, added to
by each run (an upsert on the key); a response taken out again (marked as spam) is subtracted
the same way. The month is the local calendar month in the zone the tallies were made in
(`TallyState.zone`). No officer or no counter is 0 rather than NULL, so that the key can be a
plain unique constraint on both databases (NULLs never clash in one).
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from survey_app.core.extensions import db
from survey_app.models.instrument import SCALE, Factor
from survey_app.models.response import Channel
from survey_app.models.types import UTCDateTime, value_enum

NOBODY = 0  # officer_id / counter_id of responses given without one
RESPONSE_KEY = ("month", "unit_id", "officer_id", "counter_id", "channel")
ANSWER_KEY = (*RESPONSE_KEY, "item_id")
# The answers at each level (1–5) of an answer tally row: answers_1 … answers_5.
LEVEL_COLUMNS = tuple(f"answers_{value}" for value in SCALE)
FACTOR_KEY = (*RESPONSE_KEY, "instrument_id", "factor")


class _TallyKey:
    """Where the counted responses were given, in which local month."""

    # sort_order: the key's columns come first in the tables.
    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-1)
    month: Mapped[str] = mapped_column(sa.String(7), sort_order=-1)  # "YYYY-MM"
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), sort_order=-1)
    officer_id: Mapped[int] = mapped_column(sort_order=-1)  # NOBODY or an officer's id
    counter_id: Mapped[int] = mapped_column(sort_order=-1)  # NOBODY or a counter's id
    channel: Mapped[Channel] = mapped_column(value_enum(Channel, 10), sort_order=-1)


class ResponseTally(_TallyKey, db.Model):
    __tablename__ = "response_tallies"
    __table_args__ = (sa.UniqueConstraint(*RESPONSE_KEY, name="uq_response_tallies_key"),)

    responses: Mapped[int]
    flagged: Mapped[int]


class AnswerTally(_TallyKey, db.Model):
    """Answers of one item, a column per level (1–5): the level counts of the report come with
    it. One row per item rather than per level: a key with few responses a month (most of them,
    at many officers × counters × channels) spreads over several levels of each item, and a row
    per level made about four tally rows per response."""

    __tablename__ = "answer_tallies"
    __table_args__ = (sa.UniqueConstraint(*ANSWER_KEY, name="uq_answer_tallies_key"),)

    item_id: Mapped[int] = mapped_column(sa.ForeignKey("items.id"))
    answers_1: Mapped[int]
    answers_2: Mapped[int]
    answers_3: Mapped[int]
    answers_4: Mapped[int]
    answers_5: Mapped[int]

    @classmethod
    def at_level(cls, value: int) -> Mapped[int]:
        """The column of the answers at `value`."""
        return getattr(cls, f"answers_{value}")


class FactorTally(_TallyKey, db.Model):
    """Responses of one instrument with at least one answer in one factor: the weight of that
    instrument's factor index when several instruments share a month (domain.md §2)."""

    __tablename__ = "factor_tallies"
    __table_args__ = (sa.UniqueConstraint(*FACTOR_KEY, name="uq_factor_tallies_key"),)

    instrument_id: Mapped[int] = mapped_column(sa.ForeignKey("instruments.id"))
    factor: Mapped[Factor] = mapped_column(value_enum(Factor, 2))
    responses: Mapped[int]


class TallyState(db.Model):
    """One row: the zone the tallies' months are in, and the last run. Each run updates it
    first, which makes runs wait for one another."""

    __tablename__ = "tally_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    zone: Mapped[str] = mapped_column(sa.String(64))
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
