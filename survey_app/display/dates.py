"""Dates as the administration writes them, in one place for every page.

Vietnamese documents write a date in a sentence as "ngày 06 tháng 12 năm 2026" and in a table
as "06/12/2026", always with two-digit day and month and a four-digit year; Babel's own
Vietnamese formats give "ngày 6 tháng 12, 2026" and a two-digit year, so the patterns are
spelled out here. English keeps an English form. A datetime is shown in the survey's time
zone (Flask-Babel converts it); a date is shown as it is.
"""

from datetime import date, datetime

from flask import Flask
from flask_babel import format_date, format_datetime, get_locale

# Babel date patterns: text in single quotes is printed as it is.
PATTERNS = {
    "vi": {
        "long": "'ngày' dd 'tháng' MM 'năm' yyyy",
        "short": "dd/MM/yyyy",
        "short_time": "dd/MM/yyyy HH:mm",
        "long_time": "HH:mm 'ngày' dd 'tháng' MM 'năm' yyyy",
    },
    "en": {
        "long": "d MMMM yyyy",
        "short": "d MMM yyyy",
        "short_time": "d MMM yyyy, HH:mm",
        "long_time": "HH:mm 'on' d MMMM yyyy",
    },
}
DEFAULT_LANGUAGE = "vi"


def _pattern(kind: str) -> str:
    language = get_locale().language if get_locale() else DEFAULT_LANGUAGE
    return PATTERNS.get(language, PATTERNS[DEFAULT_LANGUAGE])[kind]


def _format(value: date | datetime, kind: str) -> str:
    if isinstance(value, datetime):
        return format_datetime(value, _pattern(kind))
    return format_date(value, _pattern(kind))


def long_date(value: date | datetime) -> str:
    """For a sentence: "ngày 06 tháng 12 năm 2026" / "6 December 2026"."""
    return _format(value, "long")


def short_date(value: date | datetime) -> str:
    """For a table or a badge: "06/12/2026" / "6 Dec 2026"."""
    return _format(value, "short")


def short_datetime(value: datetime) -> str:
    """A moment in a table: "06/12/2026 14:05" / "6 Dec 2026, 14:05"."""
    return _format(value, "short_time")


def long_datetime(value: datetime) -> str:
    """A moment in a sentence: "17:00 ngày 06 tháng 12 năm 2026" / "17:00 on 6 December 2026"."""
    return _format(value, "long_time")


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        long_date=long_date,
        short_date=short_date,
        short_datetime=short_datetime,
        long_datetime=long_datetime,
    )
