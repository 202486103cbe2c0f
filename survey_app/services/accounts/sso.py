"""Which account a person signed in by the province's provider is (survey_app/auth/oidc.py).

Matched by the username claim first; else by a verified e-mail address held by exactly one
active account. An address shared by two accounts matches neither: guessing would hand over the
wrong one. Refused when nothing matches, the account is deactivated, or the person is not in
the required group. The account's role and unit are never taken from the claims.
"""

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from survey_app.core.extensions import db
from survey_app.models import User, utcnow
from survey_app.services.errors import DomainError


class SsoRefused(DomainError):
    """The provider knows the person, but the service has no account for them to use."""


def account_for_claims(claims: dict) -> User:
    config = current_app.config
    user = _by_username(claims.get(config["SURVEY_OIDC_USERNAME_CLAIM"])) or _by_email(claims)
    if user is None or not user.active:
        raise SsoRefused(
            str(
                _l(
                    "Your sign-in was confirmed, but no active account of this service is yours. "
                    "Ask the administrator of your unit to open one with your username or "
                    "e-mail address."
                )
            )
        )
    required = config.get("SURVEY_OIDC_REQUIRED_GROUP")
    if required and required not in _groups(claims.get(config["SURVEY_OIDC_GROUPS_CLAIM"])):
        raise SsoRefused(str(_l("Your central account is not allowed to use this service.")))
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def _by_username(value) -> User | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return db.session.scalar(sa.select(User).where(User.username == value.strip().lower()))


def _by_email(claims: dict) -> User | None:
    email = claims.get("email")
    if not isinstance(email, str) or claims.get("email_verified") is not True:
        return None
    matches = db.session.scalars(
        sa.select(User).where(sa.func.lower(User.email) == email.strip().lower(), User.active)
    ).all()
    return matches[0] if len(matches) == 1 else None


def _groups(value) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {group for group in value if isinstance(group, str)}
    return set()
