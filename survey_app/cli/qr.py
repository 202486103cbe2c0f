"""`survey-app qr`: QR codes and printable posters."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import ngettext

from survey_app.cli import demo_address
from survey_app.core.public_url import EXAMPLE_PUBLIC_URL, is_default, unreachable_reason
from survey_app.qr.images import qr_png, qr_svg, survey_url
from survey_app.qr.posters import PosterPage, list_poster_codes, poster_pages, render_poster
from survey_app.queries.codes import get_active_survey_code
from survey_app.queries.units import get_unit_by_code, list_unit_subtree_ids

qr_group = AppGroup("qr", help="QR codes and printable posters.")

OUTPUT = click.Path(dir_okay=False, writable=True, path_type=Path)


@qr_group.command("poster")
@click.option("--unit", "unit_code", required=True, help="Code of the unit.")
@click.option("--output", required=True, type=OUTPUT, help="PDF file to write.")
@click.option("--include-children", is_flag=True, help="Also the units below it.")
def poster_command(unit_code: str, output: Path, include_children: bool) -> None:
    """A4 PDF to print: one page per active counter and officer, counters first."""
    with _printed_address():
        pages = _poster_pages(unit_code, include_children)
        _write(output, render_poster(pages))
    count = len(pages)
    click.echo(
        ngettext(
            "Wrote %(num)d page to %(file)s.",
            "Wrote %(num)d pages to %(file)s.",
            count,
            file=output,
        )
    )


def _poster_pages(unit_code: str, include_children: bool) -> list[PosterPage]:
    unit = get_unit_by_code(unit_code)
    if unit is None:
        message = _("No unit has the code %(code)s.", code=unit_code)
        raise click.BadParameter(message, param_hint="'--unit'")
    unit_ids = list_unit_subtree_ids(unit.id) if include_children else [unit.id]
    pages = poster_pages(list_poster_codes(unit_ids))
    if not pages:
        message = _("%(unit)s has no active counter or officer: no poster written.", unit=unit.name)
        raise click.ClickException(message)
    return pages


@qr_group.command("png")
@click.option("--code", required=True, help="Survey code printed under the QR.")
@click.option("--output", required=True, type=OUTPUT, help="PNG file to write.")
def png_command(code: str, output: Path) -> None:
    """The QR of one survey code as a PNG picture."""
    _write_single(code, output, qr_png)


@qr_group.command("svg")
@click.option("--code", required=True, help="Survey code printed under the QR.")
@click.option("--output", required=True, type=OUTPUT, help="SVG file to write.")
def svg_command(code: str, output: Path) -> None:
    """The QR of one survey code as an SVG drawing (scales to any size)."""
    _write_single(code, output, qr_svg)


def _write_single(code: str, output: Path, render: Callable[[str], bytes]) -> None:
    survey_code = get_active_survey_code(code.upper())
    if survey_code is None:
        message = _("%(code)s is not a survey code in use (unknown or revoked).", code=code)
        raise click.BadParameter(message, param_hint="'--code'")
    with _printed_address():
        url = survey_url(survey_code.code)
    _write(output, render(url))
    click.echo(_("Wrote the QR code of %(url)s to %(file)s.", url=url, file=output))


def _write(output: Path, data: bytes) -> None:
    try:
        output.write_bytes(data)
    except OSError as error:
        message = _("Cannot write %(file)s: %(error)s.", file=output, error=error.strerror)
        raise click.ClickException(message) from error


@contextmanager
def _printed_address() -> Iterator[None]:
    """The public address the codes will encode, for the command's duration: on the demo's
    database with SURVEY_PUBLIC_URL unset, the address the demo serves; in production never an
    address citizens' phones cannot reach."""
    config = current_app.config
    address = config["SURVEY_PUBLIC_URL"]
    demo = demo_address.recall(current_app) if is_default(address) else None
    if demo is not None:
        address = demo.public_url
        message = _(
            "Demo database: the QR codes open %(url)s, which only this computer reaches. "
            "Set SURVEY_PUBLIC_URL to print them for citizens.",
            url=address,
        )
        click.echo(message, err=True)
    elif config["SURVEY_ENV"] == "production" and unreachable_reason(address):
        raise click.ClickException(_unreachable_message(address))
    saved = config["SURVEY_PUBLIC_URL"]
    config["SURVEY_PUBLIC_URL"] = address
    try:
        yield
    finally:
        config["SURVEY_PUBLIC_URL"] = saved


def _unreachable_message(address: str) -> str:
    if is_default(address):
        return _(
            "SURVEY_PUBLIC_URL is not set, so the QR codes would open %(url)s, which citizens' "
            "phones cannot reach. Set it to the service's public address, e.g. "
            "export SURVEY_PUBLIC_URL=%(example)s",
            url=address,
            example=EXAMPLE_PUBLIC_URL,
        )
    return _(
        "SURVEY_PUBLIC_URL is %(url)s, which citizens' phones cannot reach. Set it to the "
        "service's public address, e.g. export SURVEY_PUBLIC_URL=%(example)s",
        url=address,
        example=EXAMPLE_PUBLIC_URL,
    )
