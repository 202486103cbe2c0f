"""Probes for the process supervisor and the load balancer: no sign-in, no rate limit, no cookie.

/healthz: the process answers (restart it if not).
/readyz: it can serve: the database answers and its schema is the one this code expects (take
the server out of the pool if not, e.g. while an upgrade waits for `survey-app db upgrade`).
"""

from functools import cache

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify

from survey_app.core.extensions import db
from survey_app.core.paths import MIGRATIONS_DIR

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def show_health():
    return _answer(200, status="ok")


@bp.get("/readyz")
def show_readiness():
    try:
        with db.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
            current = set(MigrationContext.configure(connection).get_current_heads())
    except sa.exc.SQLAlchemyError as error:
        current_app.logger.warning("readyz: database unreachable: %s", type(error).__name__)
        return _answer(503, status="unavailable", reason="database_unreachable")
    expected = code_heads()
    if current != expected:
        return _answer(
            503,
            status="unavailable",
            reason="migrations_not_current",
            database=sorted(current),
            code=sorted(expected),
        )
    return _answer(200, status="ok", schema=sorted(current))


@cache
def code_heads() -> frozenset[str]:
    """The newest migration(s) shipped with this code; read once per process."""
    return frozenset(ScriptDirectory(str(MIGRATIONS_DIR)).get_heads())


def _answer(status_code: int, **body):
    response = jsonify(body)
    response.status_code = status_code
    response.headers["Cache-Control"] = "no-store"
    return response
