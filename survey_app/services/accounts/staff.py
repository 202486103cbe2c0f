"""Staff accounts: creation, sign-in with throttling, passwords, administration."""

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from survey_app.auth.sessions import end_sessions, new_session_token
from survey_app.core.extensions import db
from survey_app.models import Officer, Role, Unit, User, utcnow
from survey_app.services.accounts.password_strength import weakness
from survey_app.services.audit import record_change
from survey_app.services.errors import DomainError

MIN_PASSWORD_LENGTH = 10
# Checked when the username is unknown, so both cases take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class SignInRefused(DomainError):
    """Wrong username or password (the message never says which)."""


class InvalidAccount(DomainError):
    """The account data broke a rule; `field` names the form field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def password_problem(password: str, *, username: str = "", full_name: str = "") -> str | None:
    """Too short, too common or too guessable (services/password_strength.py), in words."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return str(_l("Use at least %(count)d characters.", count=MIN_PASSWORD_LENGTH))
    return weakness(password, username=username, full_name=full_name)


def create_user(
    *,
    username: str,
    full_name: str,
    password: str,
    role: Role,
    unit: Unit,
    officer: Officer | None = None,
    email: str | None = None,
    must_change_password: bool = False,
) -> User:
    details = AccountDetails(
        full_name=full_name, email=email, role=role, unit=unit, officer=officer
    )
    check_new_account(username, details)
    if problem := password_problem(password, username=username, full_name=full_name):
        raise InvalidAccount("password", problem)
    user = User(
        username=username.strip().lower(),
        full_name=full_name.strip(),
        email=email or None,
        password_hash=generate_password_hash(password),
        role=role,
        unit=unit,
        officer=officer,
        session_token=new_session_token(),
        must_change_password=must_change_password,
    )
    db.session.add(user)
    record_change("user.create", user, {"role": role.value, "unit": unit.code})
    db.session.commit()
    return user


def authenticate(username: str, password: str) -> User:
    """The user, if the password is right and the account active. A password is checked in
    every case, so an unknown name takes as long as a known one. Guessing is slowed down by
    survey_app/auth/sign_in_throttle.py, never by locking the account: anyone could lock
    anyone out."""
    user = db.session.scalar(sa.select(User).where(User.username == username.strip().lower()))
    # No local password (awaiting activation, or SSO only): the dummy is checked, and refused.
    stored = user.password_hash if user is not None and user.password_hash else None
    right = check_password_hash(stored or _DUMMY_HASH, password) and stored is not None
    if user is None or not right or not user.active:
        raise SignInRefused(str(_l("The username or password is not correct.")))
    user.last_login_at = utcnow()
    db.session.commit()
    return user


# Administration: accounts opened and changed by administrators (or the command line).

# Lower case, safe in a URL (/quan-tri/nguoi-dung/<username>) and easy to type on a tablet.
USERNAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{2,79}")


@dataclass(frozen=True)
class AccountDetails:
    """What an administrator may change on an existing account."""

    full_name: str
    email: str | None
    role: Role
    unit: Unit
    officer: Officer | None
    active: bool = True


def open_account(
    username: str, password: str, details: AccountDetails, *, must_change_password: bool = False
) -> User:
    """create_user for the administration pages and the command line, which hold details."""
    return create_user(
        username=username,
        password=password,
        full_name=details.full_name,
        email=details.email,
        role=details.role,
        unit=details.unit,
        officer=details.officer,
        must_change_password=must_change_password,
    )


def check_new_account(username: str, details: AccountDetails) -> None:
    """A usable, free username, and for an officer account an officer of the same unit who has
    no account yet. The command line checks this before it asks for the password."""
    name = username.strip().lower()
    if not USERNAME_PATTERN.fullmatch(name):
        message = _l("Use 3 to 80 letters without accents, digits, dots, dashes or underscores.")
        raise InvalidAccount("username", str(message))
    if db.session.scalar(sa.select(User.id).where(User.username == name)):
        raise InvalidAccount("username", str(_l("This username is already taken.")))
    _check_officer_link(details.role, details.unit, details.officer, account=None)


def update_user(user: User, details: AccountDetails, *, by: User | None) -> User:
    _check_own_account(user, details, by)
    _check_officer_link(details.role, details.unit, details.officer, account=user)
    changes = _changes(user, details)
    if not changes:
        return user
    if _ends_sessions(user, details):
        end_sessions(user)
    user.full_name, user.email = details.full_name.strip(), details.email or None
    user.role, user.unit, user.officer = details.role, details.unit, details.officer
    user.active = details.active
    record_change("user.update", user, changes)
    db.session.commit()
    return user


