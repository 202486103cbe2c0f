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
    """Seconds since 1970 of a stored (naive UTC) timestamp, on SQLite and PostgreSQL."""

    type = sa.BigInteger()
    inherit_cache = True


@compiles(epoch_seconds, "sqlite")
def _epoch_sqlite(element, compiler, **kw):
    (column,) = element.clauses
    return compiler.process(sa.cast(sa.func.strftime("%s", column), sa.BigInteger), **kw)


@compiles(epoch_seconds, "postgresql")
def _epoch_postgresql(element, compiler, **kw):
    (column,) = element.clauses
    return compiler.process(sa.cast(sa.extract("epoch", column), sa.BigInteger), **kw)
