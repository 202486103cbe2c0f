"""Tablet kiosks at a counter: paired once with a code, then known by a long-lived device token."""

from datetime import datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.core.extensions import db
from survey_app.models.org import Counter, Officer, Unit
from survey_app.models.types import UTCDateTime, utcnow

DEFAULT_IDLE_SECONDS = 30
DEFAULT_THANKS_SECONDS = 8


class Kiosk(db.Model):
    """One tablet. Only hashes of its pairing code and device token are kept."""

    __tablename__ = "kiosks"

    id: Mapped[int] = mapped_column(primary_key=True)
    counter_id: Mapped[int] = mapped_column(sa.ForeignKey("counters.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    # One-time code the tablet types or scans; cleared once used.
    pairing_code_hash: Mapped[str | None] = mapped_column(sa.String(128), unique=True)
    pairing_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The token reads `kt_<prefix>_<secret>`; the prefix finds the row.
    token_prefix: Mapped[str | None] = mapped_column(sa.String(16), unique=True)
    token_hash: Mapped[str | None] = mapped_column(sa.String(128))
    paired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # What the tablet reported at its last request.
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    app_version: Mapped[str] = mapped_column(sa.String(40), default="")
    queue_length: Mapped[int] = mapped_column(default=0)
    # Settings: a fixed officer, or (None) the active officers of the counter to choose from.
    fixed_officer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("officers.id"))
    idle_seconds: Mapped[int] = mapped_column(default=DEFAULT_IDLE_SECONDS)
    thanks_seconds: Mapped[int] = mapped_column(default=DEFAULT_THANKS_SECONDS)
    opens_at: Mapped[time] = mapped_column(sa.Time, default=time(7, 30))
    closes_at: Mapped[time] = mapped_column(sa.Time, default=time(17, 0))
    # Ratings at every hour, days off too: a tablet for trying out or training, never closed.
    always_open: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The staff PIN that lets an officer leave full screen; hashed like a password.
    staff_pin_hash: Mapped[str] = mapped_column(sa.String(256), default="")
    default_locale: Mapped[str] = mapped_column(sa.String(5), default="vi")

    counter: Mapped[Counter] = relationship()
    fixed_officer: Mapped[Officer | None] = relationship()

    @property
    def unit_id(self) -> int:
        """A kiosk belongs to its counter's unit (for scope checks and the audit log)."""
        return self.counter.unit_id

    @property
    def unit(self) -> Unit:
        return self.counter.unit

    @property
    def serving_officer(self) -> Officer | None:
        """The fixed officer while active. Once deactivated (moved, retired) they take no more
        ratings: the tablet offers the counter's officers until a manager changes the setting."""
        officer = self.fixed_officer
        return officer if officer is not None and officer.active else None

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
