"""Reads of the organisation: the unit tree with member counts, responses counted by member, the
instruments a unit may choose, its survey codes."""

from dataclasses import dataclass, field

import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.display.collation import sorted_vi
from survey_app.models import (
    Counter,
    Instrument,
    Officer,
    SurveyCode,
    SurveyResponse,
    Unit,
    UnitDocument,
)
from survey_app.queries.instruments import get_current_instrument
from survey_app.queries.units import unit_subtree_ids_query


def list_survey_codes(unit_ids: list[int]) -> list[SurveyCode]:
    """Live counter and officer codes of the units, counters first, in a stable order."""
    query = (
        sa.select(SurveyCode)
        .outerjoin(Counter, SurveyCode.counter)
        .outerjoin(Officer, SurveyCode.officer)
        .where(
            SurveyCode.unit_id.in_(unit_ids),
            SurveyCode.revoked_at.is_(None),
            SurveyCode.single_use.is_(False),  # a dossier's one-time link is no poster
        )
        .order_by(
            SurveyCode.unit_id,
            SurveyCode.officer_id.is_not(None),
            sa.func.coalesce(Counter.code, Officer.code),
        )
    )
    return list(db.session.scalars(query))


@dataclass
class UnitNode:
    """A unit of the tree with its counts as (active, all)."""

    unit: Unit
    counters: tuple[int, int] = (0, 0)
    officers: tuple[int, int] = (0, 0)
    children: list["UnitNode"] = field(default_factory=list)


def unit_tree(root: Unit) -> UnitNode:
    """The root and every unit below it, each with its counter and officer counts."""
    ids = unit_subtree_ids_query(root.id)
    units = db.session.scalars(sa.select(Unit).where(Unit.id.in_(ids)).order_by(Unit.code))
    nodes = {unit.id: UnitNode(unit) for unit in sorted_vi(units, key=lambda unit: unit.name)}
    for unit_id, active, total in _member_counts(Counter, ids):
        nodes[unit_id].counters = (active, total)
    for unit_id, active, total in _member_counts(Officer, ids):
        nodes[unit_id].officers = (active, total)
    for node in nodes.values():
        if node.unit.id != root.id:
            nodes[node.unit.parent_id].children.append(node)
    return nodes[root.id]


def _member_counts(model: type[Counter | Officer], unit_ids: sa.Select) -> sa.Result:
    active = sa.func.sum(sa.case((model.active, 1), else_=0))
    query = sa.select(model.unit_id, active, sa.func.count()).where(model.unit_id.in_(unit_ids))
    return db.session.execute(query.group_by(model.unit_id))


def count_responses_by(
    column: sa.Column, ids: list[int], unit_id: int | None = None
) -> dict[int, int]:
    """Responses (spam left out) per counter or officer, active or not: history stays. Counters'
    with their unit's id: their responses are found through the unit's index (the counter has
    none of its own; bench/storage.py)."""
    query = (
        sa.select(column, sa.func.count())
        .where(column.in_(ids), SurveyResponse.is_spam.is_(False))
        .group_by(column)
    )
    if unit_id is not None:
        query = query.where(SurveyResponse.unit_id == unit_id)
    return dict(db.session.execute(query).all())


def list_instrument_codes() -> list[str]:
    return list(db.session.scalars(sa.select(Instrument.code).distinct().order_by(Instrument.code)))


def list_current_instruments() -> list[Instrument]:
    """The newest version of every loaded questionnaire, for a unit to choose from."""
    return [get_current_instrument(code) for code in list_instrument_codes()]


def get_by_code(model, code: str):
    """The unit, counter or officer with the code, whatever its unit."""
    return db.session.scalar(sa.select(model).where(model.code == code))


def get_member(model, unit_id: int, code: str):
    """The unit's counter or officer with the code."""
    return db.session.scalar(sa.select(model).where(model.unit_id == unit_id, model.code == code))


def list_members(model, unit_ids, *, active_only: bool = False) -> list:
    """Counters or officers of the units, by code."""
    query = sa.select(model).where(model.unit_id.in_(unit_ids)).order_by(model.code)
    if active_only:
        query = query.where(model.active)
    return list(db.session.scalars(query))


def get_by_id(model, record_id: int):
    """A row by its id (an id a form sent: check its unit before trusting it)."""
    return db.session.get(model, record_id)


def get_unit_document(unit_id: int) -> UnitDocument | None:
    """The document settings a unit saved; None: the report uses the defaults."""
    return db.session.get(UnitDocument, unit_id)
