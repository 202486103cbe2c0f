"""Settings from SURVEY_* variables, and clear errors when they are wrong."""

import pytest
from click.testing import CliRunner

from survey_app import create_app
from survey_app.cli import main
from survey_app.config import ConfigError


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in (
        "SURVEY_ENV",
        "SURVEY_SECRET_KEY",
        "SURVEY_DATABASE_URL",
        "SURVEY_TIMEZONE",
        "SURVEY_RATELIMIT_STORAGE_URL",
        "FLASK_DEBUG",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SURVEY_INSTANCE_PATH", str(tmp_path))
    return monkeypatch


def test_production_refuses_to_start_without_a_secret_key(clean_env):
    with pytest.raises(ConfigError, match="SURVEY_SECRET_KEY is not set"):
        create_app()


def test_the_cli_explains_a_missing_secret_key_without_a_traceback(clean_env):
    result = CliRunner().invoke(main, ["routes"])
    assert result.exit_code != 0
    assert "SURVEY_SECRET_KEY is not set" in result.output
    assert "Traceback" not in result.output


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
