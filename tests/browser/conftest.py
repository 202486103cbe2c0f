"""A real `survey-app demo` server, as a newcomer starts it, and a headless Chromium to drive it."""

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy.orm import Session, selectinload

from survey_app import create_app
from survey_app.core.extensions import db
from survey_app.models import Instrument, Officer, Role, SurveyResponse, Unit, User
from survey_app.queries.units import get_unit_by_code
from survey_app.services.accounts.staff import AccountDetails, open_account
from tests.helpers.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    KIOSK_TABLET,
    PHONE,
    STAFF_PASSWORD,
    TABLET,
    StaffAccount,
)
from tests.helpers.databases import fresh_postgres_database, postgres_server_url, suite_backend

# The common 4:3 tablet sizes a kiosk must fit without scrolling, either way up.
KIOSK_SIZES = {
    "landscape": {"width": 1024, "height": 768},
    "portrait": {"width": 768, "height": 1024},
}
SURVEY_URL = re.compile(r"http://127\.0\.0\.1:\d+/s/[A-Z0-9]{8}")
SERVING = re.compile(r"Serving on (http://127\.0\.0\.1:\d+) \(Ctrl\+C to stop\)")
STARTUP_SECONDS = 60
# The process's own settings must not leak in: the demo runs as in a newcomer's clean shell.
INHERITED_SETTINGS = ("SURVEY_ENV", "SURVEY_PUBLIC_URL", "SURVEY_SECRET_KEY", "SURVEY_DATABASE_URL")


@dataclass
class DemoServer:
    base_url: str
    survey_urls: list[str]
    output: list[str]  # everything the process printed so far, for failure messages and logs
    engine: sa.Engine

    def count_responses(self) -> int:
        with self.engine.connect() as connection:
            return connection.scalar(sa.select(sa.func.count()).select_from(SurveyResponse))

    def stored_response(self, client_ref: str) -> SurveyResponse:
        """The response behind a thank-you page, with its answers loaded, detached."""
        with Session(self.engine, expire_on_commit=False) as session:
            return session.scalars(
                sa.select(SurveyResponse)
                .where(SurveyResponse.client_ref == client_ref)
                .options(selectinload(SurveyResponse.instrument).selectinload(Instrument.items))
            ).one()

    def log_since(self, start: int) -> str:
        return "\n".join(self.output[start:])


@pytest.fixture(scope="session")
def demo_database_url(tmp_path_factory) -> Iterator[str]:
    if suite_backend() == "postgresql":
        with fresh_postgres_database(postgres_server_url()) as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('demo-db') / 'survey.db'}"


@pytest.fixture(scope="session")
def demo(demo_database_url, tmp_path_factory) -> Iterator[DemoServer]:
    instance = tmp_path_factory.mktemp("demo-instance")
    engine = sa.create_engine(demo_database_url)
    with _running_demo(instance, demo_database_url) as (base_url, urls, output):
        yield DemoServer(base_url=base_url, survey_urls=urls, output=output, engine=engine)
        engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: install Debian's package (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; under CI the browser tests must run")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser) -> Iterator[Page]:
    """A fresh 360 × 740 touch phone in Vietnamese: no cookies, no cache from earlier tests."""
    context = browser.new_context(**PHONE)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone_without_javascript(browser) -> Iterator[Page]:
    context = browser.new_context(**PHONE, java_script_enabled=False)
    yield context.new_page()
    context.close()


@pytest.fixture
def tablet(browser) -> Iterator[Page]:
    """A fresh 1024 × 768 touch tablet in Vietnamese, signed in as nobody."""
    context = browser.new_context(**TABLET)
    yield context.new_page()
    context.close()


@pytest.fixture
def kiosk_tablet(browser) -> Iterator[Page]:
    """A fresh 1280 × 800 landscape touch tablet; a script error or a breach of the Content
    Security Policy on its page fails the test."""
    yield from _kiosk_page(browser, KIOSK_TABLET)


@pytest.fixture(params=list(KIOSK_SIZES))
def sized_kiosk_tablet(browser, request) -> Iterator[Page]:
    """The kiosk tablet at 1024 × 768 landscape, then at 768 × 1024 portrait."""
    yield from _kiosk_page(browser, TABLET | {"viewport": KIOSK_SIZES[request.param]})


def _kiosk_page(browser, options: dict) -> Iterator[Page]:
    context = browser.new_context(**options)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and errors.append(message.text),
    )
    yield page
    context.close()
    assert not errors, f"script errors on the kiosk page: {errors}"


