"""Time the monthly analytics on one month of N responses over 400 officers in 40 units.

    .venv/bin/python bench/analytics.py --n 1000000
    .venv/bin/python bench/analytics.py --n 1000000 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/survey_bench

Without --database-url the data goes to a temporary SQLite file. A PostgreSQL database named
in the URL is created for the run (dropped first if it exists) and dropped afterwards unless
--keep is given.

The schema comes from the migrations; the organisation from the services (a province and 39
communes, 10 officers and 3 counters each); the responses (sipas-2023, about 12 % unhappy,
some items left unanswered) by direct bulk insert (bench/analytics_data.py). The loading and
each measurement run in processes of their own, so that a peak of memory is that measurement's
alone; each measurement twice: timed (peak RSS: ru_maxrss, and VmHWM, which unlike ru_maxrss
does not inherit the parent's), then under tracemalloc (peak of Python allocations; slower).
  tally       the tally run that counts the N new responses into the tallies (what the timer
              does every few minutes for the responses that came in meanwhile; here all at once);
              the measurements after it read the tallies, as they do in production;
  yardstick   one hand-written SQL GROUP BY per officer (responses, satisfied CHUNG, satisfied
              and answered per factor) over the same rows;
  evaluation  analytics.evaluation.evaluate_officers for the province;
  evaluation-raw  the same counted from the responses alone, as before the first tally run
              (and as the yardstick counts);
  dashboard   analytics.dashboard.build_dashboard for the province (what its page computes);
  xlsx        the monthly report of the province written to an XLSX file;
  pdf, csv    the PDF report and the officer CSV, for comparison;
  docx        the month's report as an editable Word document.
With --year the N responses are spread over the twelve months of 2026 and the phases are the
month's XLSX, PDF and DOCX (March, a twelfth of the data) and the province's year report
(`survey-app report period --period 2026`) in each format:
  year-xlsx, year-pdf, year-docx.

    .venv/bin/python bench/analytics.py --year --n 1000000
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
# First on the path: this script's own folder holds an analytics.py that must not hide the package.
sys.path.insert(0, str(ROOT))
MONTH_YEAR = "2026"
PHASES = ("tally", "yardstick", "evaluation", "evaluation-raw", "dashboard", "xlsx", "pdf", "csv")
# With --year: the responses are spread over the year 2026 and the province's year report is
# written in each format (goal: each under 10 s and 500 MB), beside the month's XLSX and PDF.
YEAR_PHASES = ("tally", "xlsx", "pdf", "docx", "year-xlsx", "year-pdf", "year-docx")
YARDSTICK = """
SELECT a.officer_id,
       SUM(CASE WHEN a.code = 'CHUNG' THEN 1 ELSE 0 END) AS responses,
       SUM(CASE WHEN a.code = 'CHUNG' AND a.value >= 4 THEN 1 ELSE 0 END) AS chung_satisfied,
       {factors}
