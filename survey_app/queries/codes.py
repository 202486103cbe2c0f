"""Reads of survey codes, one-time dossier links and API keys."""

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload

from survey_app.core.extensions import db
from survey_app.models import (
    ApiKey,
    Counter,
    Officer,
    SurveyCode,
    Unit,
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
    owners = [owner.active for owner in (survey_code.counter, survey_code.officer) if owner]
    if not opens_survey(survey_code.unit.active, *owners):
        return None
    return survey_code


def _standing_code_columns() -> sa.Select:
    """A code with its unit, counter and officer as plain columns, built once."""
    return (
        sa.select(
            SurveyCode.single_use,
            SurveyCode.revoked_at,
            Unit.id,
            Unit.code,
            Unit.name,
            Unit.instrument_code,
            Unit.instrument_version,
            Unit.active,
            Counter.id,
            Counter.name,
            Counter.active,
            Officer.id,
            Officer.full_name,
            Officer.active,
        )
        .join(Unit, Unit.id == SurveyCode.unit_id)
        .outerjoin(Counter, Counter.id == SurveyCode.counter_id)
        .outerjoin(Officer, Officer.id == SurveyCode.officer_id)
        .where(SurveyCode.code == sa.bindparam("code"))
    )


STANDING_CODE_COLUMNS = _standing_code_columns()


def get_code_columns(code: str) -> sa.Row | None:
    """The code, its unit, counter and officer as one row of plain values (single_use,
    revoked_at, then each one's id, names and active flag): what a QR rating reads of its code,
    without building and tracking the three objects (a sixth of the rating's Python time)."""
    return db.session.connection().execute(STANDING_CODE_COLUMNS, {"code": code}).one_or_none()


def opens_survey(unit_active: bool, *owners_active: bool | None) -> bool:
    """A code opens a survey while its unit and each owner it names (None: none) are active."""
    return bool(unit_active) and all(active is None or active for active in owners_active)


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
