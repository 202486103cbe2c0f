"""Time `survey-app import-users` on N staff accounts (10,000 by default) and print its peak memory.

    .venv/bin/python bench/import_users.py
    .venv/bin/python bench/import_users.py --n 10000 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/survey_bench_users

Without --database-url the data goes to a temporary SQLite file. A PostgreSQL database named in
the URL is created for the run (dropped first if it exists) and dropped afterwards.

A province with 100 communes and N officers spread over them (from the services); a CSV of one
officer account per officer, as a province writes it. Measured, each in a process of its own so
that a peak is that phase's alone (peak RSS from VmHWM; Python's own peak under tracemalloc in
a second run of the same phase):
  first     the import that creates the N accounts (one transaction, one audit event each);
  again     the same file again: nothing changes (idempotent), every row is still checked;
  links     the N activation links made (as printed when no mail server is configured).
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PHASES = ("first", "again", "links")
COMMUNES = 100


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--database-url")
    parser.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)
    parser.add_argument("--csv", help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(measure(args.database_url, args.phase, args.csv, args.traced)))
        return
    with tempfile.TemporaryDirectory() as work:
        url = args.database_url or f"sqlite:///{Path(work) / 'bench.db'}"
        fresh_database(url)
        try:
            path = Path(work) / "tai-khoan.csv"
            setup(url, args.n, path)
            backend = make_url(url).get_backend_name()
            print(f"import-users: {args.n} accounts, {COMMUNES} communes, {backend}")
            for phase in PHASES:
                timed = run_phase(url, phase, path, traced=False)
                traced = run_phase(url, phase, path, traced=True)
                report(phase, timed, traced)
        finally:
            drop_database(url)


def app_for(url: str):
    from survey_app import create_app

    settings = {"SURVEY_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"}
    return create_app(settings | {"SURVEY_PUBLIC_URL": "https://khaosat.example.vn"})


def setup(url: str, n: int, path: Path) -> None:
    from flask_migrate import upgrade

    from survey_app.core.extensions import db
    from survey_app.models import Officer
    from survey_app.services.org.members import add_unit

    app = app_for(url)
    with app.app_context():
        upgrade()
        province = add_unit(code="LD", name="Tỉnh Lâm Đồng", parent=None)
        communes = [
            add_unit(code=f"LD-X{c:03d}", name=f"UBND xã {c}", parent=province)
            for c in range(COMMUNES)
        ]
        db.session.flush()
        rows, officers = [], []
        for number in range(n):
            unit = communes[number % COMMUNES]
            code = f"{unit.code}-CB{number:05d}"
            name = f"Nguyễn Văn Cán Bộ {number}"
            # Bulk: the officers' QR codes play no part in an import of accounts.
            officers.append({"unit_id": unit.id, "code": code, "full_name": name, "active": True})
            rows.append(
                {
                    "username": code.lower(),
                    "full_name": name,
                    "email": f"{code.lower()}@lamdong.gov.vn",
                    "role": "officer",
                    "unit_code": unit.code,
                    "officer_code": code,
                }
            )
        db.session.execute(sa.insert(Officer), officers)
        db.session.commit()
        db.engine.dispose()
    with open(path, "w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.DictWriter(stream, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def run_phase(url: str, phase: str, path: Path, traced: bool) -> dict:
    command = [
        sys.executable,
        __file__,
        "--database-url",
        url,
        "--phase",
        phase,
        "--csv",
        str(path),
    ]
    output = subprocess.run(
        command + (["--traced"] if traced else []), check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def measure(url: str, phase: str, path: str, traced: bool) -> dict:
    import sqlalchemy as sa

    from survey_app.core.extensions import db
    from survey_app.models import User
    from survey_app.services.accounts.importing import import_users
    from survey_app.services.accounts.links import ACTIVATION, link_url

    app = app_for(url)
    with app.app_context(), app.test_request_context():
        if phase == "first":  # a clean first import, also when this phase runs twice
            db.session.execute(sa.text("DELETE FROM audit_events"))
            db.session.execute(sa.delete(User))
            db.session.commit()
        if traced:
            tracemalloc.start()
        start = time.perf_counter()
        if phase == "links":
            users = db.session.scalars(sa.select(User)).all()
            outcome = {"links": len([link_url(user, ACTIVATION) for user in users])}
        else:
            result = import_users(path)
            assert not result.errors, result.errors[:5]
            outcome = result.counts
        seconds = time.perf_counter() - start
        python_peak = tracemalloc.get_traced_memory()[1] if traced else None
    return {
        "seconds": seconds,
        "outcome": outcome,
        "rss_mb": _peak_rss_mb(),
        "py_mb": python_peak and python_peak / 2**20,
    }


def _peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def report(phase: str, timed: dict, traced: dict | None) -> None:
    python = f", Python peak {traced['py_mb']:.0f} MB (tracemalloc)" if traced else ""
    print(
        f"  {phase:<6} {timed['seconds']:7.2f} s   peak RSS {timed['rss_mb']:.0f} MB{python}"
        f"   {timed['outcome']}"
    )


def fresh_database(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{parsed.database}"'))
        connection.execute(sa.text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def drop_database(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{parsed.database}"'))
    admin.dispose()


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
