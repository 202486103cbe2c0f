"""The SQL statements a piece of code sends, for tests of what a request reads and writes."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine.interfaces import CacheStats

from survey_app.core.extensions import db
from survey_app.models import UntalliedResponse

Recorder = Callable[[sa.Connection, object, str, object, object, bool], object]


@contextmanager
def _sent(seen: list, record: Recorder) -> Iterator[list]:
    """`seen`, filled by `record` (a before_cursor_execute listener) inside the block."""
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def recorded_statements() -> AbstractContextManager[list[str]]:
    """The statements sent inside the block, in order (an executemany counts once)."""
    statements: list[str] = []

    def record(connection, cursor, statement, *args) -> None:
        statements.append(" ".join(statement.split()))

    return _sent(statements, record)


def statements_with_transactions() -> AbstractContextManager[list[tuple[str, bool]]]:
    """The statements sent inside the block (their first two words), each with whether it ran
    inside a transaction: False for one that committed by itself (a PostgreSQL connection in
    autocommit, which psycopg sends without BEGIN and COMMIT)."""
    sent: list[tuple[str, bool]] = []

    def record(connection, cursor, statement, *args) -> None:
        autocommit = getattr(connection.connection.dbapi_connection, "autocommit", False)
        sent.append((" ".join(statement.split()[:2]), not autocommit))

    return _sent(sent, record)


def statements_compiled_anew() -> AbstractContextManager[list[str]]:
    """The statements sent inside the block that SQLAlchemy compiled again instead of taking
    from its cache (a construct without a cache key is compiled on every use: a rating path
    that does so spends a compile per rating)."""
    compiled: list[str] = []

    def record(connection, cursor, statement, parameters, context, executemany) -> None:
        if context.compiled is not None and context.cache_hit is not CacheStats.CACHE_HIT:
            compiled.append(" ".join(statement.split()[:4]))

    return _sent(compiled, record)


def count_statements(action) -> int:
    with recorded_statements() as statements:
        action()
    return len(statements)


def reads_of(statements: list[str], table: str) -> list[str]:
    return [s for s in statements if s.startswith("SELECT") and f"FROM {table}" in s]


def queued_response_ids() -> list[int]:
    """The responses waiting on the tally run's queue, in order; one row each."""
    query = sa.select(UntalliedResponse.response_id).order_by(UntalliedResponse.response_id)
    return list(db.session.scalars(query))
