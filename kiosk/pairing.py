"""Counter tablets (kiosks): added with a one-time pairing code, then known by a device token.

A device token reads `kt_<prefix>_<secret>` and is kept like an API key (services/api_keys.py):
only a SHA-256 of the 32-byte secret is stored. The prefix is given when the kiosk is added and
never changes: it names the kiosk in URLs and the audit log, while each pairing replaces the
secret, so the token of an earlier pairing stops working.

The pairing code is short enough to type on a tablet (8 characters without 0/O, 1/I/L), lives
24 hours and works once; only its hash is stored.
"""

import secrets
from dataclasses import dataclass
from datetime import time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from survey_app.core.extensions import db
from survey_app.models import Counter, Kiosk, Officer, User, max_length, utcnow
from survey_app.queries.code_cache import KioskCopy, cached_kiosk, keep_kiosk
from survey_app.services.api_keys import (
    SECRET_BYTES,
    hash_secret,
    new_unique_prefix,
    secret_matches,
    split_token,
)
from survey_app.services.audit import record_change
from survey_app.services.errors import DomainError
from survey_app.services.kiosk_pin import hash_pin
from survey_app.services.org.admin import InvalidChange
from survey_app.services.org.members import CODE_ALPHABET

# The token's visible prefix, not a secret (Bandit B105).
TOKEN_SCHEME = "kt"  # nosec B105
PAIRING_CODE_LENGTH = 8
PAIRING_VALID_FOR = timedelta(hours=24)
NAME_MAX_LENGTH = max_length(Kiosk.name)
IDLE_SECONDS = range(10, 301)
THANKS_SECONDS = range(3, 61)
PIN_LENGTHS = range(4, 9)
LOCALES = ("vi", "en")
# What a rating stores of its kiosk (counter, unit, fixed officer): one query instead of four.
WITH_PLACE = (
    joinedload(Kiosk.counter).joinedload(Counter.unit),
    joinedload(Kiosk.fixed_officer),
)


class InvalidPairingCode(DomainError):
    """The code is unknown, used already, expired, or its kiosk was revoked."""


class KioskRevoked(DomainError):
    """The kiosk was revoked: it cannot be paired again or changed."""


@dataclass(frozen=True, kw_only=True)
class KioskSettings:
    fixed_officer: Officer | None
    idle_seconds: int
    thanks_seconds: int
    opens_at: time
    closes_at: time
    default_locale: str
    always_open: bool = False  # every hour and day, whatever the hours above
    staff_pin: str | None = None  # a new PIN; None keeps the current one
    clear_pin: bool = False


def add_kiosk(counter: Counter, *, name: str, created_by: User | None) -> tuple[Kiosk, str]:
    """A kiosk waiting for its tablet, and the pairing code to type or scan on it."""
    kiosk = _new_kiosk(counter, name)
    code = _issue_pairing_code(kiosk)
    record_change("kiosk.create", kiosk, {"name": kiosk.name, "counter": counter.code})
    db.session.commit()
    return kiosk, code


def register_kiosk(
    counter: Counter, *, name: str, created_by: User | None = None
) -> tuple[Kiosk, str]:
    """A kiosk paired at once, for scripted set-up: its device token."""
    kiosk = _new_kiosk(counter, name)
    token = _issue_token(kiosk)
    record_change("kiosk.register", kiosk, {"name": kiosk.name, "counter": counter.code})
    db.session.commit()
    return kiosk, token


def _new_kiosk(counter: Counter, name: str) -> Kiosk:
    name = name.strip()
    if not name or len(name) > NAME_MAX_LENGTH:
        raise InvalidChange("name", str(_l("Give the kiosk a name of at most 200 characters.")))
    kiosk = Kiosk(counter=counter, name=name, token_prefix=new_unique_prefix(Kiosk.token_prefix))
    db.session.add(kiosk)
    return kiosk


