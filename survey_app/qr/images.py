"""QR codes of the survey links: one function builds the link, the others draw it as PNG or SVG."""

import io
from typing import TYPE_CHECKING

from flask import current_app

if TYPE_CHECKING:  # imported when a QR is drawn, not by every web worker at start
    import qrcode

QUIET_ZONE = 4
PNG_MODULE_PIXELS = 20


def survey_url(code: str) -> str:
    """The link a citizen opens by scanning the code's QR."""
    return f"{current_app.config['SURVEY_PUBLIC_URL'].rstrip('/')}/s/{code}"


def make_qr(url: str, module_size: int = 10) -> "qrcode.QRCode":
    import qrcode

    # M restores up to 15 % of a smudged or partly covered print and keeps the symbol coarse
    # enough to scan from across a counter; 4 modules is the quiet zone the standard asks for.
    qr = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=QUIET_ZONE, box_size=module_size
    )
    qr.add_data(url)
    qr.make(fit=True)
    return qr


def qr_png(url: str) -> bytes:
    from qrcode.image.pil import PilImage

    image = make_qr(url, PNG_MODULE_PIXELS).make_image(image_factory=PilImage)
    return _saved(image)


def qr_svg(url: str) -> bytes:
    """One path on a white background: scales to any print size without a seam between modules."""
    from qrcode.image.svg import SvgPathFillImage

    return _saved(make_qr(url).make_image(image_factory=SvgPathFillImage))


def _saved(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()
