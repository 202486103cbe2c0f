"""The public landing page."""

from flask import Blueprint, render_template

bp = Blueprint("main", __name__)


@bp.get("/")
def show_home():
    return render_template("main/home.html")
