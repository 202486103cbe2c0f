"""survey-app refuses to start in production with settings that are only fit for a developer
machine: each problem is one line that says how to fix it."""

import pytest
from click.testing import CliRunner

from survey_app import create_app
from survey_app.cli import main
from survey_app.core import config_checks
from survey_app.core.config import INSECURE_DEV_KEY, ConfigError

GOOD_KEY = "0123456789abcdef" * 4
SETTINGS = (
    "SURVEY_ENV",
    "SURVEY_SECRET_KEY",
    "SURVEY_DATABASE_URL",
    "SURVEY_RATELIMIT_STORAGE_URL",
    "SURVEY_RATELIMIT_ENABLED",
    "SURVEY_SECURE_COOKIES",
    "SURVEY_PUBLIC_URL",
    "SURVEY_RATELIMIT_PUBLIC_FORM",
    "FLASK_DEBUG",
)


@pytest.fixture
def production(monkeypatch, tmp_path):
    """A production environment with everything right; each test spoils one thing."""
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    mounts = tmp_path / "mounts"
    mounts.write_text("/dev/sda1 / ext4 rw 0 0\nproc /proc proc rw 0 0\n")
    monkeypatch.setattr(config_checks, "MOUNTS_FILE", mounts)
    monkeypatch.setenv("SURVEY_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("SURVEY_SECRET_KEY", GOOD_KEY)
    monkeypatch.setenv("SURVEY_DATABASE_URL", "postgresql+psycopg://survey@127.0.0.1/survey")
    monkeypatch.setenv("SURVEY_RATELIMIT_STORAGE_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("SURVEY_PUBLIC_URL", "https://khaosat.example.gov.vn")
    return monkeypatch


def refusal(**settings) -> str:
    with pytest.raises(ConfigError) as refused:
        create_app(settings or None)
    return str(refused.value)


def test_a_well_set_production_starts_with_secure_cookies(production):
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["SURVEY_RATELIMIT_ENABLED"] is True


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (INSECURE_DEV_KEY, "SURVEY_SECRET_KEY is a well-known default"),
        ("short-but-secret", "SURVEY_SECRET_KEY has 16 characters; use at least 32"),
    ],
)
def test_a_default_or_short_secret_key_is_refused(production, key, message):
    production.setenv("SURVEY_SECRET_KEY", key)
    assert message in refusal()


def test_debug_mode_is_refused(production):
    production.setenv("FLASK_DEBUG", "1")
    assert refusal() == "Debug mode is on (FLASK_DEBUG or --debug); never use it in production."


def test_debug_set_by_a_setting_is_refused_too(production):
    assert "Debug mode is on" in refusal(DEBUG=True)


def test_sqlite_on_a_network_share_is_refused(production, tmp_path):
    share = tmp_path / "share with space"
    escaped = str(share).replace(" ", "\\040")
    config_checks.MOUNTS_FILE.write_text(
        f"/dev/sda1 / ext4 rw 0 0\nfiler:/export {escaped} nfs4 rw,relatime 0 0\n"
    )
    production.setenv("SURVEY_DATABASE_URL", f"sqlite:///{share}/survey.db")
    assert "The SQLite database is on a network file system (nfs4)" in refusal()


def test_sqlite_on_a_unc_path_is_refused(production):
    production.setenv("SURVEY_DATABASE_URL", "sqlite://///fileserver/share/survey.db")
    assert "network file system (UNC path)" in refusal()


def test_sqlite_on_a_local_disk_is_accepted(production, tmp_path):
    production.setenv("SURVEY_DATABASE_URL", f"sqlite:///{tmp_path / 'survey.db'}")
    assert create_app().config["SQLALCHEMY_DATABASE_URI"].endswith("survey.db")


def test_rate_limits_without_a_storage_are_refused(production):
    production.delenv("SURVEY_RATELIMIT_STORAGE_URL")
    assert refusal().startswith("SURVEY_RATELIMIT_STORAGE_URL is not set;")


def test_switching_rate_limits_off_needs_no_storage(production):
    production.delenv("SURVEY_RATELIMIT_STORAGE_URL")
    production.setenv("SURVEY_RATELIMIT_ENABLED", "false")
    assert create_app().config["SURVEY_RATELIMIT_ENABLED"] is False


