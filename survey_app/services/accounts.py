"""Staff accounts: creation, sign-in with throttling, passwords."""

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from survey_app.extensions import db
from survey_app.models import Officer, Role, Unit, User, utcnow
from survey_app.services.audit import record_change
from survey_app.services.errors import DomainError

MIN_PASSWORD_LENGTH = 10
MAX_FAILED_SIGN_INS = 5
LOCK_MINUTES = 15
# Checked when the username is unknown, so both cases take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class SignInRefused(DomainError):
    """Wrong username or password (the message never says which)."""


class AccountLocked(DomainError):
    def __init__(self, until: datetime):
        super().__init__(str(_l("Too many failed attempts. Try again later.")))
        self.until = until


class InvalidAccount(DomainError):
    """The account data broke a rule; `field` names the form field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return str(_l("Use at least %(count)d characters.", count=MIN_PASSWORD_LENGTH))
    return None


def create_user(
    *,
    username: str,
    full_name: str,
    password: str,
    role: Role,
    unit: Unit,
    officer: Officer | None = None,
    email: str | None = None,
) -> User:
    _check_new_account(username, password, role, officer)
    user = User(
        username=username.strip().lower(),
        full_name=full_name.strip(),
        email=email or None,
        password_hash=generate_password_hash(password),
        role=role,
        unit=unit,
        officer=officer,
        session_token=new_session_token(),
    )
    db.session.add(user)
    record_change("user.create", user, {"role": role.value, "unit": unit.code})
    db.session.commit()
    return user


def _check_new_account(username: str, password: str, role: Role, officer: Officer | None):
    if db.session.scalar(sa.select(User.id).where(User.username == username.strip().lower())):
        raise InvalidAccount("username", str(_l("This username is already taken.")))
    if problem := password_problem(password):
        raise InvalidAccount("password", problem)
    if (role is Role.OFFICER) != (officer is not None):
        raise InvalidAccount("officer", str(_l("An officer account is linked to one officer.")))


def authenticate(username: str, password: str) -> User:
    """The user, if the password is right and the account is neither locked nor inactive."""
    user = db.session.scalar(sa.select(User).where(User.username == username.strip().lower()))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        raise SignInRefused(str(_l("The username or password is not correct.")))
    now = utcnow()
    if user.locked_until and user.locked_until > now:
        raise AccountLocked(user.locked_until)
    if not check_password_hash(user.password_hash, password) or not user.active:
        _count_failure(user, now)
        raise SignInRefused(str(_l("The username or password is not correct.")))
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
    db.session.commit()
    return user


def _count_failure(user: User, now: datetime) -> None:
    user.failed_logins += 1
    if user.failed_logins >= MAX_FAILED_SIGN_INS:
        user.failed_logins, user.locked_until = 0, now + timedelta(minutes=LOCK_MINUTES)
    db.session.commit()
