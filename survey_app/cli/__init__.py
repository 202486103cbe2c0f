"""The `survey-app` command: Flask's CLI (db, routes, run, shell) plus our own commands."""

import click
from flask.cli import FlaskGroup, run_command

from survey_app import create_app
from survey_app.core.config import ConfigError

# Commands that serve HTTP to others get every production check of the web service; the demo
# makes its own app (cli/demo.py), and every other command serves nothing.
SERVING_COMMANDS = frozenset({run_command})


def create_app_for_cli():
    try:
        return create_app({"SURVEY_PROCESS": _process_of_this_command()})
    except ConfigError as error:
        raise click.ClickException(str(error)) from error


def _process_of_this_command() -> str:
    context = click.get_current_context(silent=True)
    serving = context is not None and context.command in SERVING_COMMANDS
    return "web" if serving else "command"


@click.group(cls=FlaskGroup, create_app=create_app_for_cli)
def main() -> None:
    """Citizen satisfaction surveys for one-stop counters."""


def _register_commands() -> None:
    from survey_app.cli import (
        calendar,
        demo,
        instruments,
        kiosk,
        org,
        qr,
        report,
        responses,
        tickets,
        user_import,
        users,
    )

    main.add_command(demo.demo_command)
    main.add_command(instruments.instruments_group)
    main.add_command(qr.qr_group)
    main.add_command(responses.export_command)
    main.add_command(responses.import_command)
    main.add_command(users.create_user_command)
    main.add_command(user_import.import_users_command)
    main.add_command(org.import_org_command)
    main.add_command(calendar.calendar_group)
    main.add_command(tickets.tickets_group)
    main.add_command(kiosk.kiosk_group)
    main.add_command(report.report_group)


_register_commands()
