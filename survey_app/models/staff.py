"""People who run the service, the keys of integrations, and the audit trail of their changes."""

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.core.extensions import db
from survey_app.models.org import Officer, Unit
from survey_app.models.types import UTCDateTime, utcnow, value_enum


class Role(enum.StrEnum):
    ADMINISTRATOR = "administrator"
    MANAGER = "manager"
    COMPLAINT_HANDLER = "complaint_handler"
    OFFICER = "officer"


class User(UserMixin, db.Model):
    """A staff account, scoped to a unit and every unit below it."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(80), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    # None: no local password yet (awaiting activation by e-mail) or ever (sso_only).
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(value_enum(Role, 20))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    officer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("officers.id"), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    # Stored in the session cookie instead of the id: a new token signs out every old session
    # (password changed or reset, account deactivated).
    session_token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # Signs in only through the province's OpenID Connect provider: no password, no reset link.
    sso_only: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit: Mapped[Unit] = relationship()
    officer: Mapped[Officer | None] = relationship()

    def get_id(self) -> str:
        return self.session_token

    @property
    def is_active(self) -> bool:
        return self.active


class ApiKey(db.Model):
    """A key an integration (the one-stop dossier software) uses; only its hash is kept."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    prefix: Mapped[str] = mapped_column(sa.String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(sa.String(128))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit: Mapped[Unit] = relationship()
    created_by: Mapped[User | None] = relationship()


# Audit actions of marking a response as spam and back; the report fingerprint reads them.
SPAM_ACTIONS = ("survey_response.spam", "survey_response.not_spam")


class AuditEvent(db.Model):
    """One administrative change: who (None for the command line), what, when, on what."""

    __tablename__ = "audit_events"
    __table_args__ = (sa.Index("ix_audit_events_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(60))
    target_type: Mapped[str] = mapped_column(sa.String(40))
    target_key: Mapped[str] = mapped_column(sa.String(120))
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True)
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    actor: Mapped[User | None] = relationship()
    unit: Mapped[Unit | None] = relationship()
