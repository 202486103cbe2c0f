"""Throw-away databases for the tests: an SQLite file, or a fresh PostgreSQL database."""

import os
import uuid
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_server_url() -> str:
    """TEST_DATABASE_URL when it names PostgreSQL, else the local default server."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    return url if url.startswith("postgresql") else DEFAULT_POSTGRES_URL


def require_postgres(url: str) -> None:
    """Skip (on a developer's machine) or fail (under CI) when PostgreSQL is not reachable."""
    engine = sa.create_engine(url)
    try:
        with engine.connect():
            return
    except sa.exc.OperationalError as error:
        reason = (
            f"PostgreSQL is not reachable at {make_url(url).render_as_string()}; "
            "start it or set TEST_DATABASE_URL to run the PostgreSQL tests"
        )
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (under CI these tests must run): {error}")
        pytest.skip(reason)
    finally:
        engine.dispose()


@contextmanager
def fresh_postgres_database(server_url: str):
    """Create a uniquely named database on the server, yield its URL, drop it afterwards."""
    require_postgres(server_url)
    name = f"survey_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def fresh_database(tmp_dir, backend: str):
    if backend == "postgresql":
        with fresh_postgres_database(postgres_server_url()) as url:
            yield url
    else:
        yield f"sqlite:///{tmp_dir / 'survey.db'}"


def suite_backend() -> str:
    """The whole suite runs on PostgreSQL when TEST_DATABASE_URL names it, else on SQLite."""
    return (
        "postgresql"
        if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")
        else "sqlite"
    )
