"""The citizen's side of complaints: the unit's public form and the status page (being built)."""

from flask import Blueprint

bp = Blueprint("complaints", __name__)
