"""Survey responses, their answers in one column (survey_app.models.levels)."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from survey_app.core.extensions import db
from survey_app.models.instrument import Instrument
from survey_app.models.integrity import HoldReason, hold_reason_column
from survey_app.models.levels import LEVELS_MAX_LENGTH, decode
from survey_app.models.org import Counter, Officer, Procedure, Unit
from survey_app.models.types import UTCDateTime, utcnow, value_enum

COMMENT_MAX_LENGTH = 2000
CLIENT_REF_MAX_LENGTH = 64


class Channel(enum.StrEnum):
    QR = "qr"
    KIOSK = "kiosk"
    WEB = "web"
    PAPER = "paper"


def _given(column: str) -> sa.Index:
    """(column, submitted_at) of the responses that name one: an equality on the column lets
    either database use the partial index."""
    return sa.Index(
        f"ix_survey_responses_{column.removesuffix('_id')}_submitted",
        column,
        "submitted_at",
        postgresql_where=sa.text(f"{column} IS NOT NULL"),
        sqlite_where=sa.text(f"{column} IS NOT NULL"),
    )


COMMENTED_INDEX = "ix_survey_responses_commented"


class SurveyResponse(db.Model):
    __tablename__ = "survey_responses"
    __table_args__ = (
        # The client's id makes a repeated submission (double tap, re-import) land once.
        sa.UniqueConstraint("unit_id", "client_ref"),
        # One dossier (mã hồ sơ) counts once, whatever channel its rating came through. Partial
        # indexes leave out the rows they could never find (most ratings name no dossier, no
        # tablet): each entry costs a row 20–30 bytes (bench/storage.py).
        sa.Index(
            "uq_survey_responses_unit_id_dossier_code",
            "unit_id",
            "dossier_code",
            unique=True,
            postgresql_where=sa.text("dossier_code IS NOT NULL"),
            sqlite_where=sa.text("dossier_code IS NOT NULL"),
        ),
        sa.Index("ix_survey_responses_unit_submitted", "unit_id", "submitted_at"),
        # An officer's own page reads the officer's responses (of any unit). A counter's are
        # read with its unit's, through the index above.
        _given("officer_id"),
        # A tablet's latest rating, read by the kiosk repeat filter.
        _given("kiosk_id"),
        # Flagged responses of a unit's month: a few in ten, listed for follow-up.
        sa.Index(
            "ix_survey_responses_flagged",
            "unit_id",
            "submitted_at",
            postgresql_where=sa.text("flagged"),
            sqlite_where=sa.text("flagged = 1"),
        ),
        # Each partial index's predicate is what `flagged_only()` compiles to on that
        # database, or its planner skips the index.
        # The responses with a comment (one in seven): a month's comments of a province, for its
        # themes and latest comments, were read from every response of the month (75,000 pages
        # for 101,000 ratings, 0.5 s each; now 0.03–0.06 s). 4 bytes a response.
        sa.Index(
            COMMENTED_INDEX,
            "unit_id",
            "submitted_at",
            postgresql_where=sa.text("comment <> ''"),
            sqlite_where=sa.text("comment <> ''"),
        ),
        # The held responses waiting for a manager: few.
        sa.Index(
            "ix_survey_responses_held",
            "unit_id",
            "submitted_at",
            postgresql_where=sa.text("held"),
            sqlite_where=sa.text("held = 1"),
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
    # The answers, one digit per item position of the instrument version (models/levels.py).
    levels: Mapped[str] = mapped_column(sa.String(LEVELS_MAX_LENGTH))
    # Any answered item (CHUNG included) at "Bình thường" or below: the unit must follow up.
    flagged: Mapped[bool] = mapped_column(default=False)
    # Kept for the record but left out of every figure.
    is_spam: Mapped[bool] = mapped_column(default=False)
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
    # Present until a tally run counts the response (see UntalliedResponse).
    untallied: Mapped["UntalliedResponse | None"] = relationship(
        back_populates="response", cascade="all, delete-orphan", passive_deletes=True
    )

    def answer_values(self) -> dict[str, int]:
        """Item code → level of the answered items."""
        return decode([item.code for item in self.instrument.items], self.levels)


def flagged_only(responses=SurveyResponse) -> sa.ColumnElement[bool]:
    """Flagged responses (matches the partial index's predicate)."""
    return responses.flagged == sa.true()


def counted(responses=SurveyResponse) -> sa.ColumnElement[bool]:
    """The responses that count in figures: neither spam nor held (nor filtered). The one
    condition every figure, tally run and export shares."""
    return sa.and_(responses.is_spam.is_(False), responses.held.is_(False))


def not_tallied(responses=SurveyResponse) -> sa.ColumnElement[bool]:
    """Responses not counted into the tallies yet; `responses`: the model or an alias of it."""
    return responses.id.in_(sa.select(UntalliedResponse.response_id))


class UntalliedResponse(db.Model):
    """A response the tallies do not hold yet: every new response has one, until the next tally
    run counts it and deletes the row (survey_app.services.tallies). A queue of its own rather
    than a flag on the response: a tally run deletes a few rows here instead of rewriting every
    new response with each of its index entries, and the response rows never change."""

    __tablename__ = "untallied_responses"

    # No index, not even a primary key: the queue is short (the ratings of a few minutes) and
    # read whole by each run, which then deletes it; VACUUM gives its pages back. A response is
    # queued at most once (services/tallies.requeue deletes before it inserts), and a repeat
    # would not count twice anyway (the run reads responses whose id is IN the queue).
    response_id: Mapped[int] = mapped_column(
        sa.ForeignKey("survey_responses.id", ondelete="CASCADE")
    )

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"primary_key": [cls.__table__.c.response_id]}

    response: Mapped[SurveyResponse] = relationship(back_populates="untallied")
