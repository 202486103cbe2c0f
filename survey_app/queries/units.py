"""Reads of units: by code, a unit's subtree (one recursive query), lists."""

import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.display.collation import sorted_vi
from survey_app.models import (
    Instrument,
    Unit,
)
from survey_app.queries.instruments import get_current_instrument, get_instrument


def get_unit_instrument(unit) -> Instrument | None:
    """The version of its questionnaire the unit chose (a unit or its copy); the newest when
    that version is not loaded."""
    chosen = get_instrument(unit.instrument_code, unit.instrument_version)
    return chosen or get_current_instrument(unit.instrument_code)


def get_unit_by_code(code: str) -> Unit | None:
    return db.session.scalar(sa.select(Unit).where(Unit.code == code))


def find_unit_by_code(code: str) -> Unit | None:
    """The unit a citizen means, however the code was typed or printed ("ld-ductrong"): the
    exact code first, else the one unit whose code matches ignoring case (None if several)."""
    code = code.strip()
    if not code:
        return None
    exact = get_unit_by_code(code)
    if exact is not None:
        return exact
    matches = db.session.scalars(
        sa.select(Unit).where(sa.func.upper(Unit.code) == code.upper()).limit(2)
    ).all()
    return matches[0] if len(matches) == 1 else None


def list_public_units() -> list[tuple[Unit, int]]:
    """Active units with their depth in the tree, for a citizen to pick one: each parent is
    followed by its children. An active unit under an inactive one is shown at the top."""
    units = db.session.scalars(sa.select(Unit).where(Unit.active.is_(True))).all()
    active_ids = {unit.id for unit in units}
    children: dict[int | None, list[Unit]] = {}
    for unit in sorted(units, key=_unit_order, reverse=True):
        parent = unit.parent_id if unit.parent_id in active_ids else None
        children.setdefault(parent, []).append(unit)
    ordered, pending = [], [(unit, 0) for unit in children.get(None, [])]
    while pending:  # depth first, without recursion: a tree may be deep
        unit, depth = pending.pop()
        ordered.append((unit, depth))
        pending.extend((child, depth + 1) for child in children.get(unit.id, []))
    return ordered


def _unit_order(unit: Unit) -> tuple[str, str]:
    return (unit.name, unit.code)


def unit_subtree_ids_query(unit_id: int) -> sa.Select:
    """Ids of a unit and every unit below it, as a subquery usable in IN (...)."""
    tree = sa.select(Unit.id).where(Unit.id == unit_id).cte("unit_tree", recursive=True)
    tree = tree.union_all(sa.select(Unit.id).where(Unit.parent_id == tree.c.id))
    return sa.select(tree.c.id)


def unit_ancestor_ids_query(unit_id: int) -> sa.Select:
    """Ids of a unit and every unit above it, as a subquery usable in IN (...)."""
    chain = (
        sa.select(Unit.id, Unit.parent_id)
        .where(Unit.id == unit_id)
        .cte("unit_chain", recursive=True)
    )
    chain = chain.union_all(sa.select(Unit.id, Unit.parent_id).where(Unit.id == chain.c.parent_id))
    return sa.select(chain.c.id)


def list_unit_subtree_ids(unit_id: int) -> list[int]:
    return list(db.session.scalars(unit_subtree_ids_query(unit_id)))


def list_units(unit_ids: frozenset[int] | list[int], active_only: bool = False) -> list[Unit]:
    query = sa.select(Unit).where(Unit.id.in_(unit_ids)).order_by(Unit.code)
    if active_only:
        query = query.where(Unit.active.is_(True))
    return sorted_vi(db.session.scalars(query), key=lambda unit: unit.name)
