"""/healthz (the process answers) and /readyz (database reachable, schema current) for the
supervisor and the load balancer: anonymous, never rate limited, no cookie."""

import pytest

from survey_app.blueprints.health import code_heads
from survey_app.core.extensions import db
from survey_app.core.limits import EXTENSION_KEY
from tests.helpers.app import make_test_app


@pytest.fixture
def app_on(tmp_path):
    """An app on another database; its engine is closed after the test."""
    made = []

    def make(url: str):
        made.append(make_test_app(url))
        return made[-1]

    yield make
    for each in made:
        with each.app_context():
            db.engine.dispose()


def test_healthz_answers_without_a_cookie(client):
    response = client.get("/healthz")
    assert (response.status_code, response.json) == (200, {"status": "ok"})
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_ok_on_a_migrated_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "schema": sorted(code_heads())}
    assert "Set-Cookie" not in response.headers


def test_readyz_names_pending_migrations(app_on, tmp_path):
    empty = app_on(f"sqlite:///{tmp_path / 'empty.db'}")
    response = empty.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["reason"] == "migrations_not_current"
    assert response.json["database"] == [] and response.json["code"] == sorted(code_heads())


def test_readyz_tells_when_the_database_cannot_be_reached(app_on, tmp_path):
    unreachable = app_on(f"sqlite:///{tmp_path / 'no-such-folder' / 'survey.db'}")
    response = unreachable.test_client().get("/readyz")
    assert (response.status_code, response.json["reason"]) == (503, "database_unreachable")
    assert response.headers["Cache-Control"] == "no-store"


def test_probes_are_never_rate_limited(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SURVEY_RATELIMIT_ENABLED", True)
    tiny = {name: "1/minute" for name in app.config["SURVEY_RATELIMITS"]}
    monkeypatch.setitem(app.config, "SURVEY_RATELIMITS", tiny)
    app.extensions[EXTENSION_KEY].reset()
    statuses = {client.get(url).status_code for url in ["/healthz", "/readyz"] * 10}
    assert statuses == {200}
