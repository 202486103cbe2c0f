"""Friendly error pages in the visitor's language."""

from flask import render_template
from werkzeug.exceptions import HTTPException


def init_app(app) -> None:
    @app.errorhandler(HTTPException)
    def render_http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        return render_template("errors/error.html", error=error), error.code