@pytest.fixture(scope="session")
def demo_app(demo, demo_database_url):
    """The application on the running demo's database, to set things up through the services
    (the server reads them from there)."""
    settings = {"SQLALCHEMY_DATABASE_URI": demo_database_url, "SURVEY_ENV": "testing"}
    app = create_app(settings | {"SECRET_KEY": "browser-tests"})
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def staff_accounts(demo, demo_database_url) -> dict[str, StaffAccount]:
    """A manager and an officer of the demo's commune LD-DUCTRONG, made in the demo's database
    through the services (the running server reads them from there)."""
    settings = {"SQLALCHEMY_DATABASE_URI": demo_database_url, "SURVEY_ENV": "testing"}
    app = create_app(settings | {"SECRET_KEY": "browser-tests"})
    with app.app_context():
        try:
            return {
                "manager": _make_account("browser-manager", "Hoàng Thị Quản Lý", "manager"),
                "officer": _make_account("browser-officer", None, "officer"),
            }
        finally:
            db.session.remove()
            db.engine.dispose()


def _make_account(username: str, full_name: str | None, role: str) -> StaffAccount:
    unit = get_unit_by_code("LD-DUCTRONG")
    officer = _officer_without_account(unit) if role == "officer" else None
    name = officer.full_name if officer else full_name
    details = AccountDetails(
        full_name=name, email=None, role=Role(role), unit=unit, officer=officer
    )
    open_account(username, STAFF_PASSWORD, details)
    code = officer.code if officer else None
    return StaffAccount(username, STAFF_PASSWORD, name, unit.code, code)


def _officer_without_account(unit: Unit) -> Officer:
    """The demo may open accounts of its own one day: take an officer none of them uses."""
    taken = sa.select(User.officer_id).where(User.officer_id.is_not(None))
    return db.session.scalars(
        sa.select(Officer)
        .where(Officer.unit_id == unit.id, Officer.active, Officer.id.not_in(taken))
        .order_by(Officer.code)
    ).first()


@contextmanager
def _running_demo(instance: Path, database_url: str):
    port = _free_port()
    # A PostgreSQL database is refused without the flag (survey_app/cli/demo_guard.py).
    forced = [] if database_url.startswith("sqlite") else ["--allow-published-passwords"]
    process = subprocess.Popen(
        [*_survey_app_command(), "demo", "--port", str(port), *forced],
        cwd=instance,
        env=_demo_environment(instance, database_url),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        start_new_session=True,  # so the teardown can stop a reloader child too
    )
    output: list[str] = []
    lines, pump = _read_lines(process, output)
    try:
        base_url = _wait_for_serving(process, lines, output)
        _wait_for_port(port, output)
        yield base_url, [url for line in output for url in SURVEY_URL.findall(line)], output
    finally:
        _stop(process)
        pump.join(timeout=10)
        process.stdout.close()


def _survey_app_command() -> list[str]:
    """The console script a newcomer types, from the interpreter's own environment."""
    script = Path(sys.executable).parent / "survey-app"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from survey_app.cli import main; main()"]


def _demo_environment(instance: Path, database_url: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in INHERITED_SETTINGS}
    env |= {
        "SURVEY_INSTANCE_PATH": str(instance),
        "SURVEY_DATABASE_URL": database_url,
        # A pipe is block-buffered: without this the URLs would only arrive at exit.
        "PYTHONUNBUFFERED": "1",
        # The tests pair dozens of tablets a minute from one address, far beyond an office's
        # pace; tests/survey_app/core/test_limits.py checks the limits themselves.
        "SURVEY_RATELIMIT_ENABLED": "false",
    }
    return env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _read_lines(process: subprocess.Popen, output: list[str]):
    """Drain the server's output for its whole life, or a full pipe would block the server."""
    lines: queue.Queue = queue.Queue()

    def pump() -> None:
        for line in process.stdout:
            output.append(line.rstrip("\n"))
            lines.put(output[-1])
        lines.put(None)

    thread = threading.Thread(target=pump, daemon=True)
    thread.start()
    return lines, thread


def _wait_for_serving(process: subprocess.Popen, lines: queue.Queue, output: list[str]) -> str:
    deadline = time.monotonic() + STARTUP_SECONDS
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            break
        if line is None:
            code = process.wait()
            pytest.fail(f"survey-app demo exited ({code}) before serving:\n{_shown(output)}")
        if match := SERVING.search(line):
            return match.group(1)
    pytest.fail(f"survey-app demo did not serve in {STARTUP_SECONDS} s:\n{_shown(output)}")


def _wait_for_port(port: int, output: list[str]) -> None:
    """The line is printed just before the server binds; give it a moment to listen."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"survey-app demo said it serves but port {port} refuses:\n" + _shown(output))


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _shown(output: list[str]) -> str:
    return "\n".join(output) or "(no output)"
