"""Reads for the kiosks pages: small named functions, no commits."""

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload

from survey_app.core.extensions import db
from survey_app.display.collation import person_key, sorted_vi, vi_key
from survey_app.models import Counter, Kiosk, Officer, Unit


def list_kiosks(unit_ids: frozenset[int]) -> list[Kiosk]:
    """Kiosks of the counters of these units: live ones first, by unit, counter and name."""
    query = (
        sa.select(Kiosk)
        .join(Kiosk.counter)
        .join(Counter.unit)
        .where(Counter.unit_id.in_(unit_ids))
        .order_by(Counter.code, Kiosk.name, Kiosk.id)
        .options(contains_eager(Kiosk.counter).contains_eager(Counter.unit))
    )
    kiosks = db.session.scalars(query).all()
    return sorted(kiosks, key=lambda kiosk: (kiosk.is_revoked, vi_key(kiosk.counter.unit.name)))


def list_counters(unit_ids: frozenset[int]) -> list[Counter]:
    """The active counters of these units, by unit and code."""
    query = (
        sa.select(Counter)
        .join(Counter.unit)
        .where(Counter.unit_id.in_(unit_ids), Counter.active, Unit.active)
        .order_by(Counter.code)
        .options(contains_eager(Counter.unit))
    )
    return sorted_vi(db.session.scalars(query), key=lambda counter: counter.unit.name)


def get_counter(code: str) -> Counter | None:
    return db.session.scalar(
        sa.select(Counter).where(Counter.code == code).options(joinedload(Counter.unit))
    )


def list_officers(unit_id: int) -> list[Officer]:
    """The unit's active officers, by name: who a kiosk may be fixed to."""
    query = (
        sa.select(Officer).where(Officer.unit_id == unit_id, Officer.active).order_by(Officer.code)
    )
    return sorted(db.session.scalars(query), key=lambda officer: person_key(officer.full_name))


def get_officer(code: str, unit_id: int) -> Officer | None:
    return db.session.scalar(
        sa.select(Officer).where(Officer.code == code, Officer.unit_id == unit_id)
    )
