"""The JSON API for integrations: one-time survey links for dossiers, and its OpenAPI document.

Every answer is JSON, errors included; the API speaks to developers, so messages are English.
"""

from functools import cache

from flask import Blueprint, current_app, jsonify, request
from flask_babel import force_locale
from werkzeug.exceptions import HTTPException

from survey_app.core.extensions import csrf
from survey_app.core.json_fields import text_field
from survey_app.core.paths import PACKAGE_DIR
from survey_app.models import (
    CONTENT_MAX_LENGTH,
    ApiKey,
    Counter,
    Officer,
    Procedure,
    SurveyCode,
    Ticket,
    TicketChannel,
    Unit,
    max_length,
)
from survey_app.qr.images import survey_url
from survey_app.queries.codes import is_link_answered
from survey_app.queries.org import get_by_code
from survey_app.queries.units import list_unit_subtree_ids
from survey_app.services.api_keys import find_api_key
from survey_app.services.codes import (
    InvalidLinkRequest,
    LinkRequest,
    LinkTargetNotFound,
    create_dossier_link,
)
from survey_app.services.errors import InvalidSubmission
from survey_app.services.responses.submit import DOSSIER_CODE_MAX_LENGTH
from survey_app.services.tickets.opening import TicketRequest, open_ticket, ticket_errors

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Integrations authenticate with an API key, not a browser session: no CSRF token.
csrf.exempt(bp)

OPENAPI_FILE = PACKAGE_DIR / "data" / "openapi.json"
OWNER_CODE_MAX_LENGTH = max_length(Unit.code)
COMPLAINT_LIMITS = {
    "unit_code": OWNER_CODE_MAX_LENGTH,
    "content": CONTENT_MAX_LENGTH,
    "counter_code": OWNER_CODE_MAX_LENGTH,
    "officer_code": OWNER_CODE_MAX_LENGTH,
    "procedure_code": 60,
    "client_ref": 64,
}
# The ticket service names fields as the web form does; the API names them as its request.
API_FIELDS = {
    "counter": "counter_code",
    "officer": "officer_code",
    "consent": "contact.consent_text",
    "contact_email": "contact.email",
    "contact_phone": "contact.phone",
}
CONTACT_LIMITS = {"name": 200, "phone": 40, "email": 254, "consent_text": 2000}
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


@bp.post("/complaints")
def create_ticket():
    api_key = find_api_key(_presented_key())
    if api_key is None:
        return _unauthorized()
    try:
        # The API speaks English to developers, whatever the service's default language.
        with force_locale("en"):  # only the checks: the citizen's e-mail keeps its language
            ticket_request = sent_ticket(api_key, request.get_json(silent=True))
            if errors := ticket_errors(ticket_request):
                raise InvalidSubmission(errors)
        opened = open_ticket(ticket_request)
    except InvalidSubmission as error:
        errors = {API_FIELDS.get(name, name): message for name, message in error.errors.items()}
        return _json({"errors": errors}, 422)
    except LinkTargetNotFound as error:
        return _json({"error": "not_found", "field": error.field, "message": str(error)}, 404)
    return _json(ticket_body(opened.ticket), 201 if opened.created else 200)


def sent_ticket(api_key: ApiKey, payload) -> TicketRequest:
    """The request's shape, then its codes looked up within the key's units."""
    if not isinstance(payload, dict):
        raise InvalidSubmission({"body": "Send a JSON object with unit_code and content."})
    known = {*COMPLAINT_LIMITS, "contact"}
    errors = {name: "Unknown field." for name in payload if name not in known}
    values, contact = {}, payload.get("contact") or {}
    if not isinstance(contact, dict):
        errors["contact"], contact = "Must be an object.", {}
    errors |= {f"contact.{n}": "Unknown field." for n in contact if n not in CONTACT_LIMITS}
    for source, limits, prefix in (
        (payload, COMPLAINT_LIMITS, ""),
        (contact, CONTACT_LIMITS, "contact."),
    ):
        for name, limit in limits.items():
            values[prefix + name], problem = text_field(source.get(name), limit)
            if problem:
                errors[prefix + name] = problem
    for name in ("unit_code", "content", "client_ref"):
        if values[name] is None:
            errors.setdefault(name, "Required.")
    if errors:
        raise InvalidSubmission(errors)
    return _ticket_request(api_key, values)


def _ticket_request(api_key: ApiKey, values: dict) -> TicketRequest:
    scope = frozenset(list_unit_subtree_ids(api_key.unit_id))
    unit = _in_scope(Unit, "unit_code", values["unit_code"], lambda unit: unit.id, scope)
    if not unit.active:
        raise InvalidSubmission({"unit_code": "This unit is inactive."})
    return TicketRequest(
        client_ref=values["client_ref"],
        unit=unit,
        content=values["content"],
        channel=TicketChannel.API,
        counter=_in_scope(Counter, "counter_code", values["counter_code"], _owner, scope),
        officer=_in_scope(Officer, "officer_code", values["officer_code"], _owner, scope),
        procedure=_in_scope(Procedure, "procedure_code", values["procedure_code"], None, None),
        contact_name=values["contact.name"],
        contact_phone=values["contact.phone"],
        contact_email=values["contact.email"],
        consent_text=values["contact.consent_text"],
    )


def _owner(found) -> int:
    return found.unit_id


def _in_scope(model, field: str, code: str | None, unit_of, scope):
    """The row with the code; 404 when there is none, or it lies outside the key's units."""
    if code is None:
        return None
    found = get_by_code(model, code)
    if found is None or (scope is not None and unit_of(found) not in scope):
        what = field.removesuffix("_code")
        raise LinkTargetNotFound(field, f"No {what} has the code {code!r} within this key's units.")
    return found


def ticket_body(ticket: Ticket) -> dict:
    public = current_app.config["SURVEY_PUBLIC_URL"].rstrip("/")
    return {
        "code": ticket.code,
        "status_url": f"{public}/t/{ticket.code}",
        "due_at": ticket.effective_due_at.isoformat(),
    }


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
        values[name], problem = text_field(payload.get(name), FIELD_LIMITS[name])
        if problem:
            errors[name] = problem
    if values["dossier_code"] is None and "dossier_code" not in errors:
        errors["dossier_code"] = "Required."
    if not (values["unit_code"] or values["counter_code"] or values["officer_code"]):
        errors.setdefault("unit_code", "Give a unit_code, a counter_code or an officer_code.")
    if errors:
        raise InvalidLinkRequest(errors)
    return LinkRequest(**values)


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
