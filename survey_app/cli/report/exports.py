"""`survey-app report monthly`, `report period` and `report officers`: the report of a month or
a longer period (XLSX, PDF, DOCX) and the officer evaluation (CSV) written to a file, by the
same code as the download buttons.

The file's content is in Vietnamese unless --lang says otherwise: it is what a leader signs.
"""

import os
from pathlib import Path

import click
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from analytics.periods import Period
from analytics.report.export import (
    OFFICER_FORMATS,
    REPORT_FORMATS,
    export_monthly,
    export_officers,
    export_period,
)
from survey_app.cli.report.commands import (
    MONTH_HELP,
    UNIT_HELP,
    month_option,
    unit_option,
)
from survey_app.cli.report.group import report_group
from survey_app.months import current_month

OUTPUT = click.Path(dir_okay=False, path_type=Path)
PERIOD_HELP = "2026-Q3 (a quarter), 2026-H1 or 2026-H2, 2026-9M (nine months), 2026 (the year)."
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
    """Write the monthly report of a unit (with the units below it) as XLSX, PDF or DOCX."""
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


@report_group.command("period")
@click.option("--unit", "unit_code", required=True, help=UNIT_HELP)
@click.option("--period", "period_text", required=True, help=PERIOD_HELP)
@click.option("--format", "file_format", required=True, type=click.Choice(REPORT_FORMATS))
@click.option("--output", required=True, type=OUTPUT, help="The file to write.")
@_lang_option
def period_command(
    unit_code: str, period_text: str, file_format: str, output: Path, lang: str
) -> None:
    """Write the report of a unit for a quarter, half-year, nine months or year."""
    unit, period = unit_option(unit_code), _period_option(period_text)
    _check_writable(output)
    with force_locale(_language(lang)):
        _write(lambda: export_period(unit, period, file_format, output))
        label = period.label()
    click.echo(
        _("Wrote the report of %(unit)s for %(period)s to %(file)s.", unit=unit.name,
          period=label, file=output)
    )  # fmt: skip


def _period_option(text: str) -> Period:
    try:
        period = Period.parse(text)
    except ValueError as error:
        message = _("Enter a period as 2026-Q3, 2026-H1, 2026-9M, 2026 or a month, 2026-03.")
        raise click.BadParameter(message, param_hint="'--period'") from error
    if period.first > current_month():
        message = _("The period %(period)s has not begun.", period=period.key)
        raise click.BadParameter(message, param_hint="'--period'")
    return period
