import contextvars

import pytest
from flask.testing import FlaskClient
from flask_babel import force_locale
from flask_migrate import upgrade

from survey_app import create_app
from survey_app.cli import main
from survey_app.core.extensions import db
from survey_app.models import Role
from survey_app.queries.code_cache import clear_code_cache
from tests.helpers.api_links import PUBLIC_URL
from tests.helpers.builders import make_unit, make_user
from tests.helpers.databases import fresh_database, suite_backend
from tests.helpers.raters import create_database, deploy, private_cluster
from tests.helpers.staff_pages import sign_in

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


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    with fresh_database(tmp_path_factory.mktemp("db"), suite_backend()) as url:
        yield url


@pytest.fixture(scope="session")
def migrated_app(database_url, tmp_path_factory):
    app = make_test_app(database_url, SURVEY_UPLOADS_DIR=str(tmp_path_factory.mktemp("uploads")))
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(migrated_app):
    with migrated_app.app_context():
        yield migrated_app
        db.session.remove()
        empty_tables()


def empty_tables() -> None:
    """Delete every row a test may have written, and the survey codes the app kept of them;
    the seeded instruments stay."""
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            if table.name not in SEEDED_TABLES:
                connection.execute(table.delete())
    clear_code_cache()


@pytest.fixture(scope="module")
def cluster():
    """A private PostgreSQL cluster for the fault tests (never the machine's shared one)."""
    with private_cluster() as cluster:
        yield cluster


@pytest.fixture(scope="module")
def deployment(cluster):
    """The app's database on the private cluster, migrated, with a unit, a counter, a kiosk."""
    return deploy(create_database(cluster, "survey"))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def invoke(runner, monkeypatch):
    """Run a `survey-app` command on the test app, in English (the operator's CLI language in
    these tests); FlaskGroup sets FLASK_RUN_FROM_CLI in the environment, so it is undone after."""
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")

    def run(*args):
        with force_locale("en"):
            return runner.invoke(main, [str(arg) for arg in args])

    return run


@pytest.fixture
def tree(app):
    """A province with two communes; staff fixtures sign in to commune A."""
    province = make_unit(code="TINH", name="UBND tỉnh Thử Nghiệm")
    commune_a = make_unit(code="XA-A", name="UBND xã An Bình", parent=province)
    commune_b = make_unit(code="XA-B", name="UBND xã Bình Minh", parent=province)
    return province, commune_a, commune_b


@pytest.fixture
def admin(client, tree):
    """The signed-in administrator of the province."""
    user = make_user(role=Role.ADMINISTRATOR, unit=tree[0])
    sign_in(client, user)
    return user


@pytest.fixture
def manager(client, tree):
    """The signed-in manager of commune A."""
    user = make_user(role=Role.MANAGER, unit=tree[1])
    sign_in(client, user)
    return user


@pytest.fixture
def public_url(app, monkeypatch):
    """QR codes and links name the service's public address."""
    monkeypatch.setitem(app.config, "SURVEY_PUBLIC_URL", PUBLIC_URL)
