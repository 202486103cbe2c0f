"""Rate limits (Flask-Limiter), declared here by blueprint so the views stay as they are.

Each purpose has budgets of its own — the survey, the complaint form, the tracking page, the
public pages, the kiosk, the API — so a flood of one never blocks another: an address refused
more ratings can still file a complaint. An address is a weak identity (a carrier's NAT or a
commune hall's Wi-Fi puts many citizens behind one), so its budgets are a generous backstop;
what keeps a phone's ratings from counting twice is the hold rules (services/rating_rules.py).

Who is counted:
- a citizen's form: per client address (a counter hall's phones may share one address behind
  the office's router, hence a generous hourly budget) and per form (the survey phone's cookie,
  else the visit's submission id; the complaint's client_ref; the ticket rated), which stops one
  page from being replayed;
- an integration: per API key (its prefix), and per client address whatever key it shows;
- a kiosk: per device token (its prefix), per client address, and pairing attempts (no token)
  per client address;
- staff sign-in: per client address (accounts also lock themselves after failed attempts);
- public pages (the survey, complaints, QR images, a unit's published figures): per client
  address.

Amounts live in the setting SURVEY_RATELIMITS (survey_app/core/config.py). The counters live in
SURVEY_RATELIMIT_STORAGE_URL: Redis in production, shared by every worker and server; when Redis
cannot be reached each worker counts in its own memory until it is back.
"""

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from flask import Flask, current_app, jsonify, make_response, render_template, request
from flask_limiter import Limiter
from limits import parse_many

from survey_app.core import limit_batch
from survey_app.core.errors import API_PREFIX
from survey_app.core.limit_batch import Plan

EXTENSION_KEY = "survey_limiter"
KEY_PREFIX = "survey"
PHONE_COOKIE = "sipas_phone"  # survey_app/blueprints/phone_cookie.py
COMPLAINT_FORM = ("complaints.file_form", "complaints.filed", "complaints.find_unit_to_complain_to")
TRACKING = ("complaints.show_status", "complaints.find_ticket")
DEFAULT_RETRY_SECONDS = 60


def client_address() -> str:
    """The client's address as the trusted proxies saw it (see security.py, ProxyFix)."""
    return request.remote_addr or "unknown"


def form_session() -> str:
    """One citizen form: the survey phone's cookie, else the id its page carries, or the ticket
    being rated. (The cookie's signature is checked by the survey view, not here: a forged one
    only buys the forger a budget of his own, which a new cookie would too.)"""
    phone = request.cookies.get(PHONE_COOKIE) if request.blueprint == "survey" else None
    if phone:
        return f"phone:{phone[-32:]}"
    form_id = request.form.get("submission_id") or request.form.get("client_ref")
    form_id = form_id or (request.view_args or {}).get("code", "")
    if not form_id:
        return f"client:{client_address()}"
    return f"form:{request.blueprint}:{form_id[:64]}"


def token_prefix(scheme: str) -> str | None:
    """The prefix of a `<scheme>_<prefix>_<secret>` token in the request's headers."""
    kind, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip() if kind.lower() == "bearer" else request.headers.get("X-Api-Key", "")
    parts = token.strip().split("_")
    if len(parts) >= 3 and parts[0] == scheme and parts[1]:
        return parts[1][:16]
    return None


def api_key_or_client() -> str:
    prefix = token_prefix("sk")
    return f"key:{prefix}" if prefix else f"client:{client_address()}"


def device_or_client() -> str:
    prefix = token_prefix("kt")
    return f"device:{prefix}" if prefix else f"client:{client_address()}"


# API endpoints anyone may call without a key or a device token.
OPEN_API_ENDPOINTS = frozenset({"api.show_openapi", "tablet_api.pair_device"})


def without_credentials() -> bool:
    """A call to the API that shows no key or token at all: it is answered 401 at once, without
    a database query, and the documented order (401 before 429) holds even for a limited
    address. A wrong key or token is counted, so guessing keys is still limited."""
    if request.blueprint not in ("api", "tablet_api") or request.endpoint in OPEN_API_ENDPOINTS:
        return False
    return not request.headers.get("Authorization") and not request.headers.get("X-Api-Key")


def _setting(name: str) -> Callable[[], str]:
    return lambda: current_app.config["SURVEY_RATELIMITS"][name]


def _kiosk_limit() -> str:
    name = "KIOSK_DEVICE" if token_prefix("kt") else "KIOSK_PAIRING"
    return current_app.config["SURVEY_RATELIMITS"][name]


@dataclass(frozen=True)
class Rule:
    blueprint: str
    limit: Callable[[], str]
    key: Callable[[], str]
    # Counters of rules with the same scope are shared by their blueprints.
    scope: str
    methods: tuple[str, ...] | None = None
    endpoints: tuple[str, ...] | None = None  # only these endpoints of the blueprint


