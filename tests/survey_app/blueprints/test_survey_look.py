"""What the survey page shows besides its questions: where the citizen is in it (no script
needed) and rating options whose borders can be seen (WCAG 1.4.11: 3:1 for UI components)."""

import re
from pathlib import Path

import pytest

from tests.helpers.builders import make_counter, survey_code_of
from tests.helpers.survey_pages import open_survey

CSS = Path(__file__).resolve().parents[3] / "static/css/survey.css"
UI_COMPONENT_CONTRAST = 3.0


def rule(selector: str) -> str:
    """The declarations of the rule (one per line) whose selector list is exactly `selector`."""
    found = re.search(r"(?m)^" + re.escape(selector) + r"\{([^}]*)\}", CSS.read_text())
    assert found, f"no rule for {selector}"
    return found.group(1)


def colour(declarations: str, prop: str) -> str:
    """The colour of `prop`, as #rrggbb (a short #rgb is spelled out)."""
    value = re.search(rf"(?:^|;){prop}:([^;]*)", declarations).group(1)
    found = re.search(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b", value).group(1)
    return "#" + (found if len(found) == 6 else "".join(c * 2 for c in found))


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_contrast_formula_matches_wcag_examples():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#b9bdc4", "#ffffff") == pytest.approx(1.89, abs=0.01)  # the old border


@pytest.mark.parametrize(
    ("selector", "prop"),
    [(".scale span", "border"), (".na", "border"), ("textarea", "border")],
)
def test_unselected_options_and_boxes_have_visible_borders(selector, prop):
    background = colour(rule("section"), "background")
    border = colour(rule(selector), prop)
    assert contrast(border, background) >= UI_COMPONENT_CONTRAST
    page_background = colour(rule("body"), "background")
    assert contrast(border, page_background) >= UI_COMPONENT_CONTRAST


def test_each_part_says_where_the_citizen_is(client, app):
    _, page = open_survey(client, survey_code_of(make_counter()))
    parts = page.select("form section header.part")
    steps = [part.select_one(".step").get_text() for part in parts]
    assert steps == [f"Phần {n}/6" for n in range(1, 7)]
    bars = [(bar["value"], bar["max"]) for bar in page.select("header.part progress")]
    assert bars == [(str(n), "6") for n in range(1, 7)]
    assert parts[-1].h2.get_text() == "Đánh giá chung"
    assert not page.select("script")


def test_the_parts_count_the_instruments_own_sections(client, app):
    _, page = open_survey(client, survey_code_of(make_counter()), lang="en")
    assert page.select_one("header.part .step").get_text() == "Part 1 of 6"
