"""Complaint tickets (phản ánh, kiến nghị), their history and attachments; calendar overrides."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.core.extensions import db
from survey_app.models.org import Counter, Officer, Procedure, Unit
from survey_app.models.response import SurveyResponse
from survey_app.models.staff import User
from survey_app.models.types import UTCDateTime, utcnow, value_enum

CONTENT_MAX_LENGTH = 4000


class TicketStatus(enum.StrEnum):
    RECEIVED = "received"
    ASSIGNED = "assigned"
    ANSWERED = "answered"
    CLOSED = "closed"
    TRANSFERRED = "transferred"  # to another unit; the clock continues
    REJECTED = "rejected"  # with a reason; counts as answered


class TicketChannel(enum.StrEnum):
    WEB = "web"  # the unit's public form
    SURVEY = "survey"  # from the thank-you page of a flagged survey
    HOTLINE = "hotline"
    PAPER = "paper"
    MAILBOX = "mailbox"  # the suggestion box at the office
    API = "api"
    KIOSK = "kiosk"  # a call-back request left at the counter tablet


class Ticket(db.Model):
    __tablename__ = "tickets"
    __table_args__ = (
        # A double tap on "send" files one ticket.
        sa.UniqueConstraint("unit_id", "client_ref"),
        sa.Index("ix_tickets_unit_status_due", "unit_id", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)  # the citizen's tracking code
    client_ref: Mapped[str] = mapped_column(sa.String(64))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    counter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("counters.id"))
    officer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("officers.id"), index=True)
    procedure_id: Mapped[int | None] = mapped_column(sa.ForeignKey("procedures.id"))
    response_id: Mapped[int | None] = mapped_column(sa.ForeignKey("survey_responses.id"))
    channel: Mapped[TicketChannel] = mapped_column(value_enum(TicketChannel, 10))
    content: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[TicketStatus] = mapped_column(value_enum(TicketStatus, 12))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # An extension keeps the original due_at for the report ("on time after extension").
    extended_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    extension_reason: Mapped[str | None] = mapped_column(sa.Text)
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    answer: Mapped[str | None] = mapped_column(sa.Text)  # or the reason of a rejection
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handling_rating: Mapped[int | None] = mapped_column(sa.SmallInteger)
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Contact data: optional, only with consent, removed after the retention period.
    contact_name: Mapped[str | None] = mapped_column(sa.String(200))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(40))
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    consent_text: Mapped[str | None] = mapped_column(sa.Text)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    contact_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Reminders go out once per ticket per stage.
    reminded_due_soon_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit: Mapped[Unit] = relationship()
    counter: Mapped[Counter | None] = relationship()
    officer: Mapped[Officer | None] = relationship()
    procedure: Mapped[Procedure | None] = relationship()
    response: Mapped[SurveyResponse | None] = relationship()
    assignee: Mapped[User | None] = relationship()
    events: Mapped[list["TicketEvent"]] = relationship(
        back_populates="ticket", order_by="TicketEvent.id", cascade="all, delete-orphan"
    )
    attachments: Mapped[list["TicketAttachment"]] = relationship(
        back_populates="ticket", order_by="TicketAttachment.id", cascade="all, delete-orphan"
    )

    @property
    def effective_due_at(self) -> datetime:
        return self.extended_due_at or self.due_at


class TicketEvent(db.Model):
    """One step of a ticket's history: who (None: the citizen or the system), what, when."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(
        sa.ForeignKey("tickets.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(sa.String(30))  # received, assigned, answered, extended, ...
    from_status: Mapped[TicketStatus | None] = mapped_column(
        value_enum(TicketStatus, 12, "from_status")
    )
    to_status: Mapped[TicketStatus | None] = mapped_column(
        value_enum(TicketStatus, 12, "to_status")
    )
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    ticket: Mapped[Ticket] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class TicketAttachment(db.Model):
    """A file the citizen attached: checked by content, stored outside the database."""

    __tablename__ = "ticket_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(
        sa.ForeignKey("tickets.id", ondelete="CASCADE"), index=True
    )
    stored_name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    original_name: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(60))
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="attachments")


class CalendarOverride(db.Model):
    """A Government decision the holidays package lacks: a swapped day off or a make-up day."""

    __tablename__ = "calendar_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, unique=True)
    is_working_day: Mapped[bool]
    name: Mapped[str] = mapped_column(sa.String(200))
    source: Mapped[str] = mapped_column(sa.String(300))  # the document that decided it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