FROM (
  SELECT r.officer_id, i.code, i.factor, CAST(substr(r.levels, i.position, 1) AS INTEGER) AS value
  FROM survey_responses r
  JOIN items i ON i.instrument_id = r.instrument_id
  WHERE substr(r.levels, i.position, 1) <> '0'
    AND r.unit_id IN ({units}) AND r.submitted_at >= :start AND r.submitted_at < :end
    AND r.is_spam = :no AND r.officer_id IS NOT NULL
) a
GROUP BY a.officer_id
"""
FACTOR_SUMS = (
    "SUM(CASE WHEN a.factor = '{f}' AND a.value >= 4 THEN 1 ELSE 0 END) AS {f}_satisfied, "
    "SUM(CASE WHEN a.factor = '{f}' THEN 1 ELSE 0 END) AS {f}_answers"
)


# In the child processes ----------------------------------------------------------------------


def bench_app(url: str):
    from survey_app import create_app

    return create_app({"SURVEY_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url})


def run_vacuum(url: str) -> None:
    from bench.analytics_data import vacuum_analyze

    with bench_app(url).app_context():
        vacuum_analyze()


def run_load(url: str, n: int, year: bool = False) -> None:
    from bench.analytics_data import load

    with bench_app(url).app_context():
        began = time.perf_counter()
        load(n, year=year)
        print(json.dumps({"phase": "load", "seconds": time.perf_counter() - began}))


def run_phase(name: str, url: str, output_dir: Path) -> None:
    """One measurement, in this process; prints a JSON line."""
    import tracemalloc

    from bench.analytics_data import MONTH, PROVINCE
    from survey_app.months import Month
    from survey_app.queries.units import get_unit_by_code

    traced = os.environ.get("BENCH_TRACEMALLOC") == "1"
    with bench_app(url).app_context():
        work = _phase(name, get_unit_by_code(PROVINCE), Month.parse(MONTH), output_dir)
        if traced:
            tracemalloc.start()
        began = time.perf_counter()
        rows = work()
        seconds = time.perf_counter() - began
        peak = tracemalloc.get_traced_memory()[1] / 2**20 if traced else None
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"phase": name, "seconds": seconds, "rows": rows, "maxrss_mb": maxrss,
                      "hwm_mb": _vm_hwm_mb(), "traced_peak_mb": peak}))  # fmt: skip


def _vm_hwm_mb() -> float | None:
    """This process's own peak RSS (Linux); ru_maxrss also counts the parent's before exec."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def _phase(name: str, province, month, output_dir: Path):
    from analytics.dashboard import build_dashboard
    from analytics.evaluation import evaluate_officers
    from analytics.report.export import export_monthly, export_officers
    from survey_app.services.tallies import tally_responses

    if name == "tally":
        return lambda: tally_responses().responses
    if name == "yardstick":
        return lambda: _yardstick(province, month)
    if name == "evaluation-raw":
        from analytics import counting

        counting.tallied_zone = lambda: ""  # the figures read no tallies
        return lambda: len(evaluate_officers(province, month).officers)
    if name == "evaluation":
        return lambda: len(evaluate_officers(province, month).officers)
    if name == "dashboard":
        return lambda: build_dashboard(province, month).figures.responses
    if name in ("xlsx", "pdf", "docx"):
        path = output_dir / f"report.{name}"
        return lambda: export_monthly(province, month, name, path) or path.stat().st_size
    if name.startswith("year-"):
        return _year_report(province, name.removeprefix("year-"), output_dir)
    return lambda: export_officers(province, month, output_dir / "officers.csv")


def _year_report(province, file_format: str, output_dir: Path):
    from analytics.periods import Period
    from analytics.report.export import export_period

    path, year = output_dir / f"year.{file_format}", Period.parse(MONTH_YEAR)
    return lambda: export_period(province, year, file_format, path) or path.stat().st_size


def _yardstick(province, month) -> int:
    from survey_app.core.extensions import db
    from survey_app.models import Factor
    from survey_app.months import survey_zone
    from survey_app.queries.units import list_unit_subtree_ids

    start, end = month.bounds(survey_zone())
    units = ",".join(str(unit_id) for unit_id in list_unit_subtree_ids(province.id))
    factors = ", ".join(FACTOR_SUMS.format(f=factor.value) for factor in Factor)
    query = sa.text(YARDSTICK.format(factors=factors, units=units))
    # Naive UTC, as the UTCDateTime column stores it.
    bounds = {"start": start.replace(tzinfo=None), "end": end.replace(tzinfo=None), "no": False}
    return len(db.session.execute(query, bounds).all())


# In the parent: small, so that the children's ru_maxrss is theirs ------------------------------


