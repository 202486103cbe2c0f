"""Helpers for the tests of the survey-links API and the one-time links it makes."""

import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.models import SurveyCode, SurveyResponse
from survey_app.services.api_keys import create_api_key

PUBLIC_URL = "https://khaosat.example.vn"
DOSSIER = "000.00.12.H29-250415-0001"
LINK_FIELDS = {"url", "code", "dossier_code", "qr_png_url", "qr_svg_url", "answered"}


def new_key(unit) -> str:
    return create_api_key(name="Phần mềm một cửa", unit=unit, created_by=None)[1]


def post_link(client, key: str, **body):
    headers = {"Authorization": f"Bearer {key}"}
    return client.post("/api/v1/survey-links", json=body, headers=headers)


def make_link(client, unit, **targets) -> str:
    body = post_link(client, new_key(unit), dossier_code=DOSSIER, **targets).get_json()
    return body["code"]


def stored_links() -> list[SurveyCode]:
    return list(db.session.scalars(sa.select(SurveyCode).where(SurveyCode.single_use)))


def stored_responses() -> list[SurveyResponse]:
    return list(db.session.scalars(sa.select(SurveyResponse)))