GET, POST = ("GET",), ("POST",)
PAGES, CLIENT, FORM = _setting("PUBLIC_PAGES"), _setting("PUBLIC_CLIENT"), _setting("PUBLIC_FORM")
# One scope per purpose: the same amounts, counted apart.
RULES = (
    # The survey.
    Rule("survey", PAGES, client_address, "survey-pages", GET),
    Rule("survey", CLIENT, client_address, "survey-client", POST),
    Rule("survey", FORM, form_session, "survey-form", POST),
    # The complaint form.
    Rule("complaints", PAGES, client_address, "complaint-pages", GET, COMPLAINT_FORM),
    Rule("complaints", CLIENT, client_address, "complaint-client", POST, COMPLAINT_FORM),
    Rule("complaints", FORM, form_session, "complaint-form", POST, COMPLAINT_FORM),
    # The tracking page (and the rating of a ticket's handling sent from it).
    Rule("complaints", PAGES, client_address, "tracking-pages", GET, TRACKING),
    Rule("complaints", CLIENT, client_address, "tracking-client", POST, TRACKING),
    Rule("complaints", FORM, form_session, "tracking-form", POST, TRACKING),
    # QR images and a unit's published figures.
    Rule("qr", PAGES, client_address, "public-pages", GET),
    Rule("public", PAGES, client_address, "public-pages", GET),
    # Staff sign-in.
    Rule("auth", _setting("SIGN_IN"), client_address, "sign-in", POST, ("auth.sign_in",)),
    # "Quên mật khẩu?" and the one-time links share the sign-in budget of a client address.
    Rule("account_links", _setting("SIGN_IN"), client_address, "sign-in", POST),
    # The API.
    Rule("api", _setting("API_KEY"), api_key_or_client, "api-key"),
    Rule("api", _setting("API_CLIENT"), client_address, "api-client"),
    # The kiosk.
    Rule("tablet_api", _kiosk_limit, device_or_client, "kiosk-device"),
    Rule("tablet_api", _setting("KIOSK_CLIENT"), client_address, "kiosk-client"),
)


def init_app(app: Flask) -> None:
    """Call after every blueprint is registered: rules name blueprints that may not exist."""
    limiter = Limiter(
        key_func=client_address,
        storage_uri=app.config["SURVEY_RATELIMIT_STORAGE_URL"] or "memory://",
        strategy="fixed-window",
        key_prefix=KEY_PREFIX,
        in_memory_fallback_enabled=True,
    )
    # Read on each request, so a test can switch the limits on for one app.
    limiter.request_filter(limits_off)
    limiter.request_filter(without_credentials)
    limiter.init_app(app)
    for rule in RULES:
        if rule.blueprint in app.blueprints:
            _apply(limiter, rule, app.blueprints[rule.blueprint])
    # The same rules checked in one round trip (core/limit_batch.py); Flask-Limiter's own
    # check takes over while Redis is down.
    limit_batch.install(limiter, app, planned_hits, skip=unlimited)
    app.extensions[EXTENSION_KEY] = limiter
    app.register_error_handler(429, too_many_requests)


def limits_off() -> bool:
    return not current_app.config["SURVEY_RATELIMIT_ENABLED"]


def unlimited() -> bool:
    """The requests Flask-Limiter's filters let through uncounted."""
    return limits_off() or without_credentials()


def planned_hits() -> Plan:
    """The hits of this request, as _apply declared them: each rule of the request's blueprint
    that its method and endpoint meet, each limit of the rule's amount."""
    return [
        (item, (KEY_PREFIX, rule.key(), rule.scope))
        for rule in _rules_of(request.blueprint, request.endpoint, request.method)
        for item in _parsed(rule.limit())
    ]


@lru_cache(maxsize=256)
def _rules_of(blueprint: str | None, endpoint: str | None, method: str) -> tuple[Rule, ...]:
    """The rules a request meets, found once per process for each endpoint and method."""
    return tuple(
        rule
        for rule in RULES
        if rule.blueprint == blueprint
        and (rule.methods is None or method in rule.methods)
        and (rule.endpoints is None or endpoint in rule.endpoints)
    )


@lru_cache(maxsize=64)
def _parsed(amounts: str) -> list:
    """A setting's limits, parsed once per process (a setting has few distinct values)."""
    return parse_many(amounts)


def _apply(limiter: Limiter, rule: Rule, blueprint) -> None:
    other_endpoint = (lambda: request.endpoint not in rule.endpoints) if rule.endpoints else None
    limiter.shared_limit(
        rule.limit,
        scope=rule.scope,
        key_func=rule.key,
        methods=list(rule.methods) if rule.methods else None,
        exempt_when=other_endpoint,
    )(blueprint)


def too_many_requests(error):
    """429 with Retry-After: a readable page in the visitor's language, JSON for the API."""
    seconds = _seconds_until_reset()
    if request.path.startswith(API_PREFIX):
        message = f"Too many requests. Send again in {seconds} seconds."
        response = jsonify({"error": "too_many_requests", "message": message})
        response.headers["Cache-Control"] = "no-store"
    else:
        retry_at = datetime.now(UTC) + timedelta(seconds=seconds)
        page = render_template("errors/error.html", error=error, retry_at=retry_at)
        response = make_response(page)
    response.status_code = 429
    response.headers["Retry-After"] = str(seconds)
    return response


def _seconds_until_reset() -> int:
    limiter = current_app.extensions[EXTENSION_KEY]
    reset_at = limit_batch.refused_reset_at(limiter.storage)
    if reset_at is None and limiter.current_limit is not None:  # refused by Flask-Limiter
        reset_at = limiter.current_limit.reset_at
    if reset_at is None:  # a 429 raised by hand, not by a limit
        return DEFAULT_RETRY_SECONDS
    return max(1, math.ceil(reset_at - time.time()))
