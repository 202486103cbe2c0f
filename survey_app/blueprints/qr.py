"""Downloads of a single survey QR code (PNG, SVG)."""

import hashlib
import io

from flask import Blueprint, abort, send_file

from survey_app.qr.images import qr_png, qr_svg, survey_url
from survey_app.queries.codes import get_active_survey_code

bp = Blueprint("qr", __name__)

# The picture only changes if SURVEY_PUBLIC_URL does, so a day of caching is safe.
CACHE_SECONDS = 86400


@bp.get("/s/<code>/qr.png")
def download_png(code: str):
    code = _live_code_or_404(code)
    return _download(qr_png(survey_url(code)), "image/png", f"qr-{code}.png")


@bp.get("/s/<code>/qr.svg")
def download_svg(code: str):
    code = _live_code_or_404(code)
    return _download(qr_svg(survey_url(code)), "image/svg+xml", f"qr-{code}.svg")


def _live_code_or_404(code: str) -> str:
    """The canonical (upper-case) code, if it still opens a survey."""
    survey_code = get_active_survey_code(code.upper())
    if survey_code is None:
        abort(404)
    return survey_code.code


def _download(data: bytes, mimetype: str, filename: str):
    return send_file(
        io.BytesIO(data),
        mimetype=mimetype,
        as_attachment=True,
        download_name=filename,
        max_age=CACHE_SECONDS,
        etag=hashlib.sha256(data).hexdigest(),
    )
