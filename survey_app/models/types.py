"""Column types shared by the models."""

import enum
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction
from sqlalchemy.types import TypeDecorator


def max_length(attribute) -> int:
    """The width of a String column, for the checks that must refuse what it cannot store."""
    return attribute.property.columns[0].type.length


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores naive UTC and hands back aware UTC, so SQLite and PostgreSQL behave the same."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("refusing to store a naive datetime; convert it to UTC first")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


def value_enum(enum_class: type[enum.Enum], length: int, name: str | None = None) -> sa.Enum:
    """An enum column that stores member values (not names) as plain strings; `name` names its
    check constraint when a table has two columns of the same enum."""
    return sa.Enum(
        enum_class,
        values_callable=lambda members: [member.value for member in members],
        native_enum=False,
        create_constraint=True,
        length=length,
        name=name or enum_class.__name__.lower(),
    )


class epoch_seconds(GenericFunction):  # noqa: N801 (SQL functions are lower case)
    """Whole seconds since 1970 of a stored (naive UTC) timestamp, on SQLite and PostgreSQL."""

    type = sa.BigInteger()
    inherit_cache = True


@compiles(epoch_seconds, "sqlite")
def _epoch_sqlite(element, compiler, **kw):
    (column,) = element.clauses
    return compiler.process(_whole_seconds_sqlite(column), **kw)


@compiles(epoch_seconds, "postgresql")
def _epoch_postgresql(element, compiler, **kw):
    (column,) = element.clauses
    # Cut, not rounded (a cast rounds): 10:59:59.7 is still in hour 10.
    return compiler.process(
        sa.cast(sa.func.floor(sa.extract("epoch", column)), sa.BigInteger), **kw
    )


def _whole_seconds_sqlite(moment) -> sa.ColumnElement:
    """The whole seconds of a time SQLite stores as text, from the text without its fraction:
    SQLite reads a fraction to the millisecond, rounded, so from .9995 on it made the next
    second."""
    return sa.cast(sa.func.strftime("%s", sa.func.substr(moment, 1, 19)), sa.BigInteger)


class epoch_microseconds(GenericFunction):  # noqa: N801 (SQL functions are lower case)
    """Microseconds since 1970 of a stored (naive UTC) timestamp or a bound time, exactly, on
    SQLite and PostgreSQL: a rule that compares times to the microsecond is written once in
    SQL. SQLite stores a time as text with six digits after the second (SQLAlchemy's format)."""

    type = sa.BigInteger()
    inherit_cache = True


@compiles(epoch_microseconds, "sqlite")
def _epoch_microseconds_sqlite(element, compiler, **kw):
    (moment,) = element.clauses
    seconds = _whole_seconds_sqlite(moment)
    fraction = sa.cast(sa.func.substr(moment, 21, 6), sa.BigInteger)
    # In parentheses: the function stands for one value wherever it is used (a - f(b)).
    return compiler.process(sa.Grouping(seconds * 1_000_000 + fraction), **kw)


@compiles(epoch_microseconds, "postgresql")
def _epoch_microseconds_postgresql(element, compiler, **kw):
    (moment,) = element.clauses
    # EXTRACT gives an exact numeric (PostgreSQL 14 and later), microseconds included.
    return compiler.process(sa.cast(sa.extract("epoch", moment) * 1_000_000, sa.BigInteger), **kw)
