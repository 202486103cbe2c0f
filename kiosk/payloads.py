"""The shape of what a tablet sends: JSON bodies and headers, checked before any service runs.

Messages are English, for the developer of the tablet app; each names the field it is about
(`answers.TC`, `callback.phone`, ...). Whether codes exist is for the services to decide.
"""

import re
from datetime import datetime

from kiosk.ratings import KIOSK_INSTRUMENT, CallbackRequest, KioskRating
from survey_app.core.json_fields import text_field
from survey_app.models import SCALE, Item, Kiosk, Officer, max_length
from survey_app.models.response import COMMENT_MAX_LENGTH
from survey_app.services.errors import InvalidSubmission
from survey_app.services.tickets.opening import PHONE_PATTERN

UUID_PATTERN = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
CALLBACK_LIMITS = {"phone": 40, "consent_text": 2000, "name": 200}
OFFICER_CODE_MAX_LENGTH = max_length(Officer.code)
PAIRING_CODE_MAX_LENGTH = 40
ITEM_CODE_MAX_LENGTH = max_length(Item.code)
VERSION_MAX_LENGTH = max_length(Kiosk.app_version)
MAX_QUEUE = 1_000_000
LOCALES = ("vi", "en")
# Enough for every item of any instrument; more is not a rating.
MAX_ANSWERS = 50


class InvalidPayload(InvalidSubmission):
    """The body's shape is wrong; `errors` already names the request's fields."""


def parse_pairing_code(payload) -> str:
    if not isinstance(payload, dict):
        raise InvalidPayload({"body": "Send a JSON object with a pairing_code."})
    errors = {name: "Unknown field." for name in payload if name != "pairing_code"}
    code, problem = text_field(payload.get("pairing_code"), PAIRING_CODE_MAX_LENGTH)
    if problem or code is None:
        errors["pairing_code"] = problem or "Required."
    if errors:
        raise InvalidPayload(errors)
    return code


def parse_rating(payload) -> KioskRating:
    """A rating of the kiosk instrument, or InvalidPayload naming every field at fault."""
    if not isinstance(payload, dict):
        raise InvalidPayload({"body": "Send a JSON object with id, submitted_at and answers."})
    errors = {name: "Unknown field." for name in payload if name not in PARSERS}
    values = {}
    for name, parse in PARSERS.items():
        try:
            values[name] = parse(payload.get(name))
        except InvalidSubmission as error:
            errors |= error.errors
        except ValueError as error:
            errors[name] = str(error)
    if errors:
        raise InvalidPayload(errors)
    return KioskRating(
        client_ref=values["id"],
        submitted_at=values["submitted_at"],
        answers=values["answers"],
        officer_code=values["officer_code"],
        comment=values["comment"],
        callback=values["callback"],
        repeat_on_tablet=values["repeat"],
    )  # `instrument` is always the kiosk's; `locale` is told, not stored


def _client_ref(value) -> str:
    if value is None:
        raise ValueError("Required: the rating's UUID.")
    if not isinstance(value, str) or not UUID_PATTERN.match(value):
        raise ValueError("Must be a UUID such as 3f2b8c1e-6a9d-4e57-9b0a-2c4d6e8f1a3b.")
    return value.lower()  # one rating, whatever the case the tablet wrote it in


def _instrument(value) -> str:
    if value is None:
        raise ValueError(f"Required: {KIOSK_INSTRUMENT}.")
    if value != KIOSK_INSTRUMENT:
        raise ValueError(f"Unknown instrument: kiosks answer {KIOSK_INSTRUMENT}.")
    return value


def _submitted_at(value) -> datetime:
    if value is None:
        raise ValueError("Required: the time of the tap, ISO 8601 with an offset.")
    if not isinstance(value, str):
        raise ValueError("Must be a string: ISO 8601 with an offset.")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("Not an ISO 8601 time such as 2026-04-15T09:30:00+07:00.") from None
    if moment.tzinfo is None:
        raise ValueError("Give the offset too, such as +07:00 or Z.")
    return moment


def _answers(value) -> dict[str, int | None]:
    if value is None:
        raise ValueError("Required: item codes with levels from 1 to 5, CHUNG included.")
    if not isinstance(value, dict) or len(value) > MAX_ANSWERS:
        raise ValueError("Must be an object of item codes with levels from 1 to 5 or null.")
    errors = {}
    for code, level in value.items():
        field = f"answers.{code[:ITEM_CODE_MAX_LENGTH]}"
        if level is not None and (isinstance(level, bool) or not isinstance(level, int)):
            errors[field] = "Must be an integer from 1 to 5, or null."
        elif level is not None and level not in SCALE:
            errors[field] = "Must be from 1 to 5."
    if errors:
        raise InvalidSubmission(errors)
    return dict(value)


def _officer_code(value) -> str | None:
    return _text(value, OFFICER_CODE_MAX_LENGTH)


def _comment(value) -> str:
    return _text(value, COMMENT_MAX_LENGTH, multiline=True) or ""


def _locale(value) -> str | None:
    if value is not None and value not in LOCALES:
        raise ValueError("Must be vi or en.")
    return value


def _repeat(value) -> bool:
    if value is not None and not isinstance(value, bool):
        raise ValueError("Must be true or false.")
    return bool(value)


def _callback(value) -> CallbackRequest | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValueError("Must be an object with phone and consent_text.")
    errors = {f"callback.{n}": "Unknown field." for n in value if n not in CALLBACK_LIMITS}
    values = {}
    for name, limit in CALLBACK_LIMITS.items():
        values[name], problem = text_field(value.get(name), limit, multiline=name != "phone")
        if problem:
            errors[f"callback.{name}"] = problem
    if values["phone"] is None or not PHONE_PATTERN.match(values["phone"]):
        errors.setdefault("callback.phone", "Give a phone number such as 0912 345 678.")
    if values["consent_text"] is None:
        errors.setdefault("callback.consent_text", "Required: the consent the citizen agreed to.")
    if errors:
        raise InvalidSubmission(errors)
    return CallbackRequest(**values)


PARSERS = {
    "id": _client_ref,
    "instrument": _instrument,
    "submitted_at": _submitted_at,
    "answers": _answers,
    "officer_code": _officer_code,
    "comment": _comment,
    "locale": _locale,
    "callback": _callback,
    "repeat": _repeat,
}


def _text(value, limit: int, multiline: bool = False) -> str | None:
    text, problem = text_field(value, limit, multiline)
    if problem:
        raise ValueError(problem)
    return text


def device_version(header: str | None) -> str | None:
    """The X-Kiosk-Version header, if it is a short printable text; garbage is ignored."""
    if header is None:
        return None
    header = header.strip()
    if not header or len(header) > VERSION_MAX_LENGTH or not header.isprintable():
        return None
    return header


def device_queue(header: str | None) -> int | None:
    """The X-Kiosk-Queue header (ratings waiting on the tablet), if it is a sane count."""
    if header is None or not header.strip().isascii() or not header.strip().isdigit():
        return None
    count = int(header.strip())
    return count if count <= MAX_QUEUE else None


SERVICE_FIELDS = {
    "client_ref": "id",
    "consent": "callback.consent_text",
    "contact_phone": "callback.phone",
    "contact_name": "callback.name",
}


def payload_errors(errors: dict[str, str]) -> dict[str, str]:
    """A service's errors named as the request names its fields (an item code: answers.<code>)."""
    named = {}
    for name, message in errors.items():
        if name in SERVICE_FIELDS:
            named[SERVICE_FIELDS[name]] = message
        elif name in PARSERS:
            named[name] = message
        else:
            named[f"answers.{name}"] = message
    return named
