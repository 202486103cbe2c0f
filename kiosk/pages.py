"""The counter tablet's web app: one page, its service worker and its manifest.

Everything the citizen sees is drawn by the page's script from what it loaded once, so the
tablet changes screens without the network. The version names the exact files served: the
service worker caches them under it, and the tablet reports it with every API request.
"""

import hashlib
import json
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_babel import gettext as _

from kiosk.pairing import PAIRING_CODE_LENGTH
from kiosk.strings import strings_by_locale
from survey_app.services.org.members import CODE_ALPHABET

bp = Blueprint("tablet", __name__, url_prefix="/kiosk")

STATIC_SUBDIR = "kiosk"
ENTRY_MODULE = "app.js"
THEME_COLOR = "#0b4f8a"
ICON_SIZES = (192, 512)


@bp.get("/")
def show_app():
    strings = strings_by_locale(list(current_app.config["SURVEY_LOCALES"]))
    files = _asset_files()
    page = render_template(
        "kiosk/app.html",
        strings=strings,
        version=_app_version(files, strings),
        modules=[_static_url(path.name) for path in files if path.suffix == ".js"],
        entry=_static_url(ENTRY_MODULE),
        theme_color=THEME_COLOR,
        pairing_keys=CODE_ALPHABET,
        pairing_length=PAIRING_CODE_LENGTH,
    )
    return _uncached(Response(page, mimetype="text/html"))


@bp.get("/sw.js")
def service_worker():
    files = _asset_files()
    strings = strings_by_locale(list(current_app.config["SURVEY_LOCALES"]))
    script = render_template(
        "kiosk/sw.js",
        version=_app_version(files, strings),
        app_page=url_for("tablet.show_app"),
        assets=[_static_url(path.name) for path in files],
    )
    response = _uncached(Response(script, mimetype="text/javascript"))
    response.headers["Service-Worker-Allowed"] = url_for("tablet.show_app")
    return response


@bp.get("/manifest.webmanifest")
def show_manifest():
    start = url_for("tablet.show_app")
    manifest = {
        "name": _("Counter rating"),
        "short_name": _("Counter rating"),
        "lang": current_app.config["BABEL_DEFAULT_LOCALE"],
        "start_url": start,
        "scope": start,
        "display": "fullscreen",
        "orientation": "any",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOR,
        "icons": [
            {"src": _static_url("icon.svg"), "sizes": "any", "type": "image/svg+xml"},
            *(
                {
                    "src": _static_url(f"icon-{size}.png"),
                    "sizes": f"{size}x{size}",
                    "type": "image/png",
                }
                for size in ICON_SIZES
            ),
        ],
    }
    body = json.dumps(manifest, ensure_ascii=False)
    return _uncached(Response(body, mimetype="application/manifest+json"))


def _asset_files() -> list[Path]:
    """The page's files (modules, style sheet, icons), in a stable order."""
    folder = Path(current_app.static_folder) / STATIC_SUBDIR
    return sorted(path for path in folder.iterdir() if path.is_file())


def _static_url(name: str) -> str:
    return url_for("static", filename=f"{STATIC_SUBDIR}/{name}")


def _app_version(files: list[Path], strings: dict) -> str:
    """The package version plus a digest of everything the tablet caches: a changed file or
    translation gives a new service worker, which fetches the new files."""
    digest = hashlib.sha256(json.dumps(strings, sort_keys=True).encode())
    templates = Path(current_app.template_folder) / "kiosk"
    for path in [*files, templates / "app.html", templates / "sw.js"]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    try:
        release = package_version("survey-app")
    except PackageNotFoundError:  # a checkout that was never installed
        release = "0"
    return f"{release}+{digest.hexdigest()[:10]}"


def _uncached(response: Response) -> Response:
    """The browser asks again each time (the service worker serves it when offline); an
    unchanged answer costs a 304."""
    response.headers["Cache-Control"] = "no-cache"
    response.add_etag()
    return response.make_conditional(request)
