"""The JSON API for integrations: one-time survey links for dossiers, and its OpenAPI document.

Every answer is JSON, errors included; the API speaks to developers, so messages are English.
"""

from functools import cache

from flask import Blueprint, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from survey_app.extensions import csrf
from survey_app.models import SurveyCode
from survey_app.paths import PACKAGE_DIR
from survey_app.qr_codes import survey_url
from survey_app.queries import is_link_answered
from survey_app.services.api_keys import find_api_key
from survey_app.services.codes import (
    InvalidLinkRequest,
    LinkRequest,
    LinkTargetNotFound,
    create_dossier_link,
)
from survey_app.services.responses import DOSSIER_CODE_MAX_LENGTH

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Integrations authenticate with an API key, not a browser session: no CSRF token.
csrf.exempt(bp)

OPENAPI_FILE = PACKAGE_DIR / "data" / "openapi.json"
OWNER_CODE_MAX_LENGTH = 40
FIELD_LIMITS = {
    "dossier_code": DOSSIER_CODE_MAX_LENGTH,
    "unit_code": OWNER_CODE_MAX_LENGTH,
    "counter_code": OWNER_CODE_MAX_LENGTH,
    "officer_code": OWNER_CODE_MAX_LENGTH,
}


@bp.post("/survey-links")
def create_survey_link():
    api_key = find_api_key(_presented_key())
    if api_key is None:
        return _unauthorized()
    try:
        result = create_dossier_link(api_key, parse_link_request(request.get_json(silent=True)))
    except InvalidLinkRequest as error:
        return _json({"errors": error.errors}, 422)
    except LinkTargetNotFound as error:
        return _json({"error": "not_found", "field": error.field, "message": str(error)}, 404)
    return _json(link_body(result.link), 201 if result.created else 200)


@bp.get("/openapi.json")
def show_openapi():
    response = current_app.response_class(_openapi_document(), mimetype="application/json")
    response.cache_control.max_age = 3600
    return response


@cache
def _openapi_document() -> bytes:
    return OPENAPI_FILE.read_bytes()


@bp.errorhandler(HTTPException)
def http_error_as_json(error: HTTPException):
    # Raised in this blueprint's views (a body over MAX_CONTENT_LENGTH, a crash as a 500).
    name = error.name.lower().replace(" ", "_")
    return _json({"error": name, "message": error.description}, error.code or 500)


def parse_link_request(payload) -> LinkRequest:
    """The request's shape; whether its codes exist is for the service to decide."""
    if not isinstance(payload, dict):
        raise InvalidLinkRequest({"body": "Send a JSON object with a dossier_code."})
    errors = {name: "Unknown field." for name in payload if name not in FIELD_LIMITS}
    values = {}
    for name in FIELD_LIMITS:
        values[name], problem = _text_field(payload.get(name), FIELD_LIMITS[name])
        if problem:
            errors[name] = problem
    if values["dossier_code"] is None and "dossier_code" not in errors:
        errors["dossier_code"] = "Required."
    if not (values["unit_code"] or values["counter_code"] or values["officer_code"]):
        errors.setdefault("unit_code", "Give a unit_code, a counter_code or an officer_code.")
    if errors:
        raise InvalidLinkRequest(errors)
    return LinkRequest(**values)


def _text_field(value, limit: int) -> tuple[str | None, str | None]:
    """(value, None) or (None, what is wrong); an empty string counts as absent."""
    if value is None:
        return None, None
    if not isinstance(value, str):
        return None, "Must be a string."
    value = value.strip()
    if len(value) > limit:
        return None, f"At most {limit} characters."
    if not value.isprintable():
        return None, "Must not contain control characters."
    return value or None, None


def link_body(link: SurveyCode) -> dict:
    url = survey_url(link.code)
    return {
        "url": url,
        "code": link.code,
        "dossier_code": link.dossier_code,
        "qr_png_url": f"{url}/qr.png",
        "qr_svg_url": f"{url}/qr.svg",
        "answered": is_link_answered(link),
    }


def _presented_key() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return request.headers.get("X-Api-Key", "").strip()


def _unauthorized():
    message = "Send a valid API key: Authorization: Bearer <key> or X-Api-Key: <key>."
    response = _json({"error": "unauthorized", "message": message}, 401)
    response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def _json(body: dict, status: int):
    response = jsonify(body)
    response.status_code = status
    # Links and errors are per request: no proxy or browser may keep them.
    response.headers["Cache-Control"] = "no-store"
    return response
