"""Helpers that use the counter tablet the way a citizen's finger does, and read what it stored.

Kiosks are added in the demo's database through the services; the tablet pairs with the code
in its URL (`#pair=CODE`, as the admin page's QR code opens it). The page clock is Playwright's
and stands still unless a test moves it, so idle timers fire exactly when a test says.
"""

import os
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from time import monotonic, sleep
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session, selectinload

from kiosk.pairing import KioskSettings, add_kiosk, revoke_kiosk, update_kiosk_settings
from survey_app.core.extensions import db
from survey_app.models import Counter, Instrument, Kiosk, SurveyResponse, Ticket

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
DOCS = Path(__file__).resolve().parents[2] / "docs"
# A counter of the demo with two officers: the tablet asks who served the citizen.
TWO_OFFICER_COUNTER = "TTHCC-Q2"
FACTORS = ["TC", "TT", "CC", "KQ", "PA"]
OVERALL = "CHUNG"
STAFF_PIN = "2468"


@dataclass(frozen=True)
class NewKiosk:
    id: int
    pairing_code: str


def working_morning(days_back: int = 1) -> datetime:
    """09:00 local on a weekday `days_back` or more days ago: inside office hours."""
    day = date.today() - timedelta(days=days_back)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return datetime.combine(day, time(9, 0), ZONE)


def add_demo_kiosk(app, counter_code: str = TWO_OFFICER_COUNTER, **settings) -> NewKiosk:
    """A kiosk waiting for its tablet at a demo counter; `settings` change its defaults."""
    with app.app_context():
        counter = db.session.scalar(sa.select(Counter).where(Counter.code == counter_code))
        kiosk, code = add_kiosk(counter, name=f"Máy tính bảng {counter.code}", created_by=None)
        if settings:
            update_kiosk_settings(kiosk, _settings(kiosk, settings), by=None)
        new = NewKiosk(kiosk.id, code)
        db.session.remove()
        return new


def _settings(kiosk: Kiosk, changes: dict) -> KioskSettings:
    current = {
        "fixed_officer": kiosk.fixed_officer,
        "idle_seconds": kiosk.idle_seconds,
        "thanks_seconds": kiosk.thanks_seconds,
        "opens_at": kiosk.opens_at,
        "closes_at": kiosk.closes_at,
        "default_locale": kiosk.default_locale,
    }
    return KioskSettings(**(current | changes))


def revoke(app, kiosk_id: int) -> None:
    with app.app_context():
        revoke_kiosk(db.session.get(Kiosk, kiosk_id), by=None)
        db.session.remove()


@dataclass(frozen=True)
class StoredRating:
    client_ref: str
    submitted_at: datetime  # UTC
    answers: dict[str, int]
    officer_code: str | None
    comment: str


def stored_ratings(demo, kiosk_id: int) -> list[StoredRating]:
    """The kiosk's responses as stored, oldest first."""
    with Session(demo.engine) as session:
        responses = session.scalars(
            sa.select(SurveyResponse)
            .where(SurveyResponse.kiosk_id == kiosk_id)
            .options(
                selectinload(SurveyResponse.instrument).selectinload(Instrument.items),
                selectinload(SurveyResponse.officer),
            )
            .order_by(SurveyResponse.submitted_at, SurveyResponse.id)
        )
        return [
            StoredRating(
                response.client_ref,
                response.submitted_at,
                response.answer_values(),
                response.officer.code if response.officer else None,
                response.comment,
            )
            for response in responses
        ]


def wait_for_stored(demo, kiosk_id: int, count: int, seconds: float = 15) -> list[SurveyResponse]:
    """The kiosk's responses once there are `count` of them (or whatever is there at the end
    of the wait): the tablet sends in the background."""
    deadline = monotonic() + seconds
    while len(stored := stored_ratings(demo, kiosk_id)) < count and monotonic() < deadline:
        sleep(0.1)
    return stored


def call_back_tickets(demo, kiosk_id: int) -> list[Ticket]:
    with Session(demo.engine, expire_on_commit=False) as session:
        responses = sa.select(SurveyResponse.id).where(SurveyResponse.kiosk_id == kiosk_id)
        return list(session.scalars(sa.select(Ticket).where(Ticket.response_id.in_(responses))))


