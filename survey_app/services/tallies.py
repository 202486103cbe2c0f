"""Counting responses into the tallies (survey_app.models.tallies), and taking one out again.

`tally_responses` is the periodic run (`survey-app report tally`, every few minutes from a
timer): it takes the responses not tallied yet off their queue (UntalliedResponse), then month
by month adds their counts to the tally rows of their keys (an upsert). All of it is one
transaction — REPEATABLE READ on PostgreSQL, so the responses counted are exactly the ones
taken off the queue even while others arrive; a response that commits meanwhile waits for the
next run. Runs wait for one another on the state row. Figures are right whether a run has been
or not: they add the responses not tallied yet to the tallies (analytics.counting).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, OperationalError

from analytics.counting import tallied_zone
from survey_app.core.extensions import db, prepare_bulk_counting
from survey_app.models import (
    GRAINS,
    SCALE,
    ArrivalTally,
    TallyState,
    UntalliedResponse,
    utcnow,
)
from survey_app.models import SurveyResponse as Response
from survey_app.models.response import counted
from survey_app.models.tallies import HOUR_COLUMNS, HOURS_A_DAY, LEVEL_COLUMNS, NOBODY
from survey_app.models.types import UTCDateTime
from survey_app.months import Month, survey_zone, weekly_slot
from survey_app.services.tally_counts import add_counts, count_months, read_item_layout

ATTEMPTS = 5
# SQLSTATE of a REPEATABLE READ transaction that met a concurrent change: run it again.
SERIALIZATION_FAILURE = "40001"


# The run's scratch table: the responses it takes (the queue as it found it), with their time,
# unit and whether they count (neither spam nor held): the arrival counts read these alone
# rather than the responses again. One Table object for every run, made in each run's
# connection: SQLAlchemy keys its cache of compiled statements by the Table object, and a new
# one per run compiled the wide counting statements again every time (0.3 s a run, most of a
# small run on SQLite).
TAKEN = sa.Table(
    "tally_taken",
    sa.MetaData(),
    sa.Column("response_id", sa.Integer),
    sa.Column("submitted_at", UTCDateTime),
    sa.Column("unit_id", sa.Integer),
    sa.Column("counted", sa.Boolean),
    prefixes=["TEMPORARY"],
)
# What _take reads of each response taken, in TAKEN's order.
TAKEN_COLUMNS = (Response.id, Response.submitted_at, Response.unit_id, counted().label("counted"))


@dataclass(frozen=True)
class TallyRun:
    months: list[Month]  # the months that had responses not tallied yet
    responses: int  # responses tallied by this run (spam included: it is marked, not counted)


def tally_responses() -> TallyRun:
    """Count every response not tallied yet into the tallies; one transaction."""
    # REPEATABLE READ on PostgreSQL; on SQLite the first statement (a write) takes the
    # database's write lock, which serialises as well.
    options = {"isolation_level": "REPEATABLE READ"} if _is_postgresql() else {}
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with (
                db.engine.connect().execution_options(**options) as connection,
                connection.begin(),
            ):
                return _run(connection, survey_zone())
        except (OperationalError, IntegrityError) as error:
            # Another run or a spam mark got there first (a concurrent change of the same
            # rows, or of the state row just made): run again on what they left.
            if attempt == ATTEMPTS or not _is_race(error):
                raise
    raise AssertionError("unreachable")


def untally_response(response: Response, *, was_counted: bool) -> None:
    """Take a tallied response out of the tallies and leave it to the next run, before changing
    what it counts for (marking it as spam). `was_counted`: it was not spam before."""
    if requeue([response.id]) and was_counted:
        _subtract(response, ZoneInfo(tallied_zone()))


def requeue(response_ids: list[int]) -> int:
    """Leave the responses to the next tally run (their queue rows made again); returns how many
    of them were tallied already. Deleting the queue row first locks it: a run that read it
    waits, then fails to take it off the queue and starts again (40001), so it never counts a
    response as it was before this change; a run that took it off first is seen here as
    "tallied" once it commits."""
    queue = UntalliedResponse.__table__
    chosen = queue.c.response_id.in_(response_ids)
    queued = db.session.execute(sa.delete(queue).where(chosen)).rowcount
    db.session.execute(sa.insert(queue), [{"response_id": id_} for id_ in response_ids])
    return len(response_ids) - queued


def _subtract(response: Response, zone: ZoneInfo) -> None:
    month = str(Month.containing(response.submitted_at, zone))
    where = {
        "unit_id": response.unit_id,
        "officer_id": response.officer_id or NOBODY,
        "counter_id": response.counter_id or NOBODY,
        "channel": response.channel,
    }
    items = {item.code: item for item in response.instrument.items}
    answered = [(items[code], value) for code, value in response.answer_values().items()]
    factors = sorted({item.factor for item, _value in answered if item.factor is not None})
    connection = db.session.connection()
    for grain in GRAINS:
        key = {"month": month} | {name: where[name] for name in grain.key[1:]}
        one_less = {"responses": -1, "flagged": -response.flagged}
        add_counts(connection, grain.responses, [key | one_less])
        answers = [key | {"item_id": i.id, **_one_answer(value, -1)} for i, value in answered]
        add_counts(connection, grain.answers, answers)  # a response always has its CHUNG answer
        weights = [
            key | {"instrument_id": response.instrument_id, "factor": f, "responses": -1}
            for f in factors
        ]
        if weights:
            add_counts(connection, grain.factors, weights)
    weekday, hour = divmod(weekly_slot(response.submitted_at, zone), HOURS_A_DAY)
    hour_less = {name: -(at == hour) for at, name in enumerate(HOUR_COLUMNS)}
    arrival = {"month": month, "unit_id": response.unit_id, "weekday": weekday}
    add_counts(connection, ArrivalTally, [arrival | hour_less])


def _run(connection: Connection, zone: ZoneInfo) -> TallyRun:
    state = TallyState.__table__
    if _nothing_new(connection, zone):
        return TallyRun(months=[], responses=0)
    # The first write: runs wait here for one another (and SQLite locks for writing).
    if not connection.execute(sa.update(state).values(last_run_at=utcnow())).rowcount:
        # The row the migration made is gone (a restore of part of the data): make it again.
        connection.execute(sa.insert(state).values(id=1, zone="", last_run_at=utcnow()))
    # The month's sums per key hashed, not sorted on disk (16 s → 13 s per million responses:
    # bench/tally_run.py), and not JIT-compiled (about 1 s per month); this run only. The
    # planner guessed 690,000 groups for a national month (3.4 M ratings) that has 102,000, and
    # sorted 3.4 M rows of 750 bytes on disk (75 s) rather than hash them (27 s, 240 MB): up to
    # 2 GB (64 MB × 32) may be planned for; it takes what the groups need, and spills past that.
    prepare_bulk_counting(connection, hash_memory_multiplier=32)
    taken = TAKEN
    # No try/finally: after an error the transaction is rolled back, and the table with it.
    taken.create(connection)
    if connection.scalar(sa.select(state.c.zone)) != zone.key:
        _start_over(connection, zone, taken)
    else:
        _take_queue(connection, taken)
    months = list(_months(connection, zone, taken))
    if months:
        count_months(connection, months, zone, taken, read_item_layout(connection))
    tallied = connection.scalar(sa.select(sa.func.count()).select_from(taken))
    taken.drop(connection)
    return TallyRun(months=months, responses=tallied)


def _nothing_new(connection: Connection, zone: ZoneInfo) -> bool:
    """Nothing queued, tallies of this zone: the run has nothing to write. Read before any write,
    so that the timer's empty runs never take SQLite's write lock: back to back, even short
    ones kept the ratings waiting for it until they failed ("database is locked")."""
    queued = connection.scalar(sa.select(UntalliedResponse.response_id).limit(1))
    return queued is None and connection.scalar(sa.select(TallyState.zone)) == zone.key


def _take_queue(connection: Connection, taken: sa.Table) -> None:
    """Move the queue into `taken`, in one pass rather than a scan of the queue per month. It
    moves the queue as the run sees it: its snapshot on PostgreSQL (a response committed after
    it keeps its queue row for the next run), its write lock on SQLite (whose two statements,
    a copy then a delete, see the same queue)."""
    queue = UntalliedResponse.__table__
    in_one_statement = connection.dialect.name == "postgresql"
    if in_one_statement:
        # The queue's rows deleted, their responses taken as they go (a DELETE … RETURNING in a
        # WITH), rather than a read of the queue then a delete matching `taken`: whole runs
        # 8.2 → 7.0 s for a month's million, 19.7 → 15.6 s per million for a national quarter
        # (bench/tally_run.py).
        queue = (
            sa.delete(queue)
            .where(queue.c.response_id.is_not(None))  # see _dequeue
            .returning(queue.c.response_id)
            .cte("dequeued")
        )
    queued = sa.select(*TAKEN_COLUMNS).join(queue, queue.c.response_id == Response.id)
    _take(connection, taken, queued, dequeue=not in_one_statement)


def _start_over(connection: Connection, zone: ZoneInfo, taken: sa.Table) -> None:
    """Tallies of another zone have other months: count everything again in this one."""
    for table in (*(table for grain in GRAINS for table in grain.tables), ArrivalTally):
        connection.execute(sa.delete(table).where(table.id.is_not(None)))  # see _dequeue
    # Every response taken, the queue emptied: one pass each. A response committed after this
    # run's snapshot keeps its own queue row for the next run.
    _take(connection, taken, sa.select(*TAKEN_COLUMNS))
    connection.execute(sa.update(TallyState).values(zone=zone.key))


def _take(
    connection: Connection, taken: sa.Table, responses: sa.Select, *, dequeue: bool = True
) -> None:
    """Fill `taken` with `responses` (TAKEN_COLUMNS) and take them off the queue (`dequeue`;
    not when the select did as it read them)."""
    connection.execute(sa.insert(taken).from_select([c.name for c in taken.c], responses))
    _analyze(connection, taken)
    if dequeue:
        _dequeue(connection, taken)


def _analyze(connection: Connection, taken: sa.Table) -> None:
    """PostgreSQL: a new temporary table has no statistics (autovacuum never sees one): the
    planner guessed 200 rows, and read a million responses one index probe at a time (7.5 s of
    a 14 s count; 0.1 s to analyse). SQLite builds an index for IN (subquery) anyway."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text(f"ANALYZE {taken.name}"))


