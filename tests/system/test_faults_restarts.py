"""Faults in the middle of a load: PostgreSQL restarted, a gunicorn worker killed.

A private PostgreSQL cluster (never the machine's shared one) and the real app under gunicorn;
phones post the QR form and tablets post to the kiosk API, each rating with its own id, and a
rating that fails is sent again with the same id. Afterwards every rating is stored exactly
once: none lost, none doubled, nothing else stored.
"""

import os
import signal
import time

import pytest

from tests.helpers.raters import RatingLoad, serve, stored_ref_counts, summary

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

WORKERS = 3
LOAD_BEFORE_SECONDS = 3
LOAD_AFTER_SECONDS = 4


@pytest.fixture
def server(deployment, tmp_path):
    with serve(deployment, tmp_path, WORKERS) as server:
        yield server


def run_with_fault(deployment, server, fault) -> tuple[RatingLoad, dict, float]:
    """Load, the fault, more load; then (the load, the ids stored meanwhile, the fault's end)."""
    stored_before = stored_ref_counts(deployment.database_url)
    load = RatingLoad(server.base_url, deployment).start()
    try:
        time.sleep(LOAD_BEFORE_SECONDS)
        fault()
        fault_over = time.monotonic()
        time.sleep(LOAD_AFTER_SECONDS)
    finally:
        load.stop()
    stored = stored_ref_counts(deployment.database_url) - stored_before
    print(summary(load))  # shown with -rP: how much the fault disturbed
    return load, stored, fault_over


def assert_each_rating_stored_once(load: RatingLoad, stored, server) -> None:
    sent = {delivery.id for delivery in load.deliveries}
    assert not load.refused(), f"{summary(load)}\n{server.errors()[-8000:]}"
    assert load.accepted_ids() == sent, f"some ratings never got through: {summary(load)}"
    assert set(stored) == sent, summary(load)
    assert max(stored.values()) == 1, f"a rating was stored twice: {summary(load)}"


def test_a_postgres_restart_mid_run_stores_every_rating_exactly_once(cluster, deployment, server):
    load, stored, restarted_at = run_with_fault(deployment, server, cluster.restart)
    assert_each_rating_stored_once(load, stored, server)
    assert load.retried(), f"the restart should have failed some requests: {summary(load)}"
    assert any(d.accepted_at > restarted_at for d in load.deliveries), summary(load)


def test_a_worker_killed_mid_request_stores_every_rating_exactly_once(deployment, server):
    victim = server.worker_pids()[0]
    load, stored, killed_at = run_with_fault(
        deployment, server, lambda: os.kill(victim, signal.SIGKILL)
    )
    assert_each_rating_stored_once(load, stored, server)
    assert any(d.accepted_at > killed_at for d in load.deliveries), summary(load)
    workers = server.worker_pids()
    assert victim not in workers and len(workers) == WORKERS, server.errors()[-3000:]
