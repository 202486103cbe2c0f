"""Reads: small named functions, no commits."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from survey_app.extensions import db
from survey_app.models import Instrument, SurveyCode, SurveyResponse, Unit


def get_survey_code(code: str) -> SurveyCode | None:
    return db.session.scalar(
        sa.select(SurveyCode)
        .where(SurveyCode.code == code)
        .options(
            joinedload(SurveyCode.unit),
            joinedload(SurveyCode.counter),
            joinedload(SurveyCode.officer),
        )
    )


def get_active_survey_code(code: str) -> SurveyCode | None:
    """The code behind a QR, if it still opens a survey (not revoked, owner still active)."""
    survey_code = get_survey_code(code)
    if survey_code is None or survey_code.revoked_at is not None:
        return None
    owner = survey_code.counter or survey_code.officer
    if not (owner.active and survey_code.unit.active):
        return None
    return survey_code


def get_current_instrument(code: str) -> Instrument | None:
    """The newest loaded version of an instrument, with its items."""
    return db.session.scalar(
        sa.select(Instrument)
        .where(Instrument.code == code)
        .order_by(Instrument.version.desc())
        .limit(1)
        .options(selectinload(Instrument.items))
    )


def get_instrument(code: str, version: int) -> Instrument | None:
    return db.session.scalar(
        sa.select(Instrument)
        .where(Instrument.code == code, Instrument.version == version)
        .options(selectinload(Instrument.items))
    )


def get_unit_by_code(code: str) -> Unit | None:
    return db.session.scalar(sa.select(Unit).where(Unit.code == code))


def get_response_by_ref(unit_id: int, client_ref: str) -> SurveyResponse | None:
    return db.session.scalar(
        sa.select(SurveyResponse).where(
            SurveyResponse.unit_id == unit_id, SurveyResponse.client_ref == client_ref
        )
    )


def unit_subtree_ids_query(unit_id: int) -> sa.Select:
    """Ids of a unit and every unit below it, as a subquery usable in IN (...)."""
    tree = sa.select(Unit.id).where(Unit.id == unit_id).cte("unit_tree", recursive=True)
    tree = tree.union_all(sa.select(Unit.id).where(Unit.parent_id == tree.c.id))
    return sa.select(tree.c.id)


def list_unit_subtree_ids(unit_id: int) -> list[int]:
    return list(db.session.scalars(unit_subtree_ids_query(unit_id)))
