"""`survey-app calendar`: answer deadlines and days off of the working-day calendar."""

from datetime import datetime
from zoneinfo import ZoneInfo

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from survey_app.workdays import WorkCalendar

calendar_group = AppGroup("calendar", help="The working-day calendar and answer deadlines.")


@calendar_group.command("due")
@click.option(
    "--received",
    required=True,
    help="When the complaint arrived, ISO 8601, e.g. 2026-02-13T10:00:00+07:00 "
    "(without an offset: local time).",
)
@click.option("--days", default=3, show_default=True, type=click.IntRange(min=1, max=60))
def due_command(received: str, days: int) -> None:
    """Print the answer deadline (ISO 8601, local time) of a complaint."""
    calendar = WorkCalendar()
    due = calendar.answer_due(_parse_moment(received, calendar.zone), days)
    click.echo(due.astimezone(calendar.zone).isoformat())


@calendar_group.command("days-off")
@click.argument("year", type=click.IntRange(min=1990, max=2100))
def days_off_command(year: int) -> None:
    """List the days off of YEAR with their names and where each comes from."""
    for entry in WorkCalendar().days_off(year):
        click.echo(f"{entry.day.isoformat()}  {entry.name}  [{entry.source}]")


def _parse_moment(text: str, zone: ZoneInfo) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        message = _("%(value)s is not a date and time like 2026-02-13T10:00:00+07:00.", value=text)
        raise click.BadParameter(message, param_hint="'--received'") from None
    # An operator typing a time without an offset means the office's clock.
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)
