"""Onboarding a province at once from the organisation CSV: every row checked, all stored in
one transaction or none. The format and the rules: docs/org-import.md."""

import os
from dataclasses import dataclass, field
from typing import TextIO

from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from survey_app.core.extensions import db
from survey_app.core.patterns import EMAIL_PATTERN
from survey_app.models import Counter, Officer, SurveyCode, Unit, User
from survey_app.queries.units import list_unit_subtree_ids
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
    apply_changes,
    code_problem,
    set_officer_counters,
)
from survey_app.services.org.import_rows import (
    ACTIVE_VALUES,
    active_values,
    code_of,
    first_document_column,
    is_within,
    move_member,
    row_kind,
)
from survey_app.services.org.members import add_counter, add_officer, add_unit
from survey_app.services.responses.rows import RowError
from survey_app.services.unit_documents import (
    DOCUMENT_FIELDS,
    document_columns,
    stage_document_settings,
)

COLUMNS = (
    "kind",
    "code",
    "name",
    "parent_code",
    "field",
    "counters",
    "active",
    "email",
    *DOCUMENT_FIELDS,
)
REQUIRED_COLUMNS = ("kind", "code", "name", "parent_code")
KINDS = ("unit", "counter", "officer")
OUTCOMES = ("created", "updated", "unchanged")
# Codes per IN (...) lookup: far below every backend's limit on bound parameters.


@dataclass
class OrgImportResult:
    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: {kind: dict.fromkeys(OUTCOMES, 0) for kind in KINDS}
    )
    errors: list[RowError] = field(default_factory=list)


def import_organisation(
    source: str | os.PathLike | TextIO, *, actor: User | None = None
) -> OrgImportResult:
    """Import in one transaction: all rows, or (with any error) none."""
    table = read_csv(source)
    header, errors = check_header(table[0] if table else [], COLUMNS, REQUIRED_COLUMNS)
    if errors:
        return OrgImportResult(errors=errors)
    try:
        result = _OrgImport(header, actor).run(numbered_rows(header, table[1:]))
    except BaseException:
        db.session.rollback()
        raise
    if result.errors:
        db.session.rollback()
        return OrgImportResult(errors=result.errors)
    db.session.commit()
    return result


# The import itself -------------------------------------------------------------------------


