"""A throw-away database for a migration's test: made on either backend, migrated to the
revision before the one under test, used inside its app's context."""

from contextlib import contextmanager

import pytest
from flask_migrate import upgrade

from survey_app.core.extensions import db
from tests.helpers.app import make_test_app
from tests.helpers.databases import fresh_database

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@contextmanager
def database_at(tmp_dir, backend: str, revision: str):
    """Inside the app's context of a new database at `revision`; disposed of afterwards."""
    with fresh_database(tmp_dir, backend) as url:
        app = make_test_app(url)
        with app.app_context():
            upgrade(revision=revision)
            yield app
            db.session.remove()
            db.engine.dispose()
