"""`survey-app demo` never puts its published passwords into a real service's database; the
README's first command, with nothing set, still loads it (survey_app/cli/demo_guard.py)."""

import sqlite3

import pytest
from click.testing import CliRunner

from survey_app.cli import main

PRODUCTION = {
    "SURVEY_ENV": "production",
    "SURVEY_SECRET_KEY": "a" * 16 + "0123456789abcdef" * 3,
    "SURVEY_RATELIMIT_STORAGE_URL": "redis://127.0.0.1:6379/0",
}


@pytest.fixture
def run_demo(tmp_path):
    """Run `survey-app demo --no-serve` with only `env` set, in a fresh instance folder."""

    def run(*flags, **env):
        base = {
            "SURVEY_INSTANCE_PATH": str(tmp_path / "instance"),
            "SURVEY_ENV": None,
            "SURVEY_DATABASE_URL": None,
            "FLASK_RUN_FROM_CLI": None,
        }
        return CliRunner().invoke(main, ["demo", "--no-serve", *flags], env=base | env)

    return run


def usernames(path) -> list[str]:
    with sqlite3.connect(path) as connection:
        return [row[0] for row in connection.execute("SELECT username FROM users ORDER BY 1")]


def test_the_readme_command_loads_the_demo_with_nothing_set(run_demo, tmp_path):
    result = run_demo()
    assert result.exit_code == 0, result.output
    assert "quantri" in usernames(tmp_path / "instance" / "survey.db")
    again = run_demo()  # and again, reusing it
    assert again.exit_code == 0 and "already there" in again.output


def test_production_is_refused_and_nothing_is_written(run_demo, tmp_path):
    database = tmp_path / "prod.db"
    result = run_demo(SURVEY_DATABASE_URL=f"sqlite:///{database}", **PRODUCTION)
    assert result.exit_code == 1
    assert "SURVEY_ENV is production" in result.output
    assert "--allow-published-passwords" in result.output
    assert not database.exists() or database.stat().st_size == 0


def test_a_postgresql_database_is_refused(run_demo):
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/does_not_matter"
    result = run_demo(SURVEY_DATABASE_URL=url, SURVEY_ENV="development")
    assert result.exit_code == 1
    assert "postgresql server database" in result.output


def test_a_database_with_other_accounts_is_refused(run_demo, tmp_path):
    database = tmp_path / "instance" / "survey.db"
    database.parent.mkdir()
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT)")
        connection.execute("INSERT INTO users (username) VALUES ('admin.tinh')")
    refused = run_demo()
    assert refused.exit_code == 1
    assert "other staff accounts (admin.tinh)" in refused.output
    assert usernames(database) == ["admin.tinh"]


def test_the_flag_loads_it_anyway(run_demo, tmp_path):
    database = tmp_path / "forced.db"
    env = {"SURVEY_DATABASE_URL": f"sqlite:///{database}"} | PRODUCTION
    result = run_demo("--allow-published-passwords", **env)
    assert result.exit_code == 0, result.output
    assert "quantri" in usernames(database)
