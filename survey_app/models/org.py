"""The organisation: units in a tree, their counters and officers, procedures, survey codes."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.core.extensions import db
from survey_app.models.types import UTCDateTime, utcnow

DEFAULT_INSTRUMENT = "sipas-2023"

officer_counters = sa.Table(
    "officer_counters",
    db.metadata,
    sa.Column("officer_id", sa.ForeignKey("officers.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("counter_id", sa.ForeignKey("counters.id", ondelete="CASCADE"), primary_key=True),
)


class Unit(db.Model):
    """An office at any level: province, public-service centre, commune, ..."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True)
    instrument_code: Mapped[str] = mapped_column(sa.String(40), default=DEFAULT_INSTRUMENT)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Working days a complaint must be answered in (the unit's own standard; 3 by default).
    answer_days: Mapped[int] = mapped_column(default=3, server_default="3")
    # Working days an answered complaint waits for the citizen before it closes by itself (its
    # contact data's retention runs from then on).
    auto_close_days: Mapped[int] = mapped_column(default=10, server_default="10")
    # The version of its questionnaire the unit uses: a new version is taken up when the unit
    # chooses (on the unit's page), not when it is shipped.
    instrument_version: Mapped[int] = mapped_column(default=1, server_default="1")

    parent: Mapped["Unit | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Unit"]] = relationship(back_populates="parent")
    counters: Mapped[list["Counter"]] = relationship(back_populates="unit")
    officers: Mapped[list["Officer"]] = relationship(back_populates="unit")


class Counter(db.Model):
    """A reception desk (quầy) of a unit, serving one field of procedures."""

    __tablename__ = "counters"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    field: Mapped[str] = mapped_column(sa.String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)

    unit: Mapped[Unit] = relationship(back_populates="counters")
    officers: Mapped[list["Officer"]] = relationship(
        secondary=officer_counters, back_populates="counters"
    )


class Officer(db.Model):
    """A one-stop officer (công chức) who can be rated."""

    __tablename__ = "officers"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))
    # Where their account's activation link goes (import-users --officers-with-email).
    email: Mapped[str | None] = mapped_column(sa.String(254))
    active: Mapped[bool] = mapped_column(default=True)
    # File name under the instance folder's uploads/officers/; shown on the kiosk.
    photo_path: Mapped[str | None] = mapped_column(sa.String(200))

    unit: Mapped[Unit] = relationship(back_populates="officers")
    counters: Mapped[list[Counter]] = relationship(
        secondary=officer_counters, back_populates="officers"
    )


class Procedure(db.Model):
    """An administrative procedure (TTHC) of the catalogue."""

    __tablename__ = "procedures"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(500))
    field: Mapped[str] = mapped_column(sa.String(200), default="")


class SurveyCode(db.Model):
    """The random public code behind a QR: opens the survey for a counter or an officer."""

    __tablename__ = "survey_codes"
    __table_args__ = (
        sa.CheckConstraint(
            "single_use OR (counter_id IS NULL) <> (officer_id IS NULL)", name="counter_or_officer"
        ),
        sa.UniqueConstraint("unit_id", "dossier_code"),
    )

    code: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    counter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("counters.id"), index=True)
    officer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("officers.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A one-time link printed on a dossier's receipt: it opens the survey once.
    dossier_code: Mapped[str | None] = mapped_column(sa.String(60))
    single_use: Mapped[bool] = mapped_column(default=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit: Mapped[Unit] = relationship()
    counter: Mapped[Counter | None] = relationship()
    officer: Mapped[Officer | None] = relationship()
