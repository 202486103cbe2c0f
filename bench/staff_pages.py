"""Time the staff pages on the demo data, in-process (no HTTP), per page and role.

    .venv/bin/python bench/staff_pages.py [--repeat 50]

Prints the median and p90 time of each page. The demo (520 responses over 13 months) is loaded
into a fresh SQLite file; the numbers show where page rendering, not the network, costs time.
"""

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from flask_migrate import upgrade

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from survey_app import create_app  # noqa: E402
from survey_app.demo.loader import load_demo  # noqa: E402
from tests.helpers.staff_pages import sign_in  # noqa: E402

PAGES = {
    "congchuc.dt01": ["/cong-chuc/cua-toi", "/cong-chuc/cua-toi?thang=2026-06"],
    "lanhdao.ductrong": [
        "/quan-tri/don-vi",
        "/quan-tri/don-vi/LD-DUCTRONG",
        "/quan-tri/don-vi/LD-DUCTRONG/ma-qr",
    ],
    "quantri": ["/quan-tri/", "/quan-tri/nguoi-dung", "/quan-tri/nhat-ky", "/quan-tri/thu-tuc"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=50)
    repeat = parser.parse_args().repeat
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SURVEY_ENV": "testing",
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db",
            }
        )
        with app.app_context():
            upgrade()
            summary = load_demo(date.today())
        accounts = {user.username: user for user in summary.accounts}
        print(f"{'page':<45} {'median ms':>10} {'p90 ms':>8}")
        for username, urls in PAGES.items():
            client = app.test_client()
            with app.app_context():
                assert sign_in(client, accounts[username], summary.password).status_code == 302
            for url in urls:
                print(f"{url:<45} {_timed(client, url, repeat)}")


def _timed(client, url: str, repeat: int) -> str:
    assert client.get(url).status_code == 200, url
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    p90 = statistics.quantiles(times, n=10)[-1]
    return f"{statistics.median(times):>10.1f} {p90:>8.1f}"


if __name__ == "__main__":
    main()