def _dequeue(connection: Connection, taken: sa.Table) -> None:
    """The queue rows of the responses taken. Never a DELETE without WHERE: SQLite empties the
    table at once then (its truncate optimisation), and every other connection's next write
    failed at once with "database is locked", without waiting (a kiosk's rating refused)."""
    queue = UntalliedResponse.__table__
    connection.execute(
        sa.delete(queue).where(queue.c.response_id.in_(sa.select(taken.c.response_id)))
    )


def _months(connection: Connection, zone: ZoneInfo, taken: sa.Table) -> Iterator[Month]:
    """Every month from the first to the last response taken (few, usually one)."""
    first, last = connection.execute(
        sa.select(sa.func.min(taken.c.submitted_at), sa.func.max(taken.c.submitted_at))
    ).one()
    if first is None:
        return
    month, last_month = Month.containing(first, zone), Month.containing(last, zone)
    while month <= last_month:
        yield month
        month = month.next()


def _one_answer(value: int, sign: int) -> dict[str, int]:
    """The level columns of one answer at `value` (added, or taken out with `sign` -1)."""
    return {name: sign * (level == value) for level, name in zip(SCALE, LEVEL_COLUMNS, strict=True)}


def _is_postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


def _is_race(error: OperationalError | IntegrityError) -> bool:
    if isinstance(error, IntegrityError):
        return True
    return getattr(error.orig, "sqlstate", None) == SERIALIZATION_FAILURE
