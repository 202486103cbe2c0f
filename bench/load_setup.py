"""What bench/load.py and bench/soak.py share to set up a run: a bench database with demo data,
the real server and the yardstick under gunicorn, and reading back what was stored."""

import os
import re
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import redis
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.pairing import register_kiosk  # noqa: E402
from survey_app import create_app  # noqa: E402
from survey_app.core.config import DEFAULT_RATE_LIMITS  # noqa: E402
from survey_app.core.extensions import db  # noqa: E402
from survey_app.demo.loader import load_demo  # noqa: E402
from survey_app.models import Counter, SurveyCode, Unit  # noqa: E402
from survey_app.queries.instruments import get_current_instrument  # noqa: E402
from survey_app.services.org.members import add_counter, add_unit  # noqa: E402
from tests.helpers.live_server import Gunicorn, gunicorn  # noqa: E402

SERVER_URL = os.environ.get(
    "BENCH_DATABASE_SERVER", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
KIOSK_INSTRUMENT = "kiosk-5"
LOCAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
GUNICORN_CONF = ROOT / "survey_app" / "core" / "gunicorn_conf.py"
# The app's rate limits stay on (their cost is part of a request) but so high that one client
# address sending thousands of ratings a minute is never refused.
BENCH_RATE_LIMITS = {f"SURVEY_RATELIMIT_{name}": "1000000/minute" for name in DEFAULT_RATE_LIMITS}
# Their counters where production keeps them (docs/deploy.md), in a database of their own;
# BENCH_RATELIMIT_STORAGE_URL=memory:// counts in each worker's memory instead.
BENCH_REDIS_URL = "redis://127.0.0.1:6379/15"
BENCH_COUNTERS = 5  # counters of each commune made for the QR targets


# --- the bench database -------------------------------------------------------------------


@contextmanager
def bench_database(name: str) -> Iterator[str]:
    """A database `name` on the local server, made afresh and dropped at the end."""
    admin = sa.create_engine(SERVER_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        yield make_url(SERVER_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass(frozen=True)
class QrTarget:
    """One QR code and what the yardstick needs to store the same response without lookups."""

    code: str
    items: dict[str, int]  # item code -> item id
    unit_id: int
    counter_id: int | None
    officer_id: int | None
    instrument_id: int


@dataclass(frozen=True)
class KioskTarget:
    token: str
    items: dict[str, int]
    unit_id: int
    counter_id: int
    instrument_id: int


@dataclass
class BenchData:
    url: str
    qr: list[QrTarget]
    kiosks: list[KioskTarget]


def prepare(url: str, work_dir: str, kiosks: int = 32, qr_targets: int = 0) -> BenchData:
    """Migrate, load the demo organisation and its history, pair `kiosks` tablets: one per
    client, since a tablet sends its queue one rating at a time. With `qr_targets`, the QR
    ratings go to that many counters of new communes (BENCH_COUNTERS each) instead of the
    demo's few: a country's ratings arrive at thousands of counters, each at its own pace; on
    a few counters, the same load is a stuffing attack, and the hold rules hold most of it."""
    os.environ["SURVEY_INSTANCE_PATH"] = work_dir
    app = create_app({"SURVEY_ENV": "development", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        summary = load_demo(datetime.now(LOCAL_ZONE).date())
        codes = _bench_counter_codes(qr_targets) if qr_targets else summary.survey_codes
        qr = [_qr_target(code) for code in codes]
        counters = list(db.session.scalars(sa.select(Counter).order_by(Counter.id)))
        kiosk_targets = _pair_kiosks([counters[n % len(counters)] for n in range(kiosks)])
        db.session.remove()
        db.engine.dispose()
    return BenchData(url, qr, kiosk_targets)


def _bench_counter_codes(count: int) -> list[SurveyCode]:
    """`count` counters with their poster's survey code, BENCH_COUNTERS to a new commune of the
    demo's province."""
    province = db.session.scalars(sa.select(Unit).where(Unit.parent_id.is_(None))).first()
    counters = []
    for number in range(count):
        if number % BENCH_COUNTERS == 0:
            commune = add_unit(
                code=f"BENCH-{number // BENCH_COUNTERS:04d}",
                name=f"Xã thử tải {number // BENCH_COUNTERS + 1}",
                parent=province,
            )
        name = f"Quầy {number % BENCH_COUNTERS + 1}"
        counters.append(
            add_counter(unit=commune, code=f"{commune.code}-Q{number % BENCH_COUNTERS}", name=name)
        )
    db.session.commit()
    made = SurveyCode.counter_id.in_([counter.id for counter in counters])
    return list(db.session.scalars(sa.select(SurveyCode).where(made)))


def _qr_target(code: SurveyCode) -> QrTarget:
    instrument = get_current_instrument(code.unit.instrument_code)
    return QrTarget(
        code=code.code,
        items={item.code: item.id for item in instrument.items},
        unit_id=code.unit_id,
        counter_id=code.counter_id,
        officer_id=code.officer_id,
        instrument_id=instrument.id,
    )


def _pair_kiosks(counters: list[Counter]) -> list[KioskTarget]:
    instrument = get_current_instrument(KIOSK_INSTRUMENT)
    items = {item.code: item.id for item in instrument.items}
    targets = []
    for number, counter in enumerate(counters, start=1):
        _, token = register_kiosk(counter, name=f"Máy tính bảng thử tải {number}")
        targets.append(KioskTarget(token, items, counter.unit_id, counter.id, instrument.id))
    return targets


def count_new_responses(url: str, since_id: int) -> tuple[int, int]:
    """(rows, distinct client refs) stored after `since_id`."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            row = connection.execute(
                sa.text(
                    "SELECT count(*), count(DISTINCT (unit_id, client_ref)) "
                    "FROM survey_responses WHERE id > :since"
                ),
                {"since": since_id},
            ).one()
            return row[0], row[1]
    finally:
        engine.dispose()


def last_response_id(url: str) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.scalar(sa.text("SELECT coalesce(max(id), 0) FROM survey_responses"))
    finally:
        engine.dispose()


# --- the servers --------------------------------------------------------------------------


def rate_limit_storage() -> str:
    """Redis as in production when it answers here, else each worker's memory (printed)."""
    chosen = os.environ.get("BENCH_RATELIMIT_STORAGE_URL")
    if chosen:
        return chosen
    try:
        redis.Redis.from_url(BENCH_REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return "memory://"
    return BENCH_REDIS_URL


def app_environment(url: str, work_dir: str) -> dict[str, str]:
    return {
        "SURVEY_ENV": "production",
        "SURVEY_DATABASE_URL": url,
        "SURVEY_SECRET_KEY": secrets.token_hex(32),
        "SURVEY_INSTANCE_PATH": work_dir,
        # Production refuses a loopback address; the benchmark never follows a printed link.
        "SURVEY_PUBLIC_URL": "http://khaosat.bench.test",
        "SURVEY_SECURE_COOKIES": "false",  # plain http on the loopback
        "SURVEY_RATELIMIT_STORAGE_URL": rate_limit_storage(),
    } | BENCH_RATE_LIMITS


def gunicorn_args(workers: int | None) -> list[str]:
    """The project's gunicorn settings when it has them; --workers overrides their choice."""
    args = ["--config", str(GUNICORN_CONF)] if GUNICORN_CONF.exists() else []
    if workers is not None:
        args += ["--workers", str(workers)]
    elif not GUNICORN_CONF.exists():
        args += ["--workers", str(2 * (os.cpu_count() or 1) + 1)]
    return args + ["--access-logfile", "/dev/null"]


@contextmanager
def real_server(
    url: str, work_dir: str, workers: int | None, extra: list[str] = ()
) -> Iterator[Gunicorn]:
    env = app_environment(url, work_dir)
    args = gunicorn_args(workers) + list(extra)
    with gunicorn("survey_app:create_app()", env, Path(work_dir), args) as server:
        yield server


@contextmanager
def yardstick_server(url: str, work_dir: str, workers: int | None) -> Iterator[Gunicorn]:
    env = {"YARDSTICK_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    args = gunicorn_args(workers)
    with gunicorn("bench.yardstick_app:create_app()", env, Path(work_dir), args) as server:
        yield server


def worker_rss_kib(server: Gunicorn) -> int:
    """Resident memory of all the workers together."""
    total = 0
    for pid in server.worker_pids():
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:  # a worker being replaced
            continue
        total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
    return total
