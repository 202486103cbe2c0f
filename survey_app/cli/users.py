"""`survey-app create-user`: open an account from the command line (the first administrator)."""

import sys

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from survey_app.core.extensions import db
from survey_app.display.labels import ROLE_LABELS
from survey_app.models import Officer, Role, Unit
from survey_app.queries.units import get_unit_by_code
from survey_app.services.accounts.staff import (
    AccountDetails,
    InvalidAccount,
    check_new_account,
    open_account,
    password_problem,
)

# The service's field names → the option an operator typed.
# Field names, not a password (Bandit B105).
OPTION_OF_FIELD = {"username": "--username", "officer": "--officer", "password": "password"}  # nosec B105


@click.command("create-user")
@click.option(
    "--role", required=True, type=click.Choice([role.value for role in Role]), help="Role."
)
@click.option("--unit", "unit_code", required=True, help="Code of the unit (the account's scope).")
@click.option("--username", required=True, help="Sign-in name (lower case, no accents).")
@click.option("--full-name", required=True, help="The person's full name.")
@click.option("--email", default=None, help="E-mail address (optional).")
@click.option("--officer", "officer_code", default=None, help="Officer code, for the officer role.")
@click.option("--password-stdin", is_flag=True, help="Read the password from one line of stdin.")
@with_appcontext
def create_user_command(
    role: str,
    unit_code: str,
    username: str,
    full_name: str,
    email: str | None,
    officer_code: str | None,
    password_stdin: bool,
) -> None:
    """Create a staff account; asks for the password twice (hidden) unless --password-stdin."""
    unit = _unit(unit_code)
    details = AccountDetails(
        full_name=full_name, email=email, role=Role(role), unit=unit, officer=_officer(officer_code)
    )
    try:
        check_new_account(username, details)  # before the operator types a password for nothing
        password = _read_password() if password_stdin else _prompt_password()
        user = open_account(username, password, details)
    except InvalidAccount as problem:
        hint = OPTION_OF_FIELD.get(problem.field)
        raise click.BadParameter(str(problem), param_hint=f"'{hint}'" if hint else None) from None
    click.echo(
        _(
            "Created the account %(username)s (%(name)s): %(role)s of %(unit)s.",
            username=user.username,
            name=user.full_name,
            role=ROLE_LABELS[user.role],
            unit=unit.name,
        )
    )


def _unit(code: str) -> Unit:
    unit = get_unit_by_code(code)
    if unit is None:
        message = _("No unit has the code %(code)s.", code=code)
        raise click.BadParameter(message, param_hint="'--unit'")
    return unit


def _officer(code: str | None) -> Officer | None:
    if code is None:
        return None
    officer = db.session.scalar(db.select(Officer).where(Officer.code == code))
    if officer is None:
        message = _("No officer has the code %(code)s.", code=code)
        raise click.BadParameter(message, param_hint="'--officer'")
    return officer


def _read_password() -> str:
    """For scripts: the first line of stdin, without its line ending."""
    return sys.stdin.readline().rstrip("\r\n")


def _prompt_password() -> str:
    """Hidden, typed twice; a weak password is refused at once and asked again."""
    return click.prompt(
        _("Password"),
        hide_input=True,
        confirmation_prompt=_("Repeat the password"),
        value_proc=_strong_password,
    )


def _strong_password(value: str) -> str:
    if problem := password_problem(value):
        raise click.UsageError(problem)
    return value
