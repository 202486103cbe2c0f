"""Tallies: the month's responses and answers counted once per (unit, officer, counter, channel),
so that monthly figures read a few thousand rows instead of millions of answers.

A response is counted into the tallies once (`SurveyResponse.tallied`), by the periodic tally
run (survey_app.services.tallies); until then the figures read it raw. The counts are additive:
several rows may share a key (they are summed when read, and merged by the next run), and a
response taken out again (marked as spam) is a row of negative counts. The month is the local
calendar month in the zone the tallies were made in (`TallyState.zone`).
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from survey_app.extensions import db
from survey_app.models.response import Channel
from survey_app.models.types import UTCDateTime, value_enum


class _TallyKey:
    """Where the counted responses were given, in which local month."""

    # sort_order: the key's columns come first in the tables.
    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-1)
    month: Mapped[str] = mapped_column(sa.String(7), sort_order=-1)  # "YYYY-MM"
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), sort_order=-1)
    officer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("officers.id"), sort_order=-1)
    counter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("counters.id"), sort_order=-1)
    channel: Mapped[Channel] = mapped_column(value_enum(Channel, 10), sort_order=-1)


class ResponseTally(_TallyKey, db.Model):
    __tablename__ = "response_tallies"
    __table_args__ = (sa.Index("ix_response_tallies_month_unit", "month", "unit_id"),)

    responses: Mapped[int]
    flagged: Mapped[int]


class AnswerTally(_TallyKey, db.Model):
    """Answers of one item at one level (1–5): the level counts of the report come with it."""

    __tablename__ = "answer_tallies"
    __table_args__ = (sa.Index("ix_answer_tallies_month_unit", "month", "unit_id"),)

    item_id: Mapped[int] = mapped_column(sa.ForeignKey("items.id"))
    value: Mapped[int] = mapped_column(sa.SmallInteger)
    answers: Mapped[int]


class TallyState(db.Model):
    """One row: the zone the tallies' months are in, and the last run. Each run updates it
    first, which makes runs wait for one another."""

    __tablename__ = "tally_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    zone: Mapped[str] = mapped_column(sa.String(64))
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
