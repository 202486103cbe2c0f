"""Slowing down password guessing without letting anyone lock a user out.

Besides every attempt per client address (limits.py, SIGN_IN), failed attempts are counted
- per username and client address (SIGN_IN_NAME_ADDRESS): one address guessing one account;
- per username from any address (SIGN_IN_NAME): guessing spread over many addresses.
A browser where the user signed in before carries a signed cookie naming them; the two counts
by name do not apply to it, so whoever exhausts them does not keep the owner out.
Unknown usernames are counted exactly like known ones, and a refused attempt checks no password:
neither the answer nor its time tells whether an account exists. The counts live in the
rate-limit storage (Redis in production) and are kept only while rate limits are on.
"""

from datetime import UTC, datetime

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import parse

from survey_app.core.limits import EXTENSION_KEY, client_address

KNOWN_BROWSER_COOKIE = "survey_known"
KNOWN_BROWSER_DAYS = 180
MAX_USERNAME = 80


class TooManyAttempts(Exception):
    def __init__(self, until: datetime):
        super().__init__(until.isoformat())
        self.until = until


def check_attempt(username: str) -> None:
    """Raise TooManyAttempts if this name has failed too often, unless the browser is known."""
    for item, keys in _counts(username):
        if not _storage_answers(True, _strategy().test, item, *keys):
            reset_at, _ = _strategy().get_window_stats(item, *keys)
            raise TooManyAttempts(datetime.fromtimestamp(reset_at, UTC))


def count_failure(username: str) -> None:
    for item, keys in _counts(username):
        _storage_answers(None, _strategy().hit, item, *keys)


def _storage_answers(default, ask, *arguments):
    """The storage's answer; if it cannot be reached (Redis restarting), sign-in still works
    (the limit per address of limits.py then counts in each worker's memory) and it is logged."""
    try:
        return ask(*arguments)
    except Exception as error:  # redis raises several kinds; none may turn sign-in into a 500
        current_app.logger.warning("sign-in counts unavailable: %s", error)
        return default


def remember_browser(response, username: str) -> None:
    """The cookie that lets this browser past the counts by name next time."""
    response.set_cookie(
        KNOWN_BROWSER_COOKIE,
        _serializer().dumps(_normal(username)),
        max_age=KNOWN_BROWSER_DAYS * 24 * 3600,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )


def _counts(username: str) -> list[tuple]:
    if not current_app.config["SURVEY_RATELIMIT_ENABLED"] or _known_browser(username):
        return []
    name, limits = _normal(username), current_app.config["SURVEY_RATELIMITS"]
    return [
        (parse(limits["SIGN_IN_NAME_ADDRESS"]), ("sign-in-name-address", name, client_address())),
        (parse(limits["SIGN_IN_NAME"]), ("sign-in-name", name)),
    ]


def _known_browser(username: str) -> bool:
    cookie = request.cookies.get(KNOWN_BROWSER_COOKIE, "")
    max_age = KNOWN_BROWSER_DAYS * 24 * 3600
    try:
        return _serializer().loads(cookie, max_age=max_age) == _normal(username)
    except BadSignature:
        return False


def _normal(username: str) -> str:
    return username.strip().lower()[:MAX_USERNAME]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="known-browser")


def _strategy():
    return current_app.extensions[EXTENSION_KEY].limiter
