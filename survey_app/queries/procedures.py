"""Reads of the national procedures catalogue: pages, search, fields."""

import math
from dataclasses import dataclass

import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.display.collation import sorted_vi, vi_key
from survey_app.models import Counter, Procedure

PAGE_SIZE = 50


@dataclass
class ProcedurePage:
    procedures: list[Procedure]
    total: int
    page: int
    pages: int


def list_procedures(*, search: str = "", field: str = "", page: int = 1) -> ProcedurePage:
    """A page of the catalogue in Vietnamese order of the names; `search` is a part of the code
    or the name. The order is Python's (survey_app.display.collation), so the ids and names of every
    match are read and sorted, then one page of procedures is loaded: a national catalogue of a
    few thousand procedures sorts in milliseconds."""
    condition = sa.true()
    if search:
        needle = search.lower()
        condition = sa.or_(
            sa.func.lower(Procedure.code).contains(needle, autoescape=True),
            sa.func.lower(Procedure.name).contains(needle, autoescape=True),
        )
    if field:
        condition = sa.and_(condition, Procedure.field == field)
    matches = db.session.execute(
        sa.select(Procedure.id, Procedure.name, Procedure.code).where(condition)
    ).all()
    ordered = [row.id for row in sorted(matches, key=lambda row: (vi_key(row.name), row.code))]
    pages = max(1, math.ceil(len(ordered) / PAGE_SIZE))
    page = min(max(page, 1), pages)
    shown = ordered[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    loaded = {
        p.id: p for p in db.session.scalars(sa.select(Procedure).where(Procedure.id.in_(shown)))
    }
    return ProcedurePage([loaded[number] for number in shown], len(ordered), page, pages)


def list_procedure_fields() -> list[str]:
    query = sa.select(Procedure.field).where(Procedure.field != "").distinct()
    return sorted_vi(db.session.scalars(query))


def list_known_fields() -> list[str]:
    """Fields already used by counters or the catalogue, offered as suggestions when typing."""
    used = sa.union(sa.select(Counter.field), sa.select(Procedure.field)).subquery()
    return sorted_vi(name for name in db.session.scalars(sa.select(used.c.field)) if name)


def get_procedure(code: str) -> Procedure | None:
    return db.session.scalar(sa.select(Procedure).where(Procedure.code == code))


def list_all_procedures() -> list[Procedure]:
    return list(db.session.scalars(sa.select(Procedure).order_by(Procedure.code)))
