"""Reads of the audit log: what a reader may see, the actions and people in it, a filtered page."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from survey_app.core.extensions import db
from survey_app.models import AuditEvent, User


def visible_events(unit_ids, reader: User) -> sa.ColumnElement[bool]:
    """Events of the reader's units and every change the reader made; events tied to no unit
    (national data: the catalogue, the calendar) only for administrators of a top unit."""
    in_scope = AuditEvent.unit_id.in_(unit_ids) | (AuditEvent.actor_id == reader.id)
    if reader.unit.parent_id is None:
        return in_scope | AuditEvent.unit_id.is_(None)
    return in_scope


def list_actions(visible) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent.action).where(visible).distinct().order_by(AuditEvent.action)
        )
    )


def list_actors(visible) -> list[tuple[str, str]]:
    """(username, "Full Name (username)") of everyone who made a visible change."""
    rows = db.session.execute(
        sa.select(User.username, User.full_name)
        .where(User.id.in_(sa.select(AuditEvent.actor_id).where(visible)))
        .order_by(User.username)
    )
    return [(username, f"{full_name} ({username})") for username, full_name in rows]


def actor_condition(username: str) -> sa.ColumnElement[bool]:
    actor = sa.select(User.id).where(User.username == username).scalar_subquery()
    return AuditEvent.actor_id == actor


def page_of_events(condition, page: int, per_page: int):
    return db.paginate(
        sa.select(AuditEvent)
        .where(condition)
        .options(joinedload(AuditEvent.actor), joinedload(AuditEvent.unit))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()),
        page=page,
        per_page=per_page,
        error_out=False,
    )
