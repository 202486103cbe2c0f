"""Friendly error pages in the visitor's language; JSON for the API."""

from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException

API_PREFIX = "/api/"


def init_app(app) -> None:
    @app.errorhandler(HTTPException)
    def render_http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if request.path.startswith(API_PREFIX):
            # Routing errors (unknown path, wrong method) never reach the API blueprint's handlers.
            body = {"error": error.name.lower().replace(" ", "_"), "message": error.description}
            return jsonify(body), error.code
        return render_template("errors/error.html", error=error), error.code
