"""The follow-up of a flagged response (rated "Bình thường" or below): seed 002 asks that every
such sheet be followed up and answered within 3 working days.

A flagged response has no row until someone acts on it: until then it is "mới" (new), due 3
working days after it arrived (computed, survey_app.services.follow_ups.handling).
"""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.core.extensions import db
from survey_app.models.response import SurveyResponse
from survey_app.models.staff import User
from survey_app.models.tickets import Ticket
from survey_app.models.types import UTCDateTime, utcnow, value_enum

FOLLOW_UP_DAYS = 3
ACTION_MAX_LENGTH = 200
NOTE_MAX_LENGTH = 2000


class FollowUpState(enum.StrEnum):
    NEW = "new"  # mới
    IN_PROGRESS = "in_progress"  # đang xử lý
    DONE = "done"  # đã xử lý
    UNREACHABLE = "unreachable"  # không liên hệ được


FINISHED_STATES = frozenset({FollowUpState.DONE, FollowUpState.UNREACHABLE})


class FollowUp(db.Model):
    __tablename__ = "follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        sa.ForeignKey("survey_responses.id", ondelete="CASCADE"), unique=True
    )
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    state: Mapped[FollowUpState] = mapped_column(value_enum(FollowUpState, 12))
    handler_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(ACTION_MAX_LENGTH), default="")
    note: Mapped[str] = mapped_column(sa.Text, default="")
    # Set when the state becomes "đã xử lý" or "không liên hệ được": on time or late.
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Reminders go out once per follow-up and stage, with the tickets' run.
    reminded_due_soon_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    response: Mapped[SurveyResponse] = relationship()
    handler: Mapped[User | None] = relationship(foreign_keys=[handler_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])


def linked_ticket(response_id: int) -> sa.Select:
    """The ticket the citizen opened from this response with contact data and consent."""
    return sa.select(Ticket).where(
        Ticket.response_id == response_id, Ticket.consent_at.is_not(None)
    )
