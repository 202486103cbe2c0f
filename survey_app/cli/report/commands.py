"""`survey-app report`: monthly reports — closing a month (its figures frozen) and exports."""

import click
from flask_babel import gettext as _

from survey_app.cli.report.group import report_group
from survey_app.models import Unit
from survey_app.months import Month
from survey_app.queries.units import get_unit_by_code
from survey_app.services.errors import DomainError
from survey_app.services.month_close import close_month
from survey_app.services.tallies import tally_responses

UNIT_HELP = "Code of the unit."
MONTH_HELP = "The month, as YYYY-MM (local calendar month)."


def unit_option(unit_code: str) -> Unit:
    """The unit named by --unit, or a usage error; shared by the report commands."""
    unit = get_unit_by_code(unit_code)
    if unit is None:
        message = _("No unit has the code %(code)s.", code=unit_code)
        raise click.BadParameter(message, param_hint="'--unit'")
    return unit


def month_option(text: str) -> Month:
    """The month named by --month, or a usage error; shared by the report commands."""
    try:
        return Month.parse(text)
    except ValueError as error:
        message = _("Enter a month as year and month, for example 2025-03.")
        raise click.BadParameter(message, param_hint="'--month'") from error


@report_group.command("close")
@click.option("--unit", "unit_code", required=True, help=UNIT_HELP)
@click.option("--month", "month_text", required=True, help=MONTH_HELP)
def close_command(unit_code: str, month_text: str) -> None:
    """Close a past month: its figures are frozen; later responses become an amendment."""
    unit, month = unit_option(unit_code), month_option(month_text)
    try:
        closure = close_month(unit, month, by=None)
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        _(
            "Closed %(month)s for %(unit)s: %(count)d responses frozen.",
            month=month.slashed(),
            unit=unit.name,
            count=closure.response_count,
        )
    )


@report_group.command("tally")
def tally_command() -> None:
    """Count the responses that came in since the last run into the monthly tallies (run it
    every few minutes: figures are right without it, and fast with it)."""
    run = tally_responses()
    months = ", ".join(month.slashed() for month in run.months) or "-"
    click.echo(
        _("Tallied %(count)d responses (months: %(months)s).", count=run.responses, months=months)
    )
