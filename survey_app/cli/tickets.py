"""`survey-app tickets`: jobs run from cron — reminders to staff, erasing old contact data."""

from datetime import datetime

import click
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import ngettext

from survey_app.models import utcnow
from survey_app.months import survey_zone
from survey_app.services.follow_ups.reminders import send_follow_up_reminders
from survey_app.services.tickets.auto_close import close_idle_tickets
from survey_app.services.tickets.reminders import send_reminders
from survey_app.services.tickets.retention import purge_contacts

tickets_group = AppGroup("tickets", help="Complaint tickets: reminders and contact retention.")

NOW_HELP = "Act as if it were this time (ISO 8601; without an offset: the configured zone)."


@tickets_group.command("remind")
@click.option("--now", "now_text", help=NOW_HELP)
def remind_command(now_text: str | None) -> None:
    """E-mail assignees about tickets due within one working day and managers about overdue
    ones, once per ticket and stage; the same for the follow-ups of low ratings; nothing on a
    day off."""
    run = send_reminders(_now(now_text))
    if not run.working_day:
        click.echo(_("Not a working day: no reminders sent."))
        return
    click.echo(
        _(
            "Reminders sent: %(due_soon)d due soon, %(overdue)d overdue.",
            due_soon=run.due_soon_sent,
            overdue=run.overdue_sent,
        )
    )
    follow_ups = send_follow_up_reminders(_now(now_text))
    click.echo(
        _(
            "Follow-ups of low ratings reminded: %(due_soon)d due soon, %(overdue)d overdue.",
            due_soon=follow_ups.due_soon_sent,
            overdue=follow_ups.overdue_sent,
        )
    )


@tickets_group.command("purge-contacts")
@click.option("--now", "now_text", help=NOW_HELP)
def purge_contacts_command(now_text: str | None) -> None:
    """Close answered tickets the citizen left silent for the unit's working days, then erase
    the contact data and attached files of tickets whose handling ended longer ago than the
    retention period."""
    now = _now(now_text)
    closed = close_idle_tickets(now)
    click.echo(
        ngettext(
            "Closed %(num)d answered ticket without reply.",
            "Closed %(num)d answered tickets without reply.",
            closed,
        )
    )
    purged = purge_contacts(now)
    click.echo(
        ngettext(
            "Contact data erased from %(num)d ticket.",
            "Contact data erased from %(num)d tickets.",
            purged.contacts,
        )
    )
    click.echo(
        ngettext("%(num)d attached file removed.", "%(num)d attached files removed.", purged.files)
    )


def _now(text: str | None) -> datetime:
    if text is None:
        return utcnow()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise click.BadParameter(
            _("Use ISO 8601, e.g. 2026-11-24T08:30:00+07:00."), param_hint="--now"
        ) from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=survey_zone())
    return moment
