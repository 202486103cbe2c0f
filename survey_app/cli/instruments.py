"""`survey-app instruments`: load shipped questionnaires into the database."""

import click
from flask.cli import AppGroup

from survey_app.core.extensions import db
from survey_app.services.instruments import sync_instruments

instruments_group = AppGroup("instruments", help="Questionnaires shipped with the service.")


@instruments_group.command("sync")
def sync_command() -> None:
    """Load instrument versions that are not in the database yet."""
    with db.engine.begin() as connection:
        added = sync_instruments(connection)
    click.echo(f"Loaded: {', '.join(added)}" if added else "All instruments are up to date.")
