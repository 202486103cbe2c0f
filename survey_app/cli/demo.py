"""`survey-app demo`: migrate the configured database, load demo data and serve it."""

import os
from datetime import datetime

import click

from survey_app.cli import demo_guard
from survey_app.core.config import ConfigError
from survey_app.months import survey_zone

HOST = "127.0.0.1"


@click.command("demo")
@click.option("--port", default=5000, show_default=True, help="Port to serve on (127.0.0.1).")
@click.option("--no-serve", is_flag=True, help="Prepare the data and print the codes only.")
@click.option(
    demo_guard.ALLOW_FLAG, "allow_published_passwords", is_flag=True, help=demo_guard.ALLOW_HELP
)
def demo_command(port: int, no_serve: bool, allow_published_passwords: bool) -> None:
    """Load a realistic demo (one province centre, two communes) and serve it locally."""
    from flask_migrate import upgrade
    from werkzeug.serving import run_simple

    from survey_app.cli import demo_address
    from survey_app.core.extensions import db
    from survey_app.demo.loader import load_demo
    from survey_app.services.tallies import tally_responses

    base_url = f"http://{HOST}:{port}"
    app = _demo_app(base_url)
    if not allow_published_passwords and (reason := demo_guard.refusal(app)):
        raise click.ClickException(demo_guard.message(reason))
    with app.app_context():
        upgrade()
        today = datetime.now(survey_zone()).date()
        summary = load_demo(today)
        _print_summary(summary, base_url)
        tally_responses()  # as the timer of a real deployment would have done by now
        # Posters and QR images made later by `survey-app qr` on this database open this server.
        demo_address.remember(app, base_url, summary.units[0].code)
        # Close the loader's connections: the server opens its own, and an in-process caller
        # (a test) must not be left holding open ones.
        db.session.remove()
        db.engine.dispose()
    if not no_serve:
        # click.echo flushes every line: a parent reading our pipe sees the links before we block.
        click.echo(f"Serving on {base_url} (Ctrl+C to stop)")
        # app.run() is a no-op under a Flask CLI group (FLASK_RUN_FROM_CLI); run_simple is
        # what it would call.
        run_simple(HOST, port, app, threaded=True, use_reloader=False, use_debugger=False)


def _demo_app(base_url: str):
    from survey_app import create_app

    # Settings, not os.environ: the command must not leak them into the calling process. The
    # demo serves on this machine only, so its links name the address it serves, whatever
    # SURVEY_PUBLIC_URL says.
    settings = {
        "SURVEY_ENV": os.environ.get("SURVEY_ENV", "development"),
        "SURVEY_PROCESS": "demo",
        "SURVEY_PUBLIC_URL": base_url,
    }
    try:
        return create_app(settings)
    except ConfigError as error:
        raise click.ClickException(str(error)) from error


def _print_summary(summary, base_url: str) -> None:
    state = "loaded now" if summary.created else "already there, reused"
    click.echo(f"Demo data ({state}); survey links open the citizen's form:")
    codes_by_unit = {}
    for survey_code in summary.survey_codes:
        codes_by_unit.setdefault(survey_code.unit_id, []).append(survey_code)
    for unit in summary.units:
        click.echo(f"\n{unit.code}  {unit.name}  [instrument {unit.instrument_code}]")
        _print_codes(codes_by_unit.get(unit.id, []), base_url)
    click.echo(f"\nSign-in accounts at {base_url}/dang-nhap (password: {summary.password}):")
    for user in summary.accounts:
        click.echo(
            f"    {user.username:<20} {user.role.value:<18} {user.unit.code}  {user.full_name}"
        )
    click.echo(f"Responses in the demo units: {summary.responses}")
    _print_kiosks(summary.kiosks, base_url)


def _print_kiosks(demo_kiosks: list, base_url: str) -> None:
    if not demo_kiosks:
        return
    click.echo("\nCounter tablets (each link pairs one tablet, once, within 24 hours):")
    for demo_kiosk in demo_kiosks:
        counter = demo_kiosk.kiosk.counter
        url = f"{base_url}/kiosk/#pair={demo_kiosk.pairing_code}"
        click.echo(f"    {url}  {counter.code}  {counter.name}")
    click.echo("    Open at every hour, days off too: rate on them now, even on a Sunday night.")


def _print_codes(survey_codes: list, base_url: str) -> None:
    counters = sorted((c for c in survey_codes if c.counter), key=lambda c: c.counter.code)
    officers = sorted((c for c in survey_codes if c.officer), key=lambda c: c.officer.code)
    for title, rows in (("Counters", counters), ("Officers", officers)):
        click.echo(f"  {title}:")
        for survey_code in rows:
            owner = survey_code.counter or survey_code.officer
            name = owner.name if survey_code.counter else owner.full_name
            click.echo(f"    {base_url}/s/{survey_code.code}  {owner.code}  {name}")
