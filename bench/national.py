"""A national quarter on one server: N ratings (default 10,000,000) over 34 provinces and 3,321
communes in January–March 2026, on PostgreSQL, then what a province does with them.

    .venv/bin/python bench/national.py --n 10000000
    .venv/bin/python bench/national.py --n 2000000 --keep      # a smaller run, kept for later
    .venv/bin/python bench/national.py --skip-load --phases dashboard,pdf

The database (default survey_bench_national on 127.0.0.1:5432) is made for the run and dropped
after it unless --keep is given. Prints, each phase in a process of its own (peak RSS is the
phase's alone): the load; the database's size and bytes per rating; the tally run; for the
largest province and March: its dashboard figures, its officer evaluation, its monthly XLSX and
PDF (the dashboard and the evaluation twice: in a new process, then again); then the size of a
`pg_dump -Fc` and the time to restore it into a new database
(`pg_restore -j 2`). Goals (issue 19): a province-month report under 10 s, dashboard figures
under 1 s. A year is projected from the quarter by four (sizes and load linearly; the tally run
per million ratings as measured; the province's reports read one month and stay as measured).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.analytics import _vm_hwm_mb, bench_app, bench_database  # noqa: E402
from survey_app.core.gunicorn_conf import tune_garbage_collection  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/survey_bench_national"
PHASES = ("tally", "size", "dashboard", "evaluation", "xlsx", "pdf", "dump")
MONTH = "2026-03"
# Timed twice: first in a new process (nothing compiled or cached yet), then again, as a worker
# that has served pages before answers the next manager.
WARM_TOO = ("dashboard", "evaluation")
PAGES = ("dashboard", "evaluation", "xlsx", "pdf")  # served by a web worker


def run_phase(name: str, url: str, output: Path, n: int) -> dict:
    """One phase in this process; a province's pages and reports as a web worker makes them,
    its collector tuned once the app is loaded (survey_app.core.gunicorn_conf)."""
    from survey_app.core.extensions import db

    app = bench_app(url)
    if name in PAGES:
        tune_garbage_collection()
    with app.app_context():
        if name == "load":
            from bench.national_data import load

            return _timed(lambda: load(n))
        if name == "size":
            return _sizes()
        work = _work(name, output)
        timed = _timed(work)
        if name == "tally":  # what autovacuum does next (off on the bench machines): statistics
            _analyze()
        if name in WARM_TOO:
            db.session.remove()  # the next request has a session of its own
            timed["again_seconds"] = _timed(work)["seconds"]
        return timed


def _timed(work) -> dict:
    began = time.perf_counter()
    found = work()
    seconds = time.perf_counter() - began
    return {"seconds": seconds, "found": found, "hwm_mb": _vm_hwm_mb()}


def _work(name: str, output: Path):
    from analytics.dashboard import build_dashboard
    from analytics.evaluation import evaluate_officers
    from analytics.report.export import export_monthly
    from survey_app.core.extensions import db
    from survey_app.models import Unit
    from survey_app.months import Month
    from survey_app.services.tallies import tally_responses

    if name == "tally":
        return lambda: tally_responses().responses
    province_id, month = _largest_province().id, Month.parse(MONTH)

    def province():  # read in each request's own session, as a page reads its unit
        return db.session.get(Unit, province_id)

    if name == "dashboard":
        return lambda: build_dashboard(province(), month).figures.responses
    if name == "evaluation":
        return lambda: len(evaluate_officers(province(), month).officers)
    path = output / f"province.{name}"
    return lambda: export_monthly(province(), month, name, path) or path.stat().st_size


def _largest_province():
    """The province centre with the most communes below it."""
    from survey_app.core.extensions import db
    from survey_app.models import Unit

    count = sa.func.count().label("communes")
    query = sa.select(Unit.parent_id, count).where(Unit.parent_id.is_not(None))
    parent_id = db.session.execute(query.group_by(Unit.parent_id).order_by(count.desc())).first()[0]
    return db.session.get(Unit, parent_id)


def _analyze() -> None:
    from bench.analytics_data import vacuum_analyze

    vacuum_analyze()


def _sizes() -> dict:
    """After the tally run and what autovacuum would do after it."""
    from survey_app.core.extensions import db

    _analyze()
    tables = ("survey_responses", "untallied_responses")
    found = {
        table: db.session.scalar(sa.text(f"SELECT pg_total_relation_size('{table}')"))
        for table in tables
    }
    found["database"] = db.session.scalar(sa.text("SELECT pg_database_size(current_database())"))
    found["responses"] = db.session.scalar(sa.text("SELECT count(*) FROM survey_responses"))
    return found


def dump_and_restore(url: str, output: Path) -> dict:
    """pg_dump -Fc of the bench database, then pg_restore into a new one; both timed."""
    parts = make_url(url)
    target = f"{parts.database}_restored"
    connection = [
        "-h",
        parts.host or "127.0.0.1",
        "-p",
        str(parts.port or 5432),
        "-U",
        parts.username,
    ]
    dump = output / "national.dump"
    began = time.perf_counter()
    subprocess.run(["pg_dump", "-Fc", *connection, "-f", str(dump), parts.database], check=True)
    dumped = time.perf_counter() - began
    subprocess.run(["dropdb", "--if-exists", "--force", *connection, target], check=True)
    subprocess.run(["createdb", *connection, target], check=True)
    began = time.perf_counter()
    subprocess.run(["pg_restore", "-j", "2", *connection, "-d", target, str(dump)], check=True)
    restored = time.perf_counter() - began
    subprocess.run(["dropdb", "--force", *connection, target], check=True)
    return {"dump_seconds": dumped, "dump_bytes": dump.stat().st_size, "restore_seconds": restored}


def child(name: str, url: str, output: Path, n: int) -> dict:
    command = [sys.executable, __file__, "--phase", name, "--database-url", url,
               "--output-dir", str(output), "--n", str(n)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{name} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(url: str, phases, n: int, loaded: bool) -> dict:
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder)
        if not loaded:
            results["load"] = child("load", url, output, n)
            print(f"load: {results['load']['seconds']:.0f} s", flush=True)
        for name in phases:
            results[name] = (
                dump_and_restore(url, output) if name == "dump" else child(name, url, output, n)
            )
            print(name, json.dumps(results[name]), flush=True)
    return results


def report(results: dict, n: int) -> None:
    mb = 2**20
    print(f"\nPostgreSQL: {n:,} ratings, 34 provinces, 3,321 communes, one quarter "
          f"(load average {' '.join(f'{x:.1f}' for x in os.getloadavg())})")  # fmt: skip
    if "load" in results:
        load = results["load"]
        print(f"load           {load['seconds']:8.1f} s  of which the organisation "
              f"{load['found']['organisation_seconds']:.1f} s ({load['found']['units']:,} units, "
              f"{load['found']['officers']:,} officers)")  # fmt: skip
    size = results.get("size")
    if size:
        stored = size["survey_responses"] + size["untallied_responses"]
        print(f"database       {size['database'] / mb:8.0f} MB   ratings' tables "
              f"{stored / size['responses']:.0f} B per rating")  # fmt: skip
    for name in ("tally", "dashboard", "evaluation", "xlsx", "pdf"):
        if name in results:
            found = results[name]
            goal = {"dashboard": "goal < 1 s", "xlsx": "goal < 10 s", "pdf": "goal < 10 s"}
            again = f"again {found['again_seconds']:.2f} s  " if "again_seconds" in found else ""
            print(f"{name:14} {found['seconds']:8.2f} s  {again}peak {found['hwm_mb']:5.0f} MB  "
                  f"{goal.get(name, '')}")  # fmt: skip
    if "tally" in results:
        print(f"tally per 1,000,000 ratings: {results['tally']['seconds'] * 1e6 / n:.1f} s "
              "(goal < 10 s)")  # fmt: skip
    if "dump" in results:
        dump = results["dump"]
        print(f"pg_dump -Fc    {dump['dump_seconds']:8.1f} s  {dump['dump_bytes'] / mb:.0f} MB;  "
              f"pg_restore -j 2 {dump['restore_seconds']:.1f} s")  # fmt: skip
    _projection(results, n)


def _projection(results: dict, n: int) -> None:
    """A year: four quarters."""
    mb, year = 2**20, 4
    print(f"\nA year projected (x{year}): {n * year:,} ratings")
    size = results.get("size")
    if size:
        print(f"  database  {size['database'] * year / 2**30:.1f} GB")
    if "load" in results:
        load = results["load"]
        organisation = load["found"]["organisation_seconds"]
        ratings = (load["seconds"] - organisation) * year
        print(f"  load      {ratings / 60:.0f} min of ratings (once: the organisation)")
    if "tally" in results:
        print(f"  tally     {results['tally']['seconds'] * year / 60:.1f} min in all, run as "
              "ratings arrive (the timer counts a few minutes' worth at a time)")  # fmt: skip
    if "dump" in results:
        dump = results["dump"]
        print(f"  pg_dump   {dump['dump_bytes'] * year / mb / 1024:.1f} GB, "
              f"restore about {dump['restore_seconds'] * year / 60:.0f} min")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000, help="ratings in the quarter")
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--phases", help=f"comma-separated, of {','.join(PHASES)}")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--skip-load", action="store_true", help="use a database kept before")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--output-dir", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.phase:
        found = run_phase(arguments.phase, arguments.database_url, Path(arguments.output_dir),
                          arguments.n)  # fmt: skip
        return print(json.dumps(found))
    phases = arguments.phases.split(",") if arguments.phases else PHASES
    if arguments.skip_load:
        return report(measure(arguments.database_url, phases, arguments.n, True), arguments.n)
    with bench_database(arguments.database_url, arguments.keep) as url:
        report(measure(url, phases, arguments.n, False), arguments.n)


if __name__ == "__main__":
    main()
