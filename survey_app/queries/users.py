"""Reads of staff accounts: the users in a scope, the officers an account may be linked to, the
people who may handle a ticket of a unit."""

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload

from survey_app.auth.permissions import Permission, can
from survey_app.core.extensions import db
from survey_app.display.collation import person_key, vi_key
from survey_app.models import Officer, User
from survey_app.queries.units import unit_ancestor_ids_query


def list_staff(unit_ids) -> list[User]:
    """Accounts of the units, by unit then person in Vietnamese order."""
    users = db.session.scalars(
        sa.select(User)
        .join(User.unit)
        .where(User.unit_id.in_(unit_ids))
        .options(contains_eager(User.unit), joinedload(User.officer))
        .order_by(User.username)
    ).all()
    return sorted(users, key=lambda user: (vi_key(user.unit.name), person_key(user.full_name)))


def list_linkable_officers(unit_ids, keep: Officer | None = None) -> list[Officer]:
    """Active officers of the units (and the one an account already has), in Vietnamese order."""
    offered = Officer.active if keep is None else Officer.active | (Officer.id == keep.id)
    officers = db.session.scalars(
        sa.select(Officer)
        .where(Officer.unit_id.in_(unit_ids), offered)
        .options(joinedload(Officer.unit))
        .order_by(Officer.code)
    ).all()
    return sorted(officers, key=lambda officer: person_key(officer.full_name))


def list_ticket_handlers(unit_id: int) -> list[User]:
    """Active people whose units cover this unit (theirs or one above it) and whose role handles
    tickets, in Vietnamese order."""
    people = db.session.scalars(
        sa.select(User)
        .where(User.active.is_(True), User.unit_id.in_(unit_ancestor_ids_query(unit_id)))
        .order_by(User.username)
    ).all()
    handlers = [person for person in people if can(person.role, Permission.HANDLE_COMPLAINTS)]
    return sorted(handlers, key=lambda person: person_key(person.full_name))


def list_handlers_in(unit_ids) -> list[User]:
    """Active people of the units whose role handles tickets and follow-ups, by name."""
    people = db.session.scalars(
        sa.select(User)
        .where(User.active.is_(True), User.unit_id.in_(sorted(unit_ids)))
        .order_by(User.full_name, User.username)
    )
    return [person for person in people if can(person.role, Permission.HANDLE_COMPLAINTS)]
