"""Migrations are the only way the schema is made: they must agree with the models, on both
databases, and leave a fresh database ready for use."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from survey_app.core.extensions import db
from tests.helpers.app import make_test_app
from tests.helpers.databases import fresh_database

BACKENDS = [
    "sqlite",
    pytest.param("postgresql", marks=pytest.mark.postgres),
]


@pytest.fixture(params=BACKENDS)
def empty_app(request, tmp_path):
    with fresh_database(tmp_path, request.param) as url:
        app = make_test_app(url)
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()


def schema_differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_migrations_and_models_agree(empty_app):
    upgrade()
    assert schema_differences() == []


def test_upgrade_loads_the_shipped_instruments(empty_app):
    upgrade()
    rows = db.session.execute(
        sa.text(
            "SELECT i.code, i.version, COUNT(items.id) FROM instruments i "
            "JOIN items ON items.instrument_id = i.id GROUP BY i.code, i.version "
            "ORDER BY i.code, i.version"
        )
    ).all()
    assert [tuple(row) for row in rows] == [
        ("kiosk-5", 1, 6),
        ("sipas-2017", 1, 23),
        ("sipas-2023", 1, 20),
        ("sipas-2023", 2, 20),
    ]


def test_downgrade_to_nothing_and_back(empty_app):
    upgrade()
    downgrade(revision="base")
    assert sa.inspect(db.engine).get_table_names() == ["alembic_version"]
    upgrade()
    assert schema_differences() == []
