"""A request's rate-limit counters go to Redis together, in one round trip, and count and refuse
as Flask-Limiter's one-by-one hits did: in its order, stopping at the first limit exceeded."""

import os
import socket
import uuid

import pytest
import redis
from limits.storage import RedisStorage

from survey_app.core.config import DEFAULT_RATE_LIMITS
from survey_app.core.extensions import db
from survey_app.core.limit_batch import INCR_UNTIL_EXCEEDED
from survey_app.core.limits import EXTENSION_KEY
from tests.helpers.app import make_test_app

REDIS_URL = "redis://127.0.0.1:6379/0"


def require_redis() -> None:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            if connection.recv(16).startswith(b"+PONG"):
                return
    except OSError:
        pass
    reason = "Redis is not reachable at 127.0.0.1:6379 (apt-get install redis-server)"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; under CI the Redis tests must run")
    pytest.skip(reason)


@pytest.fixture
def limited_app(app, database_url):
    """Another app on the test database (`app` made its tables), counting in Redis with the
    amounts given; closed after."""
    made = []

    def make(storage_url: str = REDIS_URL, **amounts):
        app = make_test_app(
            database_url,
            SURVEY_RATELIMIT_ENABLED=True,
            SURVEY_RATELIMIT_STORAGE_URL=storage_url,
            SURVEY_RATELIMITS=DEFAULT_RATE_LIMITS | amounts,
        )
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.engine.dispose()


def post_ratings(app, device: str, times: int, address: str = "127.0.0.1") -> list[int]:
    """A tablet sending ratings with a token that opens nothing (401): counted all the same."""
    headers = {"Authorization": f"Bearer kt_{device}_not-the-secret"}
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return [
        client.post("/api/v1/responses", json={}, headers=headers).status_code for _ in range(times)
    ]


def test_a_kiosk_request_counts_its_two_limits_in_one_round_trip(limited_app, monkeypatch):
    require_redis()
    app = limited_app(KIOSK_DEVICE="3/minute", KIOSK_CLIENT="1000/minute")
    single_hits = []
    incr = RedisStorage.incr
    monkeypatch.setattr(
        RedisStorage,
        "incr",
        lambda self, key, *a, **k: single_hits.append(key) or incr(self, key, *a, **k),
    )
    device = uuid.uuid4().hex[:8]  # counted from zero in the shared Redis
    address = f"198.51.100.{uuid.uuid4().int % 250 + 1}"
    stored = redis.Redis.from_url(REDIS_URL)
    for key in stored.keys(f"*/{address}/*"):
        stored.delete(key)
    # A Redis that has the script, as after the first request: another test (or a run before
    # this one) may have flushed it, and loading it again is a round trip of its own.
    stored.script_load(INCR_UNTIL_EXCEEDED)
    commands = []
    execute = redis.Redis.execute_command
    monkeypatch.setattr(
        redis.Redis,
        "execute_command",
        lambda self, *a, **k: commands.append(a[0]) or execute(self, *a, **k),
    )

    assert post_ratings(app, device, 4, address) == [401, 401, 401, 429]
    assert single_hits == []
    assert commands == ["EVALSHA"] * 4 + ["TTL"]  # the refusal's Retry-After read its counter
    monkeypatch.undo()
    counters = {key.decode(): int(stored.get(key)) for key in stored.keys(f"*device:{device}*")}
    assert list(counters.values()) == [4]
    # The refused request stopped at the device's limit, as Flask-Limiter stops at the first.
    (client_key,) = stored.keys(f"*/{address}/kiosk-client/*")
    assert int(stored.get(client_key)) == 3


def test_a_refusal_tells_when_the_counter_refused_starts_again(limited_app):
    require_redis()
    app = limited_app(KIOSK_DEVICE="1/hour", KIOSK_CLIENT="1000/minute")
    device = uuid.uuid4().hex[:8]
    headers = {"Authorization": f"Bearer kt_{device}_not-the-secret"}
    client = app.test_client()
    assert client.post("/api/v1/responses", json={}, headers=headers).status_code == 401
    refused = client.post("/api/v1/responses", json={}, headers=headers)
    assert refused.status_code == 429
    assert refused.json["error"] == "too_many_requests"
    assert 3590 < int(refused.headers["Retry-After"]) <= 3601  # the hour's window, not a minute


def test_redis_restarted_empty_gets_the_script_again(limited_app):
    require_redis()
    app = limited_app(KIOSK_DEVICE="2/minute", KIOSK_CLIENT="1000/minute")
    redis.Redis.from_url(REDIS_URL).script_flush()
    assert post_ratings(app, uuid.uuid4().hex[:8], 3) == [401, 401, 429]


def test_the_address_budget_still_counts_every_device(limited_app):
    require_redis()
    app = limited_app(KIOSK_DEVICE="1000/minute", KIOSK_CLIENT="2/minute")
    address = f"198.51.100.{uuid.uuid4().int % 250 + 1}"
    stored = redis.Redis.from_url(REDIS_URL)
    for key in stored.keys(f"*client:{address}/*"):  # counted from zero
        stored.delete(key)
    statuses = []
    for _ in range(3):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        headers = {"Authorization": f"Bearer kt_{uuid.uuid4().hex[:8]}_x"}
        statuses.append(client.post("/api/v1/responses", json={}, headers=headers).status_code)
    assert statuses == [401, 401, 429]


def test_without_redis_each_worker_counts_in_its_memory(limited_app):
    app = limited_app("redis://127.0.0.1:1/0", KIOSK_DEVICE="2/minute", KIOSK_CLIENT="1000/minute")

    assert post_ratings(app, uuid.uuid4().hex[:8], 3) == [401, 401, 429]
    assert app.extensions[EXTENSION_KEY]._storage_dead
