"""Staff accounts in bulk from a CSV file (docs/user-import.md): a province goes live in a day.

Columns: username, full_name, role, unit_code (required); email, officer_code, sso_only
(optional: `true` for an account that signs in only through the province's single sign-on).
UTF-8 with or without a byte-order mark; rows numbered as in a spreadsheet (the header is 1).

Rules:
- idempotent by username: a stored username updates that account (name, e-mail, role, unit,
  officer), never its password or whether it is active; an unchanged row changes nothing;
- a new account has no password: its activation link goes by e-mail (services/account_links.py)
  once everything is stored; nobody types or hands over a password (an SSO-only account gets no
  link: it signs in at the provider);
- with an acting user (the upload page), every row stays within the user's units and gives a
  role below the user's own, and an account stored outside them is not touched;
- errors are reported by row and column; with any error nothing is stored.
Audit: one event per created or updated account ("via": "import"), none for unchanged rows.
"""

import os
from dataclasses import dataclass, field
from typing import TextIO

import sqlalchemy as sa
from flask_babel import gettext as _

from survey_app.auth.sessions import end_sessions, new_session_token
from survey_app.core.extensions import db
from survey_app.core.patterns import EMAIL_PATTERN
from survey_app.models import Officer, Role, Unit, User
from survey_app.queries.units import list_unit_subtree_ids
from survey_app.services.accounts.staff import USERNAME_PATTERN
from survey_app.services.audit import record_change
from survey_app.services.csv_tables import (
    LOOKUP_CHUNK,
    Row,
    check_header,
    load_by_code,
    name_problem,
    numbered_rows,
    read_csv,
)
from survey_app.services.responses.rows import RowError

COLUMNS = ("username", "full_name", "email", "role", "unit_code", "officer_code", "sso_only")
SSO_ONLY_VALUES = {"true": True, "false": False, "": False}
REQUIRED_COLUMNS = ("username", "full_name", "role", "unit_code")
OUTCOMES = ("created", "updated", "unchanged")
# An importer gives only roles below their own (officer and complaint handler are peers).
ROLE_RANK = {Role.OFFICER: 0, Role.COMPLAINT_HANDLER: 0, Role.MANAGER: 1, Role.ADMINISTRATOR: 2}
EMAIL_MAX_LENGTH = 254


@dataclass
class UserImportResult:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    errors: list[RowError] = field(default_factory=list)
    # New accounts that get an activation link (not the SSO-only ones).
    to_activate: list[User] = field(default_factory=list)


@dataclass(frozen=True)
class AccountRow:
    """A checked row: what the account should be."""

    username: str
    full_name: str
    email: str | None
    role: Role
    unit: Unit
    officer: Officer | None
    sso_only: bool = False


def import_users(source: str | os.PathLike | TextIO, *, actor: User | None = None):
    """Import in one transaction: all rows, or (with any error) none."""
    table = read_csv(source)
    header, errors = check_header(table[0] if table else [], COLUMNS, REQUIRED_COLUMNS)
    if errors:
        return UserImportResult(errors=errors)
    rows = numbered_rows(header, table[1:])
    return apply_accounts(_UserRows(actor).check(rows), actor)


def apply_accounts(checked, actor: User | None) -> UserImportResult:
    """Store checked rows, or none of them when any row has an error; (rows, errors) in."""
    accounts, errors = checked
    if errors:
        return UserImportResult(errors=errors)
    result = UserImportResult()
    try:
        existing = _load_users([account.username for account in accounts])
        for account in accounts:
            _apply(account, existing.get(account.username), result)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return result


