"""The engine's settings per database: a pooled PostgreSQL connection the server closed is
replaced before a request uses it, without a round trip on every checkout."""

import pytest
import sqlalchemy as sa

from survey_app.core.extensions import db


def postgresql_only() -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a SQLite file is never closed under the app")


def pooled_backend_pid() -> int:
    """The server process of the connection the pool hands out next: the only one it holds
    after a dispose."""
    db.session.remove()
    db.engine.dispose()
    pid = db.session.scalar(sa.text("SELECT pg_backend_pid()"))
    db.session.remove()  # back to the pool, idle
    return pid


def test_a_connection_the_server_closed_is_replaced_before_use(app):
    postgresql_only()
    victim = pooled_backend_pid()
    killer = sa.create_engine(db.engine.url)
    with killer.connect() as connection:
        # With a timeout, it returns once the backend has gone (and closed its socket).
        assert connection.scalar(sa.select(sa.func.pg_terminate_backend(victim, 10_000)))
    killer.dispose()

    # Without the check, this statement would meet the dead connection and fail.
    assert db.session.scalar(sa.text("SELECT pg_backend_pid()")) != victim


def test_a_live_pooled_connection_is_kept(app):
    postgresql_only()
    pid = pooled_backend_pid()
    assert db.session.scalar(sa.text("SELECT pg_backend_pid()")) == pid


def test_no_round_trip_checks_a_checkout(app):
    postgresql_only()
    assert not db.engine.pool._pre_ping  # the socket check replaces SELECT 1
