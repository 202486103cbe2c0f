"""What browsers are told they may do with our pages, and who the client is behind the proxy.

The Content Security Policy allows scripts, styles, images, workers and the manifest from this
site only: no inline <script>, no on*="" handler and no style="" attribute anywhere
(tests/survey_app/core/test_security.py renders every page to keep it so).
"""

from flask import Flask, current_app, request
from flask import Request as FlaskRequest
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from survey_app.core.json_depth import refuse_deep_json

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        # The kiosk's service worker and web app manifest.
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
HSTS_SECONDS = 365 * 24 * 3600
# Their URLs carry survey, ticket and complaint codes that must not travel in a Referer header.
CODE_IN_URL_BLUEPRINTS = frozenset(
    {"survey", "complaints", "qr", "tablet", "tablet_api", "account_links"}
)


class Request(FlaskRequest):
    """Only a multipart form (files) may use all of MAX_CONTENT_LENGTH. Other bodies (forms,
    JSON) are read into memory at once, unlike multipart parts, so they get a smaller limit."""

    @property
    def max_content_length(self) -> int | None:
        limit = super().max_content_length
        if self._max_content_length is not None or self.mimetype == "multipart/form-data":
            return limit
        small = current_app.config["SURVEY_MAX_BODY_WITHOUT_FILES"]
        return small if limit is None else min(limit, small)

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    def get_json(self, force=False, silent=False, cache=True):
        """Even a caller that asked for silence gets a 400 for a body nested too deep."""
        if force or self.is_json:
            refuse_deep_json(self.get_data(cache=cache))
        return super().get_json(force=force, silent=silent, cache=cache)


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed session cookie, its serializer made once per set of keys instead of at
    every request (twice per QR rating, about 2 % of its CPU). A changed key makes a new one."""

    def __init__(self) -> None:
        self._serializers: dict = {}

    def get_signing_serializer(self, app: Flask):
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        if keys not in self._serializers:
            self._serializers[keys] = super().get_signing_serializer(app)
        return self._serializers[keys]


def init_app(app: Flask) -> None:
    app.request_class = Request
    app.session_interface = SessionCookies()
    proxies = app.config["SURVEY_TRUSTED_PROXIES"]
    if proxies:
        # Only the addresses the trusted proxies appended are believed; a client cannot pick its
        # own address for the rate limits by sending X-Forwarded-For itself.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    app.after_request(set_security_headers)


FIXED_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", PERMISSIONS_POLICY),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
HSTS_HEADER = ("Strict-Transport-Security", f"max-age={HSTS_SECONDS}")


def set_security_headers(response):
    """Each header unless the answer set its own. The names present are read once: a setdefault
    per header searched the whole list each time (about 7 % of a kiosk rating's Python calls)."""
    headers = response.headers
    present = {name.lower() for name, _ in headers.items()}
    wanted = [*FIXED_HEADERS, ("Referrer-Policy", _referrer_policy())]
    if current_app.config["SURVEY_PUBLIC_URL"].startswith("https://"):
        wanted.append(HSTS_HEADER)
    headers.extend([(name, value) for name, value in wanted if name.lower() not in present])
    return response


def _referrer_policy() -> str:
    return "no-referrer" if request.blueprint in CODE_IN_URL_BLUEPRINTS else "same-origin"