def pair_kiosk(pairing_code: str) -> tuple[Kiosk, str]:
    """Spend a pairing code: the kiosk and its new device token (an earlier token stops)."""
    code_hash = hash_secret(normalise_pairing_code(pairing_code))
    kiosk = db.session.scalar(sa.select(Kiosk).where(Kiosk.pairing_code_hash == code_hash))
    if kiosk is None or kiosk.is_revoked or kiosk.pairing_expires_at <= utcnow():
        raise InvalidPairingCode(str(_l("This pairing code is unknown, used or expired.")))
    # Only the request that clears the code pairs: a second tablet racing with it loses.
    secret, now = secrets.token_urlsafe(SECRET_BYTES), utcnow()
    claimed = db.session.execute(
        sa.update(Kiosk)
        .where(Kiosk.id == kiosk.id, Kiosk.pairing_code_hash == code_hash)
        .values(
            pairing_code_hash=None,
            pairing_expires_at=None,
            token_hash=hash_secret(secret),
            paired_at=now,
            last_seen_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise InvalidPairingCode(str(_l("This pairing code is unknown, used or expired.")))
    record_change("kiosk.pair", kiosk)
    db.session.commit()
    db.session.refresh(kiosk)
    return kiosk, f"{TOKEN_SCHEME}_{kiosk.token_prefix}_{secret}"


def new_pairing_code(kiosk: Kiosk, *, by: User | None) -> str:
    """A fresh code for the kiosk; its current token works until the code is used."""
    _check_live(kiosk)
    code = _issue_pairing_code(kiosk)
    expires_at = kiosk.pairing_expires_at.isoformat(timespec="seconds")
    record_change("kiosk.new_pairing_code", kiosk, {"expires_at": expires_at})
    db.session.commit()
    return code


def revoke_kiosk(kiosk: Kiosk, *, by: User | None) -> None:
    """Stop the kiosk at its next request; its ratings are kept."""
    _check_live(kiosk)
    kiosk.revoked_at = utcnow()
    kiosk.pairing_code_hash = kiosk.pairing_expires_at = None
    record_change("kiosk.revoke", kiosk, {"name": kiosk.name})
    db.session.commit()


def update_kiosk_settings(kiosk: Kiosk, settings: KioskSettings, *, by: User | None) -> None:
    """`by` is who acts; the audit trail names the signed-in user (None: the command line)."""
    _check_live(kiosk)
    _check_settings(kiosk, settings)
    kiosk.fixed_officer = settings.fixed_officer
    kiosk.idle_seconds = settings.idle_seconds
    kiosk.thanks_seconds = settings.thanks_seconds
    kiosk.opens_at, kiosk.closes_at = settings.opens_at, settings.closes_at
    kiosk.always_open = settings.always_open
    kiosk.default_locale = settings.default_locale
    if settings.clear_pin:
        kiosk.staff_pin_hash = ""
    elif settings.staff_pin is not None:
        kiosk.staff_pin_hash = hash_pin(settings.staff_pin)
    record_change("kiosk.settings", kiosk, _settings_details(kiosk, settings))
    db.session.commit()


def _check_settings(kiosk: Kiosk, settings: KioskSettings) -> None:
    officer = settings.fixed_officer
    if officer is not None and officer.unit_id != kiosk.counter.unit_id:
        raise InvalidChange("fixed_officer", str(_l("Choose an officer of this unit.")))
    if settings.idle_seconds not in IDLE_SECONDS:
        raise InvalidChange("idle_seconds", str(_l("Choose between 10 and 300 seconds.")))
    if settings.thanks_seconds not in THANKS_SECONDS:
        raise InvalidChange("thanks_seconds", str(_l("Choose between 3 and 60 seconds.")))
    if settings.opens_at >= settings.closes_at:
        raise InvalidChange("closes_at", str(_l("The closing time must be after the opening.")))
    if settings.default_locale not in LOCALES:
        raise InvalidChange("default_locale", str(_l("Choose Vietnamese or English.")))
    pin = settings.staff_pin
    if pin is not None and not (pin.isascii() and pin.isdigit() and len(pin) in PIN_LENGTHS):
        raise InvalidChange("staff_pin", str(_l("The PIN has 4 to 8 digits.")))


def _settings_details(kiosk: Kiosk, settings: KioskSettings) -> dict:
    """What the audit log shows: the values, never the PIN."""
    officer = settings.fixed_officer
    return {
        "fixed_officer": officer.code if officer is not None else None,
        "idle_seconds": kiosk.idle_seconds,
        "thanks_seconds": kiosk.thanks_seconds,
        "opens_at": kiosk.opens_at.strftime("%H:%M"),
        "closes_at": kiosk.closes_at.strftime("%H:%M"),
        "always_open": kiosk.always_open,
        "default_locale": kiosk.default_locale,
        "staff_pin": "cleared" if settings.clear_pin else "set" if settings.staff_pin else "kept",
    }


def find_kiosk(token: str) -> Kiosk | None:
    """The kiosk whose device token this is (revoked ones too: the caller tells them apart)."""
    parts = split_token(token, TOKEN_SCHEME)
    if parts is None:
        return None
    kiosk = _kiosk_with_prefix(parts[0])
    return kiosk if kiosk is not None and secret_matches(kiosk.token_hash, parts[1]) else None


def find_live_kiosk(token: str) -> KioskCopy | None:
    """find_kiosk, as this process's copy of it (code_cache.py): a token matching the copy
    reads nothing; any other token is checked against the database."""
    parts = split_token(token, TOKEN_SCHEME)
    if parts is None:
        return None
    copy = cached_kiosk(parts[0])
    if copy is not None and secret_matches(copy.token_hash, parts[1]):
        return copy
    kiosk = find_kiosk(token)
    return keep_kiosk(kiosk) if kiosk is not None else None


def _kiosk_with_prefix(prefix: str) -> Kiosk | None:
    query = sa.select(Kiosk).where(Kiosk.token_prefix == prefix).options(*WITH_PLACE)
    return db.session.scalar(query)


def normalise_pairing_code(code: str) -> str:
    """What a person types: any case, with spaces or a dash in the middle."""
    return "".join(c for c in code.upper() if c not in " -")


def _issue_pairing_code(kiosk: Kiosk) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(PAIRING_CODE_LENGTH))
        code_hash = hash_secret(code)
        taken = sa.select(Kiosk.id).where(Kiosk.pairing_code_hash == code_hash)
        if db.session.scalar(taken) is None:
            break
    kiosk.pairing_code_hash = code_hash
    kiosk.pairing_expires_at = utcnow() + PAIRING_VALID_FOR
    return code


def _issue_token(kiosk: Kiosk) -> str:
    secret = secrets.token_urlsafe(SECRET_BYTES)
    kiosk.token_hash = hash_secret(secret)
    kiosk.paired_at = utcnow()
    return f"{TOKEN_SCHEME}_{kiosk.token_prefix}_{secret}"


def _check_live(kiosk: Kiosk) -> None:
    if kiosk.is_revoked:
        raise KioskRevoked(str(_l("This kiosk was revoked.")))
