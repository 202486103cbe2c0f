"""How every new rating is written: SQLAlchemy Core statements, not the unit of work (the
request never reads the rating back, so the session need not track it, and its bookkeeping
cost more than the statements), the response with its row in the tally run's queue. The insert
may itself decide whether the rating is held: a QR rating's hold rules (holding_rules.qr_held)
and a kiosk rating's repeat filter (kiosk_repeats.repeat_held).
"""

from functools import cache

import sqlalchemy as sa

from survey_app.core.extensions import db
from survey_app.models import SurveyResponse, UntalliedResponse
from survey_app.services.responses.holding_rules import QrCheck, qr_held
from survey_app.services.responses.kiosk_repeats import (
    checked_by_insert,
    repeat_held,
    repeat_params,
)

RESPONSE_COLUMNS = frozenset(column.key for column in SurveyResponse.__table__.columns) - {"id"}
# Many rows in one statement: the ids come back in the rows' order.
INSERT_RESPONSES = sa.insert(SurveyResponse.__table__).returning(
    SurveyResponse.__table__.c.id, sort_by_parameter_order=True
)
# A new rating waits on the tally run's queue (services/tallies.py) until it is counted.
INSERT_QUEUED = sa.insert(UntalliedResponse.__table__)


def insert_response(
    response: SurveyResponse, *, alone: bool = False, qr_check: QrCheck | None = None
) -> int:
    """Write a new rating's rows in the session's transaction (the caller commits) and return
    its id: how every new rating is written, with its row in the tally run's queue. SQLAlchemy
    Core statements, not the unit of work: the request never reads the rating back, so the
    session need not track it, and its bookkeeping cost more than the statements. `response`
    stays transient, as it was built; its held and hold_reason are set as stored.

    The insert may decide whether the rating is held: a QR rating's hold rules (`qr_check`,
    holding_rules.qr_held) and a kiosk rating's repeat filter.

    `alone`: nothing else goes in the commit. On PostgreSQL the rating is then one statement
    that commits by itself (autocommit; atomic, as every statement is): its transaction's
    BEGIN and COMMIT would cost two round trips more than the statement."""
    connection = _connection(alone)  # the session's transaction, without its ORM layer
    row = _row(response)
    columns = tuple(sorted(row))
    if qr_check is not None:
        check = ("qr", qr_check.no_officer, qr_check.no_counter)
        row |= qr_check.params
    elif checked_by_insert(response):
        check = ("kiosk",)
        row |= repeat_params(response)
    else:
        check = None
    if connection.dialect.name != "postgresql":
        statement = _insert_new(columns, check)
        response_id, held, reason = connection.execute(statement, row).one()
        connection.execute(INSERT_QUEUED, {"response_id": response_id})
    else:
        statement = _insert_with_queue_row(columns, check)
        response_id, held, reason = connection.execute(statement, row).one()
    response.held, response.hold_reason = held, reason
    return response_id


def _connection(alone: bool) -> sa.Connection:
    session = db.session
    if alone and session.get_bind().dialect.name == "postgresql":
        return session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    return session.connection()


@cache
def _insert_new(columns: tuple[str, ...], check: tuple | None) -> sa.Insert:
    """The response's insert, returning its id, held and hold_reason. `check`: ("qr", no
    officer, no counter) holds it by the QR rules, ("kiosk",) by the kiosk's repeat filter, in
    the statement itself: one round trip, not a query before it. Built once per set of columns
    (a new rating's are always the same)."""
    table = SurveyResponse.__table__
    values = {name: sa.bindparam(name, type_=table.c[name].type) for name in columns}
    if check == ("kiosk",):
        values |= repeat_held(values)
    elif check is not None:
        values |= qr_held(*check[1:])
    return sa.insert(table).values(values).returning(table.c.id, table.c.held, table.c.hold_reason)


@cache
def _insert_with_queue_row(columns: tuple[str, ...], check: tuple | None) -> sa.Insert:
    """PostgreSQL: _insert_new and the response's queue row in one statement (an INSERT in a
    WITH), returning the same."""
    new = _insert_new(columns, check).cte("new_response")
    queue = UntalliedResponse.__table__
    return (
        sa.insert(queue)
        .from_select(["response_id"], sa.select(new.c.id))
        .returning(
            queue.c.response_id,
            sa.select(new.c.held).scalar_subquery(),
            sa.select(new.c.hold_reason).scalar_subquery(),
        )
    )


def insert_responses(responses: list[SurveyResponse]) -> None:
    """insert_response for many ratings at once (the demo's): a statement for all the rows of
    each table; each response gets its id."""
    if not responses:
        return
    connection = db.session.connection()
    rows = [_row(response) for response in responses]
    ids = connection.execute(INSERT_RESPONSES, rows).scalars().all()
    for response, response_id in zip(responses, ids, strict=True):
        response.id = response_id
    connection.execute(INSERT_QUEUED, [{"response_id": response.id} for response in responses])


def _row(response: SurveyResponse) -> dict:
    """The column values build_response set (a new rating's are always the same columns)."""
    return {key: value for key, value in response.__dict__.items() if key in RESPONSE_COLUMNS}
