"""`survey-app qr`: QR codes and printable posters."""

from flask.cli import AppGroup

qr_group = AppGroup("qr", help="QR codes and printable posters.")
