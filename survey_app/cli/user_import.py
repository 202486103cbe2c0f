"""`survey-app import-users FILE.csv`: staff accounts in bulk, activated by e-mail.

The command line acts for the operator of the server: no unit scope, no actor in the audit log.
Without a mail server (SURVEY_SMTP_HOST), or when it refuses a message, the activation links are
printed once, to be handed over another way; they are not stored anywhere.
"""

from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from survey_app.cli.org import _echo_errors
from survey_app.queries.units import get_unit_by_code
from survey_app.services.accounts.importing import UserImportResult, apply_accounts, import_users
from survey_app.services.accounts.links import ACTIVATION, send_link
from survey_app.services.accounts.officers import officer_account_rows
from survey_app.services.errors import DomainError


@click.command("import-users")
@click.argument(
    "file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--officers-of",
    "unit_code",
    default=None,
    help="Also open an account for every officer of this unit and the units below it who has "
    "an e-mail address and no account.",
)
@with_appcontext
def import_users_command(file: Path | None, unit_code: str | None) -> None:
    """Create or update staff accounts from a CSV file; new accounts get an activation link."""
    if file is None and unit_code is None:
        raise click.UsageError(_("Give a CSV file, --officers-of UNIT, or both."))
    created = []
    if file is not None:
        created += _run(lambda: import_users(file)).to_activate
    if unit_code is not None:
        unit = get_unit_by_code(unit_code)
        if unit is None:
            message = _("No unit has the code %(code)s.", code=unit_code)
            raise click.BadParameter(message, param_hint="'--officers-of'")
        created += _run(lambda: apply_accounts(officer_account_rows(unit, None), None)).to_activate
    _send_links(created)


def _run(do_import) -> UserImportResult:
    try:
        result = do_import()
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    if result.errors:
        _echo_errors(result.errors)
        raise click.ClickException(_("Nothing was imported because of the errors above."))
    click.echo(
        _(
            "Accounts: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.",
            **result.counts,
        )
    )
    return result


def _send_links(users) -> None:
    unsent = 0
    for user in users:
        delivery = send_link(user, ACTIVATION)
        if not delivery.sent:
            unsent += 1
            click.echo(f"{user.username}\t{delivery.link}\t{delivery.reason}")
    if users:
        click.echo(
            _(
                "Activation links: %(sent)d sent by e-mail, %(unsent)d printed above to hand "
                "over (they work once, for 72 hours).",
                sent=len(users) - unsent,
                unsent=unsent,
            )
        )
