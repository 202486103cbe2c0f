"""Every kiosk screen read from arm's length and by a screen reader: axe-core finds no serious
or critical violation, text is at least 24 px and every target at least 64 × 64 px."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.kiosk_pages import (
    STAFF_PIN,
    add_demo_kiosk,
    idle,
    open_at,
    revoke,
    screen,
    start,
    tap_face,
    working_morning,
)

pytestmark = pytest.mark.slow

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = {"serious", "critical"}
MIN_TEXT_PX = 24
MIN_TARGET_PX = 64

RUN_AXE = """async () => {
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((violation) => ({
        id: violation.id,
        impact: violation.impact,
        nodes: violation.nodes.map((node) => node.target.join(" ")),
    }));
}"""

# Visible text smaller than the minimum, and visible controls smaller than a fingertip.
SMALL_THINGS = """([minText, minTarget]) => {
    const shown = (element) => element.checkVisibility() && element.getClientRects().length > 0;
    const problems = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const parent = walker.currentNode.parentElement;
        if (!walker.currentNode.textContent.trim() || !shown(parent)) continue;
        const size = parseFloat(getComputedStyle(parent).fontSize);
        const text = walker.currentNode.textContent.trim();
        if (size < minText) problems.push(`text ${size}px: ${text}`);
    }
    for (const control of document.querySelectorAll("button, input, textarea")) {
        const box = control.getBoundingClientRect();
        const name = control.id || control.textContent;
        if (shown(control) && Math.min(box.width, box.height) < minTarget) {
            problems.push(`target ${Math.round(box.width)}×${Math.round(box.height)}: ${name}`);
        }
    }
    return problems;
}"""


def walk_screens(page: Page, demo, demo_app) -> Iterator[str]:
    """Every screen of the tablet, in the order staff and citizens meet them."""
    # Long timeouts: axe needs the clock to run for a moment on each screen.
    kiosk = add_demo_kiosk(demo_app, staff_pin=STAFF_PIN, idle_seconds=300, thanks_seconds=60)
    morning = working_morning()
    open_at(page, f"{demo.base_url}/kiosk/", morning)
    yield "pair"
    for character in kiosk.pairing_code:
        page.locator("#pair-keys button", has_text=re.compile(f"^{character}$")).click()
    page.locator("#pair-form button[type=submit]").click()
    yield from reach(page, "attract")
    start(page)
    yield from reach(page, "officer")
    page.locator("#skip-officer").click()
    yield from reach(page, "question")
    for level in (4, 3, 5, 4, 4):
        tap_face(page, level)
    page.locator("#comment").fill("Phòng chờ nóng")
    yield from reach(page, "overall")
    tap_face(page, 2)
    for digit in "0912":
        page.locator("#phone-keys button", has_text=re.compile(f"^{digit}$")).click()
    yield from reach(page, "callback")
    page.locator("#callback-no").click()
    yield from reach(page, "thanks")
    page.locator("#thanks-done").click()
    yield from staff_screens(page)
    page.clock.pause_at(morning.replace(hour=18))
    idle(page, 30)
    yield from reach(page, "closed")
    revoke(demo_app, kiosk.id)
    idle(page, 11 * 60)
    yield from reach(page, "revoked")


def staff_screens(page: Page) -> Iterator[str]:
    page.locator("#staff-corner").hover()
    page.mouse.down()
    idle(page, 3)
    page.mouse.up()
    yield from reach(page, "pin")
    for digit in STAFF_PIN:
        page.locator("#pin-keys button", has_text=re.compile(f"^{digit}$")).click()
    page.locator("#pin-form button[type=submit]").click()
    yield from reach(page, "staff")
    page.locator("#staff-close").click()


def reach(page: Page, name: str) -> Iterator[str]:
    expect(screen(page, name)).to_be_visible()
    yield name


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

    assert {"attract", "question", "callback", "thanks"} <= found.keys()
    assert {name: problems for name, problems in found.items() if problems} == {}


def test_every_screen_is_readable_and_tappable_from_arms_length(kiosk_tablet, demo, demo_app):
    page = kiosk_tablet
    found = {}

    for name in walk_screens(page, demo, demo_app):
        found[name] = page.evaluate(SMALL_THINGS, [MIN_TEXT_PX, MIN_TARGET_PX])

    assert len(found) == 11
    assert {name: problems for name, problems in found.items() if problems} == {}


def test_faces_are_named_by_their_words_for_screen_readers(kiosk_tablet, demo, demo_app):
    page = kiosk_tablet
    screens = walk_screens(page, demo, demo_app)
    while next(screens) != "question":
        pass

    faces = page.get_by_role("group", name="Tiếp cận dịch vụ").get_by_role("button")

    expect(faces).to_have_count(5)
    expect(page.get_by_role("button", name="Rất không hài lòng", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Rất hài lòng", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tiếp cận dịch vụ")
