"""One-time links by e-mail: a new account's activation, a forgotten password's reset.

The person sets their own password on the service; nobody types it for them, and no password
travels by message. A link is a signed token (itsdangerous, the app's secret key) carrying the
account id and a fingerprint of the account's current state: its password hash, e-mail
address, username, and whether it is active or signs in only by SSO. Setting the password changes
the hash, so a link works once; a deactivation, a new address or another password set meanwhile
also ends every link sent before. Nothing is stored: a link expires after LINK_HOURS.
"""

import hashlib
import logging
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.security import generate_password_hash

from survey_app.auth.sessions import end_sessions, new_session_token
from survey_app.core.extensions import db
from survey_app.core.mail import Mail, send_mail
from survey_app.models import User
from survey_app.services.accounts.staff import (
    AccountDetails,
    InvalidAccount,
    check_new_account,
    password_problem,
)
from survey_app.services.audit import record_change
from survey_app.services.errors import DomainError
from survey_app.services.tickets.mail import render_mail

logger = logging.getLogger(__name__)

LINK_HOURS = 72
ACTIVATION = "activation"
RESET = "reset"
PURPOSES = (ACTIVATION, RESET)
# Where each link opens (blueprints/account_links.py); built without a request, for the CLI.
LINK_PATHS = {ACTIVATION: "/tai-khoan/kich-hoat/", RESET: "/tai-khoan/dat-lai-mat-khau/"}
# Short: Python folds a long non-ASCII subject so that readers drop a space when decoding it.
SUBJECTS = {
    ACTIVATION: "[Khảo sát hài lòng] Kích hoạt tài khoản",
    RESET: "[Khảo sát hài lòng] Đặt lại mật khẩu",
}


class InvalidLink(DomainError):
    """Expired, used, altered, or for an account whose state changed since it was sent."""


@dataclass(frozen=True)
class Delivery:
    """Whether the link went out by e-mail; when not, the link to hand over and why."""

    sent: bool
    link: str
    reason: str = ""


def link_token(user: User, purpose: str) -> str:
    return _serializer(purpose).dumps([user.id, _fingerprint(user)])


def link_url(user: User, purpose: str) -> str:
    """The absolute address the person opens (SURVEY_PUBLIC_URL, never the request's host)."""
    public_url = current_app.config["SURVEY_PUBLIC_URL"].rstrip("/")
    return public_url + LINK_PATHS[purpose] + link_token(user, purpose)


def user_for_link(purpose: str, token: str, *, lock: bool = False) -> User:
    """The account the link was made for, if it is still valid; `lock` holds its row until the
    commit, so two tabs sending the same link at once cannot both use it."""
    if purpose not in PURPOSES:
        raise InvalidLink(_invalid_message())
    try:
        user_id, fingerprint = _serializer(purpose).loads(token, max_age=LINK_HOURS * 3600)
        user = db.session.get(
            User, int(user_id), with_for_update=lock or None, populate_existing=lock
        )
    except (BadSignature, TypeError, ValueError):
        raise InvalidLink(_invalid_message()) from None
    if user is None or not user.active or user.sso_only or fingerprint != _fingerprint(user):
        raise InvalidLink(_invalid_message())
    return user


def open_account_for_activation(username: str, details: AccountDetails) -> User:
    """A new account without a password: its owner sets one from the activation link."""
    check_new_account(username, details)
    user = User(
        username=username.strip().lower(),
        full_name=details.full_name.strip(),
        email=details.email or None,
        password_hash=None,
        role=details.role,
        unit=details.unit,
        officer=details.officer,
        session_token=new_session_token(),
    )
    db.session.add(user)
    record_change("user.create", user, {"role": details.role.value, "unit": details.unit.code})
    db.session.commit()
    return user


def set_password_from_link(purpose: str, token: str, password: str) -> User:
    """The person's own password; the link, every other link, and every session end."""
    user = user_for_link(purpose, token, lock=True)
    if problem := password_problem(password, username=user.username, full_name=user.full_name):
        db.session.rollback()  # lets go of the row
        raise InvalidAccount("password", problem)
    user.password_hash = generate_password_hash(password)
    user.must_change_password = False
    end_sessions(user)
    record_change(f"user.{purpose}", user)
    db.session.commit()
    return user


def send_link(user: User, purpose: str) -> Delivery:
    """E-mail the link; when no mail server is set or it fails, the caller shows the link."""
    link = link_url(user, purpose)
    if not user.email:
        return Delivery(False, link, str(_l("The account has no e-mail address.")))
    if not current_app.config.get("SURVEY_SMTP_HOST"):
        return Delivery(False, link, str(_l("No mail server is configured (SURVEY_SMTP_HOST).")))
    body = render_mail(f"mail/account_{purpose}.txt", user=user, link=link, hours=LINK_HOURS)
    if not send_mail(Mail(to=[user.email], subject=SUBJECTS[purpose], body=body)):
        return Delivery(False, link, str(_l("The mail server did not accept the message.")))
    return Delivery(True, link)


def _fingerprint(user: User) -> str:
    state = "\x1f".join(
        [
            str(user.id),
            user.username,
            user.password_hash or "",
            (user.email or "").lower(),
            str(user.active),
            str(user.sso_only),
        ]
    )
    return hashlib.sha256(state.encode()).hexdigest()[:32]


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=f"account-link-{purpose}")


def _invalid_message() -> str:
    return str(
        _l(
            "This link is no longer valid: it was already used, it expired after %(hours)d "
            "hours, or the account changed since it was sent. Ask for a new one.",
            hours=LINK_HOURS,
        )
    )
