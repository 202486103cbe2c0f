"""The catalogue of administrative procedures (TTHC): listing, editing and CSV import.

The import file is UTF-8 (with or without a byte-order mark) with the columns code, name and
field (optional). Every row is checked and its errors named by row and column; nothing is stored
when any row is wrong. A code already in the catalogue updates its name and field, so importing
the same file again adds nothing. Procedures are never deleted: responses may name them.

Audit: one event per created or updated procedure, as for an edit in the browser, so the log
tells who changed a procedure's name and when.
"""

import math
import os
from dataclasses import dataclass, field
from typing import TextIO

import sqlalchemy as sa
from flask_babel import gettext as _

from survey_app.collation import sorted_vi, vi_key
from survey_app.extensions import db
from survey_app.models import Counter, Procedure
from survey_app.services.audit import record_change
from survey_app.services.csv_tables import (
    Row,
    check_header,
    load_by_code,
    name_problem,
    numbered_rows,
    read_csv,
)
from survey_app.services.org_admin import (
    NAME_MAX_LENGTH,
    InvalidChange,
    apply_changes,
    code_problem,
)
from survey_app.services.response_rows import RowError

CODE_MAX_LENGTH = 60
PROCEDURE_NAME_MAX_LENGTH = 500
COLUMNS = ("code", "name", "field")
REQUIRED_COLUMNS = ("code", "name")
PAGE_SIZE = 50


@dataclass
class ProcedurePage:
    procedures: list[Procedure]
    total: int
    page: int
    pages: int


@dataclass
class ProcedureImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


def list_procedures(*, search: str = "", field: str = "", page: int = 1) -> ProcedurePage:
    """A page of the catalogue in Vietnamese order of the names; `search` is a part of the code
    or the name. The order is Python's (survey_app.collation), so the ids and names of every
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


def create_procedure(*, code: str, name: str, field: str) -> Procedure:
    if problem := code_problem(code, CODE_MAX_LENGTH):
        raise InvalidChange("code", problem)
    if get_procedure(code) is not None:
        raise InvalidChange("code", _("This code is already used by another procedure."))
    procedure = Procedure(code=code, name=name, field=field)
    db.session.add(procedure)
    record_change("procedure.create", procedure, {"name": name, "field": field})
    db.session.commit()
    return procedure


def update_procedure(procedure: Procedure, *, name: str, field: str) -> None:
    changes = apply_changes(procedure, name=name, field=field)
    if changes:
        record_change("procedure.update", procedure, changes)
        db.session.commit()


def import_procedures(source: str | os.PathLike | TextIO) -> ProcedureImportResult:
    table = read_csv(source)
    header, errors = check_header(table[0] if table else [], COLUMNS, REQUIRED_COLUMNS)
    if errors:
        return ProcedureImportResult(errors=errors)
    rows = numbered_rows(header, table[1:])
    errors = _row_errors(rows)
    if errors:
        return ProcedureImportResult(errors=errors)
    result = _store(rows, load_by_code(Procedure, [row["code"] for row in rows]))
    db.session.commit()
    return result


def _row_errors(rows: list[Row]) -> list[RowError]:
    first_row: dict[str, int] = {}
    for row in rows:
        if problem := code_problem(row["code"], CODE_MAX_LENGTH):
            row.error("code", problem)
        elif (first := first_row.setdefault(row["code"], row.number)) != row.number:
            message = _("This code appears twice in the file (first on row %(row)d).", row=first)
            row.error("code", message)
        if problem := name_problem(row["name"], PROCEDURE_NAME_MAX_LENGTH):
            row.error("name", problem)
        if len(row["field"]) > NAME_MAX_LENGTH:
            row.error("field", _("Use at most %(count)d characters.", count=NAME_MAX_LENGTH))
    return [error for row in rows for error in row.errors]


def _store(rows: list[Row], stored: dict[str, Procedure]) -> ProcedureImportResult:
    result = ProcedureImportResult()
    for row in rows:
        values = {"name": row["name"]} | ({"field": row["field"]} if row.has("field") else {})
        procedure = stored.get(row["code"])
        if procedure is None:
            procedure = Procedure(code=row["code"], **({"field": ""} | values))
            db.session.add(procedure)
            record_change("procedure.create", procedure, {"via": "import"})
            result.created += 1
        elif changes := apply_changes(procedure, **values):
            record_change("procedure.update", procedure, {"via": "import"} | changes)
            result.updated += 1
        else:
            result.unchanged += 1
    return result
