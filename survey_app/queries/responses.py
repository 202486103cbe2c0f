"""Reads of single responses by their idempotency keys."""

import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.models import (
    SurveyResponse,
)


def get_response_by_dossier(unit_id: int, dossier_code: str) -> SurveyResponse | None:
    return db.session.scalar(
        sa.select(SurveyResponse).where(
            SurveyResponse.unit_id == unit_id, SurveyResponse.dossier_code == dossier_code
        )
    )


def get_response_by_ref(unit_id: int, client_ref: str) -> SurveyResponse | None:
    return db.session.scalar(
        sa.select(SurveyResponse).where(
            SurveyResponse.unit_id == unit_id, SurveyResponse.client_ref == client_ref
        )
    )


def list_responses(ids) -> list[SurveyResponse]:
    return list(db.session.scalars(sa.select(SurveyResponse).where(SurveyResponse.id.in_(ids))))
