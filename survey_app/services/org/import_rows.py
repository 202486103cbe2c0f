"""Small rules of the organisation CSV's rows: a row's kind and active flag, a unit's place in the
tree, moving a counter or officer with its QR codes."""

import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.models import Counter, Officer, SurveyCode, Unit
from survey_app.services.csv_tables import (
    Row,
)
from survey_app.services.unit_documents import (
    DOCUMENT_FIELDS,
)

ACTIVE_VALUES = {"true": True, "false": False, "": None}


def first_document_column(row: Row) -> str:
    return next(name for name in DOCUMENT_FIELDS if row[name])


def row_kind(row: Row) -> str:
    return row["kind"].lower()


def active_values(row: Row) -> dict[str, bool]:
    """{"active": ...} when the cell says so; {} leaves a stored thing as it is."""
    value = ACTIVE_VALUES.get(row["active"].lower())
    return {} if value is None else {"active": value}


def code_of(unit: Unit | None) -> str | None:
    return unit.code if unit is not None else None


def is_within(candidate: Unit, unit: Unit) -> bool:
    """Whether `candidate` is `unit` or below it."""
    node = candidate
    while node is not None:
        if node is unit:
            return True
        node = node.parent
    return False


def move_member(owner: Counter | Officer, unit: Unit, owner_column) -> None:
    """The QR codes follow: new ratings go to the new unit; stored responses keep theirs."""
    owner.unit = unit
    db.session.execute(
        sa.update(SurveyCode)
        .where(owner_column == owner.id, SurveyCode.single_use.is_(False))
        .values(unit_id=unit.id)
    )
