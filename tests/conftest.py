import pytest
from flask_babel import force_locale
from flask_migrate import upgrade

from survey_app.cli import main
from survey_app.core.extensions import db
from survey_app.core.limits import EXTENSION_KEY
from survey_app.models import Role
from tests.helpers.api_links import PUBLIC_URL
from tests.helpers.app import empty_tables, make_test_app
from tests.helpers.builders import make_unit, make_user
from tests.helpers.databases import fresh_database, suite_backend
from tests.helpers.raters import create_database, deploy, private_cluster
from tests.helpers.staff_pages import sign_in


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


@pytest.fixture
def limited(app, monkeypatch):
    """The test app with its rate limits on, counted from zero; returns a setter for the
    amounts (left as shipped unless a test sets them)."""
    limiter = app.extensions[EXTENSION_KEY]
    limiter.reset()
    monkeypatch.setitem(app.config, "SURVEY_RATELIMIT_ENABLED", True)

    def set_limit(name: str, value: str) -> None:
        monkeypatch.setitem(app.config["SURVEY_RATELIMITS"], name, value)

    yield set_limit
    limiter.reset()
