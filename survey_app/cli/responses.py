"""`survey-app export-responses` and `survey-app import-responses` (interchange CSV)."""

import sys
from contextlib import ExitStack
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from survey_app.months import Month, survey_zone
from survey_app.queries.units import get_unit_by_code
from survey_app.services.errors import DomainError
from survey_app.services.responses.export import export_frame, write_export
from survey_app.services.responses.importing import ImportResult, Progress, import_responses
from survey_app.services.responses.rows import RowError

# Below this many lines the import is over before a bar would be worth drawing.
PROGRESS_FROM_ROWS = 5000
SHOWN_ERRORS = 100


@click.command("export-responses")
@click.option("--unit", "unit_code", required=True, help="Unit code; units below it are included.")
@click.option("--month", required=True, metavar="YYYY-MM", help="Calendar month, local time.")
@click.option(
    "--output", required=True, type=click.Path(dir_okay=False, writable=True, path_type=Path)
)
@with_appcontext
def export_command(unit_code: str, month: str, output: Path) -> None:
    """Write a month of responses (spam left out) as an interchange CSV file."""
    unit = get_unit_by_code(unit_code)
    if unit is None:
        raise click.BadParameter(
            _("No unit has the code %(code)s.", code=unit_code), param_hint="--unit"
        )
    frame = export_frame(unit, _parse_month(month), survey_zone())
    try:
        write_export(frame, output)
    except OSError as error:
        raise click.ClickException(str(error)) from error
    click.echo(_("Exported %(count)d responses to %(file)s.", count=len(frame), file=output))


def _parse_month(text: str) -> Month:
    try:
        return Month.parse(text)
    except ValueError as error:
        raise click.BadParameter(
            _("Write the month as YYYY-MM, e.g. 2026-03."), param_hint="--month"
        ) from error


@click.command("import-responses")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows, report the others.")
@with_appcontext
def import_command(file: Path, skip_invalid: bool) -> None:
    """Import responses (e.g. typed-in paper forms) from an interchange CSV file."""
    with ExitStack() as stack:
        progress = _progress_bar(stack, file)
        try:
            result = import_responses(file, skip_invalid=skip_invalid, progress=progress)
        except DomainError as error:
            raise click.ClickException(str(error)) from error
    _echo_errors(result.errors)
    _echo_summary(result)
    if result.errors and not result.imported:
        raise click.ClickException(_("Nothing was imported because of the errors above."))


def _progress_bar(stack: ExitStack, file: Path) -> Progress | None:
    rows = _count_lines(file) - 1
    if rows < PROGRESS_FROM_ROWS:
        return None
    bar = click.progressbar(
        length=rows,
        label=_("Importing responses"),
        file=sys.stderr,
    )
    return stack.enter_context(bar).update


def _count_lines(file: Path) -> int:
    """Lines, not rows (a comment may span lines): close enough to size a progress bar."""
    with open(file, "rb") as stream:
        return sum(block.count(b"\n") for block in iter(lambda: stream.read(1 << 20), b""))


def _echo_errors(errors: list[RowError]) -> None:
    for error in errors[:SHOWN_ERRORS]:
        click.echo(_error_line(error))
    if len(errors) > SHOWN_ERRORS:
        click.echo(_("… and %(count)d more", count=len(errors) - SHOWN_ERRORS))


def _error_line(error: RowError) -> str:
    if not error.column:
        return _("row %(row)d: %(message)s", row=error.row, message=error.message)
    return _(
        "row %(row)d, column %(column)s: %(message)s",
        row=error.row,
        column=error.column,
        message=error.message,
    )


def _echo_summary(result: ImportResult) -> None:
    click.echo(
        _(
            "Imported: %(imported)d. Already present: %(present)d. Rows with errors: %(invalid)d.",
            imported=result.imported,
            present=result.already_present,
            invalid=result.invalid,
        )
    )
