"""Worker memory: the resident memory of each gunicorn worker of the app as shipped, after boot
and after a few ratings.

    .venv/bin/python bench/worker_memory.py [--ratings 60]

Starts gunicorn with the project's settings (survey_app/core/gunicorn_conf.py: its number of
workers and threads) in production mode on a bench database `bench_worker_memory` (127.0.0.1:5432,
demo data; made and dropped here), waits until every worker has booted the app, and prints each
worker's RSS and PSS (its share of pages shared with the others) from /proc; then sends ratings
through the kiosk API and the QR form and prints them again. Goal: each worker under 100 MB RSS
after boot (issue 19).
"""

import argparse
import re
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load_clients import CSRF_INPUT, KIOSK_ITEMS  # noqa: E402
from bench.load_setup import app_environment, bench_database, prepare  # noqa: E402
from tests.helpers.live_server import gunicorn  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONF = ROOT / "survey_app" / "core" / "gunicorn_conf.py"
GOAL_MB = 100


def memory_mb(pid: int) -> tuple[float, float]:
    """(RSS, PSS) of a process in MB."""
    rss = re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{pid}/status").read_text()).group(1)
    pss = re.search(r"^Pss:\s+(\d+)", Path(f"/proc/{pid}/smaps_rollup").read_text(), re.M)
    return int(rss) / 1024, int(pss.group(1)) / 1024 if pss else float("nan")


def booted(server, expected: int, timeout: float = 60) -> list[int]:
    """The worker pids once there are `expected` of them and their memory stopped growing (each
    imports the app after the fork)."""
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        pids = sorted(server.worker_pids())
        now = {pid: memory_mb(pid)[0] for pid in pids}
        if len(pids) == expected and last == now:
            return pids
        last = now
        time.sleep(1.0)
    raise SystemExit(f"the workers did not settle within {timeout:.0f} s")


def print_workers(label: str, pids: list[int]) -> list[float]:
    sizes = [memory_mb(pid) for pid in pids]
    print(f"{label}:")
    for pid, (rss, pss) in zip(pids, sizes, strict=True):
        print(f"  worker {pid}: RSS {rss:6.1f} MB  PSS {pss:6.1f} MB")
    return [rss for rss, _ in sizes]


def send_ratings(base_url: str, data, count: int) -> int:
    """`count` kiosk ratings and `count` QR ratings; returns how many were accepted."""
    accepted = 0
    kiosk = data.kiosks[0]
    headers = {"Authorization": f"Bearer {kiosk.token}"}
    for _ in range(count):
        body = {
            "id": str(uuid.uuid4()),
            "instrument": "kiosk-5",
            "submitted_at": datetime.now(UTC).isoformat(),
            "answers": dict.fromkeys(KIOSK_ITEMS, 4),
        }
        reply = requests.post(
            f"{base_url}/api/v1/responses", json=body, headers=headers, timeout=30
        )
        accepted += reply.status_code == 201
    target = next(t for t in data.qr if t.counter_id is not None)
    phone = requests.Session()
    page = phone.get(f"{base_url}/s/{target.code}", timeout=30)
    token = CSRF_INPUT.search(page.content).group(1).decode()
    for _ in range(count):
        form = dict.fromkeys(target.items, "4") | {
            "csrf_token": token,
            "submission_id": uuid.uuid4().hex,
            "comment": "",
        }
        reply = phone.post(
            f"{base_url}/s/{target.code}", data=form, allow_redirects=False, timeout=30
        )
        accepted += reply.status_code == 303
    return accepted


def workers_of_config() -> int:
    sys.path.insert(0, str(ROOT))
    from survey_app.core import gunicorn_conf

    return gunicorn_conf.workers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ratings", type=int, default=60, help="per path, after boot")
    args = parser.parse_args()
    workers = workers_of_config()
    with tempfile.TemporaryDirectory() as work_dir, bench_database("bench_worker_memory") as url:
        data = prepare(url, work_dir, kiosks=2)
        env = app_environment(url, work_dir)
        config = ["--config", str(GUNICORN_CONF), "--access-logfile", "/dev/null"]
        with gunicorn("survey_app:create_app()", env, Path(work_dir), config) as server:
            pids = booted(server, workers)
            print(f"gunicorn as shipped: {workers} workers (survey_app/core/gunicorn_conf.py)")
            after_boot = print_workers("after boot", pids)
            accepted = send_ratings(server.base_url, data, args.ratings)
            print(f"{accepted} of {2 * args.ratings} ratings accepted (kiosk API and QR form)")
            print_workers("after the ratings", sorted(server.worker_pids()))
    meets = max(after_boot) < GOAL_MB
    print(
        f"largest worker after boot: {max(after_boot):.1f} MB RSS; goal < {GOAL_MB} MB -> "
        f"{'meets' if meets else 'misses'} it"
    )
    return 0 if meets else 1


if __name__ == "__main__":
    sys.exit(main())
