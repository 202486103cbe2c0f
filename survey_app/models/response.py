"""Survey responses and their per-item answers."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.core.extensions import db
from survey_app.models.instrument import Instrument, Item
from survey_app.models.integrity import HoldReason, hold_reason_column
from survey_app.models.org import Counter, Officer, Procedure, Unit
from survey_app.models.types import UTCDateTime, utcnow, value_enum

COMMENT_MAX_LENGTH = 2000
CLIENT_REF_MAX_LENGTH = 64


class Channel(enum.StrEnum):
    QR = "qr"
    KIOSK = "kiosk"
    WEB = "web"
    PAPER = "paper"


class SurveyResponse(db.Model):
    __tablename__ = "survey_responses"
    __table_args__ = (
        # The client's id makes a repeated submission (double tap, re-import) land once.
        sa.UniqueConstraint("unit_id", "client_ref"),
        # One dossier (mã hồ sơ) counts once, whatever channel its rating came through.
        sa.UniqueConstraint("unit_id", "dossier_code"),
        sa.Index("ix_survey_responses_unit_submitted", "unit_id", "submitted_at"),
        # Monthly figures per officer and per counter scan one month of one of them.
        sa.Index("ix_survey_responses_officer_submitted", "officer_id", "submitted_at"),
        sa.Index("ix_survey_responses_counter_submitted", "counter_id", "submitted_at"),
        # A tablet's latest rating, read by the kiosk repeat filter.
        sa.Index("ix_survey_responses_kiosk_submitted", "kiosk_id", "submitted_at"),
        # Flagged responses of a unit's month: a few in ten, listed for follow-up.
        sa.Index(
            "ix_survey_responses_flagged",
            "unit_id",
            "submitted_at",
            postgresql_where=sa.text("flagged"),
            sqlite_where=sa.text("flagged = 1"),
        ),
        # The responses not yet in the tallies: few, read raw beside the tallies. Each partial
        # index's predicate is what `flagged_only()` / `not_tallied()` compile to on that
        # database, or its planner skips the index.
        # The held responses waiting for a manager: few.
        sa.Index(
            "ix_survey_responses_held",
            "unit_id",
            "submitted_at",
            postgresql_where=sa.text("held"),
            sqlite_where=sa.text("held = 1"),
        ),
        sa.Index(
            "ix_survey_responses_untallied",
            "submitted_at",
            postgresql_where=sa.text("NOT tallied"),
            sqlite_where=sa.text("tallied = 0"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_ref: Mapped[str] = mapped_column(sa.String(CLIENT_REF_MAX_LENGTH))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    counter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("counters.id"))
    officer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("officers.id"))
    # The tablet a kiosk rating came from.
    kiosk_id: Mapped[int | None] = mapped_column(sa.ForeignKey("kiosks.id"))
    procedure_id: Mapped[int | None] = mapped_column(sa.ForeignKey("procedures.id"))
    instrument_id: Mapped[int] = mapped_column(sa.ForeignKey("instruments.id"))
    channel: Mapped[Channel] = mapped_column(value_enum(Channel, 10))
    dossier_code: Mapped[str | None] = mapped_column(sa.String(60))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    # Any answered item (CHUNG included) at "Bình thường" or below: the unit must follow up.
    flagged: Mapped[bool] = mapped_column(default=False)
    # Kept for the record but left out of every figure.
    is_spam: Mapped[bool] = mapped_column(default=False)
    # Counted into the tallies (survey_app.models.tallies) by a tally run.
    tallied: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Stored but left out of every figure until a manager decides (survey_app.services.
    # rating_review); a filtered kiosk repeat stays held for good. hold_reason says which rule.
    held: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    hold_reason: Mapped[HoldReason | None] = mapped_column(hold_reason_column())
    decision_id: Mapped[int | None] = mapped_column(sa.ForeignKey("rating_decisions.id"))
    # Keyed hashes (never the cookie or the address itself) of the phone and the client address
    # a QR rating came from: enough to see a burst, too little to find a person.
    phone_hash: Mapped[str | None] = mapped_column(sa.String(16))
    address_hash: Mapped[str | None] = mapped_column(sa.String(16))

    unit: Mapped[Unit] = relationship()
    counter: Mapped[Counter | None] = relationship()
    officer: Mapped[Officer | None] = relationship()
    procedure: Mapped[Procedure | None] = relationship()
    instrument: Mapped[Instrument] = relationship()
    answers: Mapped[list["Answer"]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )

    def answer_values(self) -> dict[str, int]:
        return {answer.item.code: answer.value for answer in self.answers}


def flagged_only(responses=SurveyResponse) -> sa.ColumnElement[bool]:
    """Flagged responses (matches the partial index's predicate)."""
    return responses.flagged == sa.true()


def counted(responses=SurveyResponse) -> sa.ColumnElement[bool]:
    """The responses that count in figures: neither spam nor held (nor filtered). The one
    condition every figure, tally run and export shares."""
    return sa.and_(responses.is_spam.is_(False), responses.held.is_(False))


def not_tallied(responses=SurveyResponse) -> sa.ColumnElement[bool]:
    """Responses not counted into the tallies yet (matches the partial index's predicate);
    `responses`: the model or an alias of it."""
    return sa.not_(responses.tallied)


class Answer(db.Model):
    """One answered item; an unanswered item ("Không có ý kiến") has no row."""

    __tablename__ = "answers"
    __table_args__ = (sa.CheckConstraint("value BETWEEN 1 AND 5", name="value_on_scale"),)

    response_id: Mapped[int] = mapped_column(
        sa.ForeignKey("survey_responses.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("items.id"), primary_key=True, index=True)
    value: Mapped[int] = mapped_column(sa.SmallInteger)

    response: Mapped[SurveyResponse] = relationship(back_populates="answers")
    item: Mapped[Item] = relationship()
