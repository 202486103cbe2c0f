"""Downloads of a single survey QR code (PNG, SVG)."""

from flask import Blueprint

bp = Blueprint("qr", __name__)
