"""Whole numbers that come from a URL or a form, bounded before they reach a query.

Python's int has no limit; SQLite stops at 2**63 - 1 (OverflowError, a 500) and PostgreSQL's
integer columns at 2**31 - 1. Every id and page number from outside passes through here, and
the `int` URL converter of the app is replaced by one with the same bounds.
"""

from flask import abort, request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL's integer, which every id column is
MAX_PAGE = 100_000  # far past the last page of any list; the offset stays small


def id_or_none(raw: str | None) -> int | None:
    """The id written in `raw` (ASCII digits only, within MAX_ID), or None."""
    if not raw or not raw.isascii() or not raw.isdigit() or len(raw) > len(str(MAX_ID)):
        return None
    number = int(raw)
    return number if 0 < number <= MAX_ID else None


def page_number(name: str = "page") -> int:
    """The page asked for in the query string (the first if none or not a number); a number
    past MAX_PAGE is a page that does not exist."""
    raw = request.args.get(name, "")
    if not raw.isascii() or not raw.isdigit():
        return 1
    if len(raw) > len(str(MAX_PAGE)) or int(raw) > MAX_PAGE:
        abort(404)
    return max(int(raw), 1)


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in a route: an id up to MAX_ID, anything bigger is simply not found."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app) -> None:
    app.url_map.converters["int"] = BoundedIntConverter
