"""Figures rounded as a reader rounds them, alike in every page and export of a report.

Half away from zero, on the number as written (its shortest decimal form): 3.125 gives 3.13 and
12.345 gives 12.35, as a calculator, Excel's ROUND and the workbook's number formats show them.
Babel's formats round half to even (3.12), and Python's round() rounds the binary number (12.345
is 12.3449…, so 12.34): a report's PDF, its CSV and its workbook disagreed on such figures, and
the one a leader signs must agree with the one an officer opens.
"""

from decimal import ROUND_HALF_UP, Decimal

from flask import Flask
from flask_babel import format_decimal


def rounded(value: float, places: int) -> Decimal:
    """`value` to `places` decimals, halves away from zero."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def rounded_float(value: float | None, places: int) -> float | None:
    """rounded() for a figure stored or exported as a number (None stays None)."""
    return None if value is None else float(rounded(value, places))


def as_pattern(value: float, pattern: str) -> Decimal:
    """`value` rounded to the decimals of a Babel pattern ("0.00": two), so the pattern's own
    rounding has nothing left to round."""
    return rounded(value, len(pattern.partition(".")[2]))


def figure(value: float, pattern: str = "0.0") -> str:
    """A figure in the request's language ("87,5" in Vietnamese): the pages' `figure` filter, and
    the text of the reports and charts."""
    return format_decimal(as_pattern(value, pattern), pattern)


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(figure=figure)
