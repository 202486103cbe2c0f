"""Closed months: the figures of a published monthly report, frozen."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.core.extensions import db
from survey_app.models.org import Unit
from survey_app.models.staff import User
from survey_app.models.types import UTCDateTime, utcnow


class MonthClosure(db.Model):
    """A unit's month once its report is published. Responses received after `closed_at` for
    that month are an amendment; they never change the frozen `figures`."""

    __tablename__ = "month_closures"
    __table_args__ = (sa.UniqueConstraint("unit_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    # The local calendar month, "YYYY-MM".
    month: Mapped[str] = mapped_column(sa.String(7))
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    response_count: Mapped[int] = mapped_column(default=0)
    # The report's figures as they were published (JSON of plain numbers and strings).
    figures: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    unit: Mapped[Unit] = relationship()
    closed_by: Mapped[User | None] = relationship()