def child(arguments: list[str], traced: bool = False) -> dict:
    command = [sys.executable, __file__, *arguments]
    env = os.environ | {"BENCH_TRACEMALLOC": "1" if traced else "0"}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(arguments)} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(name: str, url: str, output_dir: Path, untraced: bool = False) -> dict:
    """The phase in a fresh process: once timed, once under tracemalloc (unless untraced)."""
    arguments = ["--phase", name, "--database-url", url, "--output-dir", str(output_dir)]
    timed = child(arguments)
    if untraced:
        return timed | {"traced_peak_mb": 0.0, "traced_seconds": None}
    traced = child(arguments, traced=True)
    return timed | {"traced_peak_mb": traced["traced_peak_mb"], "traced_seconds": traced["seconds"]}


@contextmanager
def bench_database(url: str | None, keep: bool):
    if url is None or url.startswith("sqlite"):
        with tempfile.TemporaryDirectory() as folder:
            yield url or f"sqlite:///{folder}/bench.db"
        return
    name = make_url(url).database
    server = sa.create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url
    finally:
        if not keep:
            with server.connect() as connection:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def report(results: dict[str, dict], n: int, backend: str, year: bool = False) -> None:
    span = "the year 2026" if year else "one month"
    print(f"\n{backend}: {n:,} responses in {span}, 400 officers, 40 units "
          "(2 cores shared with other work: see the load average)")  # fmt: skip
    print(f"{'measurement':15} {'seconds':>8} {'peak RSS MB':>12} {'ru_maxrss MB':>13} "
          f"{'tracemalloc MB':>15}")  # fmt: skip
    for name, found in results.items():
        print(f"{name:15} {found['seconds']:8.2f} {found['hwm_mb'] or 0:12.0f} "
              f"{found['maxrss_mb']:13.0f} {found['traced_peak_mb']:15.1f}")  # fmt: skip
    for name in ("evaluation", "evaluation-raw"):
        if "yardstick" in results and name in results:
            ratio = results[name]["seconds"] / results["yardstick"]["seconds"]
            print(f"{name} / yardstick = {ratio:.2f} (goal: at most 3)")
    print(f"load average: {' '.join(f'{load:.1f}' for load in os.getloadavg())}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="responses in the month")
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--phases", help="comma-separated (default: all of the mode)")
    parser.add_argument("--keep", action="store_true", help="keep a PostgreSQL bench database")
    parser.add_argument("--skip-load", action="store_true", help="measure a database loaded before")
    parser.add_argument("--year", action="store_true", help="a year of data; the year reports")
    parser.add_argument("--untraced", action="store_true", help="skip the tracemalloc runs")

    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--output-dir", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.phase == "vacuum":
        return run_vacuum(arguments.database_url)
    if arguments.phase == "load":
        return run_load(arguments.database_url, arguments.n, arguments.year)
    if arguments.phase:
        return run_phase(arguments.phase, arguments.database_url, Path(arguments.output_dir))
    phases = (
        (YEAR_PHASES if arguments.year else PHASES)
        if arguments.phases is None
        else (arguments.phases.split(","))
    )
    if arguments.skip_load:
        return measure_all(
            arguments.database_url, phases, arguments.n, arguments.year, arguments.untraced
        )
    with bench_database(arguments.database_url, arguments.keep) as url:
        load = ["--phase", "load", "--database-url", url, "--n", str(arguments.n)]
        loaded = child(load + (["--year"] if arguments.year else []))
        print(f"loaded {arguments.n:,} responses in {loaded['seconds']:.0f} s", flush=True)
        measure_all(url, phases, arguments.n, arguments.year, arguments.untraced)


def measure_all(
    url: str, phases: list[str], n: int, year: bool = False, untraced: bool = False
) -> None:
    results = {}
    with tempfile.TemporaryDirectory() as output_dir:
        for name in phases:
            results[name] = measure(name, url, Path(output_dir), untraced)
            if name == "tally":  # a million rows changed: what autovacuum would do next
                subprocess.run(
                    [sys.executable, __file__, "--phase", "vacuum", "--database-url", url],
                    check=True,
                )
            print(json.dumps(results[name]), flush=True)  # progress, in case of a long run
    report(results, n, make_url(url).get_backend_name(), year)


if __name__ == "__main__":
    main()
