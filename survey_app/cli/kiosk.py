"""`survey-app kiosk`: counter tablets set up by a script instead of a pairing code."""

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from kiosk.pairing import register_kiosk
from survey_app.queries.kiosks import get_counter
from survey_app.services.org.admin import InvalidChange

kiosk_group = AppGroup("kiosk", help="Counter tablets (kiosks).")


@kiosk_group.command("register")
@click.option("--counter", "counter_code", required=True, help="Code of the counter.")
@click.option("--name", default=None, help="Name of the kiosk (default: after the counter).")
def register_command(counter_code: str, name: str | None) -> None:
    """Add a paired kiosk and print its device token, alone on one line (for scripts)."""
    counter = get_counter(counter_code)
    if counter is None:
        message = _("No counter has the code %(code)s.", code=counter_code)
        raise click.BadParameter(message, param_hint="'--counter'")
    try:
        kiosk, token = register_kiosk(
            counter, name=name or _("Kiosk at %(counter)s", counter=counter.name)
        )
    except InvalidChange as problem:
        raise click.BadParameter(str(problem), param_hint="'--name'") from None
    click.echo(token)
    hint = _(
        "Kiosk %(name)s of %(counter)s registered. Keep the token secret: it is shown only once.",
        name=kiosk.name,
        counter=counter.name,
    )
    click.echo(hint, err=True)
