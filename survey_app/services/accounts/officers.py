"""An officer account for every officer of a unit subtree who has an e-mail and no account.

The username is the officer's code in lower case (codes are unique, so usernames are too); the
activation link goes to the officer's address. Officers without an address are left for the
upload file; an officer whose username is already taken by another account is reported, and
then nothing is created, as for a row of the CSV file.
"""

import sqlalchemy as sa
from flask_babel import gettext as _

from survey_app.core.extensions import db
from survey_app.models import Officer, Role, Unit, User
from survey_app.queries.units import list_unit_subtree_ids
from survey_app.services.accounts.importing import ROLE_RANK, AccountRow
from survey_app.services.accounts.staff import USERNAME_PATTERN
from survey_app.services.responses.rows import RowError

# Errors about officers have no row: the column names the officer's code instead.
NO_ROW = 0


def officer_account_rows(unit: Unit, actor: User | None) -> tuple[list[AccountRow], list[RowError]]:
    """What import_users' apply_accounts stores: the accounts to create, or the reasons why not."""
    if actor is not None and ROLE_RANK[Role.OFFICER] >= ROLE_RANK[actor.role]:
        return [], [RowError(NO_ROW, "", _("You can only give roles below your own."))]
    unit_ids = list_unit_subtree_ids(unit.id)
    officers = db.session.scalars(
        sa.select(Officer)
        .where(
            Officer.unit_id.in_(unit_ids),
            Officer.active,
            Officer.email.is_not(None),
            Officer.email != "",
            ~sa.select(User.id).where(User.officer_id == Officer.id).exists(),
        )
        .order_by(Officer.code)
    ).all()
    taken = set(
        db.session.scalars(
            sa.select(User.username).where(User.username.in_([o.code.lower() for o in officers]))
        )
    )
    accounts, errors = [], []
    for officer in officers:
        username = officer.code.lower()
        if username in taken or not USERNAME_PATTERN.fullmatch(username):
            message = _(
                "The username %(username)s cannot be used for this officer: add their account "
                "in the file with another username.",
                username=username,
            )
            errors.append(RowError(NO_ROW, officer.code, message))
            continue
        accounts.append(
            AccountRow(
                username, officer.full_name, officer.email, Role.OFFICER, officer.unit, officer
            )
        )
    return accounts, errors
