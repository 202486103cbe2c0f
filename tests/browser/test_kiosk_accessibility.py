"""Every kiosk screen read from arm's length and by a screen reader: axe-core finds no serious
or critical violation, text is at least 24 px and every target at least 64 × 64 px."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.helpers.kiosk_screens import MIN_TARGET_PX, MIN_TEXT_PX, SMALL_THINGS, walk_screens

pytestmark = pytest.mark.slow

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = {"serious", "critical"}

RUN_AXE = """async () => {
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((violation) => ({
        id: violation.id,
        impact: violation.impact,
        nodes: violation.nodes.map((node) => node.target.join(" ")),
    }));
}"""


def run_axe(page: Page) -> list[dict]:
    """axe waits on timers: the page clock runs for it (a second or two, well within the
    kiosk's timeouts here), then stands still again."""
    page.clock.resume()
    try:
        return page.evaluate(RUN_AXE)
    finally:
        page.clock.pause_at(page.evaluate("() => Date.now()") / 1000 + 2)


def test_no_screen_has_a_serious_accessibility_violation(kiosk_tablet, demo, demo_app):
    page = kiosk_tablet
    page.add_init_script(path=str(AXE))
    found = {}

    for name in walk_screens(page, demo, demo_app):
        violations = run_axe(page)
        found[name] = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]

    assert {"paired", "attract", "question 1", "callback", "thanks"} <= found.keys()
    assert {name: problems for name, problems in found.items() if problems} == {}


def test_every_screen_is_readable_and_tappable_from_arms_length(kiosk_tablet, demo, demo_app):
    page = kiosk_tablet
    found = {}

    for name in walk_screens(page, demo, demo_app):
        found[name] = page.evaluate(SMALL_THINGS, [MIN_TEXT_PX, MIN_TARGET_PX])

    assert len(found) == 19
    assert {name: problems for name, problems in found.items() if problems} == {}


def test_faces_are_named_by_their_words_for_screen_readers(kiosk_tablet, demo, demo_app):
    page = kiosk_tablet
    screens = walk_screens(page, demo, demo_app)
    while next(screens) != "question 1":
        pass

    faces = page.get_by_role("group", name="Tiếp cận dịch vụ").get_by_role("button")

    expect(faces).to_have_count(5)
    expect(page.get_by_role("button", name="Rất không hài lòng", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Rất hài lòng", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tiếp cận dịch vụ")
