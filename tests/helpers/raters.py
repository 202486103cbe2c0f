"""Phones and tablets rating through a live server while something fails: each rating keeps its
id and is sent again until the server accepts it, as the survey page and the kiosk queue do."""

import os
import secrets
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from bs4 import BeautifulSoup
from flask_migrate import upgrade

from kiosk.pairing import register_kiosk
from survey_app import create_app
from survey_app.core.extensions import db
from tests.helpers.builders import make_counter, make_unit, survey_code_of
from tests.helpers.live_server import (
    Gunicorn,
    PrivatePostgres,
    gunicorn,
    postgres_bin_dir,
    private_postgres,
)
from tests.helpers.survey_pages import hidden_fields

KIOSK_ITEMS = ("TC", "TT", "CC", "KQ", "PA", "CHUNG")
QR_ACCEPTED = frozenset({303})
KIOSK_ACCEPTED = frozenset({200, 201})
# The server says "try again" with these; anything else that is not accepted is a refusal.
RETRY_STATUSES = frozenset({502, 503, 504})
RETRY_PAUSE_SECONDS = 0.2
REQUEST_TIMEOUT_SECONDS = 15


@dataclass(frozen=True)
class Deployment:
    """What the live server serves: one counter's QR code and one paired tablet."""

    database_url: str
    survey_code: str
    kiosk_token: str


