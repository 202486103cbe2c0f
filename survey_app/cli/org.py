"""`survey-app import-org FILE.csv`: onboard a province's units, counters and officers at once.

The command line acts for the operator of the server, so it is not limited to a unit's scope
(it may add a root unit); its audit events have no actor.
"""

from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from survey_app.services.errors import DomainError
from survey_app.services.org.importing import KINDS, OrgImportResult, import_organisation
from survey_app.services.responses.rows import RowError

SHOWN_ERRORS = 100


@click.command("import-org")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_org_command(file: Path) -> None:
    """Create or update units, counters and officers from an organisation CSV file."""
    try:
        result = import_organisation(file)
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    if result.errors:
        _echo_errors(result.errors)
        raise click.ClickException(_("Nothing was imported because of the errors above."))
    _echo_summary(result)


def _echo_errors(errors: list[RowError]) -> None:
    for error in errors[:SHOWN_ERRORS]:
        if error.column:
            line = _(
                "row %(row)d, column %(column)s: %(message)s",
                row=error.row,
                column=error.column,
                message=error.message,
            )
        else:
            line = _("row %(row)d: %(message)s", row=error.row, message=error.message)
        click.echo(line)
    if len(errors) > SHOWN_ERRORS:
        click.echo(_("… and %(count)d more", count=len(errors) - SHOWN_ERRORS))


def _echo_summary(result: OrgImportResult) -> None:
    labels = {"unit": _("Units"), "counter": _("Counters"), "officer": _("Officers")}
    for kind in KINDS:
        counts = result.counts[kind]
        click.echo(
            _(
                "%(kind)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.",
                kind=labels[kind],
                **counts,
            )
        )
