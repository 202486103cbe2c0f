"""Finding tickets in the office queue: by tracking code, by the citizen's phone number, by words
of the complaint; and the queue one page at a time.

A handler on the phone types what the citizen reads out: a tracking code ("K7M2-QX9P-4T" or in
lower case), a phone number in any common form ("0912 345 678", "+84 912.345.678"), or a few
words. One box finds all three. The code is matched exactly (the unique index); a phone number
by its last nine digits, so 0912… and +84 912… are the same number (Vietnamese mobile and
landline numbers are nine digits after the 0 or +84); words anywhere in the complaint. The
phone and the words are read within the user's units (the queue's indexed unit filter); the
contact data itself is shown only where it already was, on the ticket's page.
"""

import math
import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from survey_app.core.extensions import db
from survey_app.models import Ticket

PHONE_DIGITS = 9  # the subscriber number, without 0 or +84
PAGE_SIZE = 50
MAX_PAGE = 10_000  # 500,000 tickets: past any unit's history, and a bounded OFFSET
_CODE_SEPARATORS = re.compile(r"[\s-]+")
_PHONE_TEXT = re.compile(r"\+?[0-9 .()-]+")
_PHONE_PUNCTUATION = " .()-+"  # what PHONE_PATTERN lets a stored number contain
SNIPPET_LENGTH = 120
CODE_MAX_LENGTH = Ticket.code.type.length


def search_condition(search: str) -> sa.ColumnElement[bool]:
    """A ticket matches by its code, its phone number or its text. A tracking code that
    exists is all the handler wants: then only the code is matched, through its index,
    instead of reading every ticket's text too."""
    search = search.strip()
    if code := _existing_code(search):
        return Ticket.code == code
    found = [_words(search)]
    digits = re.sub(r"\D", "", search)
    if _PHONE_TEXT.fullmatch(search) and len(digits) >= PHONE_DIGITS:
        found.append(_phone_digits().endswith(digits[-PHONE_DIGITS:], autoescape=True))
    return sa.or_(*found)


def _existing_code(search: str) -> str | None:
    """The tracking code the search spells (any case, with spaces or dashes), if a ticket has
    it; which unit's it is, the queue's unit filter decides."""
    code = _CODE_SEPARATORS.sub("", search).upper()
    if not (code.isascii() and code.isalnum() and len(code) <= CODE_MAX_LENGTH):
        return None
    found = db.session.scalar(sa.select(Ticket.id).where(Ticket.code == code))
    return code if found is not None else None


def _words(search: str) -> sa.ColumnElement[bool]:
    """The text as typed or in lower case (SQLite lowers only ASCII letters: Đ stays Đ)."""
    return sa.or_(
        Ticket.content.contains(search, autoescape=True),
        sa.func.lower(Ticket.content).contains(search.lower(), autoescape=True),
    )


def _phone_digits() -> sa.ColumnElement[str]:
    """The stored phone number with its punctuation taken out, in SQL."""
    digits = sa.func.coalesce(Ticket.contact_phone, "")
    for mark in _PHONE_PUNCTUATION:
        digits = sa.func.replace(digits, mark, "")
    return digits


def snippet(text: str, length: int = SNIPPET_LENGTH) -> str:
    """The start of a complaint, cut at a word, on one line."""
    flat = " ".join(text.split())
    if len(flat) <= length:
        return flat
    cut = flat[:length].rsplit(" ", 1)[0] or flat[:length]
    return cut + "…"


@dataclass(frozen=True)
class QueuePage:
    tickets: list[Ticket]
    total: int
    page: int
    pages: int


class NoSuchPage(LookupError):
    """A page past the last one (the first page always exists, empty or not)."""


def paginate_queue(query: sa.Select, page: int) -> QueuePage:
    """One page of the queue; its rows come with their unit, counter, officer and handler in
    the same query, so a page costs two queries whatever its length."""
    counted = query.order_by(None).subquery()
    total = db.session.scalar(sa.select(sa.func.count()).select_from(counted))
    pages = max(1, math.ceil(total / PAGE_SIZE))
    if not 1 <= page <= pages:
        raise NoSuchPage(page)
    rows = db.session.scalars(
        query.options(
            joinedload(Ticket.unit),
            joinedload(Ticket.counter),
            joinedload(Ticket.officer),
            joinedload(Ticket.assignee),
        )
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    return QueuePage(list(rows), total, page, pages)
