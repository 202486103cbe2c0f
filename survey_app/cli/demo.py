"""`survey-app demo`: migrate the configured database, load demo data and serve it."""

import os

import click


@click.command("demo")
@click.option("--port", default=5000, show_default=True, help="Port to serve on (127.0.0.1).")
@click.option("--no-serve", is_flag=True, help="Prepare the data and print the codes only.")
def demo_command(port: int, no_serve: bool) -> None:
    """Load a realistic demo (one province centre, two communes) and serve it locally."""
    from flask_migrate import upgrade

    from survey_app import create_app

    os.environ.setdefault("SURVEY_ENV", "development")
    os.environ.setdefault("SURVEY_PUBLIC_URL", f"http://127.0.0.1:{port}")
    app = create_app()
    with app.app_context():
        upgrade()
        click.echo("TODO demo data")
    if not no_serve:
        app.run(host="127.0.0.1", port=port)
