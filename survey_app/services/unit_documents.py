"""A unit's document settings (Nghị định 30/2020/NĐ-CP): set on the unit's admin page, by the
organisation CSV's optional columns, or by the demo."""

from flask_babel import gettext as _

from survey_app.core.extensions import db
from survey_app.models import Unit, UnitDocument
from survey_app.queries.org import get_unit_document
from survey_app.services.audit import record_change

# Column of the organisation CSV and form field → longest text stored.
DOCUMENT_FIELDS = {
    "governing_body": 200,
    "issuing_body": 200,
    "symbol": 40,
    "place": 100,
    "signer_authority": 120,
    "signer_title": 120,
    "signer_name": 120,
    "recipients": 2000,
}


def document_problem(name: str, value: str) -> str | None:
    """What is wrong with a setting's value, in words a person can act on; None when fine."""
    if len(value) > DOCUMENT_FIELDS[name]:
        return _("Use at most %(count)d characters.", count=DOCUMENT_FIELDS[name])
    if name == "symbol" and value and not all(part.isalnum() for part in value.split("-")):
        return _("Write the symbol as letters joined by dashes, for example BC-UBND.")
    return None


def stage_document_settings(unit: Unit, values: dict[str, str]) -> dict[str, list]:
    """Set the given settings (the caller commits); returns the changes made, for the audit.
    Settings not in `values` stay as they are."""
    stored = get_unit_document(unit.id) if unit.id else None
    if stored is None:
        stored = UnitDocument(unit=unit, **dict.fromkeys(DOCUMENT_FIELDS, ""))
        db.session.add(stored)
    changes = {}
    for name, value in values.items():
        value = _tidy(name, value)
        if getattr(stored, name) != value:
            changes[name] = [getattr(stored, name), value]
            setattr(stored, name, value)
    return changes


def save_document_settings(unit: Unit, values: dict[str, str]) -> None:
    """The admin page's save: one commit, audited."""
    changes = stage_document_settings(unit, values)
    if changes:
        record_change("unit.documents", unit, changes)
    db.session.commit()


def _tidy(name: str, value: str) -> str:
    if name == "recipients":
        lines = (line.strip() for line in value.replace("\r\n", "\n").split("\n"))
        return "\n".join(line for line in lines if line)
    return " ".join(value.split())


def document_columns(row) -> dict[str, str]:
    """A unit row's document settings from the organisation CSV's optional columns (only those
    in the header: a column left out leaves the setting as it is); errors go on the row.
    Recipients are separated by " | " in their cell (or by line breaks)."""
    values = {}
    for name in DOCUMENT_FIELDS:
        if not row.has(name):
            continue
        value = row[name].replace(" | ", "\n") if name == "recipients" else row[name]
        if problem := document_problem(name, value):
            row.error(name, problem)
        values[name] = value
    return values