class _UserRows:
    """Checks rows against the stored units, officers and accounts, and the importer's scope."""

    def __init__(self, actor: User | None):
        self.actor = actor
        self.scope = None if actor is None else set(list_unit_subtree_ids(actor.unit_id))
        self.first_row: dict[str, int] = {}
        self.officer_row: dict[int, int] = {}

    def check(self, rows: list[Row]) -> tuple[list[AccountRow], list[RowError]]:
        self.units = load_by_code(Unit, {row["unit_code"] for row in rows})
        self.officers = load_by_code(Officer, {row["officer_code"] for row in rows})
        self.users = _load_users([row["username"].lower() for row in rows])
        self.holders = _officer_holders([officer.id for officer in self.officers.values()])
        accounts, errors = [], []
        for row in rows:
            account = self._check(row)
            errors.extend(row.errors)
            if account is not None and not row.errors:
                accounts.append(account)
        return accounts, errors

    def _check(self, row: Row) -> AccountRow | None:
        username = self._username(row)
        if problem := name_problem(row["full_name"]):
            row.error("full_name", problem)
        email = self._email(row)
        role, unit = self._role(row), self._unit(row)
        stored = self.users.get(username)
        if stored is not None and not self._may_change(stored):
            row.error("username", _("This account belongs outside your units or above your role."))
        officer = self._officer(row, role, unit, stored)
        sso_only = SSO_ONLY_VALUES.get(row["sso_only"].lower())
        if sso_only is None:
            row.error("sso_only", _("Write true or false."))
        if row.errors:
            return None
        return AccountRow(username, row["full_name"], email, role, unit, officer, sso_only)

    def _username(self, row: Row) -> str:
        username = row["username"].lower()
        if not USERNAME_PATTERN.fullmatch(username):
            message = _("Use 3 to 80 letters without accents, digits, dots, dashes or underscores.")
            row.error("username", message)
            return username
        first = self.first_row.setdefault(username, row.number)
        if first != row.number:
            message = _(
                "This username appears twice in the file (first on row %(row)d).", row=first
            )
            row.error("username", message)
        return username

    def _email(self, row: Row) -> str | None:
        email = row["email"]
        if email and (len(email) > EMAIL_MAX_LENGTH or not EMAIL_PATTERN.match(email)):
            row.error("email", _("Enter an address such as name@example.gov.vn."))
        return email or None

    def _role(self, row: Row) -> Role | None:
        try:
            role = Role(row["role"].lower())
        except ValueError:
            message = _("Write administrator, manager, complaint_handler or officer.")
            row.error("role", message)
            return None
        if self.actor is not None and ROLE_RANK[role] >= ROLE_RANK[self.actor.role]:
            row.error("role", _("You can only give roles below your own."))
        return role

    def _unit(self, row: Row) -> Unit | None:
        unit = self.units.get(row["unit_code"])
        if unit is None:
            row.error("unit_code", _("No unit has the code %(code)s.", code=row["unit_code"]))
        elif self.scope is not None and unit.id not in self.scope:
            row.error("unit_code", _("You can only import into the units you manage."))
        return unit

    def _may_change(self, stored: User) -> bool:
        if self.actor is None:
            return True
        below = ROLE_RANK[stored.role] < ROLE_RANK[self.actor.role]
        return below and stored.unit_id in self.scope

    def _officer(self, row: Row, role, unit, stored: User | None) -> Officer | None:
        code = row["officer_code"]
        if not code:
            if role is Role.OFFICER:
                row.error("officer_code", _("An officer account needs the officer's code."))
            return None
        officer = self.officers.get(code)
        if role is not None and role is not Role.OFFICER:
            row.error("officer_code", _("Only an officer account is linked to an officer."))
        elif officer is None:
            row.error("officer_code", _("No officer has the code %(code)s.", code=code))
        elif unit is not None and officer.unit_id != unit.id:
            row.error("officer_code", _("Choose an officer of the account's unit."))
        else:
            self._check_officer_free(row, officer, stored)
        return officer

    def _check_officer_free(self, row: Row, officer: Officer, stored: User | None) -> None:
        holder = self.holders.get(officer.id)
        if holder is not None and holder is not stored and holder.username != row["username"]:
            message = _(
                "This officer already has an account: %(username)s.", username=holder.username
            )
            row.error("officer_code", message)
        first = self.officer_row.setdefault(officer.id, row.number)
        if first != row.number:
            message = _("This officer appears twice in the file (first on row %(row)d).", row=first)
            row.error("officer_code", message)


def _apply(account: AccountRow, user: User | None, result: UserImportResult) -> None:
    if user is None:
        user = User(
            username=account.username,
            password_hash=None,  # set by the person, from the activation link
            session_token=new_session_token(),
            unit_id=account.unit.id,  # named now: the audit event needs no flush per row
            **_values(account),
        )
        db.session.add(user)
        record_change("user.create", user, {"via": "import", "role": account.role.value})
        if not user.sso_only:  # the others get an activation link
            result.to_activate.append(user)
        result.counts["created"] += 1
        return
    changes = _changes(user, account)
    if not changes:
        result.counts["unchanged"] += 1
        return
    if "role" in changes or "unit" in changes:
        end_sessions(user)  # what an open session may do changes
    for name, value in _values(account).items():
        setattr(user, name, value)
    record_change("user.update", user, {"via": "import"} | changes)
    result.counts["updated"] += 1


def _values(account: AccountRow) -> dict:
    return {
        "full_name": account.full_name,
        "email": account.email,
        "role": account.role,
        "unit": account.unit,
        "officer": account.officer,
        "sso_only": account.sso_only,
    }


def _changes(user: User, account: AccountRow) -> dict[str, list]:
    before = _described(user.full_name, user.email, user.role, user.unit, user.officer)
    before["sso_only"] = user.sso_only
    after = _described(*list(_values(account).values())[:5]) | {"sso_only": account.sso_only}
    return {name: [before[name], after[name]] for name in before if before[name] != after[name]}


def _described(full_name, email, role, unit, officer) -> dict:
    return {
        "full_name": full_name,
        "email": email,
        "role": role.value,
        "unit": unit.code,
        "officer": officer.code if officer else None,
    }


def _load_users(usernames: list[str]) -> dict[str, User]:
    found, ordered = {}, sorted(set(usernames))
    for start in range(0, len(ordered), LOOKUP_CHUNK):
        chunk = ordered[start : start + LOOKUP_CHUNK]
        query = sa.select(User).where(User.username.in_(chunk))
        found |= {user.username: user for user in db.session.scalars(query)}
    return found


def _officer_holders(officer_ids: list[int]) -> dict[int, User]:
    found = {}
    for start in range(0, len(officer_ids), LOOKUP_CHUNK):
        chunk = officer_ids[start : start + LOOKUP_CHUNK]
        query = sa.select(User).where(User.officer_id.in_(chunk))
        found |= {user.officer_id: user for user in db.session.scalars(query)}
    return found
