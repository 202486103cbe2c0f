"""Walking the counter tablet through every screen and error state, and what a screen must be
on a tablet: readable and tappable from arm's length, and whole without scrolling."""

import re
from collections.abc import Iterator

from playwright.sync_api import Page, expect

from tests.helpers.kiosk_pages import (
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

MIN_TEXT_PX = 24
MIN_TARGET_PX = 64

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

# What does not fit the viewport: a page taller or wider than the screen, an element of the
# shown screen reaching outside it, and buttons lying over each other. Also the names of the
# buttons checked, so a test can see "Quay lại" and the answers among them.
OUT_OF_VIEW = """() => {
    const [width, height] = [innerWidth, innerHeight];
    const page = document.documentElement;
    const problems = [];
    if (page.scrollHeight > height) problems.push(`page ${page.scrollHeight}px tall`);
    if (page.scrollWidth > width) problems.push(`page ${page.scrollWidth}px wide`);
    const shown = document.querySelector(".screen:not([hidden])");
    const visible = [...shown.querySelectorAll("*")].filter(
        (element) => element.checkVisibility() && element.getClientRects().length > 0,
    );
    const name = (element) => (element.id || element.textContent.trim()).slice(0, 40);
    for (const element of visible) {
        const box = element.getBoundingClientRect();
        if (box.top < 0 || box.left < 0 || box.bottom > height + 0.5 || box.right > width + 0.5) {
            problems.push(`${element.tagName.toLowerCase()} "${name(element)}" at ` +
                `${Math.round(box.left)},${Math.round(box.top)}–` +
                `${Math.round(box.right)},${Math.round(box.bottom)}`);
        }
    }
    const buttons = visible.filter((element) => element.matches("button"));
    const boxes = buttons.map((button) => button.getBoundingClientRect());
    boxes.forEach((a, i) => boxes.slice(i + 1).forEach((b, j) => {
        const overlap =
            a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        if (overlap) problems.push(`"${name(buttons[i])}" overlaps "${name(buttons[i + 1 + j])}"`);
    }));
    return { problems, buttons: buttons.map((button) => button.textContent.trim()) };
}"""


def walk_screens(page: Page, demo, demo_app, locale: str = "vi") -> Iterator[str]:
    """Every screen and error state of the tablet, in the order staff and citizens meet them;
    yields the name of each once it shows. `locale`: the tablet's language once paired."""
    # Long timeouts: a test may run axe, which needs the clock to run on each screen.
    kiosk = add_demo_kiosk(
        demo_app,
        staff_pin=STAFF_PIN,
        idle_seconds=300,
        thanks_seconds=60,
        default_locale=locale,
    )
    morning = working_morning()
    open_at(page, f"{demo.base_url}/kiosk/", morning)
    yield "pair"
    yield from pairing_errors(page)
    type_pairing_code(page, kiosk.pairing_code)
    yield from reach(page, "paired")
    page.locator("#paired-start").click()
    yield from reach(page, "attract")
    start(page)
    yield from reach(page, "officer")
    page.locator("#skip-officer").click()
    for number, level in enumerate((4, 3, 5, 4, 4), start=1):
        expect(page.locator("#question-step")).to_contain_text(f"{number}")
        yield from reach(page, "question", f"question {number}")
        tap_face(page, level)
    page.locator("#comment").fill("Phòng chờ nóng")
    yield from reach(page, "overall")
    yield from save_failure(page)
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


def type_pairing_code(page: Page, code: str) -> None:
    page.locator("#pair-code").fill("")
    for character in code:
        page.locator("#pair-keys button", has_text=re.compile(f"^{character}$")).click()
    page.locator("#pair-form button[type=submit]").click()


def pairing_errors(page: Page) -> Iterator[str]:
    """A code the server refuses, then any code while the network is down."""
    type_pairing_code(page, "ABCD2345")
    expect(page.locator("#pair-status")).to_have_text(re.compile(r"\w+[^…]$"))
    yield "pair refused"
    page.context.set_offline(True)
    page.locator("#pair-form button[type=submit]").click()
    expect(page.locator("#pair-status")).not_to_have_text(re.compile("…$"))
    yield "pair offline"
    page.context.set_offline(False)


def save_failure(page: Page) -> Iterator[str]:
    """The tablet's storage refuses the rating (full disk): the overall screen says so."""
    page.evaluate(
        """() => {
            window.keptAdd = IDBObjectStore.prototype.add;
            IDBObjectStore.prototype.add = () => {
                throw new DOMException("full", "QuotaExceededError");
            };
        }"""
    )
    tap_face(page, 5)
    expect(page.locator("#overall-status")).not_to_be_empty()
    yield "overall save failed"
    page.evaluate("() => { IDBObjectStore.prototype.add = window.keptAdd; }")


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


def reach(page: Page, screen_name: str, state: str | None = None) -> Iterator[str]:
    expect(screen(page, screen_name)).to_be_visible()
    yield state or screen_name
