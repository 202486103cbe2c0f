"""Ballot stuffing against a running server with its protections as shipped: gunicorn in
production mode (the project's gunicorn.conf.py), rate limits on and counted in Redis, and the
hold rules of services/rating_rules.py at their defaults. Prints, for each attack, the ratings
sent, stored, held and counted, and how long the burst took to be held.

    .venv/bin/python bench/stuffing.py                   # PostgreSQL (127.0.0.1:5432)
    .venv/bin/python bench/stuffing.py --backend sqlite --ratings 300

Attacks, each on its own officer's QR code:
  one-phone    the issue's: open the form once, post it again and again with the same cookie and
               CSRF token and a new random submission id, all answers 1, from 4 threads
  new-cookies  open the form afresh before each post (a new "phone" each time), one address
  many-phones  as new-cookies but each from its own address (a carrier pool or a botnet: the
               server trusts one proxy here, so X-Forwarded-For chooses the address), with
               random low answers
Then the flooding address files a complaint, which must still be accepted.
"""

import argparse
import random
import re
import secrets
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import requests
import sqlalchemy as sa
from flask_migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from survey_app import create_app  # noqa: E402
from survey_app.core.extensions import db  # noqa: E402
from tests.helpers.builders import make_officer, make_unit, survey_code_of  # noqa: E402
from tests.helpers.databases import fresh_database  # noqa: E402
from tests.helpers.live_server import gunicorn  # noqa: E402

HIDDEN = re.compile(r'<input[^>]*name="([a-z_]+)"[^>]*type="hidden"[^>]*value="([^"]*)"')
HIDDEN_ALT = re.compile(r'<input[^>]*type="hidden"[^>]*name="([a-z_]+)"[^>]*value="([^"]*)"')
RADIO = re.compile(r'<input[^>]*type="radio"[^>]*name="([A-Z0-9_]+)"')
REDIS_URL = "redis://127.0.0.1:6379/11"  # a database of its own: other benches use 0
COUNTS_SQL = """
SELECT count(*), sum(CASE WHEN held THEN 1 ELSE 0 END),
       sum(CASE WHEN NOT held AND NOT is_spam THEN 1 ELSE 0 END)
FROM survey_responses WHERE officer_id = :officer
"""
FIRST_HELD_SQL = """
SELECT min(received_at), min(CASE WHEN held THEN received_at END)
FROM survey_responses WHERE officer_id = :officer
"""
REASONS_SQL = """
SELECT hold_reason, count(*) FROM survey_responses
WHERE officer_id = :officer AND held GROUP BY hold_reason ORDER BY 2 DESC
"""


def prepare(url: str) -> dict[str, tuple[int, str]]:
    """Migrate, add a commune with three officers; attack name → (officer id, survey code)."""
    app = create_app({"SURVEY_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        unit = make_unit(code="XA-THU", name="UBND xã Thử")
        officers = {
            name: make_officer(unit=unit, code=f"CB-{n}")
            for n, name in enumerate(("one-phone", "new-cookies", "many-phones"))
        }
        found = {name: (o.id, survey_code_of(o)) for name, o in officers.items()}
        db.session.remove()
        db.engine.dispose()
    return found


def form_of(session: requests.Session, url: str, answers) -> dict[str, str]:
    page = session.get(url, timeout=15).text
    fields = dict(HIDDEN.findall(page)) | dict(HIDDEN_ALT.findall(page))
    return fields | {name: str(answers()) for name in dict.fromkeys(RADIO.findall(page))}


def one_phone(base: str, code: str, ratings: int) -> dict[int, int]:
    session = requests.Session()
    url = f"{base}/s/{code}"
    form = form_of(session, url, lambda: 1)
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def post(_):
        data = form | {"submission_id": uuid.uuid4().hex}
        status = session.post(url, data=data, allow_redirects=False, timeout=15).status_code
        with lock:
            statuses[status] = statuses.get(status, 0) + 1

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(post, range(ratings)))
    return statuses


def new_cookies(base: str, code: str, ratings: int, many_addresses: bool) -> dict[int, int]:
    url = f"{base}/s/{code}"
    statuses: dict[int, int] = {}
    rng = random.Random(15)
    for number in range(ratings):
        session = requests.Session()
        if many_addresses:
            session.headers["X-Forwarded-For"] = f"10.{number // 250}.{number % 250}.7"
        form = form_of(session, url, lambda: rng.choice((1, 1, 2)) if many_addresses else 1)
        status = session.post(url, data=form, allow_redirects=False, timeout=15).status_code
        statuses[status] = statuses.get(status, 0) + 1
    return statuses


def complaint_after_flood(base: str) -> int:
    session = requests.Session()
    url = f"{base}/phan-anh/XA-THU"
    page = session.get(url, timeout=15).text
    form = dict(HIDDEN.findall(page)) | dict(HIDDEN_ALT.findall(page))
    form |= {"content": "Phải chờ quá lâu ở quầy."}
    return session.post(url, data=form, allow_redirects=False, timeout=15).status_code


def report(name: str, engine: sa.Engine, officer: int, statuses: dict, seconds: float) -> None:
    with engine.connect() as connection:
        stored, held, counted = connection.execute(sa.text(COUNTS_SQL), {"officer": officer}).one()
        first, first_held = connection.execute(sa.text(FIRST_HELD_SQL), {"officer": officer}).one()
        reasons = connection.execute(sa.text(REASONS_SQL), {"officer": officer}).all()
    sent = sum(statuses.values())
    until = f"{(first_held - first).total_seconds() * 1000:.0f} ms" if first_held else "never"
    print(
        f"{name:12} sent {sent:5}  answers {dict(sorted(statuses.items()))}  "
        f"stored {stored:5}  held {held or 0:5}  counted {counted or 0:4}  "
        f"burst held after {until}  in {seconds:.1f} s"
    )
    print(f"{'':12} held by: {', '.join(f'{reason} {n}' for reason, n in reasons) or '-'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--ratings", type=int, default=600, help="posts of the one-phone attack")
    parser.add_argument("--phones", type=int, default=100, help="phones of the other attacks")
    options = parser.parse_args()
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        url = stack.enter_context(fresh_database(work, options.backend))
        targets = prepare(url)
        env = {
            "SURVEY_ENV": "production",
            "SURVEY_DATABASE_URL": url,
            "SURVEY_SECRET_KEY": secrets.token_hex(32),
            "SURVEY_INSTANCE_PATH": str(work),
            "SURVEY_RATELIMIT_STORAGE_URL": REDIS_URL,
            "SURVEY_SECURE_COOKIES": "false",  # plain http on localhost
            "SURVEY_TRUSTED_PROXIES": "1",  # so many-phones can choose its addresses
        }
        server = stack.enter_context(gunicorn("survey_app:create_app()", env, work))
        engine = sa.create_engine(url)
        stack.callback(engine.dispose)
        print(f"{options.backend}, gunicorn (gunicorn.conf.py), limits in Redis, defaults")
        attacks = (
            ("one-phone", lambda code: one_phone(server.base_url, code, options.ratings)),
            ("new-cookies", lambda code: new_cookies(server.base_url, code, options.phones, False)),
            ("many-phones", lambda code: new_cookies(server.base_url, code, options.phones, True)),
        )
        for name, attack in attacks:
            officer, code = targets[name]
            started = time.monotonic()
            statuses = attack(code)
            report(name, engine, officer, statuses, time.monotonic() - started)
        status = complaint_after_flood(server.base_url)
        print(f"complaint from the flooding address after the floods: {status}")


if __name__ == "__main__":
    main()
