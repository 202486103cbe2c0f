"""Profile: what one request of each load path costs inside the app, without gunicorn or HTTP.

    .venv/bin/python bench/profile_paths.py --requests 500 [--profile qr|kiosk|yardstick|shared]

The same paths as bench/load.py (the QR form, the kiosk API and the yardstick with the rows of
each), then the shared yardstick's handler (/work/shared/yardstick/dbinsert.py, the one
bench/yardstick_run.py compares with; left out when that folder is missing), sent one after
another through Flask's test client on a bench database `bench_profile` (127.0.0.1:5432, demo
data, made and dropped here). Prints per path: this process's CPU per
request (app, SQLAlchemy and psycopg; the test client's share is the same for every path),
wall time per request (adds PostgreSQL's work and the round trips) and the SQL statements sent
per request. With --profile, the cProfile functions of that path, heaviest first.
"""

import argparse
import cProfile
import itertools
import os
import pstats
import random
import re
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from itsdangerous import URLSafeSerializer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load_clients import KIOSK_ITEMS, levels  # noqa: E402
from bench.load_setup import (  # noqa: E402
    KIOSK_INSTRUMENT,
    BenchData,
    app_environment,
    bench_database,
    prepare,
)
from bench.yardstick_run import YARDSTICK_DIR  # noqa: E402

CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]*)"')


def qr_sender(client, data: BenchData, rng) -> Callable[[], int]:
    # The counters in turn (bench/load_setup.py): one counter's ratings soon make a burst.
    targets = itertools.cycle(data.qr)
    first = f"/s/{data.qr[0].code}"
    token = CSRF_INPUT.search(client.get(first).get_data(as_text=True)).group(1)

    signer = URLSafeSerializer(client.application.config["SECRET_KEY"], salt="rating-phone")
    sent = itertools.count()

    def send() -> int:
        target = next(targets)
        path = f"/s/{target.code}"
        form = dict(zip(target.items, map(str, levels(len(target.items), rng)), strict=True))
        form |= {"csrf_token": token, "submission_id": uuid.uuid4().hex, "comment": ""}
        # A new citizen each time (phone and address), as bench/yardstick_run.py sends: the
        # hold rules run in full.
        n = next(sent)
        client.set_cookie("sipas_phone", signer.dumps(f"profile-{n}"), path="/s/")
        address = {"REMOTE_ADDR": f"10.9.{n // 256 % 256}.{n % 256}"}
        return client.post(path, data=form, environ_overrides=address).status_code

    return send


def kiosk_sender(client, data: BenchData, rng) -> Callable[[], int]:
    headers = {"Authorization": f"Bearer {data.kiosks[0].token}"}

    def send() -> int:
        body = {
            "id": str(uuid.uuid4()),
            "instrument": KIOSK_INSTRUMENT,
            "submitted_at": datetime.now(UTC).isoformat(),
            "answers": dict(zip(KIOSK_ITEMS, levels(len(KIOSK_ITEMS), rng), strict=True)),
        }
        return client.post("/api/v1/responses", json=body, headers=headers).status_code

    return send


def yardstick_sender(client, data: BenchData, rng) -> Callable[[], int]:
    target = next(target for target in data.qr if target.counter_id is not None)

    def send() -> int:
        body = {
            "client_ref": uuid.uuid4().hex,
            "unit_id": target.unit_id,
            "counter_id": target.counter_id,
            "officer_id": target.officer_id,
            "instrument_id": target.instrument_id,
            "answers": {
                str(item): value
                for item, value in zip(
                    target.items.values(), levels(len(target.items), rng), strict=True
                )
            },
        }
        return client.post("/responses", json=body).status_code

    return send


def shared_sender(client, data: BenchData, rng) -> Callable[[], int]:
    """The body of the shared yardstick's post.lua: an officer and 22 answers."""
    body = {"o": 3, "a": levels(22, rng)}
    return lambda: client.post("/r", json=body).status_code


PATHS = {
    "qr": (qr_sender, 303),
    "kiosk": (kiosk_sender, 201),
    "yardstick": (yardstick_sender, 201),
    "shared": (shared_sender, 201),
}


def make_apps(url: str, work_dir: str):
    os.environ.update(app_environment(url, work_dir) | {"YARDSTICK_DATABASE_URL": url})
    from bench.yardstick_app import create_app as create_yardstick
    from survey_app import create_app

    apps = {"qr": create_app(), "kiosk": create_app(), "yardstick": create_yardstick()}
    if (YARDSTICK_DIR / "dbinsert.py").exists():
        os.environ["DATABASE_URL"] = url  # dbinsert reads it, and makes its two tables
        sys.path.insert(0, str(YARDSTICK_DIR))
        import dbinsert

        apps["shared"] = dbinsert.app
    return apps


def engine_of(name: str, app) -> sa.Engine:
    """The engine a path's app sends its statements through: the shared yardstick has its own."""
    if name == "shared":
        return sys.modules["dbinsert"].engine
    with app.app_context():
        from survey_app.core.extensions import db

        return db.engine


def count_statements(engine: sa.Engine) -> list[int]:
    counter = [0]
    sa.event.listen(
        engine, "before_cursor_execute", lambda *_: counter.__setitem__(0, counter[0] + 1)
    )
    return counter


def run_path(name: str, app, data: BenchData, args) -> None:
    make_sender, expected = PATHS[name]
    statements = count_statements(engine_of(name, app))
    client = app.test_client()
    send = make_sender(client, data, random.Random(7))
    for _ in range(args.warmup):
        assert send() == expected  # noqa: S101 (a bench: stop at once on a wrong answer)
    # CPU time, not wall time: the machine is shared, and waiting is not what costs a core.
    profiler = cProfile.Profile(time.process_time) if args.profile == name else None
    before = statements[0]
    cpu, wall = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    for _ in range(args.requests):
        status = send()
        if status != expected:
            raise SystemExit(f"{name}: HTTP {status}, expected {expected}")
    if profiler:
        profiler.disable()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    queries = (statements[0] - before) / args.requests
    print(
        f"{name:10} {1000 * cpu / args.requests:8.2f} ms CPU {1000 * wall / args.requests:8.2f}"
        f" ms wall {queries:6.1f} statements per request{'  (profiled)' if profiler else ''}",
        flush=True,
    )
    if profiler:
        stats = pstats.Stats(profiler).strip_dirs()
        stats.sort_stats(args.sort).print_stats(args.top)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500, help="measured per path")
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--profile", choices=sorted(PATHS), help="cProfile this path")
    parser.add_argument("--sort", default="cumulative", help="pstats order (tottime, ...)")
    parser.add_argument("--top", type=int, default=45)
    parser.add_argument("--database", default="bench_profile")
    parser.add_argument("--qr-targets", type=int, default=1000, help="counters rated in turn")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work_dir, bench_database(args.database) as url:
        data = prepare(url, work_dir, kiosks=4, qr_targets=args.qr_targets)
        apps = make_apps(url, work_dir)
        for name, app in apps.items():
            run_path(name, app, data, args)
            engine_of(name, app).dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