def test_every_problem_is_told_at_once_one_per_line(production):
    production.setenv("SURVEY_SECRET_KEY", "x" * 10)
    production.setenv("FLASK_DEBUG", "1")
    production.delenv("SURVEY_RATELIMIT_STORAGE_URL")
    lines = refusal().splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == [
        "SURVEY_SECRET_KEY",
        "Debug",
        "SURVEY_RATELIMIT_STORAGE_URL",
    ]


def test_a_malformed_rate_limit_is_refused_in_any_environment(production):
    production.setenv("SURVEY_ENV", "development")
    production.setenv("SURVEY_RATELIMIT_PUBLIC_FORM", "ten a minute")
    assert "SURVEY_RATELIMIT_PUBLIC_FORM='ten a minute' is not a rate limit" in refusal()


def test_the_cli_tells_the_problem_without_a_traceback(production):
    production.setenv("SURVEY_DATABASE_URL", "sqlite://///fileserver/share/survey.db")
    production.setenv("FLASK_RUN_FROM_CLI", "")  # FlaskGroup sets it; monkeypatch then removes it
    result = CliRunner().invoke(main, ["routes"])
    assert result.exit_code != 0
    assert "network file system (UNC path)" in result.output and "Traceback" not in result.output


def test_serving_without_a_public_url_is_refused(production):
    production.delenv("SURVEY_PUBLIC_URL")
    assert refusal() == (
        "SURVEY_PUBLIC_URL is not set (so http://127.0.0.1:5000): QR codes and links would not "
        "open on citizens' phones. Set it to the address they reach, e.g. "
        "SURVEY_PUBLIC_URL=https://khaosat.example.gov.vn"
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:8000",
        "http://127.0.1.1",
        "https://[::1]:5000/",
        "http://0.0.0.0:5000",
        "http://khaosat.localhost",
    ],
)
def test_serving_with_a_loopback_public_url_is_refused(production, url):
    production.setenv("SURVEY_PUBLIC_URL", url)
    assert f"SURVEY_PUBLIC_URL is {url!r}, which points at this machine" in refusal()


@pytest.mark.parametrize("url", ["khaosat.example.gov.vn", "ftp://khaosat.example.gov.vn"])
def test_a_public_url_that_is_no_web_address_is_refused(production, url):
    production.setenv("SURVEY_PUBLIC_URL", url)
    assert "which is not an http(s) address" in refusal()


@pytest.mark.parametrize(
    "url", ["https://khaosat.example.gov.vn", "http://10.0.0.5:8000", "https://dichvucong.vn/ks/"]
)
def test_a_reachable_public_url_is_accepted(production, url):
    production.setenv("SURVEY_PUBLIC_URL", url)
    assert create_app().config["SURVEY_PUBLIC_URL"] == url


def test_a_command_is_only_refused_what_would_harm_the_data(production):
    """No key, debug on, no rate-limit storage, no public URL: a command that serves nothing
    runs; an SQLite file on a network share is refused all the same."""
    for name in ("SURVEY_SECRET_KEY", "SURVEY_RATELIMIT_STORAGE_URL", "SURVEY_PUBLIC_URL"):
        production.delenv(name)
    production.setenv("FLASK_DEBUG", "1")
    assert create_app({"SURVEY_PROCESS": "command"}).config["SURVEY_ENV"] == "production"
    production.setenv("SURVEY_DATABASE_URL", "sqlite://///fileserver/share/survey.db")
    assert "network file system" in refusal(SURVEY_PROCESS="command")


def test_the_demo_keeps_the_serving_checks_but_serves_its_own_loopback_address(production):
    production.delenv("SURVEY_PUBLIC_URL")
    demo = {"SURVEY_PROCESS": "demo", "SURVEY_PUBLIC_URL": "http://127.0.0.1:5000"}
    assert create_app(demo).config["SURVEY_PUBLIC_URL"] == "http://127.0.0.1:5000"
    production.setenv("SURVEY_SECRET_KEY", INSECURE_DEV_KEY)
    assert "SURVEY_SECRET_KEY is a well-known default" in refusal(**demo)


def test_the_cli_run_command_is_refused_a_loopback_public_url(production):
    production.delenv("SURVEY_PUBLIC_URL")
    production.setenv("FLASK_RUN_FROM_CLI", "")
    # An address nobody can bind: were the check missing, `run` would fail there, not serve.
    result = CliRunner().invoke(main, ["run", "--host", "256.0.0.1"])
    assert result.exit_code != 0
    assert "SURVEY_PUBLIC_URL is not set" in result.output and "Traceback" not in result.output
