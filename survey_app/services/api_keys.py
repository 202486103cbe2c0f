"""API keys of integrations: shown once when created, stored only as a hash, revocable.

A key reads `sk_<prefix>_<secret>`. The prefix finds the row and names the key in listings; the
secret is 32 random bytes, so a plain SHA-256 of it cannot be guessed back (a slow password hash
would only slow down every API call).
"""

import hashlib
import hmac
import secrets
import string

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import InstrumentedAttribute

from survey_app.core.extensions import db
from survey_app.models import ApiKey, Unit, User, utcnow
from survey_app.services.audit import record_change
from survey_app.services.errors import DomainError

KEY_SCHEME = "sk"
PREFIX_ALPHABET = string.ascii_lowercase + string.digits
PREFIX_LENGTH = 8
SECRET_BYTES = 32


class ApiKeyRevoked(DomainError):
    """The key was revoked already."""


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_key(*, name: str, unit: Unit, created_by: User | None) -> tuple[ApiKey, str]:
    """The new key and its full text, which is never stored and cannot be shown again."""
    prefix, secret = new_unique_prefix(ApiKey.prefix), secrets.token_urlsafe(SECRET_BYTES)
    api_key = ApiKey(
        name=name.strip(),
        unit=unit,
        prefix=prefix,
        key_hash=hash_secret(secret),
        created_by=created_by,
    )
    db.session.add(api_key)
    record_change("api_key.create", api_key, {"name": api_key.name, "unit": unit.code})
    db.session.commit()
    return api_key, f"{KEY_SCHEME}_{prefix}_{secret}"


def new_unique_prefix(column: InstrumentedAttribute) -> str:
    """A random prefix no row holds yet in `column` (API keys and kiosk tokens use one)."""
    while True:
        prefix = "".join(secrets.choice(PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))
        if db.session.scalar(sa.select(column).where(column == prefix)) is None:
            return prefix


def split_token(presented: str, scheme: str) -> tuple[str, str] | None:
    """(prefix, secret) of a `<scheme>_<prefix>_<secret>` text, or None when malformed."""
    found_scheme, _, rest = presented.partition("_")
    prefix, _, secret = rest.partition("_")
    if found_scheme != scheme or not prefix or not secret:
        return None
    return prefix, secret


def secret_matches(stored_hash: str | None, secret: str) -> bool:
    return stored_hash is not None and hmac.compare_digest(stored_hash, hash_secret(secret))


def revoke_api_key(api_key: ApiKey) -> None:
    if api_key.revoked_at is not None:
        raise ApiKeyRevoked(str(_l("This key was already revoked.")))
    api_key.revoked_at = utcnow()
    record_change("api_key.revoke", api_key, {"name": api_key.name})
    db.session.commit()


def find_api_key(presented: str) -> ApiKey | None:
    """The live key matching the presented text, or None (unknown, malformed or revoked)."""
    parts = split_token(presented, KEY_SCHEME)
    if parts is None:
        return None
    prefix, secret = parts
    api_key = db.session.scalar(sa.select(ApiKey).where(ApiKey.prefix == prefix))
    if api_key is None or api_key.revoked_at is not None:
        return None
    return api_key if secret_matches(api_key.key_hash, secret) else None