class _OrgImport:
    def __init__(self, header: list[str], actor: User | None):
        self.header = header
        self.scope = None if actor is None else set(list_unit_subtree_ids(actor.unit_id))
        self.result = OrgImportResult()
        self.first_row: dict[tuple[str, str], int] = {}

    def run(self, rows: list[Row]) -> OrgImportResult:
        self._load(rows)
        handlers = {"unit": self._unit, "counter": self._counter, "officer": self._officer}
        for row in rows:
            kind = self._check_common(row)
            if kind is not None:
                handlers[kind](row)
            self.result.errors.extend(row.errors)
        return self.result

    def _load(self, rows: list[Row]) -> None:
        """What the file names and is already stored, in a few queries instead of one a row."""
        unit_codes = {row[c] for row in rows for c in ("code", "parent_code") if row[c]}
        counter_codes = {row["code"] for row in rows if row_kind(row) == "counter"}
        counter_codes |= {
            c for row in rows if row_kind(row) == "officer" for c in row["counters"].split()
        }
        officer_codes = {row["code"] for row in rows if row_kind(row) == "officer"}
        self.units = load_by_code(Unit, unit_codes, joinedload(Unit.parent))
        self.counters = load_by_code(Counter, counter_codes, joinedload(Counter.unit))
        self.officers = load_by_code(
            Officer, officer_codes, joinedload(Officer.unit), selectinload(Officer.counters)
        )

    def _check_common(self, row: Row) -> str | None:
        kind = row_kind(row)
        if kind not in KINDS:
            row.error("kind", _("Write unit, counter or officer."))
        if problem := code_problem(row["code"]):
            row.error("code", problem)
        elif kind in KINDS:
            self._check_repeated(row, kind)
        if problem := name_problem(row["name"]):
            row.error("name", problem)
        if row["active"].lower() not in ACTIVE_VALUES:
            row.error("active", _("Write true or false."))
        if kind not in KINDS:
            return None
        if row["field"] and kind != "counter":
            row.error("field", _("Only a counter has a field."))
        elif len(row["field"]) > NAME_MAX_LENGTH:
            row.error("field", _("Use at most %(count)d characters.", count=NAME_MAX_LENGTH))
        if row["counters"] and kind != "officer":
            row.error("counters", _("Only an officer has counters."))
        if row["email"] and (kind != "officer" or not EMAIL_PATTERN.match(row["email"])):
            row.error(
                "email", _("Only an officer has an e-mail address, such as name@example.gov.vn.")
            )
        if kind != "unit" and any(row[name] for name in DOCUMENT_FIELDS):
            row.error(first_document_column(row), _("Only a unit has document settings."))
        return kind

    def _check_repeated(self, row: Row, kind: str) -> None:
        first = self.first_row.setdefault((kind, row["code"]), row.number)
        if first != row.number:
            message = _("This code appears twice in the file (first on row %(row)d).", row=first)
            row.error("code", message)

    # Units --------------------------------------------------------------------------------

    def _unit(self, row: Row) -> None:
        unit = self.units.get(row["code"])
        if unit is not None:
            self._check_owned(row, unit.id)
        parent = self._parent_of_unit(row, unit)
        documents = document_columns(row)
        if row.errors:
            return
        if unit is None:
            created = self._create_unit(row, parent)
            if documents:
                stage_document_settings(created, documents)
            return
        changes = apply_changes(unit, name=row["name"], **active_values(row))
        changes |= stage_document_settings(unit, documents) if documents else {}
        if unit.parent is not parent:
            changes["parent"] = [unit.parent.code if unit.parent else None, code_of(parent)]
            unit.parent = parent
        self._record("unit", unit, changes)

    def _create_unit(self, row: Row, parent: Unit | None) -> Unit:
        unit = add_unit(code=row["code"], name=row["name"], parent=parent)
        if parent is not None:
            unit.instrument_code = parent.instrument_code
        unit.active = active_values(row).get("active", True)
        self.units[unit.code] = unit
        record_change("unit.create", unit, {"via": "import", "parent": code_of(parent)})
        if self.scope is not None:
            self.scope.add(unit.id)
        self.result.counts["unit"]["created"] += 1
        return unit

    def _parent_of_unit(self, row: Row, unit: Unit | None) -> Unit | None:
        if not row["parent_code"]:
            if self.scope is not None and (unit is None or unit.parent_id is not None):
                message = _("Only the command line can add or move a unit to the top of the tree.")
                row.error("parent_code", message)
            return None
        parent = self._known_unit(row)
        if parent is None or (unit is not None and parent is unit.parent):
            return parent
        if not self._in_scope(parent):
            row.error("parent_code", _("You can only import under the units you manage."))
        elif unit is not None and is_within(parent, unit):
            row.error("parent_code", _("A unit cannot be placed under itself or a unit below it."))
        return parent

    # Counters and officers ----------------------------------------------------------------

    def _counter(self, row: Row) -> None:
        unit = self._owner_unit(row)
        counter = self.counters.get(row["code"])
        if counter is not None:
            self._check_owned(row, counter.unit_id)
        if row.errors:
            return
        values = {"name": row["name"]} | ({"field": row["field"]} if row.has("field") else {})
        if counter is None:
            counter = add_counter(unit=unit, code=row["code"], **values)
            counter.active = active_values(row).get("active", True)
            self.counters[counter.code] = counter
            self._record("counter", counter, {"via": "import"}, created=True)
            return
        changes = apply_changes(counter, **values, **active_values(row))
        if counter.unit is not unit:
            changes["unit"] = [counter.unit.code, unit.code]
            move_member(counter, unit, SurveyCode.counter_id)
            counter.officers = [o for o in counter.officers if o.unit is unit]
        self._record("counter", counter, changes)

    def _officer(self, row: Row) -> None:
        unit = self._owner_unit(row)
        officer = self.officers.get(row["code"])
        if officer is not None:
            self._check_owned(row, officer.unit_id)
        counters = self._officer_counters(row, unit) if row.has("counters") else None
        if row.errors:
            return
        if officer is None:
            officer = add_officer(
                unit=unit, code=row["code"], full_name=row["name"], counters=counters or []
            )
            officer.active = active_values(row).get("active", True)
            officer.email = row["email"] or None
            self._record("officer", officer, {"via": "import"}, created=True)
            return
        email = {"email": row["email"] or None} if row.has("email") else {}
        changes = apply_changes(officer, full_name=row["name"], **active_values(row), **email)
        if officer.unit is not unit:
            changes["unit"] = [officer.unit.code, unit.code]
            move_member(officer, unit, SurveyCode.officer_id)
            counters = (
                [c for c in officer.counters if c.unit is unit] if counters is None else counters
            )
        if counters is not None:
            changes |= set_officer_counters(officer, counters)
        self._record("officer", officer, changes)

    def _officer_counters(self, row: Row, unit: Unit | None) -> list[Counter]:
        counters = []
        for code in dict.fromkeys(row["counters"].split()):
            counter = self.counters.get(code)
            if counter is None:
                message = _(
                    "No counter has the code %(code)s (a counter must come before the officers "
                    "serving it).",
                    code=code,
                )
                row.error("counters", message)
            elif unit is not None and counter.unit is not unit:
                message = _(
                    "Counter %(code)s is not a counter of unit %(unit)s.", code=code, unit=unit.code
                )
                row.error("counters", message)
            else:
                counters.append(counter)
        return counters

    def _owner_unit(self, row: Row) -> Unit | None:
        if not row["parent_code"]:
            row.error("parent_code", _("Enter the code of the unit this belongs to."))
            return None
        unit = self._known_unit(row)
        if unit is not None and not self._in_scope(unit):
            row.error("parent_code", _("You can only import under the units you manage."))
        return unit

    # Shared --------------------------------------------------------------------------------

    def _known_unit(self, row: Row) -> Unit | None:
        unit = self.units.get(row["parent_code"])
        if unit is None:
            message = _(
                "No unit has the code %(code)s (a unit must come before the rows under it).",
                code=row["parent_code"],
            )
            row.error("parent_code", message)
        return unit

    def _in_scope(self, unit: Unit) -> bool:
        return self.scope is None or unit.id in self.scope

    def _check_owned(self, row: Row, unit_id: int) -> None:
        if self.scope is not None and unit_id not in self.scope:
            row.error("code", _("This code is already used outside the units you manage."))

    def _record(self, kind: str, target, changes: dict, created: bool = False) -> None:
        if created:
            record_change(f"{kind}.create", target, changes)
            outcome = "created"
        elif changes:
            record_change(f"{kind}.update", target, {"via": "import"} | changes)
            outcome = "updated"
        else:
            outcome = "unchanged"
        self.result.counts[kind][outcome] += 1
