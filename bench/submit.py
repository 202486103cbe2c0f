"""Throughput of the citizen survey over real HTTP: gunicorn workers and many phones at once.

    .venv/bin/python bench/submit.py --backend both --count 2000 --concurrency 8 --workers 4

For each backend: a fresh database with the demo data, gunicorn on a free local port, then client
threads that each open /s/<code>, read the form's hidden fields and post a full answer set
(expecting 303). Prints throughput and latency percentiles, then checks that the database holds
exactly one new response per accepted post.
"""

import argparse
import itertools
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import requests
import sqlalchemy as sa
from flask_migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from survey_app import create_app  # noqa: E402
from survey_app.core.extensions import db  # noqa: E402
from survey_app.demo.loader import load_demo  # noqa: E402
from survey_app.queries.instruments import get_current_instrument  # noqa: E402
from tests.helpers.databases import fresh_database  # noqa: E402

HIDDEN_INPUT = re.compile(r'<input[^>]*name="(csrf_token|submission_id)"[^>]*value="([^"]*)"')
STARTUP_TIMEOUT_S = 30
NEW_REFS_SQL = "SELECT client_ref FROM survey_responses WHERE client_ref NOT LIKE 'demo-%'"


@dataclass(frozen=True)
class Target:
    """One QR code of the demo and the item codes of its unit's questionnaire."""

    code: str
    items: tuple[str, ...]


@dataclass
class Results:
    total_ms: list[float] = field(default_factory=list)
    post_ms: list[float] = field(default_factory=list)
    refs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def prepare_database(url: str, instance_dir: str) -> list[Target]:
    """Migrate, load the demo, and list its QR codes; the checkout's instance/ stays untouched."""
    os.environ["SURVEY_INSTANCE_PATH"] = instance_dir
    app = create_app(
        {"SURVEY_ENV": "development", "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"}
    )
    with app.app_context():
        upgrade()
        today = datetime.now(ZoneInfo(app.config["SURVEY_TIMEZONE"])).date()
        summary = load_demo(today)
        targets = [
            Target(code.code, tuple(i.code for i in _instrument_of(code).items))
            for code in summary.survey_codes
        ]
        db.session.remove()
        db.engine.dispose()
    return targets


def _instrument_of(survey_code):
    return get_current_instrument(survey_code.unit.instrument_code)


