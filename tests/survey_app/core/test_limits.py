"""Rate limits: per form and per client for citizens, per key for the API, per device for kiosks.

Limits are off in the test suite (one test client posts hundreds of times); these tests switch
them on with small amounts.
"""

import os
import socket
import uuid

import pytest
import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.core.limits import EXTENSION_KEY
from survey_app.models import SurveyResponse
from tests.helpers.app import make_test_app
from tests.helpers.builders import full_answers, make_counter, survey_code_of
from tests.helpers.survey_pages import hidden_fields, parse

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def other_app(database_url):
    """Another app on the test database (another worker, other settings); closed after."""
    made = []

    def make(**settings):
        made.append(make_test_app(database_url, **settings))
        return made[-1]

    yield make
    for each in made:
        with each.app_context():
            db.engine.dispose()


def phone(app, address: str = "198.51.100.7", headers: dict | None = None):
    """A phone of its own (own cookies, own form), reaching the service from `address`."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    client.environ_base.update(
        {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (headers or {}).items()}
    )
    return client


def form_of(client, code: str) -> dict:
    page = parse(client.get(f"/s/{code}", query_string={"lang": "en"}))
    return hidden_fields(page) | {k: str(v) for k, v in full_answers().items()}


def count_responses() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse))


def test_one_survey_page_posted_again_and_again_is_refused_with_a_readable_page(app, limited):
    limited("PUBLIC_FORM", "2/minute")
    code = survey_code_of(make_counter())
    client = phone(app)
    data = form_of(client, code)
    statuses = [client.post(f"/s/{code}", data=data).status_code for _ in range(3)]
    assert statuses == [303, 303, 429]
    refused = client.post(f"/s/{code}", data=data)
    page = parse(refused)
    assert page.h1.get_text(strip=True) == "Too many attempts"
    assert "try again after" in page.main.get_text()
    assert (
        0 < int(refused.headers["Retry-After"]) <= 61
    )  # the end of the one-minute window, rounded up
    assert count_responses() == 1  # the repeats of one visit count once anyway


def test_a_counter_hall_sharing_one_address_is_counted_per_phone_then_per_address(app, limited):
    limited("PUBLIC_FORM", "2/minute")
    limited("PUBLIC_CLIENT", "5/hour")
    code = survey_code_of(make_counter())
    phones = [phone(app, "198.51.100.7") for _ in range(6)]
    forms = [form_of(each, code) for each in phones]
    statuses = [
        each.post(f"/s/{code}", data=form).status_code
        for each, form in zip(phones, forms, strict=True)
    ]
    assert statuses == [303] * 5 + [429]
    elsewhere = phone(app, "198.51.100.8")
    assert elsewhere.post(f"/s/{code}", data=form_of(elsewhere, code)).status_code == 303
    assert count_responses() == 6


def test_a_forwarded_for_header_is_ignored_without_a_trusted_proxy(app, limited):
    limited("PUBLIC_CLIENT", "2/hour")
    code = survey_code_of(make_counter())
    statuses = []
    for number in range(3):
        client = phone(app, headers={"X-Forwarded-For": f"203.0.113.{number}"})
        statuses.append(client.post(f"/s/{code}", data=form_of(client, code)).status_code)
    assert statuses == [303, 303, 429]


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_budget(app, other_app):
    proxied = other_app(
        SURVEY_TRUSTED_PROXIES=1,
        SURVEY_RATELIMIT_ENABLED=True,
        SURVEY_RATELIMITS=app.config["SURVEY_RATELIMITS"] | {"PUBLIC_CLIENT": "1/hour"},
    )
    code = survey_code_of(make_counter())
    statuses = []
    for address in ("203.0.113.1", "203.0.113.2", "203.0.113.1"):
        client = phone(proxied, "127.0.0.1", headers={"X-Forwarded-For": address})
        statuses.append(client.post(f"/s/{code}", data=form_of(client, code)).status_code)
    assert statuses == [303, 303, 429]


def test_complaints_are_limited_per_form(app, limited, tree):
    limited("PUBLIC_FORM", "1/minute")
    client = phone(app)
    url = f"/phan-anh/{tree[1].code}"
    data = hidden_fields(parse(client.get(url))) | {"content": "Phải chờ quá lâu."}
    assert client.post(url, data=data).status_code == 303
    assert client.post(url, data=data).status_code == 429


def test_an_api_key_has_its_own_budget_and_the_answer_is_json(app, limited):
    limited("API_KEY", "2/minute")
    first = {"Authorization": "Bearer sk_aaaaaaaa_secret"}
    answers = [
        app.test_client().post("/api/v1/survey-links", json={}, headers=first) for _ in range(3)
    ]
    assert [answer.status_code for answer in answers] == [401, 401, 429]
    assert answers[2].json["error"] == "too_many_requests"
    assert (
        0 < int(answers[2].headers["Retry-After"]) <= 61
    )  # the end of the one-minute window, rounded up
    other = {"X-Api-Key": "sk_bbbbbbbb_secret"}
    assert app.test_client().post("/api/v1/survey-links", json={}, headers=other).status_code == 401


def test_made_up_keys_from_one_address_share_its_budget(app, limited):
    limited("API_CLIENT", "3/minute")
    statuses = [
        app.test_client()
        .post("/api/v1/complaints", json={}, headers={"X-Api-Key": f"sk_{n:08d}_x"})
        .status_code
        for n in range(4)
    ]
    assert statuses == [401, 401, 401, 429]


def test_a_kiosk_is_limited_per_device_token(app, limited):
    if "tablet_api" not in app.blueprints:
        pytest.skip("the kiosk API is not part of this build yet")
    limited("KIOSK_DEVICE", "2/minute")
    device = {"Authorization": "Bearer kt_devicea1_secret"}
    statuses = [
        app.test_client().get("/api/v1/kiosk/config", headers=device).status_code for _ in range(3)
    ]
    assert statuses[2] == 429 and 429 not in statuses[:2]
    other = {"Authorization": "Bearer kt_deviceb2_secret"}
    assert app.test_client().get("/api/v1/kiosk/config", headers=other).status_code != 429


def test_staff_sign_in_attempts_are_limited_per_address(app, limited, tree):
    limited("SIGN_IN", "2/minute")
    client = phone(app)
    token = hidden_fields(parse(client.get("/dang-nhap")))
    wrong = token | {"username": "nobody", "password": "not the password"}
    statuses = [client.post("/dang-nhap", data=wrong).status_code for _ in range(3)]
    assert statuses == [422, 422, 429]


def test_limits_are_off_in_the_test_suite_unless_switched_on(app, client):
    code = survey_code_of(make_counter())
    data = form_of(client, code)
    assert app.config["SURVEY_RATELIMIT_ENABLED"] is False
    assert {client.post(f"/s/{code}", data=data).status_code for _ in range(15)} == {303}


def redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def test_workers_share_their_counts_through_redis(app, other_app):
    if not redis_reachable():
        reason = "Redis is not reachable at 127.0.0.1:6379 (apt-get install redis-server)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; under CI the Redis test must run")
        pytest.skip(reason)
    limits = app.config["SURVEY_RATELIMITS"] | {"API_KEY": "2/minute"}
    workers = [
        other_app(
            SURVEY_RATELIMIT_ENABLED=True,
            SURVEY_RATELIMIT_STORAGE_URL=REDIS_URL,
            SURVEY_RATELIMITS=limits,
        )
        for _ in range(2)
    ]
    key = {"X-Api-Key": f"sk_{uuid.uuid4().hex[:8]}_secret"}  # a count of its own in Redis
    statuses = [
        workers[n % 2].test_client().post("/api/v1/survey-links", json={}, headers=key).status_code
        for n in range(3)
    ]
    assert statuses == [401, 401, 429]
    limiter = workers[0].extensions[EXTENSION_KEY]
    assert type(limiter.storage).__name__ == "RedisStorage"


def test_staff_pages_are_not_limited(app, limited, manager, client):
    limited("SIGN_IN", "1/minute")
    limited("PUBLIC_PAGES", "1/minute")
    assert {client.get("/quan-tri/").status_code for _ in range(5)} == {200}
