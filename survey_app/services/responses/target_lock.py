"""The lock a QR rating takes on its target (PostgreSQL): ratings of one unit, officer and
counter are checked and inserted one after another, so a burst sent in parallel is held as
surely as one sent in a row (holding_rules.py). A transaction-level advisory lock, released by
the rating's commit or rollback.

The statement that takes it also returns the unit's rules, so they are never stale and cost no
round trip: either on its own (`lock_target`), or, for a rating sent through the survey form,
with the survey code's read (`read_code_locking_target`): the form's POST reads the code, its
unit's rules and takes the lock in one statement.
"""

import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.models import RatingRules, SurveyCode
from survey_app.models.integrity import default_rules
from survey_app.queries.code_cache import (
    RULES_FIELDS,
    RulesCopy,
    SurveyCodeCopy,
    get_live_survey_code,
    standing_code_copy,
)
from survey_app.queries.codes import STANDING_CODE_COLUMNS, get_active_survey_code

# pg_advisory_xact_lock takes two int4 keys: this one names "rating target" locks.
LOCK_CLASS = 1515
_RULES = RatingRules.__table__
CODE_COLUMN_COUNT = len(STANDING_CODE_COLUMNS.selected_columns)


def _target_key(unit_id, officer_id, counter_id) -> sa.ColumnElement[int]:
    """The lock's second key, hashed by the database from the target's ids (0: none), so the
    two statements below name a target alike. Two targets may share a hash: they then wait
    for each other, which costs time and never a wrong count."""
    ids = (unit_id, sa.func.coalesce(officer_id, 0), sa.func.coalesce(counter_id, 0))
    return sa.func.hashtext(sa.func.concat_ws(":", *ids))


def _locked(key: sa.ColumnElement[int]) -> sa.ColumnElement:
    """The lock, as a column of the statement's one row. The rating's insert that follows is
    planned as PostgreSQL chooses: after five runs psycopg prepares it, and the server keeps a
    generic plan. On a national database of 2,000,000 ratings with a target of 3,300 in four
    weeks, the generic plan of each shape read the officer's index when the target names an
    officer and the unit's otherwise, as a plan made for the values did, and took 0.6–0.8 ms
    per insert against 1.2–1.5 ms planned at each rating (bench/generic_plans.py)."""
    return sa.func.pg_advisory_xact_lock(LOCK_CLASS, key)


# One row to join the rules to (a literal column: a VALUES with data is compiled every time).
_ONE_ROW = sa.select(sa.literal_column("1").label("one")).subquery("one_row")
_ids = {name: sa.bindparam(name, type_=sa.Integer) for name in ("unit", "officer", "counter")}
LOCK_TARGET = sa.select(
    _locked(_target_key(_ids["unit"], _ids["officer"], _ids["counter"])),
    *(_RULES.c[name] for name in RULES_FIELDS),
).select_from(_ONE_ROW.outerjoin(_RULES, _RULES.c.unit_id == _ids["unit"]))
# The survey code's columns (queries/codes.py), then the lock and the rules of its unit.
CODE_LOCKING_TARGET = STANDING_CODE_COLUMNS.add_columns(
    _locked(_target_key(SurveyCode.unit_id, SurveyCode.officer_id, SurveyCode.counter_id)),
    *(_RULES.c[name] for name in RULES_FIELDS),
).outerjoin(_RULES, _RULES.c.unit_id == SurveyCode.unit_id)


def lock_target(unit_id: int, officer_id: int | None, counter_id: int | None) -> RulesCopy:
    """Take the target's lock (PostgreSQL), waiting for a rating of the same target to commit;
    return its unit's rules, read once the lock is held."""
    ids = {"unit": unit_id, "officer": officer_id, "counter": counter_id}
    row = db.session.connection().execute(LOCK_TARGET, ids).one()
    return _rules_copy(row[1:], unit_id)


def read_code_locking_target(
    code: str,
) -> tuple[SurveyCode | SurveyCodeCopy | None, RulesCopy | None]:
    """A rating sent through the survey form: its code as get_live_survey_code gives it, and on
    PostgreSQL, the rules of its unit with its target's lock taken, in one statement (None
    elsewhere: the rating takes the lock itself). Always read, never a kept copy: the lock is
    taken anyway, and a code revoked a second ago stops taking ratings at once."""
    # The bind, not a connection: on SQLite a kept copy needs no transaction begun.
    if db.session.get_bind().dialect.name != "postgresql":
        return get_live_survey_code(code), None
    row = db.session.connection().execute(CODE_LOCKING_TARGET, {"code": code}).one_or_none()
    if row is None:
        return None, None
    copy = standing_code_copy(code, row[:CODE_COLUMN_COUNT])
    if copy is None:  # a one-time link, or a code that opens no survey
        return get_active_survey_code(code), None
    return copy, _rules_copy(row[CODE_COLUMN_COUNT + 1 :], copy.unit.id)


def _rules_copy(values, unit_id: int) -> RulesCopy:
    """The rules' columns as read (NULLs: the unit keeps the defaults)."""
    stored = dict(zip(RULES_FIELDS, values, strict=True))
    if stored["unit_id"] is None:
        return RulesCopy(**default_rules(unit_id))
    return RulesCopy(**stored)
