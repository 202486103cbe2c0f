"""`survey-app calendar`: answer deadlines and days off of the working-day calendar."""

from datetime import datetime
from zoneinfo import ZoneInfo

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from survey_app.workdays import WorkCalendar, YearStatus

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
    start = _parse_moment(received, calendar.zone)
    due = calendar.answer_due(start, days)
    click.echo(due.astimezone(calendar.zone).isoformat())
    if calendar.is_provisional_between(start, due):
        click.echo(_("provisional: counted through a year whose schedule is not confirmed yet"))


@calendar_group.command("days-off")
@click.argument("year", type=click.IntRange(min=1990, max=2100))
def days_off_command(year: int) -> None:
    """List the days off of YEAR with their names and where each comes from; first, whether
    the year follows a confirmed schedule or is provisional."""
    calendar = WorkCalendar()
    click.echo(year_status_line(calendar.year_status(year)))
    for entry in calendar.days_off(year):
        click.echo(f"{entry.day.isoformat()}  {entry.name}  [{entry.source}]")


def year_status_line(status: YearStatus) -> str:
    if status.provisional:
        return _(
            "%(year)d: provisional – the holidays package's rules, not a published schedule; "
            "swaps and make-up days may be missing.",
            year=status.year,
        )
    if status.document:
        return _("%(year)d: confirmed by %(document)s.", year=status.year, document=status.document)
    return _("%(year)d: the published schedule, as shipped.", year=status.year)


def _parse_moment(text: str, zone: ZoneInfo) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        message = _("%(value)s is not a date and time like 2026-02-13T10:00:00+07:00.", value=text)
        raise click.BadParameter(message, param_hint="'--received'") from None
    # An operator typing a time without an offset means the office's clock.
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)
