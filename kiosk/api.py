"""The counter tablet's JSON API: pairing, its configuration, and the ratings it syncs.

A tablet authenticates with its device token (`Authorization: Bearer kt_...`), never with a
session: no CSRF token, nothing that expires while it waits at the counter. Every answer is
JSON, errors included, with English messages for the app's developer.
"""

from collections.abc import Callable

from flask import Blueprint, abort, jsonify, request
from flask_babel import force_locale
from werkzeug.exceptions import HTTPException

from kiosk.config import kiosk_config
from kiosk.contact import DeviceContact, record_contact
from kiosk.pairing import InvalidPairingCode, find_kiosk, find_live_kiosk, pair_kiosk
from kiosk.payloads import (
    InvalidPayload,
    device_queue,
    device_version,
    parse_pairing_code,
    parse_rating,
    payload_errors,
)
from kiosk.ratings import StoredRating, submit_kiosk_rating
from survey_app.core.extensions import csrf
from survey_app.models import Kiosk
from survey_app.queries.code_cache import KioskCopy
from survey_app.services.errors import InvalidSubmission
from survey_app.services.kiosk_replay import ConflictingRepeat

bp = Blueprint("tablet_api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


@bp.post("/kiosk/pair")
def pair_device():
    with force_locale("en"):
        try:
            kiosk, token = pair_kiosk(parse_pairing_code(request.get_json(silent=True)))
        except InvalidSubmission as error:
            return _json({"errors": error.errors}, 422)
        except InvalidPairingCode as error:
            return _json({"error": "invalid_pairing_code", "message": str(error)}, 404)
        return _json({"token": token, "config": kiosk_config(kiosk)}, 201)


@bp.get("/kiosk/config")
def show_config():
    kiosk = _authenticated_kiosk(find_kiosk)
    record_contact(kiosk, _device_contact())
    return _json(kiosk_config(kiosk), 200)


@bp.post("/responses")
def submit_rating():
    # A rating reads nothing of its kiosk: this process keeps a copy for a few seconds.
    kiosk = _authenticated_kiosk(find_live_kiosk)
    payload = request.get_json(silent=True)
    if payload is None:
        return _error(
            "invalid_json", "The body must be JSON (Content-Type: application/json).", 400
        )
    # The API speaks English to developers; the ticket's text keeps the office's language.
    with force_locale("en"):
        try:
            stored = submit_kiosk_rating(kiosk, parse_rating(payload), _device_contact())
        except InvalidPayload as error:
            return _json({"errors": error.errors}, 422)
        except InvalidSubmission as error:
            return _json({"errors": payload_errors(error.errors)}, 422)
        except ConflictingRepeat as conflict:
            return _conflict(payload.get("id"), conflict)
    return _json(rating_body(stored), 201 if stored.created else 200)


def _conflict(rating_id, conflict: ConflictingRepeat):
    body = {
        "error": "conflict",
        "message": "A different rating with this id is stored already; it was kept as it was.",
        "id": rating_id,
        "stored_submitted_at": conflict.stored_submitted_at.isoformat(),
    }
    return _json(body, 409)


def rating_body(stored: StoredRating) -> dict:
    body = {
        "id": stored.client_ref,
        "status": "created" if stored.created else "duplicate",
    }
    if stored.ticket is not None:
        body["ticket_code"] = stored.ticket.code
    return body


def _authenticated_kiosk(find: Callable[[str], Kiosk | KioskCopy | None]) -> Kiosk | KioskCopy:
    """The kiosk of the request's token; otherwise the request ends here with 401 or 403."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    kiosk = find(token.strip()) if scheme.lower() == "bearer" else None
    if kiosk is None:
        message = "Send the device token: Authorization: Bearer kt_<prefix>_<secret>."
        response = _error("unauthorized", message, 401)
        response.headers["WWW-Authenticate"] = 'Bearer realm="kiosk"'
        abort(response)
    if kiosk.is_revoked:
        abort(_error("revoked", "This kiosk was revoked; a manager must add it again.", 403))
    return kiosk


def _device_contact() -> DeviceContact:
    return DeviceContact(
        app_version=device_version(request.headers.get("X-Kiosk-Version")),
        queue_length=device_queue(request.headers.get("X-Kiosk-Queue")),
    )


@bp.errorhandler(HTTPException)
def http_error_as_json(error: HTTPException):
    # Raised in this blueprint's views: a body over MAX_CONTENT_LENGTH, a crash as a 500.
    name = error.name.lower().replace(" ", "_")
    return _error(name, error.description, error.code or 500)


def _error(name: str, message: str, status: int):
    return _json({"error": name, "message": message}, status)


def _json(body: dict, status: int):
    response = jsonify(body)
    response.status_code = status
    # Tokens, settings and results are per request and per device: nothing may keep them.
    response.headers["Cache-Control"] = "no-store"
    return response