def deploy(database_url: str) -> Deployment:
    """Migrate an empty database and add a unit, a counter and a kiosk of that counter."""
    app = create_app({"SURVEY_ENV": "testing", "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        upgrade()
        counter = make_counter(unit=make_unit(code="XA-LOI", instrument_code="sipas-2023"))
        _, token = register_kiosk(counter, name="Máy tính bảng quầy 1")
        deployment = Deployment(database_url, survey_code_of(counter), token)
        db.session.remove()
        db.engine.dispose()
    return deployment


@dataclass
class Delivery:
    """One rating and what each attempt to send it got."""

    id: str
    kind: str
    attempts: list[str] = field(default_factory=list)
    accepted_at: float | None = None


class RatingLoad:
    """Threads that send ratings, one after the other each, until stopped; a rating that fails
    is sent again with the same id, a while after the others stop if need be."""

    def __init__(self, base_url: str, deployment: Deployment, threads_per_kind: int = 3):
        self.base_url, self.deployment = base_url, deployment
        self.deliveries: list[Delivery] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._give_up_at = float("inf")
        kinds = [self._rate_by_qr, self._rate_by_kiosk] * threads_per_kind
        self._threads = [threading.Thread(target=kind, daemon=True) for kind in kinds]

    def start(self) -> "RatingLoad":
        for thread in self._threads:
            thread.start()
        return self

    def stop(self, retry_seconds: float = 60) -> None:
        """No new ratings; failed ones are retried for at most `retry_seconds` more."""
        self._give_up_at = time.monotonic() + retry_seconds
        self._stop.set()
        for thread in self._threads:
            thread.join(retry_seconds + REQUEST_TIMEOUT_SECONDS)

    def accepted_ids(self) -> set[str]:
        return {d.id for d in self.deliveries if d.accepted_at is not None}

    def retried(self) -> list[Delivery]:
        return [d for d in self.deliveries if len(d.attempts) > 1]

    def refused(self) -> list[Delivery]:
        """Ratings the server refused outright (a 4xx): none should be."""
        return [d for d in self.deliveries if d.accepted_at is None and d.attempts]

    def _rate_by_qr(self) -> None:
        session = requests.Session()
        form = self._until_sent(lambda: self._open_form(session))
        while form is not None and not self._stop.is_set():
            data = form | {"submission_id": uuid.uuid4().hex}
            self._deliver(
                Delivery(data["submission_id"], "qr"),
                lambda data=data: session.post(
                    f"{self.base_url}/s/{self.deployment.survey_code}",
                    data=data,
                    allow_redirects=False,
                    timeout=REQUEST_TIMEOUT_SECONDS,
                ),
                QR_ACCEPTED,
            )

    def _open_form(self, session: requests.Session) -> dict | None:
        page = session.get(
            f"{self.base_url}/s/{self.deployment.survey_code}", timeout=REQUEST_TIMEOUT_SECONDS
        )
        if page.status_code != 200:
            return None
        answers = {"TC1": "5", "CC2": "3", "CHUNG": "4", "comment": ""}
        return hidden_fields(BeautifulSoup(page.text, "html.parser")) | answers

    def _rate_by_kiosk(self) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {self.deployment.kiosk_token}"
        while not self._stop.is_set():
            body = {
                "id": str(uuid.uuid4()),
                "instrument": "kiosk-5",
                "submitted_at": datetime.now(UTC).isoformat(),
                "answers": dict.fromkeys(KIOSK_ITEMS, 4),
            }
            self._deliver(
                Delivery(body["id"], "kiosk"),
                lambda body=body: session.post(
                    f"{self.base_url}/api/v1/responses",
                    json=body,
                    timeout=REQUEST_TIMEOUT_SECONDS,
                ),
                KIOSK_ACCEPTED,
            )

    def _deliver(self, delivery: Delivery, send, accepted: frozenset[int]) -> None:
        with self._lock:
            self.deliveries.append(delivery)
        while time.monotonic() < self._give_up_at:
            try:
                status = send().status_code
            except requests.RequestException as error:
                delivery.attempts.append(type(error).__name__)
            else:
                delivery.attempts.append(str(status))
                if status in accepted:
                    delivery.accepted_at = time.monotonic()
                    return
                if status not in RETRY_STATUSES:
                    return  # refused: the test names it
            time.sleep(RETRY_PAUSE_SECONDS)

    def _until_sent(self, attempt):
        """Open the form, retrying while the server cannot answer."""
        while time.monotonic() < self._give_up_at and not self._stop.is_set():
            try:
                if (result := attempt()) is not None:
                    return result
            except requests.RequestException:
                pass
            time.sleep(RETRY_PAUSE_SECONDS)
        return None


def stored_ref_counts(database_url: str) -> Counter:
    """How many responses carry each client id."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT client_ref FROM survey_responses"))
            return Counter(row[0] for row in rows)
    finally:
        engine.dispose()


def summary(load: RatingLoad) -> str:
    """What happened, for a failing assertion's message."""
    outcomes = Counter(attempt for d in load.deliveries for attempt in d.attempts)
    return (
        f"{len(load.deliveries)} ratings, {len(load.accepted_ids())} accepted, "
        f"{len(load.retried())} retried; attempts: {dict(outcomes)}"
    )


@contextmanager
def private_cluster() -> Iterator[PrivatePostgres]:
    """A PostgreSQL cluster of the test's own; skipped (failed under CI) without the programs."""
    if postgres_bin_dir() is None:
        reason = "PostgreSQL server programs (initdb, pg_ctl) are not installed"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; under CI the fault tests must run")
        pytest.skip(reason)
    with private_postgres() as cluster:
        yield cluster


def create_database(cluster: PrivatePostgres, name: str) -> str:
    engine = sa.create_engine(cluster.url(), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return cluster.url(name)


@contextmanager
def serve(deployment: Deployment, work_dir: Path, workers: int) -> Iterator[Gunicorn]:
    """The real app under gunicorn, in production mode, on plain http, without rate limits."""
    env = {
        "SURVEY_ENV": "production",
        "SURVEY_DATABASE_URL": deployment.database_url,
        "SURVEY_SECRET_KEY": secrets.token_hex(32),
        "SURVEY_INSTANCE_PATH": str(work_dir),
        "SURVEY_PUBLIC_URL": "http://khaosat.test",  # production refuses a loopback address
        "SURVEY_SECURE_COOKIES": "false",
        "SURVEY_RATELIMIT_ENABLED": "false",
    }
    # One import in the master, forked into the workers: starts (and respawns) in a moment.
    args = ["--workers", str(workers), "--timeout", "30", "--preload"]
    with gunicorn("survey_app:create_app()", env, work_dir, args) as server:
        yield server
