"""Settings come from SURVEY_* environment variables; tests pass overrides to create_app."""

import os
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ENVIRONMENTS = ("production", "development", "testing")
# Only ever used when SURVEY_ENV says this is not production.
INSECURE_DEV_KEY = "dev-only-not-secret"


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message tells the operator how to fix it."""


def load_settings(instance_path: str, overrides: dict | None = None) -> dict:
    overrides = overrides or {}
    env = overrides.get("SURVEY_ENV") or os.environ.get("SURVEY_ENV", "production")
    if env not in ENVIRONMENTS:
        raise ConfigError(f"SURVEY_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}.")
    settings = {
        "SURVEY_ENV": env,
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SECRET_KEY": os.environ.get("SURVEY_SECRET_KEY"),
        "SURVEY_TIMEZONE": os.environ.get("SURVEY_TIMEZONE", "Asia/Ho_Chi_Minh"),
        "SURVEY_PUBLIC_URL": os.environ.get("SURVEY_PUBLIC_URL", "http://127.0.0.1:5000"),
        "BABEL_DEFAULT_LOCALE": "vi",
        "SURVEY_LOCALES": ("vi", "en"),
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
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Staff sessions end after this much inactivity (the cookie is renewed on each request).
        "PERMANENT_SESSION_LIFETIME": timedelta(
            hours=float(os.environ.get("SURVEY_SESSION_HOURS", 8))
        ),
        # A citizen who pauses mid-form must not lose answers to an expired token; an expired
        # token still re-renders the form with everything kept (see blueprints/survey.py).
        "WTF_CSRF_TIME_LIMIT": 4 * 3600,
    }
    settings.update(overrides)
    _check(settings)
    return settings


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def _database_url(instance_path: str) -> str:
    url = os.environ.get("SURVEY_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(Path(instance_path) / "survey.db")


def _check(settings: dict) -> None:
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
