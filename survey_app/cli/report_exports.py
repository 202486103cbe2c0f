"""`survey-app report monthly` and `survey-app report officers`: the monthly report (XLSX, PDF)
and the officer evaluation (CSV) written to a file, by the same code as the download buttons.

The file's content is in Vietnamese unless --lang says otherwise: it is what a leader signs.
"""

import os
from pathlib import Path

import click
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from analytics.report_export import (
    OFFICER_FORMATS,
    REPORT_FORMATS,
    export_monthly,
    export_officers,
)
from survey_app.cli.report import MONTH_HELP, UNIT_HELP, month_option, report_group, unit_option

OUTPUT = click.Path(dir_okay=False, path_type=Path)
LANG_HELP = "Language of the file's content (default: Vietnamese)."


def _lang_option(command):
    return click.option("--lang", default="vi", show_default=True, help=LANG_HELP)(command)


@report_group.command("monthly")
@click.option("--unit", "unit_code", required=True, help=UNIT_HELP)
@click.option("--month", "month_text", required=True, help=MONTH_HELP)
@click.option("--format", "file_format", required=True, type=click.Choice(REPORT_FORMATS))
@click.option("--output", required=True, type=OUTPUT, help="The file to write.")
@_lang_option
def monthly_command(
    unit_code: str, month_text: str, file_format: str, output: Path, lang: str
) -> None:
    """Write the monthly report of a unit (with the units below it) as XLSX or PDF."""
    unit, month = unit_option(unit_code), month_option(month_text)
    _check_writable(output)
    with force_locale(_language(lang)):
        _write(lambda: export_monthly(unit, month, file_format, output))
    click.echo(
        _(
            "Wrote the report of %(unit)s for %(month)s to %(file)s.",
            unit=unit.name,
            month=month.slashed(),
            file=output,
        )
    )


@report_group.command("officers")
@click.option("--unit", "unit_code", required=True, help=UNIT_HELP)
@click.option("--month", "month_text", required=True, help=MONTH_HELP)
@click.option("--format", "file_format", default="csv", type=click.Choice(OFFICER_FORMATS))
@click.option("--output", required=True, type=OUTPUT, help="The file to write.")
def officers_command(unit_code: str, month_text: str, file_format: str, output: Path) -> None:
    """Write the officer evaluation of a unit's month as CSV (domain.md §4)."""
    unit, month = unit_option(unit_code), month_option(month_text)
    _check_writable(output)
    rows = _write(lambda: export_officers(unit, month, output))
    click.echo(
        _("Wrote %(count)d officers to %(file)s.", count=rows, file=output),
    )


def _language(lang: str) -> str:
    if lang not in current_app.config["SURVEY_LOCALES"]:
        choices = ", ".join(current_app.config["SURVEY_LOCALES"])
        message = _("Choose one of: %(choices)s.", choices=choices)
        raise click.BadParameter(message, param_hint="'--lang'")
    return lang


def _check_writable(output: Path) -> None:
    """Fail before the work, not after it, when the file cannot be written."""
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():
        raise click.BadParameter(
            _("The folder %(folder)s does not exist.", folder=folder), param_hint="'--output'"
        )
    if not _can_write(output, folder):
        raise click.BadParameter(
            _("%(file)s cannot be written.", file=output), param_hint="'--output'"
        )


def _can_write(output: Path, folder: Path) -> bool:
    if output.exists():
        return os.access(output, os.W_OK) and os.access(folder, os.W_OK)
    return os.access(folder, os.W_OK)


def _write(write):
    try:
        return write()
    except OSError as error:
        raise click.ClickException(str(error)) from error
