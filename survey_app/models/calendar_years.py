"""A year of the working-day calendar confirmed against the Government's published schedule.

A year without a row is provisional ("tạm tính"): its days off come from the `holidays`
package's rules, which cannot know the year's swaps and make-up days before they are decided.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.core.extensions import db
from survey_app.models.staff import User
from survey_app.models.types import UTCDateTime, utcnow


class CalendarYear(db.Model):
    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    document: Mapped[str] = mapped_column(sa.String(300))  # the deciding document
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    confirmed_by: Mapped[User | None] = relationship()
