"""The catalogue of administrative procedures (TTHC): listing, editing and CSV import.

The import file is UTF-8 (with or without a byte-order mark) with the columns code, name and
field (optional). Every row is checked and its errors named by row and column; nothing is stored
when any row is wrong. A code already in the catalogue updates its name and field, so importing
the same file again adds nothing. Procedures are never deleted: responses may name them.

Audit: one event per created or updated procedure, as for an edit in the browser, so the log
tells who changed a procedure's name and when."""

import os
from dataclasses import dataclass, field
from typing import TextIO

from flask_babel import gettext as _

from survey_app.core.extensions import db
from survey_app.models import Procedure, max_length
from survey_app.queries.procedures import get_procedure
from survey_app.services.audit import record_change
from survey_app.services.csv_tables import (
    Row,
    check_header,
    load_by_code,
    name_problem,
    numbered_rows,
    read_csv,
)
from survey_app.services.org.admin import (
    NAME_MAX_LENGTH,
    InvalidChange,
    apply_changes,
    code_problem,
)
from survey_app.services.responses.rows import RowError

CODE_MAX_LENGTH = max_length(Procedure.code)


PROCEDURE_NAME_MAX_LENGTH = max_length(Procedure.name)


COLUMNS = ("code", "name", "field")


REQUIRED_COLUMNS = ("code", "name")


@dataclass
class ProcedureImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


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
