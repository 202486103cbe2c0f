"""The shipped gunicorn settings: workers from the CPU count within a cap, and an access log that
says what happened without saying who (no address, no query string, codes masked)."""

import importlib
import multiprocessing
import os
import secrets
import socket
import subprocess
import sys
import time

import pytest
import requests

from survey_app.core import gunicorn_conf

STARTUP_SECONDS = 60


@pytest.fixture
def reloaded(monkeypatch):
    """The settings module read again under the environment the test sets."""

    def load(**environment):
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        return importlib.reload(gunicorn_conf)

    yield load
    monkeypatch.undo()
    importlib.reload(gunicorn_conf)


def test_workers_follow_the_cpu_count_within_the_cap(reloaded):
    expected = min(multiprocessing.cpu_count() + 1, 8)
    assert reloaded().workers == expected
    assert reloaded(SURVEY_MAX_WORKERS="2").workers == 2
    assert reloaded(SURVEY_WORKERS="5", SURVEY_MAX_WORKERS="2").workers == 5
    settings = reloaded()
    assert (settings.timeout, settings.graceful_timeout) == (30, 30)
    assert settings.max_requests and settings.max_requests_jitter


def test_codes_in_paths_are_masked():
    mask = gunicorn_conf.mask_codes
    assert mask("/s/K7PQ2M9X/cam-on/0123456789abcdef0123456789abcdef") == "/s/***/cam-on/***"
    assert mask("/t/KPQMXZABCD/da-gui") == "/t/***/da-gui"
    assert mask("/phan-anh/XA-A") == "/phan-anh/XA-A"
    assert mask("/quan-tri/bao-cao/XA-A/2026-03") == "/quan-tri/bao-cao/XA-A/2026-03"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_gunicorn_serves_the_app_with_the_packaged_settings(tmp_path):
    port = free_port()
    environment = os.environ | {
        "SURVEY_ENV": "production",
        "SURVEY_SECRET_KEY": secrets.token_hex(32),
        "SURVEY_DATABASE_URL": f"sqlite:///{tmp_path / 'survey.db'}",
        "SURVEY_INSTANCE_PATH": str(tmp_path),
        "SURVEY_RATELIMIT_STORAGE_URL": "memory://",
        "SURVEY_PUBLIC_URL": "https://khaosat.example.gov.vn",
        "SURVEY_BIND": f"127.0.0.1:{port}",
        "SURVEY_WORKERS": "1",
    }
    command = [sys.executable, "-m", "gunicorn", "-c", "python:survey_app.core.gunicorn_conf"]
    log_path = tmp_path / "gunicorn.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [*command, "survey_app:create_app()"],
            env=environment,
            cwd=tmp_path,  # not the checkout: only the installed package's settings apply
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        assert wait_until_up(base, server), log_path.read_text()
        assert requests.get(f"{base}/readyz?lang=en", timeout=5).json()["reason"] == (
            "migrations_not_current"
        )
        # Unmigrated: the survey answers 503 (database not ready), which is logged all the same.
        requests.get(f"{base}/s/K7PQ2M9X?phieu=secret", timeout=5)
    finally:
        server.terminate()
        server.wait(timeout=30)
    access = [line for line in log_path.read_text().splitlines() if '"GET ' in line]
    assert any('"GET /s/***" 503' in line for line in access), access
    assert any('"GET /readyz" 503' in line for line in access), access
    assert not [line for line in access if "K7PQ2M9X" in line or "secret" in line]
    assert not [line for line in access if "127.0.0.1" in line]


def wait_until_up(base: str, server: subprocess.Popen) -> bool:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline and server.poll() is None:
        try:
            return requests.get(f"{base}/healthz", timeout=10).status_code == 200
        except (requests.ConnectionError, requests.Timeout):  # the worker is still booting
            time.sleep(0.2)
    return False


def test_the_access_line_says_what_happened_and_nothing_of_who():
    """Only the shipped format's atoms are made: a format asking for the address, the query
    string, the request line or a header gets "-"."""
    from datetime import timedelta
    from types import SimpleNamespace

    from gunicorn.config import Config

    config = Config()
    config.set("accesslog", "-")
    config.set("access_log_format", gunicorn_conf.ACCESS_LOG_FORMAT)
    logger = gunicorn_conf.AccessLogger(config)
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/s/K7PQ2M9X",
        "QUERY_STRING": "phieu=secret",
        "RAW_URI": "/s/K7PQ2M9X?phieu=secret",
        "REMOTE_ADDR": "203.0.113.9",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_USER_AGENT": "Zalo",
    }
    response = SimpleNamespace(status="303 SEE OTHER", sent=120, headers=[("Location", "/x")])
    request = SimpleNamespace(headers=[("User-Agent", "Zalo")])
    atoms = logger.atoms_wrapper_class(
        logger.atoms(response, request, environ, timedelta(milliseconds=42))
    )
    line = gunicorn_conf.ACCESS_LOG_FORMAT % atoms
    assert line.endswith('"POST /s/***" 303 120 42ms'), line
    leaky = "%(h)s %(r)s %(q)s %({user-agent}i)s %({remote_addr}e)s"
    assert leaky % atoms == "- - - - -"


def test_a_booted_worker_freezes_its_objects_and_collects_less_often():
    """Run in a process of its own: the test process's collector stays as it is."""
    script = (
        "import gc\n"
        "from gunicorn.config import Config\n"
        "from survey_app.core import gunicorn_conf\n"
        "config = Config()\n"
        "config.set('post_worker_init', gunicorn_conf.post_worker_init)\n"
        "assert gc.get_freeze_count() == 0\n"
        "config.post_worker_init(None)\n"  # what gunicorn calls once the worker has the app
        "print(gc.get_freeze_count() > 1000, gc.get_threshold())\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split(maxsplit=1) == ["True", "(20000, 10, 10)\n"]
