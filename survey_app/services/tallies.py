"""Counting responses into the tallies (survey_app.models.tallies), and taking one out again.

`tally_responses` is the periodic run (`survey-app tally`, every few minutes from a timer): month
by month, for the units with responses not tallied yet, it merges their tally rows with the new
counts into one row per key, deletes the old rows and marks the new responses tallied. All of
it is one transaction — REPEATABLE READ on PostgreSQL, so the responses counted are exactly the
ones marked even while others arrive; a response that commits meanwhile waits for the next run.
Runs wait for one another on the state row. Figures are right whether a run has been or not:
they add the responses not tallied yet to the tallies (analytics.counting).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, OperationalError

from analytics.months import Month, survey_zone
from survey_app.extensions import db
from survey_app.models import Answer, AnswerTally, ResponseTally, TallyState, utcnow
from survey_app.models import SurveyResponse as Response
from survey_app.models.response import not_tallied

ATTEMPTS = 5
# SQLSTATE of a REPEATABLE READ transaction that met a concurrent change: run it again.
SERIALIZATION_FAILURE = "40001"
KEYS = ("unit_id", "officer_id", "counter_id", "channel")


@dataclass(frozen=True)
class TallyRun:
    months: list[Month]  # the months that had responses not tallied yet
    responses: int  # responses tallied by this run (spam included: it is marked, not counted)


def tally_responses() -> TallyRun:
    """Count every response not tallied yet into the tallies; one transaction."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with _transaction() as connection:
                return _run(connection, survey_zone())
        except (OperationalError, IntegrityError) as error:
            # Another run got there first: a concurrent change, or the state row just made.
            if attempt == ATTEMPTS or not _is_race(error):
                raise
    raise AssertionError("unreachable")


def untally_response(response: Response, *, was_counted: bool) -> None:
    """Take a tallied response out of the tallies and leave it to the next run, before changing
    what it counts for (marking it as spam). Call after the change is flushed, so that its row
    is locked and no run can tally it meanwhile. `was_counted`: it was not spam before."""
    tallied = db.session.scalar(sa.select(Response.tallied).where(Response.id == response.id))
    if not tallied:
        return
    if was_counted:
        _subtract(response, ZoneInfo(db.session.scalar(sa.select(TallyState.zone))))
    response.tallied = False


def _subtract(response: Response, zone: ZoneInfo) -> None:
    """Rows of negative counts: the tallies are additive, the next run merges them."""
    key = {
        "month": str(Month.containing(response.submitted_at, zone)),
        "unit_id": response.unit_id,
        "officer_id": response.officer_id,
        "counter_id": response.counter_id,
        "channel": response.channel,
    }
    db.session.add(ResponseTally(**key, responses=-1, flagged=-int(response.flagged)))
    for answer in response.answers:
        db.session.add(AnswerTally(**key, item_id=answer.item_id, value=answer.value, answers=-1))


class _transaction:
    """A connection of its own in one transaction: REPEATABLE READ on PostgreSQL; on SQLite the
    first statement (a write) takes the database's write lock, which serialises as well."""

    def __enter__(self) -> Connection:
        options = {"isolation_level": "REPEATABLE READ"} if _is_postgresql() else {}
        self._connection = db.engine.connect().execution_options(**options)
        self._transaction = self._connection.begin()
        return self._connection

    def __exit__(self, kind, error, trace) -> None:
        try:
            if kind is None:
                self._transaction.commit()
            else:
                self._transaction.rollback()
        finally:
            self._connection.close()


def _run(connection: Connection, zone: ZoneInfo) -> TallyRun:
    state = TallyState.__table__
    # First statement, a write: runs wait here for one another (and SQLite locks for writing).
    if not connection.execute(sa.update(state).values(last_run_at=utcnow())).rowcount:
        # The row the migration made is gone (a restore of part of the data): make it again.
        connection.execute(sa.insert(state).values(id=1, zone="", last_run_at=utcnow()))
    if connection.scalar(sa.select(state.c.zone)) != zone.key:
        _start_over(connection, zone)
    months = list(_untallied_months(connection, zone))
    tallied = sum(_tally_month(connection, month, zone) for month in months)
    return TallyRun(months=months, responses=tallied)


