"""Which phone a QR rating came from, without knowing whose: a random id in a signed
first-party cookie, set when the survey form is opened. A rating's hold rules
(services/rating_rules.py) read keyed hashes of it and of the client address, never the values.

The cookie holds nothing about the citizen and is sent only to the survey's own pages. Clearing
it makes a "new phone", which is why the address keeps a burst rule of its own.
"""

import hashlib
import hmac
import secrets
from functools import lru_cache

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response

from survey_app.core.limits import PHONE_COOKIE, client_address
from survey_app.services.responses.holding_rules import RatingSource

COOKIE = PHONE_COOKIE
SALT = "rating-phone"
MAX_AGE = 400 * 24 * 3600  # the longest a browser keeps a cookie (RFC 6265bis)
HASH_LENGTH = 16


def _serializer() -> URLSafeSerializer:
    return _serializer_of(current_app.config["SECRET_KEY"])


@lru_cache(maxsize=4)
def _serializer_of(secret_key: str) -> URLSafeSerializer:
    """One per secret key and process: a serializer holds nothing of a request."""
    return URLSafeSerializer(secret_key, salt=SALT)


def phone_id() -> str | None:
    """The id in the request's cookie, if its signature holds."""
    cookie = request.cookies.get(COOKIE)
    if not cookie:
        return None
    try:
        value = _serializer().loads(cookie)
    except BadSignature:
        return None
    return value if isinstance(value, str) else None


def give_phone_id(response: Response) -> Response:
    """Set the cookie on the form's page unless the phone already has a valid one."""
    if phone_id() is None:
        set_survey_cookie(response, COOKIE, _serializer().dumps(secrets.token_urlsafe(16)), MAX_AGE)
    return response


def set_survey_cookie(response: Response, name: str, value: str, max_age: int) -> Response:
    """A cookie sent only to the survey's own pages (/s/), out of reach of scripts, and over
    https only where the session cookie is."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/s/",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response


def rating_source() -> RatingSource:
    """The keyed hashes of this request's phone id and client address."""
    phone = phone_id()
    return RatingSource(
        phone_hash=keyed_hash("phone", phone) if phone else None,
        address_hash=keyed_hash("address", client_address()),
    )


def keyed_hash(kind: str, value: str) -> str:
    """Short and keyed with the secret: the same value gives the same hash within one
    deployment, and nobody without the key can test a guessed address against it."""
    key = _hash_key(kind, current_app.config["SECRET_KEY"])
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:HASH_LENGTH]


@lru_cache(maxsize=8)
def _hash_key(kind: str, secret_key: str) -> bytes:
    """Derived once per process for each kind (two) and secret key."""
    return hashlib.sha256(f"{SALT}:{kind}:{secret_key}".encode()).digest()
