"""Extension singletons, bound to the app in create_app."""

import select

import sqlalchemy as sa
from flask_babel import Babel
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.exc import InvalidatePoolError
from sqlalchemy.orm import DeclarativeBase

from survey_app.months import stored_weekly_slot

# Named constraints make migrations reproducible on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()


GROUPING_MEMORY = "64MB"  # PostgreSQL's work memory for a transaction that groups millions


def prepare_bulk_counting(connection, *, hash_memory_multiplier: int = 2) -> None:
    """On PostgreSQL, set this transaction up for counting millions of rows (a tally run, a
    province's period report):
    - group in memory: with the default 4 MB work_mem such a grouping sorts on disk instead,
      about twice as slow;
    - no JIT compilation: the counts are one wide expression (a hundred FILTERed sums), which
      the planner's cost sends to JIT; compiling it took about 1 s per statement, more than
      running it for a month of a province (a tally run of a year: 12 such statements).
    `hash_memory_multiplier` (PostgreSQL's default 2) lets a hashed grouping plan for more than
    work_mem: the planner hashes GROUPING SETS only when its estimate of the groups fits, and
    that estimate (a product of the columns' distinct values) can be many times too large.
    set_config(..., true) is SET LOCAL as a query (a server-side cursor can run it); the
    transaction's end resets it. Nothing on SQLite."""
    if connection.dialect.name == "postgresql":
        settings = sa.select(
            sa.func.set_config("work_mem", GROUPING_MEMORY, True),
            sa.func.set_config("jit", "off", True),
            sa.func.set_config("hash_mem_multiplier", str(hash_memory_multiplier), True),
        )
        connection.execute(settings).all()  # read: a server-side cursor is closed when done


def configure_engine(app) -> None:
    """Per database: SQLite's pragmas; PostgreSQL's check of a pooled connection."""
    configure_sqlite(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        with app.app_context():
            engine = db.engine
        if not event.contains(engine, "checkout", check_pooled_connection):
            event.listen(engine, "checkout", check_pooled_connection)


def check_pooled_connection(dbapi_connection, connection_record, connection_proxy) -> None:
    """Drop a pooled PostgreSQL connection the server has closed (a restart, an idle timeout)
    before a request uses it, as SQLAlchemy's pool_pre_ping would, but without its SELECT 1
    round trip on every checkout: an idle connection has nothing to read once its last answer
    was read to the end, so a socket with something to read (the server's farewell, or the end
    of the stream) is a closed connection. Raising InvalidatePoolError makes the pool drop every
    connection as old as this one and take a new one, as a failed pre-ping does. A connection
    cut without a word (a network that goes away) is not seen here; its first statement fails
    and the pool is renewed the same way."""
    if dbapi_connection.closed or dbapi_connection.broken:
        raise InvalidatePoolError("the connection was closed")
    socket = select.poll()  # not select.select: it fails on descriptors past 1023
    socket.register(dbapi_connection.fileno(), select.POLLIN)
    if socket.poll(0):  # readable, hung up or failed
        raise InvalidatePoolError("the server closed the connection while it was pooled")


def configure_sqlite(app) -> None:
    """SQLite: enforce foreign keys; let several gunicorn workers write without 'locked' errors."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "connect")
    def set_pragmas(dbapi_connection, connection_record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()
        # PostgreSQL places times in a zone itself (models/tallies.py, weekly_slot).
        dbapi_connection.create_function("weekly_slot", 2, stored_weekly_slot, deterministic=True)
