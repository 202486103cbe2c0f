"""Settings come from SURVEY_* environment variables; tests pass overrides to create_app."""

import os
import secrets
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from survey_app.core import config_checks
from survey_app.core.public_url import DEFAULT_PUBLIC_URL

ENVIRONMENTS = ("production", "development", "testing")
# What the process does with the app, which decides the production checks (config_checks.py):
# "web" serves citizens (gunicorn, `survey-app run`); "demo" serves on this machine only;
# "command" is a `survey-app` command that serves no HTTP (it needs no secret key and no
# rate-limit storage, since it signs no cookie and counts no request).
PROCESSES = ("web", "demo", "command")
# Only ever used when SURVEY_ENV says this is not production.
INSECURE_DEV_KEY = "dev-only-not-secret"


# Requests allowed per key, in the `limits` notation ("10/minute", several joined by ";");
# each can be changed with SURVEY_RATELIMIT_<NAME>. Keys are explained in survey_app/core/limits.py.
DEFAULT_RATE_LIMITS = {
    # Citizen form submissions per client address, for each purpose apart (survey, complaint,
    # tracking): a counter hall's phones may share one address.
    "PUBLIC_CLIENT": "600/hour",
    # Submissions of one form (one survey phone or visit, one complaint, one ticket's rating).
    "PUBLIC_FORM": "10/minute",
    # Public pages per client address, for each purpose apart (survey, complaint, tracking, QR
    # images and published figures).
    "PUBLIC_PAGES": "300/minute",
    # Staff sign-in attempts per client address; failed ones per username and address, and per
    # username from anywhere (survey_app/auth/sign_in_throttle.py: a known browser is exempt).
    "SIGN_IN": "30/minute",
    "SIGN_IN_NAME_ADDRESS": "5 per 15 minutes",
    "SIGN_IN_NAME": "20 per hour",
    # "Quên mật khẩu?" requests per e-mail address and per account (services/password_reset.py).
    "RESET_ADDRESS": "5 per hour",
    "RESET_ACCOUNT": "3 per hour",
    # API calls per key, and per client address whatever key it shows (made-up keys included).
    "API_KEY": "600/minute",
    "API_CLIENT": "1200/minute",
    # Kiosk calls per device token, per client address, and without a token (pairing) per address.
    "KIOSK_DEVICE": "300/minute",
    "KIOSK_CLIENT": "1200/minute",
    "KIOSK_PAIRING": "20/minute",
}


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message tells the operator how to fix it."""


def load_settings(instance_path: str, overrides: dict | None = None) -> dict:
    overrides = overrides or {}
    env = overrides.get("SURVEY_ENV") or os.environ.get("SURVEY_ENV", "production")
    if env not in ENVIRONMENTS:
        raise ConfigError(f"SURVEY_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}.")
    settings = {
        "SURVEY_ENV": env,
        "SURVEY_PROCESS": "web",
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SECRET_KEY": os.environ.get("SURVEY_SECRET_KEY"),
        "SURVEY_TIMEZONE": os.environ.get("SURVEY_TIMEZONE", "Asia/Ho_Chi_Minh"),
        "SURVEY_PUBLIC_URL": os.environ.get("SURVEY_PUBLIC_URL") or DEFAULT_PUBLIC_URL,
        "BABEL_DEFAULT_LOCALE": "vi",
        "SURVEY_LOCALES": ("vi", "en"),
        # A whole request: three complaint attachments of 5 MB with the form fit.
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        # Officer photos and other uploads; default <instance>/uploads.
        "SURVEY_UPLOADS_DIR": os.environ.get("SURVEY_UPLOADS_DIR"),
        # 24/11 (Vietnam Culture Day) counts as a day off only when switched on: the holidays
        # package lists it from 2026 while the law's amendment was pending (domain.md §3).
        "SURVEY_CULTURE_DAY_OFF": _flag("SURVEY_CULTURE_DAY_OFF", False),
        # Complainants' contact data is removed this long after their ticket closes.
        "SURVEY_CONTACT_RETENTION_DAYS": int(os.environ.get("SURVEY_CONTACT_RETENTION_DAYS", 365)),
        # E-mail goes through this SMTP server; without a host, nothing is sent (and it is logged).
        "SURVEY_SMTP_HOST": os.environ.get("SURVEY_SMTP_HOST"),
        "SURVEY_SMTP_PORT": int(os.environ.get("SURVEY_SMTP_PORT", 25)),
        "SURVEY_SMTP_USER": os.environ.get("SURVEY_SMTP_USER"),
        "SURVEY_SMTP_PASSWORD": os.environ.get("SURVEY_SMTP_PASSWORD"),
        "SURVEY_SMTP_STARTTLS": _flag("SURVEY_SMTP_STARTTLS", False),
        "SURVEY_MAIL_FROM": os.environ.get("SURVEY_MAIL_FROM", "khao-sat@localhost"),
        # Single sign-on through the province's OpenID Connect provider (off without an issuer).
        # The provider proves who signs in; roles and units stay the service's (docs/deploy.md).
        "SURVEY_OIDC_ISSUER": os.environ.get("SURVEY_OIDC_ISSUER"),
        "SURVEY_OIDC_CLIENT_ID": os.environ.get("SURVEY_OIDC_CLIENT_ID"),
        "SURVEY_OIDC_CLIENT_SECRET": os.environ.get("SURVEY_OIDC_CLIENT_SECRET"),
        "SURVEY_OIDC_USERNAME_CLAIM": os.environ.get(
            "SURVEY_OIDC_USERNAME_CLAIM", "preferred_username"
        ),
        "SURVEY_OIDC_GROUPS_CLAIM": os.environ.get("SURVEY_OIDC_GROUPS_CLAIM", "groups"),
        "SURVEY_OIDC_REQUIRED_GROUP": os.environ.get("SURVEY_OIDC_REQUIRED_GROUP"),
        "SURVEY_OIDC_SCOPES": os.environ.get("SURVEY_OIDC_SCOPES", "openid email profile"),
        # The place written before the report's date ("Đà Lạt, ngày ..."); default: from the unit.
        "SURVEY_REPORT_PLACE": os.environ.get("SURVEY_REPORT_PLACE"),
        # Built report files (XLSX, PDF, CSV); default: reports/ beside the uploads.
        "SURVEY_REPORTS_DIR": os.environ.get("SURVEY_REPORTS_DIR"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Behind TLS in production; SURVEY_SECURE_COOKIES=false only for a plain-http trial.
        "SESSION_COOKIE_SECURE": _flag("SURVEY_SECURE_COOKIES", env == "production"),
        "REMEMBER_COOKIE_SECURE": _flag("SURVEY_SECURE_COOKIES", env == "production"),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # Form fields other than files: the largest form (a survey) has about 40 fields and a
        # 2,000-character comment. Files (attachments, CSV, photos) count in MAX_CONTENT_LENGTH.
        "MAX_FORM_MEMORY_SIZE": 500 * 1024,
        "MAX_FORM_PARTS": 500,
        # Bodies without files (forms, JSON) are read at once: they get a smaller limit.
        "SURVEY_MAX_BODY_WITHOUT_FILES": 1024 * 1024,
        # How many proxies (nginx: 1) put the client's address in X-Forwarded-For; 0 trusts none.
        "SURVEY_TRUSTED_PROXIES": int(os.environ.get("SURVEY_TRUSTED_PROXIES", 0)),
        # Rate limits (survey_app/core/limits.py): off in tests, shared storage (Redis) in
        # production.
        "SURVEY_RATELIMIT_ENABLED": _flag("SURVEY_RATELIMIT_ENABLED", env != "testing"),
        "SURVEY_RATELIMIT_STORAGE_URL": os.environ.get("SURVEY_RATELIMIT_STORAGE_URL")
        or (None if env == "production" else "memory://"),
        "SURVEY_RATELIMITS": {
            name: os.environ.get(f"SURVEY_RATELIMIT_{name}", value)
            for name, value in DEFAULT_RATE_LIMITS.items()
        },
        # Staff sessions end after this much inactivity (the cookie is renewed on each request).
        "PERMANENT_SESSION_LIFETIME": timedelta(
            hours=float(os.environ.get("SURVEY_SESSION_HOURS", 8))
        ),
        # A citizen who pauses mid-form must not lose answers to an expired token; an expired
        # token still re-renders the form with everything kept (see blueprints/survey.py).
        "WTF_CSRF_TIME_LIMIT": 4 * 3600,
        # A pooled connection is checked before use, so the workers recover by themselves after
        # the database restarts instead of failing one request per dead connection. On
        # PostgreSQL without a round trip: core/extensions.py, check_pooled_connection.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": False},
    }
    settings.update(overrides)
    _add_postgresql_options(settings)
    _check(settings)
    return settings


def _add_postgresql_options(settings: dict) -> None:
    """No JIT compilation on PostgreSQL: a page's counts over a province's month (a few hundred
    thousand rows) cross the planner's JIT threshold, and compiling took 50–65 ms a statement,
    more than it saved; short statements never reach it. Set when each connection opens."""
    if not settings["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return
    options = dict(settings["SQLALCHEMY_ENGINE_OPTIONS"])
    connect_args = dict(options.get("connect_args", {}))
    connect_args.setdefault("options", "-c jit=off")
    settings["SQLALCHEMY_ENGINE_OPTIONS"] = options | {"connect_args": connect_args}


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def _database_url(instance_path: str) -> str:
    url = os.environ.get("SURVEY_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(Path(instance_path) / "survey.db")


def _check(settings: dict) -> None:
    if settings["SURVEY_PROCESS"] not in PROCESSES:
        raise ConfigError(f"SURVEY_PROCESS must be one of {', '.join(PROCESSES)}.")
    if settings["SURVEY_PROCESS"] == "command":
        _settle_for_a_command(settings)
    if not settings["SECRET_KEY"]:
        if settings["SURVEY_ENV"] == "production":
            raise ConfigError(
                "SURVEY_SECRET_KEY is not set. Set it to a long random value, e.g.\n"
                "  export SURVEY_SECRET_KEY="
                "$(python3 -c 'import secrets; print(secrets.token_hex(32))')\n"
                "or set SURVEY_ENV=development on a developer machine."
            )
        settings["SECRET_KEY"] = INSECURE_DEV_KEY
    try:
        ZoneInfo(settings["SURVEY_TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ConfigError(
            f"SURVEY_TIMEZONE {settings['SURVEY_TIMEZONE']!r} is not a time zone."
        ) from error
    problems = config_checks.settings_problems(settings)
    if settings["SURVEY_ENV"] == "production":
        problems += config_checks.production_problems(settings, frozenset({INSECURE_DEV_KEY}))
    if problems:
        raise ConfigError("\n".join(problems))


def _settle_for_a_command(settings: dict) -> None:
    """A command serves no request: it counts none (no rate-limit storage needed) and signs no
    cookie, so without SURVEY_SECRET_KEY it gets a random key nobody knows, never a default."""
    settings["SURVEY_RATELIMIT_ENABLED"] = False
    if not settings["SECRET_KEY"]:
        settings["SECRET_KEY"] = secrets.token_hex(32)
