"""Reads of survey codes, one-time dossier links and API keys."""

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload

from survey_app.core.extensions import db
from survey_app.models import (
    ApiKey,
    Counter,
    Officer,
    SurveyCode,
)
from survey_app.queries.responses import get_response_by_dossier


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
    # A one-time dossier link may name a counter, an officer, both or neither.
    owners = [owner for owner in (survey_code.counter, survey_code.officer) if owner is not None]
    if not (survey_code.unit.active and all(owner.active for owner in owners)):
        return None
    return survey_code


def get_dossier_link(unit_id: int, dossier_code: str) -> SurveyCode | None:
    return db.session.scalar(
        sa.select(SurveyCode).where(
            SurveyCode.unit_id == unit_id, SurveyCode.dossier_code == dossier_code
        )
    )


def is_link_answered(survey_code: SurveyCode) -> bool:
    """A one-time link is spent once used, or once its dossier was rated some other way."""
    if survey_code.used_at is not None:
        return True
    return get_response_by_dossier(survey_code.unit_id, survey_code.dossier_code) is not None


def list_unit_codes(unit_id: int) -> list[SurveyCode]:
    """The live counter and officer codes of one unit (one-time dossier links left out)."""
    query = (
        sa.select(SurveyCode)
        .outerjoin(Counter, SurveyCode.counter)
        .outerjoin(Officer, SurveyCode.officer)
        .where(
            SurveyCode.unit_id == unit_id,
            SurveyCode.revoked_at.is_(None),
            SurveyCode.single_use.is_(False),
        )
        .order_by(SurveyCode.officer_id.is_not(None), sa.func.coalesce(Counter.code, Officer.code))
        .options(contains_eager(SurveyCode.counter), contains_eager(SurveyCode.officer))
    )
    return list(db.session.scalars(query))


def list_api_keys(unit_ids: frozenset[int] | list[int]) -> list[ApiKey]:
    """Keys of the given units, live ones first, newest first."""
    query = (
        sa.select(ApiKey)
        .where(ApiKey.unit_id.in_(unit_ids))
        .order_by(ApiKey.revoked_at.is_not(None), ApiKey.created_at.desc(), ApiKey.id.desc())
        .options(joinedload(ApiKey.unit), joinedload(ApiKey.created_by))
    )
    return list(db.session.scalars(query))