def stored_refs(url: str) -> list[str]:
    """Client refs of every response that is not demo data."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return list(connection.scalars(sa.text(NEW_REFS_SQL)))
    finally:
        engine.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(url: str, workers: int, work_dir: str) -> Iterator[str]:
    """Serve the app with gunicorn in production mode; yield its base URL; stop it after."""
    port = free_port()
    env = os.environ | {
        "SURVEY_DATABASE_URL": url,
        "SURVEY_SECRET_KEY": secrets.token_hex(32),
        "SURVEY_ENV": "production",
        "SURVEY_INSTANCE_PATH": work_dir,
        # Production refuses a loopback public address; the benchmark follows no printed link.
        "SURVEY_PUBLIC_URL": os.environ.get("SURVEY_PUBLIC_URL", "http://khaosat.bench.test"),
    }
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers)]
    command += ["--bind", f"127.0.0.1:{port}", "survey_app:create_app()"]
    log_path = Path(work_dir) / "gunicorn.log"
    with open(log_path, "wb") as log:
        # Own session: a Ctrl+C reaches only this script, which then stops gunicorn in order.
        server = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=log, stderr=log, start_new_session=True
        )
    try:
        base_url = f"http://127.0.0.1:{port}"
        _wait_until_up(base_url, server, log_path)
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_until_up(base_url: str, server: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log_path.read_text(errors='replace')[-3000:]}")
        try:
            requests.get(f"{base_url}/", timeout=5)
            return
        except (requests.ConnectionError, requests.Timeout):  # workers still booting
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {STARTUP_TIMEOUT_S} s")


def warm_up(base_url: str, target: Target, workers: int) -> None:
    """Open the survey a few times so every worker has loaded its templates (nothing stored)."""
    with requests.Session() as session:
        for _ in range(workers * 3):
            session.get(f"{base_url}/s/{target.code}", timeout=10).raise_for_status()


def answer_survey(session: requests.Session, base_url: str, target: Target, rng) -> tuple:
    """A phone opening the QR link and sending a full answer set; returns (total, post, ref)."""
    session.cookies.clear()  # every survey is a new citizen with a new session
    url = f"{base_url}/s/{target.code}"
    started = time.perf_counter()
    page = session.get(url, timeout=30)
    if page.status_code != 200:
        raise RuntimeError(f"GET {page.status_code}")
    data = dict(HIDDEN_INPUT.findall(page.text))
    data |= {code: str(rng.choice((3, 4, 4, 5, 5))) for code in target.items}
    posted_at = time.perf_counter()
    answer = session.post(url, data=data, allow_redirects=False, timeout=30)
    finished = time.perf_counter()
    if answer.status_code != 303:
        raise RuntimeError(f"POST {answer.status_code}")
    ref = answer.headers["Location"].rsplit("/", 1)[-1]
    return (finished - started) * 1000, (finished - posted_at) * 1000, ref


def run_clients(base_url: str, targets: list[Target], count: int, concurrency: int) -> Results:
    results = Results()
    local = threading.local()
    numbers = itertools.count()

    def one(index: int) -> None:
        if not hasattr(local, "session"):
            local.session = requests.Session()
            local.rng = random.Random(next(numbers))
        try:
            total, post, ref = answer_survey(
                local.session, base_url, targets[index % len(targets)], local.rng
            )
        except (requests.RequestException, RuntimeError, KeyError) as error:
            with results.lock:
                results.errors.append(f"{type(error).__name__}: {error}")
            return
        with results.lock:
            results.total_ms.append(total)
            results.post_ms.append(post)
            results.refs.append(ref)

    pool = ThreadPoolExecutor(max_workers=concurrency)
    try:
        list(pool.map(one, range(count)))
    finally:
        # On Ctrl+C, drop the queued surveys instead of waiting for all of them.
        pool.shutdown(cancel_futures=True)
    return results


def percentiles(values: list[float]) -> str:
    if len(values) < 2:
        return "n/a"
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return "  ".join(f"{cuts[p - 1]:7.1f}" for p in (50, 90, 99))


def report(results: Results, count: int, elapsed: float, client_cpu: float) -> None:
    done = len(results.refs)
    print(f"count {count}   completed {done}   errors {len(results.errors)}")
    for message in sorted(set(results.errors))[:5]:
        print(f"  error: {message} (x{results.errors.count(message)})")
    print(f"elapsed {elapsed:.2f} s   throughput {done / elapsed:.1f} surveys/s")
    print(f"client CPU {100 * client_cpu / elapsed:.0f}% of one core (near 100% = client-bound)")
    print("latency ms          p50      p90      p99")
    print(f"  POST          {percentiles(results.post_ms)}")
    print(f"  GET+POST      {percentiles(results.total_ms)}")


def check_stored(url: str, results: Results, count: int) -> bool:
    stored = stored_refs(url)
    exact = len(stored) == count and sorted(stored) == sorted(results.refs)
    verdict = "OK" if exact else "MISMATCH"
    print(
        f"check: {len(stored)} new responses stored, {count} sent, "
        f"{len(set(stored))} distinct, {len(results.refs)} accepted (303): {verdict}"
    )
    return exact and not results.errors


def bench_backend(backend: str, args: argparse.Namespace) -> bool:
    print(
        f"\n== {backend}: {args.count} surveys, concurrency {args.concurrency}, "
        f"gunicorn workers {args.workers}; {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f} ==",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as work_dir, fresh_database(Path(work_dir), backend) as url:
        targets = prepare_database(url, work_dir)
        with gunicorn(url, args.workers, work_dir) as base_url:
            warm_up(base_url, targets[0], args.workers)
            cpu, started = time.process_time(), time.perf_counter()
            results = run_clients(base_url, targets, args.count, args.concurrency)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        report(results, args.count, elapsed, cpu)
        return check_stored(url, results, args.count)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--count", type=int, default=2000, help="surveys to submit")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    # `kill` should clean up like Ctrl+C does: stop gunicorn, drop the database.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    try:
        passed = [bench_backend(backend, args) for backend in backends]
    except KeyboardInterrupt:
        print("\ninterrupted: gunicorn stopped, database dropped", file=sys.stderr)
        return 130
    return 0 if all(passed) else 1


if __name__ == "__main__":
    sys.exit(main())