def open_kiosk(page: Page, demo, kiosk: NewKiosk, at: datetime | None = None) -> None:
    """Pair the tablet through its QR link at `at` (a working morning) and stop its clock."""
    open_at(page, f"{demo.base_url}/kiosk/#pair={kiosk.pairing_code}", at or working_morning())
    leave_pairing_confirmation(page)
    expect(screen(page, "attract")).to_be_visible()
    wait_for_service_worker(page)


def leave_pairing_confirmation(page: Page) -> None:
    """The tablet says pairing worked; whoever set it up taps "Bắt đầu"."""
    expect(screen(page, "paired")).to_be_visible()
    page.locator("#paired-start").click()


def open_at(page: Page, url: str, moment: datetime) -> None:
    """Open the page with its clock standing at `moment`: timers fire only when the test moves
    the clock on."""
    page.clock.install(time=moment - timedelta(seconds=1))
    page.clock.pause_at(moment)
    page.goto(url)


# A request to the server from the page, as the tablet's queue sends: true if it got an answer.
REACHES_SERVER = """() => fetch(document.body.dataset.api + "/kiosk/config", {
  cache: "no-store", credentials: "omit",
}).then(() => true, () => false)"""


def go_offline(page: Page, seconds: float = 10) -> None:
    """The tablet's network down, and seen to be down by the page's own requests: Chromium
    applies the offline state a moment later to what the service worker serves, and a rating
    tapped at once once reached the server (CI, 2026-12-08)."""
    page.context.set_offline(True)
    deadline = monotonic() + seconds
    while page.evaluate(REACHES_SERVER):
        assert monotonic() < deadline, "the page still reaches the server while offline"
        sleep(0.05)


def wait_for_service_worker(page: Page) -> None:
    """The app is cached and the page controlled: from now on it works offline."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def screen(page: Page, name: str):
    return page.locator(f"#s-{name}")


def current_screen(page: Page) -> str:
    return page.locator("body").get_attribute("data-screen")


def start(page: Page) -> None:
    screen(page, "attract").click()


def tap_face(page: Page, level: int) -> None:
    page.locator("section.screen:not([hidden]) .faces button").nth(level - 1).click()


def answer_factors(page: Page, levels: list[int | None]) -> None:
    """One tap per factor screen; None taps "Không có ý kiến"."""
    for level in levels:
        expect(screen(page, "question")).to_be_visible()
        if level is None:
            page.locator("#no-opinion").click()
        else:
            tap_face(page, level)


def rate(
    page: Page,
    factors: list[int | None],
    overall: int,
    *,
    officer: str | None = None,
    comment: str = "",
) -> None:
    """A citizen's whole rating from the attract screen to the overall face."""
    start(page)
    if current_screen(page) == "officer":
        if officer is None:
            page.locator("#skip-officer").click()
        else:
            page.locator("#officers button", has_text=officer).click()
    answer_factors(page, factors)
    expect(screen(page, "overall")).to_be_visible()
    if comment:
        page.locator("#comment").fill(comment)
    tap_face(page, overall)


def idle(page: Page, seconds: float) -> None:
    page.clock.fast_forward(int(seconds * 1000))


def queued(page: Page) -> list[dict]:
    """The ratings waiting in the tablet's IndexedDB queue, oldest first."""
    return [entry["rating"] for entry in tablet_store(page, "queue")]


def tablet_store(page: Page, store: str) -> list[dict]:
    """Everything in one of the tablet's IndexedDB stores (`queue` or `rejected`)."""
    return page.evaluate(
        """(store) => new Promise((resolve, reject) => {
            const opening = indexedDB.open("kiosk");
            opening.onerror = () => reject(opening.error);
            opening.onsuccess = () => {
                const request = opening.result.transaction(store).objectStore(store).getAll();
                request.onsuccess = () => resolve(request.result);
                request.onerror = () => reject(request.error);
            };
        })""",
        store,
    )


def evidence(page: Page, name: str) -> None:
    """Screenshots for docs/ only on request (SURVEY_SCREENSHOTS=1)."""
    if os.environ.get("SURVEY_SCREENSHOTS"):
        page.screenshot(path=DOCS / name)


def long_press(page: Page, target) -> None:
    target.hover()
    page.mouse.down()
    idle(page, 3)
    page.mouse.up()


def type_pin(page: Page, pin: str) -> None:
    for digit in pin:
        page.locator("#pin-keys button", has_text=re.compile(f"^{digit}$")).click()
    page.locator("#pin-form button[type=submit]").click()
