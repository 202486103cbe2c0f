"""The app and database helpers the fixtures use: a test app on a database, emptying the tables
between tests."""

import contextvars

from flask.testing import FlaskClient

from survey_app import create_app
from survey_app.core.extensions import db
from survey_app.queries.code_cache import clear_code_cache

# Loaded by migration 0002 and never changed by a test.
SEEDED_TABLES = {"instruments", "items", "alembic_version", "calendar_overrides"}


class FreshContextClient(FlaskClient):
    """Each request gets its own app context and `g`, as in production, although the test
    itself holds an app context for its builders and queries."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


def make_test_app(database_url: str, **overrides):
    settings = {
        "SURVEY_ENV": "testing",
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SERVER_NAME": "survey.test",
    }
    app = create_app(settings | overrides)
    app.test_client_class = FreshContextClient
    return app


def empty_tables() -> None:
    """Delete every row a test may have written, and the survey codes the app kept of them;
    the seeded instruments stay."""
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            if table.name not in SEEDED_TABLES:
                connection.execute(table.delete())
    clear_code_cache()
