"""Settings from SURVEY_* variables, and clear errors when they are wrong."""

import click
import pytest
from click.testing import CliRunner
from flask.cli import routes_command, run_command

from survey_app import cli, create_app
from survey_app.cli import main
from survey_app.core.config import ConfigError


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in (
        "SURVEY_ENV",
        "SURVEY_SECRET_KEY",
        "SURVEY_DATABASE_URL",
        "SURVEY_TIMEZONE",
        "SURVEY_RATELIMIT_STORAGE_URL",
        "SURVEY_PUBLIC_URL",
        "FLASK_DEBUG",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SURVEY_INSTANCE_PATH", str(tmp_path))
    return monkeypatch


def test_production_refuses_to_start_without_a_secret_key(clean_env):
    with pytest.raises(ConfigError, match="SURVEY_SECRET_KEY is not set"):
        create_app()


def test_the_cli_explains_a_missing_secret_key_without_a_traceback(clean_env):
    # An address nobody can bind: were the key not demanded, `run` would fail there, not serve.
    result = CliRunner().invoke(main, ["run", "--host", "256.0.0.1"])
    assert result.exit_code != 0
    assert "SURVEY_SECRET_KEY is not set" in result.output
    assert "Traceback" not in result.output


def test_a_command_serving_nothing_needs_neither_secret_key_nor_rate_limit_storage(clean_env):
    result = CliRunner().invoke(main, ["routes"])
    assert result.exit_code == 0, result.output
    assert "/s/<code>" in result.output


def test_a_command_gets_a_random_key_and_no_rate_limits(clean_env):
    first, second = (create_app({"SURVEY_PROCESS": "command"}) for _ in range(2))
    assert first.config["SURVEY_ENV"] == "production"
    assert len(first.config["SECRET_KEY"]) == 64
    assert first.config["SECRET_KEY"] != second.config["SECRET_KEY"]
    assert first.config["SURVEY_RATELIMIT_ENABLED"] is False


def test_a_command_keeps_the_secret_key_it_is_given(clean_env):
    clean_env.setenv("SURVEY_SECRET_KEY", "k" * 40)
    assert create_app({"SURVEY_PROCESS": "command"}).config["SECRET_KEY"] == "k" * 40


@pytest.mark.parametrize(
    ("command", "process"), [(run_command, "web"), (routes_command, "command")]
)
def test_only_serving_commands_get_the_web_checks(command, process):
    with click.Context(command):
        assert cli._process_of_this_command() == process


def test_an_unknown_process_is_named(clean_env):
    with pytest.raises(ConfigError, match="SURVEY_PROCESS must be one of web, demo, command"):
        create_app({"SURVEY_PROCESS": "cron"})


def test_development_runs_with_the_sqlite_file_in_the_instance_folder(clean_env, tmp_path):
    clean_env.setenv("SURVEY_ENV", "development")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'survey.db'}"
    assert app.config["SURVEY_TIMEZONE"] == "Asia/Ho_Chi_Minh"


def test_settings_come_from_survey_variables(clean_env):
    clean_env.setenv("SURVEY_SECRET_KEY", "k" * 40)
    clean_env.setenv("SURVEY_DATABASE_URL", "postgresql+psycopg://u@db.example/survey")
    clean_env.setenv("SURVEY_TIMEZONE", "Asia/Bangkok")
    clean_env.setenv("SURVEY_RATELIMIT_STORAGE_URL", "redis://127.0.0.1:6379/0")
    clean_env.setenv("SURVEY_PUBLIC_URL", "https://khaosat.example.gov.vn")
    app = create_app()
    assert app.config["SECRET_KEY"] == "k" * 40
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/survey"
    assert app.config["SURVEY_TIMEZONE"] == "Asia/Bangkok"
    assert app.config["SURVEY_RATELIMIT_STORAGE_URL"] == "redis://127.0.0.1:6379/0"


def test_the_report_place_and_folder_come_from_survey_variables(clean_env, tmp_path):
    clean_env.setenv("SURVEY_ENV", "development")
    clean_env.setenv("SURVEY_REPORT_PLACE", "Đà Lạt")
    clean_env.setenv("SURVEY_REPORTS_DIR", str(tmp_path / "bao-cao"))
    app = create_app()
    assert app.config["SURVEY_REPORT_PLACE"] == "Đà Lạt"
    assert app.config["SURVEY_REPORTS_DIR"] == str(tmp_path / "bao-cao")


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SURVEY_TIMEZONE", "Mars/Olympus", "is not a time zone"),
        ("SURVEY_ENV", "prod", "must be one of"),
    ],
)
def test_wrong_values_are_named(clean_env, name, value, message):
    clean_env.setenv("SURVEY_SECRET_KEY", "k" * 40)
    clean_env.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        create_app()
