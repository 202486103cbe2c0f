"""The counter tablet on a 1024 × 768 landscape and a 768 × 1024 portrait tablet: every screen
and error state shows whole, without scrolling, with "Quay lại" and every answer in reach,
and its text still readable from arm's length."""

import pytest

from tests.helpers.kiosk_pages import evidence
from tests.helpers.kiosk_screens import (
    MIN_TARGET_PX,
    MIN_TEXT_PX,
    OUT_OF_VIEW,
    SMALL_THINGS,
    walk_screens,
)
from tests.helpers.survey_pages import SCALE_VI

pytestmark = pytest.mark.slow

SCALE_EN = ["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"]
# "Back", "No opinion" and the five answers, in each language of the tablet.
WORDS = {
    "vi": ("Quay lại", "Không có ý kiến", SCALE_VI),
    "en": ("Back", "No opinion", SCALE_EN),
}
SCREENS_WITH_BACK = {f"question {n}" for n in range(1, 6)} | {"officer", "overall"}


@pytest.mark.parametrize("locale", list(WORDS))
def test_every_screen_fits_the_tablet_without_scrolling(sized_kiosk_tablet, demo, demo_app, locale):
    page = sized_kiosk_tablet
    back, no_opinion, scale = WORDS[locale]
    misfits, buttons = {}, {}

    for name in walk_screens(page, demo, demo_app, locale):
        seen = page.evaluate(OUT_OF_VIEW)
        small = page.evaluate(SMALL_THINGS, [MIN_TEXT_PX, MIN_TARGET_PX])
        misfits[name] = seen["problems"] + small
        buttons[name] = seen["buttons"]
        if name == "overall" and locale == "vi":  # the screen that once ran off the tablet
            evidence(page, f"kiosk-{orientation(page)}.png")

    assert len(misfits) == 19
    assert {name: problems for name, problems in misfits.items() if problems} == {}
    for name in SCREENS_WITH_BACK:
        assert back in buttons[name], name
    for number in range(1, 6):
        assert set(scale) | {no_opinion} <= set(buttons[f"question {number}"])
    assert set(scale) <= set(buttons["overall"])


def orientation(page) -> str:
    size = page.viewport_size
    return "landscape" if size["width"] > size["height"] else "portrait"
