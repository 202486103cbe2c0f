"""Rating integrity: a unit's thresholds for holding ratings that look like stuffing, and a
manager's decisions on held ratings (docs/rating-integrity.md)."""

import enum
from datetime import datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.core.extensions import db
from survey_app.models.staff import User
from survey_app.models.types import UTCDateTime, utcnow, value_enum

# The defaults of a unit that has set nothing (docs/rating-integrity.md says why these).
REPEAT_MINUTES = 30
BURST_MINUTES = 10
ADDRESS_LIMIT = 5
TARGET_LIMIT = 12
PATTERN_LIMIT = 5
KIOSK_REPEAT_SECONDS = 10
# Office hours (local time) of a unit that takes no QR or web ratings outside them: off unless set.
OPENS_AT = time(7, 0)
CLOSES_AT = time(17, 0)


class HoldReason(enum.StrEnum):
    """Why a rating was stored without counting. Never shown to the citizen."""

    PHONE_REPEAT = "phone_repeat"  # this phone rated this code within the unit's period
    NO_PHONE = "no_phone"  # a POST without the cookie its form set, or a replayed form
    ADDRESS_BURST = "address_burst"  # many ratings from one address to one code
    TARGET_BURST = "target_burst"  # many ratings to one officer or counter within minutes
    SAME_ANSWERS = "same_answers"  # the same answer pattern again and again to one code
    KIOSK_REPEAT = "kiosk_repeat"  # the same tablet, the same answers, within seconds
    OUTSIDE_HOURS = "outside_hours"  # outside the office hours of a unit that takes none then


# Filtered, not held: left out for good, counted as a number, never waiting for a decision.
FILTERED = (HoldReason.KIOSK_REPEAT,)


def default_rules(unit_id: int) -> dict:
    """The values of a unit's RatingRules while it has no row of its own."""
    return {
        "unit_id": unit_id,
        "repeat_minutes": REPEAT_MINUTES,
        "burst_minutes": BURST_MINUTES,
        "address_limit": ADDRESS_LIMIT,
        "target_limit": TARGET_LIMIT,
        "pattern_limit": PATTERN_LIMIT,
        "kiosk_repeat_seconds": KIOSK_REPEAT_SECONDS,
        "office_hours_only": False,
        "opens_at": OPENS_AT,
        "closes_at": CLOSES_AT,
    }


class RatingRules(db.Model):
    """A unit's thresholds; a unit without a row uses the defaults above."""

    __tablename__ = "rating_rules"

    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), primary_key=True)
    # One counted rating per phone per survey code in this many minutes.
    repeat_minutes: Mapped[int] = mapped_column(default=REPEAT_MINUTES)
    # The window of the burst rules, and their limits within it (ratings to one code).
    burst_minutes: Mapped[int] = mapped_column(default=BURST_MINUTES)
    address_limit: Mapped[int] = mapped_column(default=ADDRESS_LIMIT)
    target_limit: Mapped[int] = mapped_column(default=TARGET_LIMIT)
    pattern_limit: Mapped[int] = mapped_column(default=PATTERN_LIMIT)
    # A tablet's identical rating this soon after the thank-you screen is filtered.
    kiosk_repeat_seconds: Mapped[int] = mapped_column(default=KIOSK_REPEAT_SECONDS)
    # A QR or web rating outside [opens_at, closes_at) local time, or on a day off, is held.
    office_hours_only: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    opens_at: Mapped[time] = mapped_column(
        sa.Time, default=OPENS_AT, server_default=sa.text("'07:00:00'")
    )
    closes_at: Mapped[time] = mapped_column(
        sa.Time, default=CLOSES_AT, server_default=sa.text("'17:00:00'")
    )


class RatingDecision(db.Model):
    """A manager's decision on a burst of held ratings: accepted (they count) or rejected
    (kept, marked as spam). Each decided rating points here."""

    __tablename__ = "rating_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    accepted: Mapped[bool]
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    ratings: Mapped[int]
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    decided_by: Mapped[User | None] = relationship()


def hold_reason_column() -> sa.Enum:
    return value_enum(HoldReason, 20)