def _start_over(connection: Connection, zone: ZoneInfo) -> None:
    """Tallies of another zone have other months: count everything again in this one."""
    connection.execute(sa.delete(ResponseTally))
    connection.execute(sa.delete(AnswerTally))
    connection.execute(sa.update(Response).where(Response.tallied).values(tallied=False))
    connection.execute(sa.update(TallyState).values(zone=zone.key))


def _untallied_months(connection: Connection, zone: ZoneInfo) -> Iterator[Month]:
    """Every month from the first to the last response not tallied yet (few, usually one)."""
    first, last = connection.execute(
        sa.select(sa.func.min(Response.submitted_at), sa.func.max(Response.submitted_at)).where(
            not_tallied()
        )
    ).one()
    if first is None:
        return
    month, last_month = Month.containing(first, zone), Month.containing(last, zone)
    while month <= last_month:
        yield month
        month = month.next()


def _tally_month(connection: Connection, month: Month, zone: ZoneInfo) -> int:
    start, end = month.bounds(zone)
    new = sa.and_(not_tallied(), Response.submitted_at >= start, Response.submitted_at < end)
    counted = sa.and_(new, Response.is_spam.is_(False))
    units = sa.select(Response.unit_id).where(new).distinct().scalar_subquery()
    keys = [getattr(Response, name) for name in KEYS]
    flagged = sa.func.sum(sa.case((Response.flagged, 1), else_=0))
    responses = sa.select(*keys, sa.func.count(), flagged).where(counted).group_by(*keys)
    answers = (
        sa.select(*keys, Answer.item_id, Answer.value, sa.func.count())
        .join(Answer, Answer.response_id == Response.id)
        .where(counted)
        .group_by(*keys, Answer.item_id, Answer.value)
    )
    _merge(connection, ResponseTally, month, units, KEYS, ("responses", "flagged"), responses)
    answer_keys = (*KEYS, "item_id", "value")
    _merge(connection, AnswerTally, month, units, answer_keys, ("answers",), answers)
    return connection.execute(sa.update(Response).where(new).values(tallied=True)).rowcount


def _merge(
    connection: Connection,
    model: type[ResponseTally] | type[AnswerTally],
    month: Month,
    units: sa.ScalarSelect,
    keys: tuple[str, ...],
    counts: tuple[str, ...],
    new: sa.Select,
) -> None:
    """Replace the month's rows of `units` by one row per key: their sums with the `new`
    counts (selected as keys, then counts). Keys whose counts all sum to 0 are dropped."""
    table = model.__table__
    in_scope = sa.and_(table.c.month == str(month), table.c.unit_id.in_(units))
    last_id = connection.scalar(sa.select(sa.func.max(table.c.id))) or 0
    old = sa.select(*[table.c[name] for name in (*keys, *counts)]).where(in_scope)
    both = sa.union_all(old, new).subquery("both")
    grouped = [both.c[name] for name in keys]
    sums = [sa.func.sum(both.c[name]) for name in counts]
    merged = (
        sa.select(sa.literal(str(month), sa.String), *grouped, *sums)
        .group_by(*grouped)
        .having(sa.or_(*[total != 0 for total in sums]))
    )
    connection.execute(sa.insert(table).from_select(["month", *keys, *counts], merged))
    connection.execute(sa.delete(table).where(in_scope, table.c.id <= last_id))


def _is_postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


def _is_race(error: OperationalError | IntegrityError) -> bool:
    if isinstance(error, IntegrityError):
        return True
    return getattr(error.orig, "sqlstate", None) == SERIALIZATION_FAILURE
