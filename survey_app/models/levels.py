"""A response's answers in one short text column (`SurveyResponse.levels`): the one home of the
format.

One digit per item of the response's instrument version, in the items' order (`Item.position`,
1…n; a version's items never change once loaded): "1"–"5" the level, "0" unanswered
("Không có ý kiến"). A 20-item SIPAS rating is 20 characters, 21 bytes on PostgreSQL, instead of
one row per answer with its own index entries. Both databases read a position with substr(), so
figures join a response to its instrument's items and count (item, level) in SQL.
"""

from collections.abc import Mapping, Sequence

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction

from survey_app.models.instrument import SCALE

UNANSWERED = "0"
# Longer than any instrument (sipas-2017 has 23 items).
LEVELS_MAX_LENGTH = 40
_SYMBOLS = {value: str(value) for value in SCALE} | {None: UNANSWERED}


def encode(codes: Sequence[str], answers: Mapping[str, int | None]) -> str:
    """The levels text of `answers` (item code → 1–5 or None) over the instrument's item codes
    in position order. Raises ValueError for an unknown code or a value off the scale."""
    unknown = set(answers) - set(codes)
    if unknown:
        raise ValueError(f"not items of the instrument: {sorted(unknown)}")
    try:
        return "".join(_SYMBOLS[answers.get(code)] for code in codes)
    except KeyError as error:
        raise ValueError(f"a level off the scale: {error.args[0]!r}") from None


def decode(codes: Sequence[str], levels: str) -> dict[str, int]:
    """Item code → level of the answered items (unanswered ones left out, as they were never
    stored as answers)."""
    if len(levels) != len(codes):
        raise ValueError(f"{len(levels)} levels for {len(codes)} items")
    pairs = zip(codes, levels, strict=True)
    return {code: int(symbol) for code, symbol in pairs if symbol != UNANSWERED}


def level_at(levels: sa.ColumnElement, position: sa.ColumnElement) -> sa.ColumnElement:
    """SQL: the one-character level at an item's position ("0" if unanswered)."""
    return sa.func.substr(levels, position, 1)


class level_code(GenericFunction):  # noqa: N801 (SQL functions are lower case)
    """SQL: the character code of the level at a position (`code_of(symbol)`; none of those past
    the end of a shorter instrument's levels). The tally run compares a hundred of these per
    response: an integer compared costs less than a one-character text (about 15 % of its pass).
    """

    type = sa.Integer()
    inherit_cache = True


@compiles(level_code, "postgresql")
def _level_code_postgresql(element, compiler, **kw):
    levels, position = element.clauses
    return compiler.process(sa.func.ascii(level_at(levels, position)), **kw)


@compiles(level_code, "sqlite")
def _level_code_sqlite(element, compiler, **kw):
    levels, position = element.clauses
    # unicode('') is NULL where PostgreSQL's ascii('') is 0: both compare unequal to a level's.
    return compiler.process(sa.func.unicode(level_at(levels, position)), **kw)


def code_of(symbol: str) -> int:
    """The character code `level_code` gives for a level's symbol ("1"–"5", or UNANSWERED)."""
    return ord(symbol)


def value_at(levels: sa.ColumnElement, position: sa.ColumnElement) -> sa.ColumnElement:
    """SQL: the level at an item's position as an integer (0 if unanswered)."""
    return sa.cast(level_at(levels, position), sa.Integer)


def any_answered(levels: sa.ColumnElement, first, count) -> sa.ColumnElement[bool]:
    """SQL: at least one of `count` positions from `first` answered (a factor's items, which
    are consecutive: survey_app.services.instruments checks it)."""
    return sa.func.replace(sa.func.substr(levels, first, count), UNANSWERED, "") != ""


def answered(responses, items) -> sa.ColumnElement[bool]:
    """SQL: the join of responses to the items they answered; with it, each answer is a row
    (responses.id, items.id, `value_at(responses.levels, items.position)`), as the answers table
    held them."""
    return sa.and_(
        items.instrument_id == responses.instrument_id,
        level_at(responses.levels, items.position) != UNANSWERED,
    )
