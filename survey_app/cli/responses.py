"""`survey-app export-responses` and `survey-app import-responses` (interchange CSV)."""

import click


@click.command("export-responses")
def export_command() -> None:
    """Not written yet."""
    raise click.ClickException("not implemented yet")


@click.command("import-responses")
def import_command() -> None:
    """Not written yet."""
    raise click.ClickException("not implemented yet")
