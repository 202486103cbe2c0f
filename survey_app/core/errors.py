"""Friendly error pages in the visitor's language; JSON for the API."""

from flask import current_app, jsonify, render_template, request
from sqlalchemy.exc import (
    DataError,
    DisconnectionError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)
from werkzeug.exceptions import BadRequest, HTTPException, ServiceUnavailable

from survey_app.core.extensions import db

API_PREFIX = "/api/"
# What SQLAlchemy raises when the database cannot be reached or drops the connection.
DATABASE_DOWN = (OperationalError, InterfaceError, DisconnectionError)
RETRY_AFTER_SECONDS = 30


def init_app(app) -> None:
    @app.errorhandler(HTTPException)
    def render_http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        # The error's own headers (Allow of a 405, as RFC 9110 requires; WWW-Authenticate)
        # are kept; its Content-Type is ours.
        headers = [(name, value) for name, value in error.get_headers() if name != "Content-Type"]
        if request.path.startswith(API_PREFIX):
            # Routing errors (unknown path, wrong method) never reach the API blueprint's handlers.
            body = {"error": error.name.lower().replace(" ", "_"), "message": error.description}
            return jsonify(body), error.code, headers
        return render_template("errors/error.html", error=error), error.code, headers

    for error_class in DATABASE_DOWN:
        app.register_error_handler(error_class, database_unavailable)
    app.register_error_handler(DataError, refuse_unstorable_value)
    # Registered after Flask-SQLAlchemy's own, so it runs before the session is closed.
    app.teardown_appcontext(end_transaction)


def end_transaction(error: BaseException | None) -> None:
    """Roll back what the request left open before the session is closed. If the database
    went away meanwhile, the dead connection is dropped quietly: the rollback at close would
    fail after the answer was made (a 503, or even a page read just before) and make it a 500."""
    try:
        db.session.rollback()
    except SQLAlchemyError:
        db.session().invalidate()  # the scoped proxy does not offer it


def database_unavailable(error: Exception):
    """503 with Retry-After: a client that sends the same request again later loses nothing.
    Nothing here may touch the database (the page does not read any model)."""
    log_database_down(error)
    if request.path.startswith(API_PREFIX):
        message = "The database is unavailable. Send the same request again in a moment."
        response = jsonify({"error": "unavailable", "message": message, "retry": True})
        response.headers["Cache-Control"] = "no-store"
    else:
        response = current_app.make_response(
            render_template("errors/error.html", error=ServiceUnavailable())
        )
    return with_retry_after(response)


def refuse_unstorable_value(error: DataError):
    """A value the database cannot hold that no check caught (a NUL byte in a code, a number
    out of range): the request's fault, so 400 and a warning in the log, never a 500."""
    current_app.logger.warning(
        "refused a value the database cannot store on %s %s: %s",
        request.method,
        request.path,
        str(error.orig).splitlines()[0] if error.orig else type(error).__name__,
    )
    if request.path.startswith(API_PREFIX):
        message = "The request holds a value that cannot be stored, such as a NUL character."
        return jsonify({"error": "bad_request", "message": message}), 400
    return render_template("errors/error.html", error=BadRequest()), 400


def with_retry_after(response):
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def log_database_down(error: Exception) -> None:
    current_app.logger.warning(
        "database unavailable during %s %s: %s",
        request.method,
        request.path,
        str(error).splitlines()[0] if str(error) else type(error).__name__,
    )
