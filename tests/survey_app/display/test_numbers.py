"""Figures rounded as a reader rounds them: halves away from zero, on the number as written."""

from decimal import Decimal

import pytest
from flask_babel import force_locale

from survey_app.display.numbers import as_pattern, figure, rounded, rounded_float


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (3.125, 2, "3.13"),  # 1 of 32 responses: Babel's half to even gave 3.12
        (12.345, 2, "12.35"),  # the binary number is 12.3449…: round() gave 12.34
        (66.665, 2, "66.67"),
        (0.285, 2, "0.29"),
        (6.25, 1, "6.3"),  # 1 of 16 responses
        (2.5, 0, "3"),
        (-2.5, 0, "-3"),  # away from zero, as Excel's ROUND
        (87.5, 2, "87.50"),
        (100, 1, "100.0"),
        (1e-7, 2, "0.00"),
    ],
)
def test_rounded_takes_halves_away_from_zero(value, places, expected):
    assert rounded(value, places) == Decimal(expected)
    assert str(rounded(value, places)) == expected


def test_a_figure_for_export_stays_a_number():
    assert rounded_float(3.125, 2) == 3.13
    assert rounded_float(None, 2) is None


def test_a_pattern_leaves_nothing_for_babel_to_round(app):
    assert as_pattern(6.25, "0.0") == Decimal("6.3")
    assert as_pattern(1234.5, "#,##0") == Decimal("1235")
    with app.test_request_context(), force_locale("vi"):
        assert figure(3.125, "0.00") == "3,13"
        assert figure(6.25) == "6,3"
    with app.test_request_context(), force_locale("en"):
        assert figure(6.25) == "6.3"