def deactivate_user(user: User, *, by: User | None) -> None:
    """The person can no longer sign in and every open session of theirs ends."""
    if by is not None and user.id == by.id:
        raise InvalidAccount("active", _own_deactivation_message())
    user.active = False
    end_sessions(user)
    record_change("user.deactivate", user)
    db.session.commit()


def reactivate_user(user: User) -> None:
    """Sessions of before the deactivation stay ended: that changed the session token."""
    user.active = True
    record_change("user.reactivate", user)
    db.session.commit()


def reset_password(user: User, temporary_password: str) -> None:
    """An administrator sets a temporary password: it ends every session of the user and
    only opens the page where they choose their own."""
    if problem := password_problem(temporary_password, **_personal(user)):
        raise InvalidAccount("password", problem)
    user.password_hash = generate_password_hash(temporary_password)
    user.must_change_password = True
    end_sessions(user)
    record_change("user.reset_password", user)
    db.session.commit()


def change_password(user: User, current_password: str, new_password: str) -> None:
    """The user's own change; every other session of theirs ends (a new session token)."""
    if not user.password_hash or not check_password_hash(user.password_hash, current_password):
        raise InvalidAccount("current_password", str(_l("Your current password is not correct.")))
    if problem := password_problem(new_password, **_personal(user)):
        raise InvalidAccount("new_password", problem)
    if new_password == current_password:
        message = _l("Choose a password different from the current one.")
        raise InvalidAccount("new_password", str(message))
    user.password_hash = generate_password_hash(new_password)
    user.must_change_password = False
    end_sessions(user)
    record_change("user.change_password", user)
    db.session.commit()


def _personal(user: User) -> dict[str, str]:
    return {"username": user.username, "full_name": user.full_name}


def sign_out(user: User) -> None:
    """Signing out ends every session of the user: a copy of the cookie is worth nothing."""
    end_sessions(user)
    db.session.commit()


def _ends_sessions(user: User, details: AccountDetails) -> bool:
    """A deactivation, or a new role or unit: what an open session may do would change."""
    deactivated = user.active and not details.active
    return deactivated or details.role is not user.role or details.unit is not user.unit


def _check_officer_link(role: Role, unit: Unit, officer: Officer | None, account: User | None):
    if role is Role.OFFICER and officer is None:
        raise InvalidAccount("officer", str(_l("Choose the officer this account belongs to.")))
    if role is not Role.OFFICER and officer is not None:
        raise InvalidAccount("officer", str(_l("Only an officer account is linked to an officer.")))
    if officer is None:
        return
    if officer.unit_id != unit.id:
        raise InvalidAccount("officer", str(_l("Choose an officer of the account's unit.")))
    holder = db.session.scalar(sa.select(User).where(User.officer_id == officer.id))
    if holder is not None and holder is not account:
        message = _l("This officer already has an account: %(username)s.", username=holder.username)
        raise InvalidAccount("officer", str(message))


def _check_own_account(user: User, details: AccountDetails, by: User | None) -> None:
    """An administrator cannot lock themself out: another administrator must do it."""
    if by is None or user.id != by.id:
        return
    if not details.active:
        raise InvalidAccount("active", _own_deactivation_message())
    if details.role is not user.role:
        message = _l("You cannot change your own role: ask another administrator.")
        raise InvalidAccount("role", str(message))
    if details.unit is not user.unit:
        message = _l("You cannot move your own account to another unit: ask another administrator.")
        raise InvalidAccount("unit", str(message))


def _own_deactivation_message() -> str:
    return str(_l("You cannot deactivate your own account: ask another administrator."))


def _changes(user: User, details: AccountDetails) -> dict[str, list]:
    """Field → [before, after], for the audit log; codes stand for units and officers."""
    before = _described(user.full_name, user.email, user.role, user.unit, user.officer, user.active)
    after = _described(
        details.full_name.strip(),
        details.email or None,
        details.role,
        details.unit,
        details.officer,
        details.active,
    )
    return {name: [before[name], after[name]] for name in before if before[name] != after[name]}


def _described(full_name, email, role, unit, officer, active) -> dict:
    return {
        "full_name": full_name,
        "email": email,
        "role": role.value,
        "unit": unit.code,
        "officer": officer.code if officer else None,
        "active": active,
    }
