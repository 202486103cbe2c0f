"""Time a refused sign-in for an existing and for an unknown username, the right password for
neither: the two must take the same time, or the time tells which usernames exist.

    .venv/bin/python bench/sign_in_timing.py --tries 40

Runs the real sign-in form (CSRF, throttling on with the shipped amounts, each try from its
own address so that no count is reached) on a temporary SQLite database, and prints the median
and the 90th percentile of each, in milliseconds. Also prints the time of one PBKDF2 derivation
of the kiosk's staff PIN with the shipped number of rounds (what a guess costs on this CPU).
"""

import argparse
import hashlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade

# The repository before bench/, whose analytics.py would hide the analytics package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from survey_app import create_app  # noqa: E402
from survey_app.models import Role  # noqa: E402
from survey_app.services.accounts.staff import create_user  # noqa: E402
from survey_app.services.kiosk_pin import ITERATIONS  # noqa: E402
from tests.helpers.builders import make_unit  # noqa: E402
from tests.helpers.survey_pages import hidden_fields, parse  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tries", type=int, default=40)
    tries = parser.parse_args().tries
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(_settings(Path(folder)))
        with app.app_context():
            upgrade()
            unit = make_unit(code="TINH", name="UBND tỉnh")
            create_user(
                username="quantri",
                full_name="Lê Hoàng Nam",
                password="mây trắng bay qua đèo",
                role=Role.ADMINISTRATOR,
                unit=unit,
            )
        # Outside the app context: each request gets its own, as in production.
        for name in ("quantri", "khong-co-ai"):
            times = [_one_try(app, name, n) for n in range(tries)]
            _print(f"sign-in refused, {name:<12}", times)
    started = time.perf_counter()
    hashlib.pbkdf2_hmac("sha256", b"123456", b"9f86d081884c7d659a2feaa0c55ad015", ITERATIONS)
    print(
        f"kiosk PIN, one PBKDF2 guess ({ITERATIONS} rounds): {_ms(time.perf_counter() - started)}"
    )


def _settings(folder: Path) -> dict:
    return {
        "SURVEY_ENV": "testing",
        "SECRET_KEY": "bench",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
        "SURVEY_RATELIMIT_ENABLED": True,
        "SERVER_NAME": "survey.test",
    }


def _one_try(app, username: str, number: int) -> float:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.0.{number // 250}.{number % 250 + 1}"
    data = hidden_fields(parse(client.get("/dang-nhap"))) | {
        "username": username,
        "password": "không phải mật khẩu",
    }
    started = time.perf_counter()
    response = client.post("/dang-nhap", data=data)
    elapsed = time.perf_counter() - started
    assert response.status_code == 422, response.status_code
    return elapsed


def _print(label: str, times: list[float]) -> None:
    ordered = sorted(times)
    p90 = ordered[int(len(ordered) * 0.9) - 1]
    print(f"{label}: median {_ms(statistics.median(times))}, p90 {_ms(p90)} ({len(times)} tries)")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


if __name__ == "__main__":
    main()
