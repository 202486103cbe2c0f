"""The tablet loses no rating: offline it queues them in IndexedDB and the service worker keeps
the app; back online the queue drains, each rating once, with the time of its tap."""

import json
import re
from datetime import UTC, timedelta
from time import monotonic, sleep

import pytest
from playwright.sync_api import Page, expect

from tests.helpers.kiosk_pages import (
    add_demo_kiosk,
    go_offline,
    idle,
    open_kiosk,
    queued,
    rate,
    revoke,
    screen,
    stored_ratings,
    tablet_store,
    wait_for_stored,
    working_morning,
)

pytestmark = pytest.mark.slow

APP_FILES = re.compile(r'"GET /(kiosk/|static/kiosk/)')


def rate_and_finish(page: Page, number: int) -> None:
    """A satisfied citizen (no call-back offer); the thank-you screen runs out."""
    rate(page, [4 + (number + factor) % 2 for factor in range(5)], 4 + number % 2)
    expect(screen(page, "thanks")).to_be_visible()
    idle(page, 8)
    expect(screen(page, "attract")).to_be_visible()


def wait_for_empty_queue(page: Page, seconds: float = 15) -> list[dict]:
    deadline = monotonic() + seconds
    while (left := queued(page)) and monotonic() < deadline:
        sleep(0.1)
    return left


def test_twenty_ratings_given_offline_survive_a_reload_and_are_stored_once_back_online(
    kiosk_tablet, demo, demo_app
):
    page = kiosk_tablet
    kiosk = add_demo_kiosk(demo_app)
    # Three weeks ago, five minutes apart: stored times must be the taps', not the sending's.
    first = working_morning(days_back=21)
    moments = [first + timedelta(minutes=5 * number) for number in range(20)]
    open_kiosk(page, demo, kiosk, at=first - timedelta(minutes=10))
    go_offline(page)
    log_start = len(demo.output)

    for number, moment in enumerate(moments):
        if number == 12:
            page.reload()  # the service worker serves the app from its cache
            expect(screen(page, "attract")).to_be_visible()
        page.clock.pause_at(moment)
        rate_and_finish(page, number)

    waiting = queued(page)
    assert len(waiting) == 20 and stored_ratings(demo, kiosk.id) == []
    assert not APP_FILES.search(demo.log_since(log_start)), "the server saw the offline tablet"
    page.context.set_offline(False)

    stored = wait_for_stored(demo, kiosk.id, 20)
    assert wait_for_empty_queue(page) == []
    assert len(stored) == 20
    assert [rating.submitted_at for rating in stored] == [m.astimezone(UTC) for m in moments]
    assert sorted(rating.client_ref for rating in stored) == sorted(r["id"] for r in waiting)


def test_a_revoked_tablet_stops_sending_and_keeps_its_queue(kiosk_tablet, demo, demo_app):
    page = kiosk_tablet
    kiosk = add_demo_kiosk(demo_app)
    open_kiosk(page, demo, kiosk)
    go_offline(page)
    for number in range(3):
        rate_and_finish(page, number)
    revoke(demo_app, kiosk.id)

    page.context.set_offline(False)

    expect(screen(page, "revoked")).to_be_visible()
    expect(page.locator("#revoked-text")).to_contain_text("3")
    page.reload()
    expect(screen(page, "revoked")).to_be_visible()
    assert len(queued(page)) == 3
    assert stored_ratings(demo, kiosk.id) == []


def test_a_tablet_revoked_while_resting_stops_at_its_next_settings_check(
    kiosk_tablet, demo, demo_app
):
    page = kiosk_tablet
    kiosk = add_demo_kiosk(demo_app)
    open_kiosk(page, demo, kiosk)
    revoke(demo_app, kiosk.id)
    expect(screen(page, "attract")).to_be_visible()

    idle(page, 11 * 60)

    expect(screen(page, "revoked")).to_be_visible()


def test_a_rating_the_server_refuses_is_kept_apart_and_the_queue_goes_on(
    kiosk_tablet, demo, demo_app
):
    page = kiosk_tablet
    kiosk = add_demo_kiosk(demo_app)
    open_kiosk(page, demo, kiosk)
    refusal = {"errors": {"submitted_at": "Older than 90 days: too late to count."}}
    page.route("**/api/v1/responses", lambda route: route.fulfill(status=422, json=refusal))
    rate_and_finish(page, 0)
    assert wait_for_empty_queue(page) == []
    page.unroute("**/api/v1/responses")

    rate_and_finish(page, 1)

    [stored] = wait_for_stored(demo, kiosk.id, 1)
    [refused] = tablet_store(page, "rejected")
    assert refused["rating"]["id"] != stored.client_ref
    assert refused["status"] == 422
    assert json.loads(refused["reason"]) == refusal


def test_a_server_error_is_retried_after_a_pause(kiosk_tablet, demo, demo_app):
    page = kiosk_tablet
    kiosk = add_demo_kiosk(demo_app)
    open_kiosk(page, demo, kiosk)
    failures = []

    def fail_once(route):
        if failures:
            route.fallback()
        else:
            failures.append(route.request.url)
            route.fulfill(status=503, json={"error": "unavailable", "retry": True})

    page.route("**/api/v1/responses", fail_once)
    with page.expect_response("**/api/v1/responses"):
        rate(page, [5, 5, 5, 5, 5], 5)
    expect(screen(page, "thanks")).to_be_visible()
    assert len(queued(page)) == 1

    # The first pause lasts at most 2 s; the clock may move on before the tablet has read
    # the error, so it moves in steps.
    for _ in range(3):
        idle(page, 2)
        if stored := wait_for_stored(demo, kiosk.id, 1, seconds=1):
            break

    assert len(stored) == 1 and len(failures) == 1
    assert wait_for_empty_queue(page) == []
