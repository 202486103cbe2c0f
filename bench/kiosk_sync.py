"""A counter tablet syncing its offline queue, in process: timings and the exactly-once check.

    .venv/bin/python bench/kiosk_sync.py --backend both --count 500 --racers 8

For each backend: a fresh database, one commune with a counter of 6 officers with photos and a
paired kiosk. Times GET /api/v1/kiosk/config, the first sync of `count` queued ratings (one in
five with a call-back request) and a second sync of the same queue (all duplicates). Then
`racers` threads post one call-back rating with the same id at once, and the script checks that
one response and one ticket were stored.
"""

import argparse
import io
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.pairing import register_kiosk  # noqa: E402
from survey_app import create_app  # noqa: E402
from survey_app.core.extensions import db  # noqa: E402
from survey_app.models import SurveyResponse, Ticket  # noqa: E402
from survey_app.services.org.members import add_counter, add_officer, add_unit  # noqa: E402
from survey_app.services.org.photos import set_officer_photo  # noqa: E402
from tests.helpers.databases import fresh_database  # noqa: E402

OFFICERS = 6
CALLBACK = {"phone": "0912 345 678", "consent_text": "Tôi đồng ý."}


def prepare(app) -> str:
    """The commune, its counter, officers with photos, and a paired kiosk: its token."""
    unit = add_unit(code="XA-BENCH", name="UBND xã Thử Tải")
    counter = add_counter(unit=unit, code="XA-BENCH-Q1", name="Quầy Một cửa")
    officers = [
        add_officer(unit=unit, code=f"CB{n}", full_name=f"Công chức {n}", counters=[counter])
        for n in range(OFFICERS)
    ]
    db.session.commit()
    for officer in officers:
        set_officer_photo(officer, _photo())
    return register_kiosk(counter, name="Máy thử tải")[1]


def _photo() -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((512, 512), 60).convert("RGB").save(buffer, "PNG")
    return buffer.getvalue()


def queue(count: int) -> list[dict]:
    """A day's ratings kept offline: taps spread over the last hours, oldest first."""
    start = datetime.now(UTC) - timedelta(hours=8)
    ratings = []
    for n in range(count):
        low = n % 5 == 0
        body = {
            "id": str(uuid.uuid4()),
            "instrument": "kiosk-5",
            "submitted_at": (start + timedelta(seconds=50 * n)).isoformat(),
            "answers": {"TC": 4, "TT": 5, "CC": 2 if low else 5, "KQ": None, "PA": 4},
            "officer_code": f"CB{n % OFFICERS}",
        }
        body["answers"]["CHUNG"] = 2 if low else 5
        if low:
            body["callback"] = CALLBACK
        ratings.append(body)
    return ratings


def timed_posts(client, token: str, bodies: list[dict], expected: int) -> list[float]:
    headers = {"Authorization": f"Bearer {token}"}
    times = []
    for body in bodies:
        started = time.perf_counter()
        response = client.post("/api/v1/responses", json=body, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != expected:
            raise SystemExit(f"expected {expected}, got {response.status_code}: {response.json}")
    return times


def race(app, token: str, racers: int) -> list[int]:
    body = queue(1)[0]
    barrier, statuses = threading.Barrier(racers), []

    def post():
        with app.app_context():
            client = app.test_client()
            barrier.wait()
            headers = {"Authorization": f"Bearer {token}"}
            statuses.append(
                client.post("/api/v1/responses", json=body, headers=headers).status_code
            )

    threads = [threading.Thread(target=post) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


def summary(name: str, times: list[float]) -> str:
    cuts = statistics.quantiles(times, n=20)
    return f"{name}: median {statistics.median(times):.1f} ms, p95 {cuts[18]:.1f} ms, " + (
        f"total {sum(times) / 1000:.2f} s for {len(times)}"
    )


def run(backend: str, count: int, racers: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, fresh_database(Path(tmp), backend) as url:
        app = create_app(
            {
                "SURVEY_ENV": "development",
                "SQLALCHEMY_DATABASE_URI": url,
                "SECRET_KEY": "bench",
                "SURVEY_UPLOADS_DIR": tmp,
                "SURVEY_RATELIMIT_ENABLED": False,  # the limits are measured elsewhere
            }
        )
        with app.app_context():
            upgrade()
            token = prepare(app)
            client = app.test_client()
            headers = {"Authorization": f"Bearer {token}"}
            config_times = []
            for _ in range(20):
                started = time.perf_counter()
                size = len(client.get("/api/v1/kiosk/config", headers=headers).data)
                config_times.append((time.perf_counter() - started) * 1000)
            bodies = queue(count)
            first = timed_posts(client, token, bodies, 201)
            again = timed_posts(client, token, bodies, 200)
            statuses = race(app, token, racers)
            stored = db.session.scalar(sa.select(sa.func.count(SurveyResponse.id)))
            tickets = db.session.scalar(sa.select(sa.func.count(Ticket.id)))
            db.engine.dispose()
    print(f"[{backend}] config {size / 1024:.0f} KiB, " + summary("GET config", config_times))
    print(f"[{backend}] " + summary("first sync", first))
    print(f"[{backend}] " + summary("second sync (duplicates)", again))
    expected_tickets = sum("callback" in body for body in bodies) + 1
    print(
        f"[{backend}] race of {racers}: statuses {statuses}; stored {stored} responses "
        f"(expected {count + 1}), {tickets} tickets (expected {expected_tickets})"
    )
    if (stored, tickets) != (count + 1, expected_tickets) or statuses.count(201) != 1:
        raise SystemExit("exactly-once check FAILED")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--racers", type=int, default=8)
    options = parser.parse_args()
    backends = ["sqlite", "postgresql"] if options.backend == "both" else [options.backend]
    for backend in backends:
        run(backend, options.count, options.racers)


if __name__ == "__main__":
    main()
