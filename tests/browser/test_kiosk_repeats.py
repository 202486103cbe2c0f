"""The tablet's half of the kiosk repeat filter, in a real browser: the same full rating again
within the thank-you screen plus the unit's window is sent marked as a repeat, stored and not
counted; after the window the same rating counts again."""

import json

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from survey_app.models import SurveyResponse
from tests.helpers.kiosk_pages import (
    add_demo_kiosk,
    idle,
    open_kiosk,
    rate,
    screen,
    wait_for_stored,
)

pytestmark = pytest.mark.slow

FACTORS = [5, 4, 5, 4, 5]


def test_a_child_tapping_the_same_rating_again_counts_once(kiosk_tablet, demo, demo_app):
    page = kiosk_tablet
    kiosk = add_demo_kiosk(demo_app)
    sent = []
    page.on(
        "request",
        lambda request: (
            sent.append(json.loads(request.post_data))
            if request.method == "POST" and request.url.endswith("/api/v1/responses")
            else None
        ),
    )
    open_kiosk(page, demo, kiosk)

    for pause in (8, 8, 8 + 10 + 1):  # thank-you screen, then (last) past the repeat window
        rate(page, FACTORS, 5, officer="Phạm Văn Đức")
        expect(screen(page, "thanks")).to_be_visible()
        idle(page, pause)
        expect(screen(page, "attract")).to_be_visible()
    rate(page, FACTORS, 5, officer="Phạm Văn Đức")
    expect(screen(page, "thanks")).to_be_visible()

    stored = wait_for_stored(demo, kiosk.id, 4)
    assert len(stored) == 4
    expect(screen(page, "thanks")).to_be_visible()  # a Playwright call: the request events run
    marks = [body.get("repeat", False) for body in sent]
    assert marks == [False, True, True, False]
    with demo.engine.connect() as connection:
        held = connection.execute(
            sa.select(SurveyResponse.held, sa.func.count())
            .where(SurveyResponse.kiosk_id == kiosk.id)
            .group_by(SurveyResponse.held)
        ).all()
    assert dict(held) == {False: 2, True: 2}
